//! What the page's time views need that one snapshot does not hold: the
//! recent past of the run, as a bounded window.
//!
//! - every message that reached its end (delivered or lost), with its send
//!   and end times, for the space-time diagram (messages still in the air
//!   are in [`crate::network::Network::in_flight`]);
//! - each node's role changes, commits and the user's actions, for the
//!   lanes of that diagram;
//! - each client operation's invocation, attempts and end, for the client
//!   history panel (with the [`OpId`] the linearizability checker names).
//!
//! The window is a [`Ring`]: full chunks are shared between clones (a
//! checkpoint or a snapshot copies pointers, not records), and the oldest
//! chunk goes once a ring holds its maximum, so memory does not grow with
//! the run ("put a limit on everything"). Records are pushed in time
//! order, so a reader can cut the window by time.

use raftlab_core::{LogIndex, Micros, NodeId, Role, Term};

use crate::action::Action;
use crate::kv::{ClientId, KvOp, KvResult};
use crate::linearizability::OpId;
pub use crate::network::{Fate, MessageRecord};
pub use crate::ring::{Ring, RING_CHUNK};

/// Ended messages kept. Only the live world and the snapshots (which
/// share its chunks) hold a window: checkpoints drop theirs, and a seek
/// replays enough to rebuild it (`Timeline::seek`).
pub use crate::network::MAX_MESSAGE_RECORDS;
/// Role changes, commits and actions kept.
pub const MAX_LANE_RECORDS: usize = 1_024;
/// Client operation events kept (invocations, attempts and ends).
pub const MAX_OP_RECORDS: usize = 2_048;

/// Something that happened to one node's lane, or to the whole cluster.
#[derive(Clone, Debug, PartialEq)]
pub enum LaneKind {
    /// The node took a new role in `term` (paper §5.2, Figure 4).
    Role {
        /// The new role.
        role: Role,
        /// Its term.
        term: Term,
    },
    /// A leader's commit index advanced (paper §5.3).
    Commit {
        /// The new commit index.
        index: LogIndex,
    },
    /// The user did this (crash, partition, request...).
    Action(Action),
}

/// A lane event with its time.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneRecord {
    /// Virtual time.
    pub at: Micros,
    /// The node it happened on (`None`: an action on no single node).
    pub node: Option<NodeId>,
    /// What.
    pub kind: LaneKind,
}

/// A step of one client operation's life.
#[derive(Clone, Debug, PartialEq)]
pub enum OpStep {
    /// The client invoked it (its first send follows at once).
    Invoke(KvOp),
    /// The client sent an attempt to a node (attempt 1 is the first).
    Attempt {
        /// The node tried.
        node: NodeId,
        /// Attempt number, from 1.
        attempt: u32,
    },
    /// The client received an answer.
    Return(KvResult),
    /// The client gave up: the outcome is unknown.
    GaveUp,
}

/// One step of one operation, with the checker's id for it.
#[derive(Clone, Debug, PartialEq)]
pub struct OpRecord {
    /// Virtual time.
    pub at: Micros,
    /// The client.
    pub client: ClientId,
    /// The operation's id in the linearizability history.
    pub id: OpId,
    /// What happened.
    pub step: OpStep,
}

/// The recent past, for the space-time diagram and the client history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recording {
    /// Messages that ended, in end order.
    pub messages: Ring<MessageRecord, MAX_MESSAGE_RECORDS>,
    /// Role changes, commits and actions, in time order.
    pub lanes: Ring<LaneRecord, MAX_LANE_RECORDS>,
    /// Client operation steps, in time order.
    pub ops: Ring<OpRecord, MAX_OP_RECORDS>,
}

impl Recording {
    /// Bytes one clone of this recording allocates: the unshared tails
    /// (their records at full size plus 32 bytes each, strings included; a
    /// clone copies a tail's records, not its spare capacity) and a
    /// pointer per shared chunk. The whole window is the live world's alone: a
    /// checkpoint drops it (`Timeline`), so it costs the budget nothing.
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        let op_heap: usize = self
            .ops
            .tail()
            .iter()
            .map(|o| match &o.step {
                OpStep::Invoke(op) => op_strings(op),
                OpStep::Return(KvResult::Value(v)) => 24 + v.len(),
                OpStep::Return(KvResult::Error(_)) => 48,
                _ => 0,
            })
            .sum();
        let chunks = self.messages.shape().0 + self.lanes.shape().0 + self.ops.shape().0;
        self.messages.tail().len() * (size_of::<MessageRecord>() + 32)
            + self.lanes.tail().len() * (size_of::<LaneRecord>() + 32)
            + self.ops.tail().len() * (size_of::<OpRecord>() + 32)
            + op_heap
            + chunks * 16
    }
}

/// The one node an action is done to, whose lane marks it (`None`: the
/// network as a whole, the workload, a message).
pub fn action_node(a: &Action) -> Option<NodeId> {
    match a {
        Action::Crash(n)
        | Action::Restart(n)
        | Action::Pause(n)
        | Action::Resume(n)
        | Action::Campaign(n)
        | Action::TransferLeadership(n)
        | Action::Promote(n)
        | Action::RemoveNode(n)
        | Action::Compact(n)
        | Action::FireTimer(n) => Some(*n),
        Action::Cut { source, .. } | Action::HealLink { source, .. } => Some(*source),
        Action::SetLink { source, .. } => Some(*source),
        Action::ClockSkew { node, .. } => Some(*node),
        Action::ClientRequest { via, .. } => *via,
        Action::AddNode { .. }
        | Action::ChangeMembership { .. }
        | Action::Partition(_)
        | Action::HealAll
        | Action::Hold(_)
        | Action::Release(_)
        | Action::Drop(_)
        | Action::SetNetwork(_)
        | Action::SetWorkload(_)
        | Action::SetSwitches(_)
        | Action::HandDelivery(_)
        | Action::Deliver(_)
        | Action::Duplicate(_) => None,
    }
}

fn op_strings(op: &KvOp) -> usize {
    match op {
        KvOp::Get { key } => 24 + key.len(),
        KvOp::Put { key, value } | KvOp::Append { key, value } => 48 + key.len() + value.len(),
        KvOp::Cas { key, from, to } => 72 + key.len() + from.len() + to.len(),
    }
}
