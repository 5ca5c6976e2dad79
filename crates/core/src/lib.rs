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
//!
//! ## Where things live
//!
//! | file | job | paper / thesis |
//! |------|-----|----------------|
//! | `raft/mod.rs` | term prelude, role dispatch, role transitions | §5.1 |
//! | `raft/timers.rs` | randomized election timeout, heartbeats, CheckQuorum tick | §5.2 |
//! | `raft/validate.rs` | sanity checks on untrusted messages | — |
//! | `raft/election.rs` | elections, PreVote, CheckQuorum | §5.2, §5.4.1; thesis §9.6, §6.2 |
//! | `raft/replication.rs` | AppendEntries both sides, commitment, flow control | §5.3, §5.4.2 |
//! | `raft/conf.rs` | membership changes on the leader | §6; thesis §4 |
//! | `raft/snapshot.rs` | compaction and InstallSnapshot | §7 |
//! | `raft/read.rs` | ReadIndex and lease reads | thesis §6.4 |
//! | `raft/transfer.rs` | leadership transfer | thesis §3.10 |
//! | `log.rs` | the log, its configurations and what is durable | §5.3 |
//! | `quorum.rs` | pure majority arithmetic (joint too) | §5.3, §6 |
//! | `progress.rs` | the leader's per-follower tracker (Probe/Replicate/Snapshot) | Figure 2 |
//! | `raw_node.rs` | the drive API and read-only accessors | — |
//!
//! Deliberate protocol mutations for teaching are in [`Bugs`]; each is applied at exactly
//! one place in the code (search for `bugs.<name>`).
//!
//! Two details a driver should know: a new node's first `Ready` carries
//! [`Ready::bootstrap`] (the configuration its log builds on) and [`Ready::compacted`]
//! (after [`RawNode::compact`]) must be persisted but not restored — [`Durable::apply`]
//! handles both. A node added after bootstrap learns that base configuration from the
//! leader as an empty `InstallSnapshot` at index 0, which it does not surface as
//! [`Ready::snapshot`].
#![deny(missing_docs)]

mod bugs;
mod config;
mod durable;
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

pub use bugs::{BugSwitch, Bugs, UnknownBug, BUG_SWITCHES};
pub use config::Config;
pub use durable::Durable;
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
pub use storage::{HardState, Snapshot};
