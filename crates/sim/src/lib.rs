//! raftlab-sim: the deterministic world around the Raft core.
//!
//! A [`World`] holds a virtual clock, one event queue, a network with
//! faults, servers running [`raftlab_core::RawNode`] over simulated disks,
//! a replicated key-value store, clients that retry, and live safety and
//! linearizability checkers. Nothing but the seed and the action log
//! decides what happens, so every run can be replayed exactly.
//!
//! ```
//! use raftlab_core::Micros;
//! use raftlab_sim::{World, WorldConfig};
//!
//! let mut world = World::new(WorldConfig::default()).unwrap();
//! world.run_until(Micros::from_ms(2_000));
//! assert!(world.leader().is_some());
//! assert!(world.violation().is_none());
//! ```
#![deny(missing_docs)]

pub mod action;
pub mod chunked;
pub mod client;
pub mod config;
mod error;
pub mod exercise;
pub mod fuzz;
pub mod history_export;
mod ids;
pub mod input_fuzz;
pub mod invariants;
pub mod kv;
mod kv_bytes;
pub mod limits;
pub mod linearizability;
pub mod link;
pub mod network;
pub mod profile;
pub mod queue;
pub mod recorder;
mod ring;
pub mod scenario;
pub mod script;
pub mod sizer;
pub mod snapshot;
mod texts;
pub mod timeline;
pub mod tour;
pub mod trace;
pub mod world;

pub use action::{Action, LoggedAction};
pub use config::{LinkConfig, Switches, WorkloadConfig, WorldConfig};
pub use error::{Refusal, SimError};
pub use invariants::Violation;
pub use link::{LinkError, LinkView, RunLink};
pub use network::MsgId;
pub use snapshot::WorldSnapshot;
pub use timeline::{Marker, MarkerKind, Position, Timeline};
pub use trace::{Trace, TraceError};
pub use world::{NodeStatus, World};
