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

/// A scheduled event's place in the order, and where its payload is, as
/// one number: the time in the high 64 bits, then the event's rank (its
/// place in the insertion order), then the index of its payload in
/// [`EventQueue::slots`] in the low [`EventQueue::slot_bits`]. Ranks are
/// distinct, so keys order as `(time, insertion order)` and the slot never
/// decides. The heap compares one number and moves 16 bytes where a
/// `(time, sequence, slot)` triple moved 24 (popping was 6 % of a run's
/// instructions, callgrind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key(u128);

impl Key {
    fn new(at: Micros, rank: u64, slot: u32, slot_bits: u32) -> Key {
        let low = (rank << slot_bits) | u64::from(slot);
        Key((u128::from(at.0) << 64) | u128::from(low))
    }

    fn at(self) -> Micros {
        Micros((self.0 >> 64) as u64)
    }

    fn rank(self, slot_bits: u32) -> u64 {
        (self.0 as u64) >> slot_bits
    }

    fn slot(self, slot_bits: u32) -> u32 {
        ((self.0 as u64) & ((1 << slot_bits) - 1)) as u32
    }
}

/// Bits of a key for the slot to begin with: 16 million events scheduled at
/// once, and a trillion pushed, before the queue renumbers (see
/// [`EventQueue::renumber`]).
const SLOT_BITS: u32 = 24;

/// A deterministic priority queue of events.
///
/// The heap orders small keys ([`Key`]: time, rank, slot); the payloads
/// wait in `slots`, reused through `free`. A heap of whole events moved 80
/// bytes per level on every push and pop (8 % of a run's instructions,
/// callgrind); the keys are 16.
#[derive(Debug)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Key>>,
    slots: Vec<Option<EventKind>>,
    free: Vec<u32>,
    next_seq: u64,
    /// The next event's rank: the sequence number, until a renumbering.
    next_rank: u64,
    /// Low bits of a key that hold the slot; the rank has the rest.
    slot_bits: u32,
    /// The first rank that does not fit: `1 << (64 - slot_bits)`.
    rank_end: u64,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue::with_slot_bits(SLOT_BITS)
    }
}

/// A clone holds exactly the events scheduled, in fresh slots: a checkpoint
/// costs what [`crate::sizer`] estimates, whatever the queue once held.
impl Clone for EventQueue {
    fn clone(&self) -> Self {
        let bits = self.slot_bits;
        let mut slots = Vec::with_capacity(self.heap.len());
        let keys: Vec<Reverse<Key>> = self
            .heap
            .as_slice()
            .iter()
            .map(|Reverse(k)| {
                let slot = slots.len() as u32;
                slots.push(self.slots[k.slot(bits) as usize].clone());
                Reverse(Key::new(k.at(), k.rank(bits), slot, bits))
            })
            .collect();
        EventQueue {
            heap: BinaryHeap::from(keys),
            slots,
            free: Vec::new(),
            next_seq: self.next_seq,
            next_rank: self.next_rank,
            slot_bits: bits,
            rank_end: self.rank_end,
        }
    }
}

/// The scheduled events as `(time, rank, event)`, in no particular order
/// (the rank is the sequence number unless the queue renumbered), and the
/// next sequence number.
impl Serialize for EventQueue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let events: Vec<(Micros, u64, &EventKind)> = self
            .heap
            .iter()
            .filter_map(|Reverse(k)| {
                self.slots[k.slot(self.slot_bits) as usize]
                    .as_ref()
                    .map(|kind| (k.at(), k.rank(self.slot_bits), kind))
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
    /// An empty queue whose keys keep `slot_bits` for the slot (tests use
    /// a few, to renumber often).
    fn with_slot_bits(slot_bits: u32) -> EventQueue {
        EventQueue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
            next_rank: 0,
            slot_bits,
            rank_end: 1 << (64 - slot_bits),
        }
    }

    /// Schedules `kind` at `at`.
    pub fn push(&mut self, at: Micros, kind: EventKind) {
        self.next_seq += 1;
        if self.next_rank == self.rank_end {
            self.renumber();
        }
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(kind);
                slot
            }
            None => {
                if self.slots.len() as u64 >> self.slot_bits != 0 {
                    // Renumbering leaves room for one more slot.
                    self.renumber();
                }
                self.slots.push(Some(kind));
                (self.slots.len() - 1) as u32
            }
        };
        let rank = self.next_rank;
        self.next_rank += 1;
        self.heap
            .push(Reverse(Key::new(at, rank, slot, self.slot_bits)));
    }

    /// Gives the scheduled events the ranks `0..n` in their order and the
    /// slots `0..n`, and widens the slot's bits if `n + 1` slots do not
    /// fit: the ranks or the slots ran out (after a trillion events, or
    /// with 16 million scheduled at once). The order is kept, so nothing
    /// else changes.
    fn renumber(&mut self) {
        let bits = self.slot_bits;
        let mut keys: Vec<Key> = std::mem::take(&mut self.heap)
            .into_vec()
            .into_iter()
            .map(|Reverse(k)| k)
            .collect();
        keys.sort_unstable();
        let n = keys.len() as u64;
        assert!(n < 1 << 32, "more than 2^32 events scheduled at once");
        while n + 1 > 1 << self.slot_bits {
            self.slot_bits += 1;
        }
        self.rank_end = 1 << (64 - self.slot_bits);
        let mut slots = Vec::with_capacity(keys.len() + 1);
        let renumbered: Vec<Reverse<Key>> = keys
            .iter()
            .enumerate()
            .map(|(rank, k)| {
                slots.push(self.slots[k.slot(bits) as usize].take());
                Reverse(Key::new(k.at(), rank as u64, rank as u32, self.slot_bits))
            })
            .collect();
        self.heap = BinaryHeap::from(renumbered);
        self.slots = slots;
        self.free.clear();
        self.next_rank = n;
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Micros> {
        self.heap.peek().map(|r| r.0.at())
    }

    /// Removes and returns the next event.
    pub fn pop(&mut self) -> Option<(Micros, EventKind)> {
        let Reverse(k) = self.heap.pop()?;
        let slot = k.slot(self.slot_bits);
        let kind = self.slots[slot as usize]
            .take()
            .expect("a scheduled event has its payload");
        self.free.push(slot);
        Some((k.at(), kind))
    }

    /// The next event without removing it.
    pub fn peek(&self) -> Option<(Micros, &EventKind)> {
        let r = self.heap.peek()?;
        let kind = self.slots[r.0.slot(self.slot_bits) as usize]
            .as_ref()
            .expect("a scheduled event has its payload");
        Some((r.0.at(), kind))
    }

    /// Keeps only the events `keep` accepts (hand-driven delivery drops
    /// the timers and arrivals it takes over).
    pub fn retain(&mut self, mut keep: impl FnMut(&EventKind) -> bool) {
        let (slots, free, bits) = (&mut self.slots, &mut self.free, self.slot_bits);
        self.heap.retain(|r| {
            let slot = r.0.slot(bits);
            let kept = slots[slot as usize].as_ref().is_some_and(&mut keep);
            if !kept {
                slots[slot as usize] = None;
                free.push(slot);
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

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_core::NodeId;

    fn timer(generation: u64) -> EventKind {
        EventKind::Timer {
            node: NodeId(1),
            generation,
        }
    }

    /// Pops everything, as (time, generation).
    fn drain(q: &mut EventQueue) -> Vec<(u64, u64)> {
        std::iter::from_fn(|| q.pop())
            .map(|(at, kind)| match kind {
                EventKind::Timer { generation, .. } => (at.0, generation),
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    /// Pushes a pseudo-random schedule, popping now and then, into `q`;
    /// returns what it popped, then the rest.
    fn run(mut q: EventQueue) -> Vec<(u64, u64)> {
        let start_rank = q.next_rank;
        let mut out = Vec::new();
        let mut x = 7u64;
        for g in 0..2_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Few distinct times: ties are decided by insertion order.
            q.push(Micros(x >> 61), timer(g));
            if x.is_multiple_of(3) {
                out.extend(q.pop().map(|(at, k)| match k {
                    EventKind::Timer { generation, .. } => (at.0, generation),
                    _ => unreachable!(),
                }));
            }
            if g % 500 == 0 {
                q = q.clone();
            }
            if g == 1_000 && start_rank > 0 {
                assert!(q.next_rank < start_rank, "renumbered");
            }
        }
        out.extend(drain(&mut q));
        out
    }

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = EventQueue::default();
        for (at, g) in [(5, 0), (3, 1), (5, 2), (3, 3), (9, 4)] {
            q.push(Micros(at), timer(g));
        }
        assert_eq!(drain(&mut q), [(3, 1), (3, 3), (5, 0), (5, 2), (9, 4)]);
    }

    #[test]
    fn renumbering_keeps_the_order() {
        let expected = run(EventQueue::default());
        assert_eq!(expected.len(), 2_000);
        // Ranks run out after a few pushes.
        let late = EventQueue {
            next_rank: (1 << (64 - SLOT_BITS)) - 5,
            ..EventQueue::default()
        };
        assert_eq!(run(late), expected);
        // Slots start at 2 bits and widen.
        let mut narrow = EventQueue::with_slot_bits(2);
        for g in 0..100 {
            narrow.push(Micros(100 - g), timer(g));
        }
        assert!(narrow.slot_bits >= 7, "slots widened to hold 100 events");
        assert_eq!(narrow.len(), 100);
        assert_eq!(run(EventQueue::with_slot_bits(2)), expected);
    }
}
