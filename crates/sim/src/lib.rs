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
pub mod fuzz;
pub mod invariants;
pub mod kv;
pub mod linearizability;
pub mod network;
pub mod profile;
pub mod queue;
pub mod scenario;
pub mod script;
pub mod snapshot;
pub mod timeline;
pub mod trace;
pub mod world;

pub use action::{Action, LoggedAction};
pub use config::{LinkConfig, WorkloadConfig, WorldConfig};
pub use invariants::Violation;
pub use network::MsgId;
pub use snapshot::WorldSnapshot;
pub use timeline::{Marker, MarkerKind, Timeline};
pub use trace::{Trace, TraceError};
pub use world::{NodeStatus, World};

use raftlab_core::NodeId;

/// Why the simulator refused something.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// A setting is out of range or inconsistent.
    #[error("invalid settings: {0}")]
    Config(String),
    /// The named node does not exist.
    #[error("there is no node {0}")]
    NoSuchNode(NodeId),
    /// The action needs a leader and there is none right now.
    #[error("there is no leader right now; try again once one is elected")]
    NoLeader,
    /// The action makes no sense in the current state.
    #[error("{0}")]
    Invalid(String),
}
