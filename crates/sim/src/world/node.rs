//! One server's process state around its Raft core, as data: its status,
//! its disk, its state machine, and the inputs waiting for it. The code that
//! drives it is in `host.rs`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raftlab_core::{Durable, LogIndex, Message, Micros, NodeId, RawNode, Ready};
use serde::{Deserialize, Serialize};

use crate::kv::{ClientId, KvOp, KvStore, LogCommand};

/// Whether a node's process is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeStatus {
    /// Running.
    Up,
    /// Crashed: only its disk survives.
    Crashed,
    /// Frozen: timers stopped, input queued.
    Paused,
}

/// An input a node could not take yet (paused, or blocked on a write).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(in crate::world) enum Deferred {
    Message(Message<LogCommand>),
    Client { client: ClientId, seq: u64 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(in crate::world) struct PendingRead {
    pub(in crate::world) client: ClientId,
    pub(in crate::world) seq: u64,
    pub(in crate::world) op: KvOp,
    pub(in crate::world) index: Option<LogIndex>,
}

/// One server: the Raft core, its disk, its state machine, its process state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeHost {
    /// The node's id.
    pub id: NodeId,
    /// The Raft core; `None` while crashed.
    pub raft: Option<RawNode<LogCommand>>,
    /// What survives a crash.
    pub durable: Durable<LogCommand>,
    /// The replicated key-value store (volatile; rebuilt from the log).
    pub kv: KvStore,
    /// Process state.
    pub status: NodeStatus,
    /// Times this node has been (re)started.
    pub incarnation: u64,
    /// This node's clock minus the true time (see [`crate::Action::ClockSkew`]).
    #[serde(default)]
    pub clock_offset_us: i64,
    pub(in crate::world) inbox: VecDeque<Deferred>,
    pub(in crate::world) pending_write: Option<Ready<LogCommand>>,
    pub(in crate::world) write_generation: u64,
    pub(in crate::world) timer_generation: u64,
    pub(in crate::world) timer_at: Option<Micros>,
    pub(in crate::world) waiting_writes: BTreeSet<(ClientId, u64)>,
    pub(in crate::world) pending_reads: BTreeMap<u64, PendingRead>,
}

impl NodeHost {
    /// Lets the core see the time on this node's own clock, if its process
    /// can run: up, and not blocked on a disk write (the core is only stepped
    /// between writes, §5.1's persist-before-respond). Returns whether it ran.
    pub(in crate::world) fn tick_if_runnable(&mut self, now: Micros) -> bool {
        if self.status != NodeStatus::Up || self.pending_write.is_some() {
            return false;
        }
        let local = skewed(now, self.clock_offset_us);
        if let Some(r) = self.raft.as_mut() {
            r.tick(local);
        }
        true
    }

    /// True while a durable write is in progress.
    pub fn is_writing(&self) -> bool {
        self.pending_write.is_some()
    }

    /// Inputs waiting for the node (paused or writing).
    pub fn queued_inputs(&self) -> usize {
        self.inbox.len()
    }
}

/// `t` shifted by `offset_us`, saturating at zero.
pub(in crate::world) fn skewed(t: Micros, offset_us: i64) -> Micros {
    Micros(t.0.saturating_add_signed(offset_us))
}
