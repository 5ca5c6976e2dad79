//! # raftlab-core: Raft as a pure, deterministic state machine
//!
//! Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", and
//! Ongaro's thesis) with PreVote, CheckQuorum, leadership transfer, joint consensus and
//! single-server membership changes, learners, log compaction, ReadIndex and lease reads.
//!
//! The core does no I/O, reads no clock and draws no OS randomness: time arrives as an
//! argument, randomness from a seeded [`DetRng`], and every effect leaves as data in a
//! [`Ready`]. Same seed and inputs, same outputs — on native and wasm32 alike.
//!
//! The drive loop (etcd's `RawNode` contract):
//!
//! ```
//! use raftlab_core::*;
//! let (id, now) = (NodeId(1), Micros::ZERO);
//! let mut node = RawNode::<String>::new(id, Config::default(), Membership::voters([id]), DetRng::new(7), now).unwrap();
//! let mut disk = Durable::new();
//! let deadline = node.next_deadline().unwrap();
//! node.tick(deadline); // the election timeout fires; a lone voter wins at once
//! while node.has_ready() {
//!     let rd = node.ready();
//!     disk.apply(&rd); // 1. persist
//!     for _m in &rd.messages { /* 2. send */ }
//!     for _e in &rd.committed_entries { /* 3. apply to the state machine */ }
//!     node.advance(&rd); // 4. acknowledge: the leader now counts its own persisted entries
//! }
//! assert_eq!(node.role(), Role::Leader);
//! ```
//!
//! Messages from the network go in through [`RawNode::step`], client requests through
//! [`RawNode::propose`], [`RawNode::read_index`] and friends.
#![deny(missing_docs)]

mod config;
mod entry;
mod errors;
mod events;
mod ids;
mod log;
mod membership;
mod message;
mod progress;
pub mod quorum;
mod raft;
mod raw_node;
mod ready;
mod rng;
mod role;
mod stats;
mod storage;

pub use config::{Bugs, Config};
pub use entry::{Command, Entry, EntryPayload};
pub use errors::{CompactError, ConfigError, ProposeError, StepError};
pub use events::{Event, RejectReason, StepDownReason, VoteDenyReason};
pub use ids::{LogIndex, Micros, NodeId, Term};
pub use log::RaftLog;
pub use membership::{ConfChange, Membership};
pub use message::{ConflictHint, Message, MessageBody, MessageKind};
pub use progress::{Progress, ProgressState};
pub use raw_node::{RawNode, Timers};
pub use ready::{ReadState, Ready};
pub use rng::DetRng;
pub use role::Role;
pub use stats::{KindCounts, Stats};
pub use storage::{Durable, HardState, Snapshot};
