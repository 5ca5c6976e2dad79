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

use std::collections::VecDeque;
use std::sync::Arc;

use raftlab_core::{LogIndex, MessageKind, Micros, NodeId, Role, Term};

use crate::action::Action;
use crate::kv::{ClientId, KvOp, KvResult};
use crate::linearizability::OpId;
use crate::network::{DropReason, MsgId};

/// Records per shared chunk: a clone copies at most this many.
pub const RING_CHUNK: usize = 64;
/// Ended messages kept (tens of seconds of a five-node cluster). Only the
/// live world and the snapshots (which share its chunks) hold a window:
/// checkpoints drop theirs, and a seek replays enough to rebuild it
/// (`Timeline::seek`).
pub const MAX_MESSAGE_RECORDS: usize = 4_096;
/// Role changes, commits and actions kept.
pub const MAX_LANE_RECORDS: usize = 1_024;
/// Client operation events kept (invocations, attempts and ends).
pub const MAX_OP_RECORDS: usize = 2_048;

/// An append-only window of the newest `MAX` records (rounded up to whole
/// chunks), whose clones share every full chunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Ring<T, const MAX: usize> {
    full: VecDeque<Arc<Vec<T>>>,
    tail: Vec<T>,
    forgotten: u64,
}

impl<T, const MAX: usize> Default for Ring<T, MAX> {
    fn default() -> Self {
        Ring {
            full: VecDeque::new(),
            tail: Vec::new(),
            forgotten: 0,
        }
    }
}

impl<T: Clone, const MAX: usize> Ring<T, MAX> {
    /// Appends a record; past `MAX`, the oldest chunk goes.
    pub fn push(&mut self, item: T) {
        self.tail.push(item);
        if self.tail.len() == RING_CHUNK {
            let chunk = std::mem::replace(&mut self.tail, Vec::with_capacity(RING_CHUNK));
            self.full.push_back(Arc::new(chunk));
            while self.full.len() * RING_CHUNK > MAX {
                self.full.pop_front();
                self.forgotten += RING_CHUNK as u64;
            }
        }
    }

    /// The records kept, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.full
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }

    /// Records kept.
    pub fn len(&self) -> usize {
        self.full.len() * RING_CHUNK + self.tail.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records pushed and since forgotten (the window's start).
    pub fn forgotten(&self) -> u64 {
        self.forgotten
    }

    /// Full chunks (shared between clones) and records in the unshared tail.
    pub fn shape(&self) -> (usize, usize) {
        (self.full.len(), self.tail.len())
    }
}

/// How a message's flight ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It reached the receiver's host.
    Delivered,
    /// It was lost, and why.
    Dropped(DropReason),
}

/// One message from send to end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    /// This copy's id (a duplicate has its own).
    pub id: MsgId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind (drawn as on the cluster drawing).
    pub kind: MessageKind,
    /// The sender's term.
    pub term: Term,
    /// A response's verdict (vote granted, append accepted).
    pub ok: Option<bool>,
    /// Entries carried by an AppendEntries.
    pub entries: u32,
    /// When it left the sender (moved later by the time it was held).
    pub sent_at: Micros,
    /// When it arrived or vanished.
    pub ended_at: Micros,
    /// Delivered or lost.
    pub fate: Fate,
}

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
    /// (their records at full size, strings included) and a pointer per
    /// shared chunk. The whole window is the live world's alone: a
    /// checkpoint drops it (`Timeline`), so it costs the budget nothing.
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        let op_heap: usize = self
            .ops
            .tail
            .iter()
            .map(|o| match &o.step {
                OpStep::Invoke(op) => op_strings(op),
                OpStep::Return(KvResult::Value(v)) => 24 + v.len(),
                OpStep::Return(KvResult::Error(_)) => 48,
                _ => 0,
            })
            .sum();
        let chunks = self.messages.full.len() + self.lanes.full.len() + self.ops.full.len();
        RING_CHUNK
            * (size_of::<MessageRecord>() + size_of::<LaneRecord>() + 32 + size_of::<OpRecord>())
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
        | Action::Compact(n) => Some(*n),
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
        | Action::SetWorkload(_) => None,
    }
}

fn op_strings(op: &KvOp) -> usize {
    match op {
        KvOp::Get { key } => 24 + key.len(),
        KvOp::Put { key, value } | KvOp::Append { key, value } => 48 + key.len() + value.len(),
        KvOp::Cas { key, from, to } => 72 + key.len() + from.len() + to.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_newest_whole_chunks_and_clones_share_them() {
        let mut r: Ring<u32, 256> = Ring::default();
        for i in 0..1_000u32 {
            r.push(i);
        }
        // 256 in four full chunks, plus the unshared tail.
        assert_eq!(r.shape(), (4, 1_000 % RING_CHUNK));
        assert_eq!(r.len(), 256 + 1_000 % RING_CHUNK);
        assert_eq!(r.forgotten() as usize + r.len(), 1_000);
        let v: Vec<u32> = r.iter().copied().collect();
        assert_eq!(v.first(), Some(&(r.forgotten() as u32)));
        assert_eq!(v.last(), Some(&999));
        assert!(v.windows(2).all(|w| w[1] == w[0] + 1));
        let c = r.clone();
        assert!(Arc::ptr_eq(&c.full[0], &r.full[0]));
    }
}
