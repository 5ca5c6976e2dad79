//! The one event queue. Order is `(time, insertion sequence)`, so two
//! events at the same microsecond always run in the order they were
//! scheduled: nothing but the seed and the action log decides a run.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use raftlab_core::{Micros, NodeId};
use serde::{Deserialize, Serialize};

use crate::client::ClientReply;
use crate::ids::MsgId;
use crate::kv::ClientId;

/// Something that happens at a point in virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    /// A message reaches its receiver (or vanishes).
    Deliver(MsgId),
    /// A node's earliest timer is due. `generation` filters stale wake-ups.
    Timer {
        /// The node.
        node: NodeId,
        /// Must match the node's current timer generation.
        generation: u64,
    },
    /// A node's durable write completes.
    DiskDone {
        /// The node.
        node: NodeId,
        /// Must match the node's current write generation.
        generation: u64,
    },
    /// A client's request reaches a node.
    ClientArrive {
        /// The client.
        client: ClientId,
        /// The node asked.
        node: NodeId,
        /// The client's operation sequence number.
        seq: u64,
    },
    /// A node's answer reaches a client.
    ClientReply {
        /// The client.
        client: ClientId,
        /// What the node answered.
        reply: ClientReply,
    },
    /// A client's attempt timed out.
    ClientTimeout {
        /// The client.
        client: ClientId,
        /// The sequence number of the operation.
        seq: u64,
        /// Which attempt timed out.
        attempt: u32,
    },
    /// A workload client issues its next operation.
    ClientNext {
        /// The client.
        client: ClientId,
        /// Must match the client's generation (workload changes cancel).
        generation: u64,
    },
    /// A client tries again after a refusal without a leader hint.
    ClientRetry {
        /// The client.
        client: ClientId,
        /// The operation.
        seq: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Scheduled {
    at: Micros,
    seq: u64,
    kind: EventKind,
}

impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// A deterministic priority queue of events.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Scheduled>>,
    next_seq: u64,
}

impl PartialEq for EventQueue {
    fn eq(&self, other: &Self) -> bool {
        self.next_seq == other.next_seq && self.heap.len() == other.heap.len()
    }
}

impl EventQueue {
    /// Schedules `kind` at `at`.
    pub fn push(&mut self, at: Micros, kind: EventKind) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Scheduled { at, seq, kind }));
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Micros> {
        self.heap.peek().map(|r| r.0.at)
    }

    /// Removes and returns the next event.
    pub fn pop(&mut self) -> Option<(Micros, EventKind)> {
        self.heap.pop().map(|r| (r.0.at, r.0.kind))
    }

    /// The next event without removing it.
    pub fn peek(&self) -> Option<(Micros, &EventKind)> {
        self.heap.peek().map(|r| (r.0.at, &r.0.kind))
    }

    /// Keeps only the events `keep` accepts (hand-driven delivery drops
    /// the timers and arrivals it takes over).
    pub fn retain(&mut self, mut keep: impl FnMut(&EventKind) -> bool) {
        self.heap.retain(|r| keep(&r.0.kind));
    }

    /// Number of scheduled events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True if nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
