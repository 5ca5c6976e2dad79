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

/// A scheduled event's place in the order, and where its payload is.
#[derive(Clone, Copy, Debug)]
struct Key {
    at: Micros,
    seq: u64,
    /// Index of the payload in [`EventQueue::slots`].
    slot: u32,
}

impl Key {
    /// `(time, insertion sequence)` as one number, so the heap compares
    /// once where the tuple compared field by field, with a branch each:
    /// popping was 6 % of a run's instructions (callgrind).
    fn order(&self) -> u128 {
        (u128::from(self.at.0) << 64) | u128::from(self.seq)
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.order() == other.order()
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
    fn lt(&self, other: &Self) -> bool {
        self.order() < other.order()
    }
    fn le(&self, other: &Self) -> bool {
        self.order() <= other.order()
    }
    fn gt(&self, other: &Self) -> bool {
        self.order() > other.order()
    }
    fn ge(&self, other: &Self) -> bool {
        self.order() >= other.order()
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order().cmp(&other.order())
    }
}

/// A deterministic priority queue of events.
///
/// The heap orders small keys (time, sequence, slot); the payloads wait in
/// `slots`, reused through `free`. A heap of whole events moved 80 bytes
/// per level on every push and pop (8 % of a run's instructions,
/// callgrind); the keys are 24.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Key>>,
    slots: Vec<Option<EventKind>>,
    free: Vec<u32>,
    next_seq: u64,
}

/// A clone holds exactly the events scheduled, in fresh slots: a checkpoint
/// costs what [`crate::sizer`] estimates, whatever the queue once held.
impl Clone for EventQueue {
    fn clone(&self) -> Self {
        let mut slots = Vec::with_capacity(self.heap.len());
        let keys: Vec<Reverse<Key>> = self
            .heap
            .as_slice()
            .iter()
            .map(|Reverse(k)| {
                let slot = slots.len() as u32;
                slots.push(self.slots[k.slot as usize].clone());
                Reverse(Key { slot, ..*k })
            })
            .collect();
        EventQueue {
            heap: BinaryHeap::from(keys),
            slots,
            free: Vec::new(),
            next_seq: self.next_seq,
        }
    }
}

/// The scheduled events as `(time, sequence, event)`, in no particular
/// order, and the next sequence number.
impl Serialize for EventQueue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let events: Vec<(Micros, u64, &EventKind)> = self
            .heap
            .iter()
            .filter_map(|Reverse(k)| {
                self.slots[k.slot as usize]
                    .as_ref()
                    .map(|kind| (k.at, k.seq, kind))
            })
            .collect();
        let mut st = s.serialize_struct("EventQueue", 2)?;
        st.serialize_field("heap", &events)?;
        st.serialize_field("next_seq", &self.next_seq)?;
        st.end()
    }
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
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(kind);
                slot
            }
            None => {
                self.slots.push(Some(kind));
                (self.slots.len() - 1) as u32
            }
        };
        self.heap.push(Reverse(Key { at, seq, slot }));
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Micros> {
        self.heap.peek().map(|r| r.0.at)
    }

    /// Removes and returns the next event.
    pub fn pop(&mut self) -> Option<(Micros, EventKind)> {
        let Reverse(k) = self.heap.pop()?;
        let kind = self.slots[k.slot as usize]
            .take()
            .expect("a scheduled event has its payload");
        self.free.push(k.slot);
        Some((k.at, kind))
    }

    /// The next event without removing it.
    pub fn peek(&self) -> Option<(Micros, &EventKind)> {
        let r = self.heap.peek()?;
        let kind = self.slots[r.0.slot as usize]
            .as_ref()
            .expect("a scheduled event has its payload");
        Some((r.0.at, kind))
    }

    /// Keeps only the events `keep` accepts (hand-driven delivery drops
    /// the timers and arrivals it takes over).
    pub fn retain(&mut self, mut keep: impl FnMut(&EventKind) -> bool) {
        let (slots, free) = (&mut self.slots, &mut self.free);
        self.heap.retain(|r| {
            let slot = r.0.slot as usize;
            let kept = slots[slot].as_ref().is_some_and(&mut keep);
            if !kept {
                slots[slot] = None;
                free.push(r.0.slot);
            }
            kept
        });
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
