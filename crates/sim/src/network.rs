//! The simulated network: per-link latency, loss, duplication and
//! reordering; partitions and one-way cuts; and the messages in flight,
//! which the user can inspect, hold, release or drop.
//!
//! Fates are decided when a message is sent (from the world's seeded RNG),
//! so the same seed and action log always give the same deliveries. A cut
//! is checked twice: at send time and again on arrival, so a partition
//! drawn while a message is in the air still stops it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raftlab_core::{DetRng, Message, MessageKind, Micros, NodeId, Term};
use serde::{Deserialize, Serialize};

use crate::config::LinkConfig;
use crate::kv::LogCommand;
use crate::ring::Ring;

/// Ended messages the network keeps for the space-time diagram (tens of
/// seconds of a five-node cluster; see `recorder.rs`).
pub const MAX_MESSAGE_RECORDS: usize = 4_096;

pub use crate::ids::MsgId;

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DropReason {
    /// Random loss (the link's drop rate).
    Lost,
    /// The link was cut (partition or one-way cut).
    LinkCut,
    /// The receiver was crashed when it arrived.
    ReceiverDown,
    /// The user dropped it by hand.
    ByUser,
    /// Addressed to a node that does not exist.
    NoSuchNode,
}

/// Short English text for the CLI and transcripts; the page words it in `words.rs`.
impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DropReason::Lost => "lost by the network",
            DropReason::LinkCut => "link cut",
            DropReason::ReceiverDown => "receiver crashed",
            DropReason::ByUser => "dropped by you",
            DropReason::NoSuchNode => "no such node",
        })
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

/// A message on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InFlight {
    /// This copy's id.
    pub id: MsgId,
    /// The Raft message itself.
    pub msg: Message<LogCommand>,
    /// When it left the sender.
    pub sent_at: Micros,
    /// When it reaches (or, if doomed, vanishes at) the receiver.
    pub deliver_at: Micros,
    /// `Some` if the network already decided to lose it; it still flies to
    /// the half-way point so the user sees it vanish.
    pub doomed: Option<DropReason>,
    /// Held by the user since this time: frozen in place until released
    /// or dropped.
    pub held_at: Option<Micros>,
    /// Set on the second copy of a duplicated message.
    pub duplicate_of: Option<MsgId>,
}

/// The messages in the air, in id order (the order they were sent): a map
/// from [`MsgId`] to [`InFlight`] kept as a sorted deque. Ids only grow, so
/// a send appends at the back, and messages mostly arrive oldest first, so
/// a removal shifts few entries; a `BTreeMap` moved its 200-byte values
/// around its nodes on every send and arrival (12 % of a run's
/// instructions, callgrind).
#[derive(Clone, Default, PartialEq)]
pub struct InFlightMap {
    entries: VecDeque<InFlight>,
}

/// `map[&id]`, as on the `BTreeMap` this replaced: panics when the message
/// is not in the air (use [`InFlightMap::get`] where it may not be).
impl std::ops::Index<&MsgId> for InFlightMap {
    type Output = InFlight;

    fn index(&self, id: &MsgId) -> &InFlight {
        self.get(id).expect("no message in flight with this id")
    }
}

impl InFlightMap {
    /// Adds a message sent now. Its id must be above every id in the map.
    pub fn insert(&mut self, id: MsgId, flight: InFlight) {
        debug_assert_eq!(id, flight.id);
        assert!(
            self.entries.back().is_none_or(|f| f.id < id),
            "message ids only grow"
        );
        self.entries.push_back(flight);
    }

    /// Where the message with this id stands in the map, if it is in the
    /// air: found once, then used by [`InFlightMap::at`] and
    /// [`InFlightMap::remove_at`] (an arrival looked it up three times, 2 %
    /// of a run's instructions, callgrind).
    #[inline]
    pub fn position(&self, id: &MsgId) -> Option<usize> {
        // Most arrivals are of the oldest message in the air.
        if self.entries.front().is_some_and(|f| f.id == *id) {
            return Some(0);
        }
        let (front, back) = self.entries.as_slices();
        match front.binary_search_by_key(id, |f| f.id) {
            Ok(i) => Some(i),
            Err(i) if i < front.len() => None,
            Err(_) => back
                .binary_search_by_key(id, |f| f.id)
                .ok()
                .map(|i| i + front.len()),
        }
    }

    /// The message with this id, if it is in the air.
    pub fn get(&self, id: &MsgId) -> Option<&InFlight> {
        self.position(id).map(|i| &self.entries[i])
    }

    /// The message with this id, to change it in place.
    pub fn get_mut(&mut self, id: &MsgId) -> Option<&mut InFlight> {
        self.position(id).map(|i| &mut self.entries[i])
    }

    /// Takes the message with this id off the wire.
    pub fn remove(&mut self, id: &MsgId) -> Option<InFlight> {
        let i = self.position(id)?;
        self.entries.remove(i)
    }

    /// The message at `i` (a [`InFlightMap::position`]).
    #[inline]
    pub fn at(&self, i: usize) -> &InFlight {
        &self.entries[i]
    }

    /// Takes the message at `i` (a [`InFlightMap::position`]) off the wire.
    #[inline]
    pub fn remove_at(&mut self, i: usize) -> InFlight {
        self.entries.remove(i).expect("a position in the map")
    }

    /// Messages in the air.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if nothing is in the air.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The ids in the air, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &MsgId> + ExactSizeIterator + '_ {
        self.entries.iter().map(|f| &f.id)
    }

    /// The messages in the air, in id order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &InFlight> + ExactSizeIterator + '_ {
        self.entries.iter()
    }

    /// `(id, message)` pairs, in id order.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = (&MsgId, &InFlight)> + ExactSizeIterator + '_ {
        self.entries.iter().map(|f| (&f.id, f))
    }
}

/// Printed as the map it is.
impl std::fmt::Debug for InFlightMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Serialized as the map it is (id → message).
impl Serialize for InFlightMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for InFlightMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<MsgId, InFlight>::deserialize(d)?;
        if let Some((id, f)) = map.iter().find(|(id, f)| **id != f.id) {
            return Err(serde::de::Error::custom(format!(
                "message {id} in flight carries id {}",
                f.id
            )));
        }
        Ok(InFlightMap {
            entries: map.into_values().collect(),
        })
    }
}

/// A recently lost message, kept briefly so the page can animate it vanishing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dropped {
    /// The message as it was in flight.
    pub flight: InFlight,
    /// When it vanished.
    pub dropped_at: Micros,
    /// Why.
    pub reason: DropReason,
}

/// How many recent drops the world remembers for animation.
const RECENT_DROPS_MAX: usize = 64;

/// The network's state. Cloned into every checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Default behaviour of every link.
    pub default: LinkConfig,
    /// Per directed link `(source, target)` overrides.
    pub overrides: BTreeMap<(NodeId, NodeId), LinkConfig>,
    /// Directed cuts made by hand (`source -> target`).
    pub cuts: BTreeSet<(NodeId, NodeId)>,
    /// Partition groups; nodes not named share one extra group.
    pub partition: Option<Vec<BTreeSet<NodeId>>>,
    /// Messages in the air, by id.
    pub in_flight: InFlightMap,
    /// Recently lost messages (bounded).
    pub recent_drops: VecDeque<Dropped>,
    /// Last scheduled arrival per link, to keep FIFO links in order.
    last_arrival: BTreeMap<(NodeId, NodeId), Micros>,
    next_id: u64,
    /// Counters.
    pub stats: NetworkStats,
    /// The newest messages that ended (delivered or lost), for the
    /// space-time diagram; bounded, shared between clones.
    #[serde(skip)]
    pub ended: Ring<MessageRecord, MAX_MESSAGE_RECORDS>,
}

/// Network counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkStats {
    /// Messages handed to the network.
    pub sent: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Messages lost for any reason.
    pub dropped: u64,
    /// Extra copies created.
    pub duplicated: u64,
}

impl Network {
    /// A fully connected network with the given default link behaviour.
    pub fn new(default: LinkConfig) -> Self {
        Network {
            default,
            overrides: BTreeMap::new(),
            cuts: BTreeSet::new(),
            partition: None,
            in_flight: InFlightMap::default(),
            recent_drops: VecDeque::new(),
            last_arrival: BTreeMap::new(),
            next_id: 1,
            stats: NetworkStats::default(),
            ended: Ring::default(),
        }
    }

    /// The behaviour of one directed link.
    pub fn link(&self, source: NodeId, target: NodeId) -> &LinkConfig {
        self.overrides
            .get(&(source, target))
            .unwrap_or(&self.default)
    }

    /// Heals one direction of one link. Inside a partition that heals
    /// nothing else: the partition becomes explicit one-way cuts between its
    /// groups (over the nodes `ids`), less this one.
    pub fn heal_link(&mut self, source: NodeId, target: NodeId, ids: &[NodeId]) {
        self.cuts.remove(&(source, target));
        if !self.is_cut(source, target) {
            return;
        }
        if let Some(groups) = self.partition.take() {
            let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
            for &a in ids {
                for &b in ids {
                    if a != b && group_of(a) != group_of(b) {
                        self.cuts.insert((a, b));
                    }
                }
            }
            self.cuts.remove(&(source, target));
        }
    }

    /// Heals every partition and cut.
    pub fn heal_all(&mut self) {
        self.partition = None;
        self.cuts.clear();
    }

    /// True if messages from `source` cannot currently reach `target`.
    pub fn is_cut(&self, source: NodeId, target: NodeId) -> bool {
        if source == target {
            return false;
        }
        if self.cuts.contains(&(source, target)) {
            return true;
        }
        match &self.partition {
            None => false,
            Some(groups) => {
                let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
                group_of(source) != group_of(target)
            }
        }
    }

    /// Puts a message on the wire and returns the copies created (one or
    /// two) with their arrival times, for the world to schedule (no
    /// allocation: a send is the simulator's most frequent operation).
    pub fn send(
        &mut self,
        now: Micros,
        msg: Message<LogCommand>,
        rng: &mut DetRng,
    ) -> impl Iterator<Item = (MsgId, Micros)> {
        self.stats.sent += 1;
        let link = self.link(msg.from, msg.to).clone();
        let copies = if link.duplicate_rate > 0.0 && rng.gen_bool(link.duplicate_rate) {
            self.stats.duplicated += 1;
            2
        } else {
            1
        };
        let mut out = [None; 2];
        let mut first = None;
        // The last copy takes the message itself; only a duplicate clones it.
        let (from, to) = (msg.from, msg.to);
        let mut msg = Some(msg);
        for copy in 1..=copies {
            let latency = Micros(rng.gen_range(link.latency_min.0..=link.latency_max.0));
            let mut deliver_at = now + latency;
            let key = (from, to);
            if !link.reorder {
                let last = self.last_arrival.entry(key).or_insert(Micros(0));
                if deliver_at < *last {
                    deliver_at = *last;
                }
                *last = deliver_at;
            }
            let doomed = if self.is_cut(from, to) {
                Some(DropReason::LinkCut)
            } else if link.drop_rate > 0.0 && rng.gen_bool(link.drop_rate) {
                Some(DropReason::Lost)
            } else {
                None
            };
            let id = MsgId(self.next_id);
            self.next_id += 1;
            // A doomed message vanishes half-way, where the user can see it go.
            let arrive = match doomed {
                Some(_) => now + Micros(latency.0 / 2),
                None => deliver_at,
            };
            let msg = if copy == copies {
                msg.take()
            } else {
                msg.clone()
            }
            .expect("taken by the last copy only");
            self.in_flight.insert(
                id,
                InFlight {
                    id,
                    msg,
                    sent_at: now,
                    deliver_at: arrive,
                    doomed,
                    held_at: None,
                    duplicate_of: first,
                },
            );
            first.get_or_insert(id);
            out[copy - 1] = Some((id, arrive));
        }
        out.into_iter().flatten()
    }

    /// Takes a message off the wire at its arrival time. Returns the message
    /// if it should be handed to the receiver, or `None` if it was lost (the
    /// loss is recorded). Held messages stay put and return `None`.
    pub fn arrive(&mut self, now: Micros, id: MsgId) -> Option<Message<LogCommand>> {
        let i = self.in_flight.position(&id)?;
        self.arrive_at(now, i)
    }

    /// [`Network::arrive`] for the message at `i`, a position in
    /// [`Network::in_flight`].
    pub fn arrive_at(&mut self, now: Micros, i: usize) -> Option<Message<LogCommand>> {
        let flight = self.in_flight.at(i);
        if flight.held_at.is_some() || flight.deliver_at != now {
            // Held, or rescheduled after a release: a stale wake-up.
            return None;
        }
        let flight = self.in_flight.remove_at(i);
        let reason = flight.doomed.or_else(|| {
            self.is_cut(flight.msg.from, flight.msg.to)
                .then_some(DropReason::LinkCut)
        });
        match reason {
            Some(reason) => {
                self.record_drop(now, flight, reason);
                None
            }
            None => {
                self.stats.delivered += 1;
                self.ended.push(record(&flight, now, Fate::Delivered));
                Some(flight.msg)
            }
        }
    }

    /// Records a loss for the counters and the vanish animation.
    pub fn record_drop(&mut self, now: Micros, flight: InFlight, reason: DropReason) {
        self.stats.dropped += 1;
        self.ended.push(record(&flight, now, Fate::Dropped(reason)));
        if self.recent_drops.len() == RECENT_DROPS_MAX {
            self.recent_drops.pop_front();
        }
        self.recent_drops.push_back(Dropped {
            flight,
            dropped_at: now,
            reason,
        });
    }

    /// Forgets drop records older than `horizon` (they no longer animate).
    pub fn expire_drops(&mut self, horizon: Micros) {
        while self
            .recent_drops
            .front()
            .is_some_and(|d| d.dropped_at < horizon)
        {
            self.recent_drops.pop_front();
        }
    }

    /// Freezes a message in flight. Returns false if it is not in the air.
    pub fn hold(&mut self, now: Micros, id: MsgId) -> bool {
        match self.in_flight.get_mut(&id) {
            Some(f) if f.held_at.is_none() => {
                f.held_at = Some(now);
                true
            }
            _ => false,
        }
    }

    /// Releases a held message: it resumes from where it was frozen, with
    /// the rest of its flight still to go. Returns the new arrival time.
    pub fn release(&mut self, now: Micros, id: MsgId) -> Option<Micros> {
        let f = self.in_flight.get_mut(&id)?;
        let held_at = f.held_at.take()?;
        let paused_for = now.saturating_sub(held_at);
        f.sent_at = f.sent_at + paused_for;
        f.deliver_at = f.deliver_at + paused_for;
        Some(f.deliver_at)
    }

    /// Hand-driven delivery: puts a message on the wire held where it
    /// stands, with no random loss, duplication or latency drawn (the user
    /// decides its fate). Released later, it takes the link's smallest
    /// latency.
    pub fn send_held(&mut self, now: Micros, msg: Message<LogCommand>) -> MsgId {
        self.stats.sent += 1;
        let latency = self.link(msg.from, msg.to).latency_min;
        let id = MsgId(self.next_id);
        self.next_id += 1;
        self.in_flight.insert(
            id,
            InFlight {
                id,
                msg,
                sent_at: now,
                deliver_at: now + latency,
                doomed: None,
                held_at: Some(now),
                duplicate_of: None,
            },
        );
        id
    }

    /// Hand-driven delivery: a second held copy of a held message.
    /// Returns the copy's id, or `None` if `id` is not held.
    pub fn duplicate_held(&mut self, id: MsgId) -> Option<MsgId> {
        let f = self.in_flight.get(&id).filter(|f| f.held_at.is_some())?;
        let copy_id = MsgId(self.next_id);
        let copy = InFlight {
            id: copy_id,
            duplicate_of: Some(id),
            ..f.clone()
        };
        self.next_id += 1;
        self.stats.duplicated += 1;
        self.in_flight.insert(copy_id, copy);
        Some(copy_id)
    }

    /// Hand-driven delivery: takes a held message off the wire to hand it
    /// to its receiver now. A cut link loses it instead (recorded), as on
    /// arrival. `Err(())` if `id` is not held.
    #[allow(clippy::result_unit_err)]
    pub fn take_held(&mut self, now: Micros, id: MsgId) -> Result<Option<Message<LogCommand>>, ()> {
        if self.in_flight.get(&id).is_none_or(|f| f.held_at.is_none()) {
            return Err(());
        }
        let flight = self.in_flight.remove(&id).expect("checked above");
        let reason = flight.doomed.or_else(|| {
            self.is_cut(flight.msg.from, flight.msg.to)
                .then_some(DropReason::LinkCut)
        });
        match reason {
            Some(reason) => {
                self.record_drop(now, flight, reason);
                Ok(None)
            }
            None => {
                self.stats.delivered += 1;
                Ok(Some(flight.msg))
            }
        }
    }

    /// Drops a message in flight by hand.
    pub fn drop_by_user(&mut self, now: Micros, id: MsgId) -> bool {
        match self.in_flight.remove(&id) {
            Some(f) => {
                self.record_drop(now, f, DropReason::ByUser);
                true
            }
            None => false,
        }
    }
}

/// What the space-time diagram keeps of a flight that ended at `now`.
fn record(f: &InFlight, now: Micros, fate: Fate) -> MessageRecord {
    use raftlab_core::MessageBody;
    let (ok, entries) = match &f.msg.body {
        MessageBody::PreVoteResponse { granted } | MessageBody::RequestVoteResponse { granted } => {
            (Some(*granted), 0)
        }
        MessageBody::AppendEntriesResponse { success, .. } => (Some(*success), 0),
        MessageBody::AppendEntries { entries, .. } => (None, entries.len() as u32),
        _ => (None, 0),
    };
    MessageRecord {
        id: f.id,
        from: f.msg.from,
        to: f.msg.to,
        kind: f.msg.kind(),
        term: f.msg.term,
        ok,
        entries,
        sent_at: f.sent_at,
        ended_at: now,
        fate,
    }
}
