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

/// The servers by id, in id order, as a map: kept as two vectors, the ids
/// sorted. The world only ever adds a server, with the next id, so a
/// server's id is almost always its place plus one and a lookup is an index,
/// not a search (a `BTreeMap` search per lookup, several per event, was 3 %
/// of a run's instructions, callgrind); any other id is found by a binary
/// search.
#[derive(Clone, Default)]
pub struct NodeMap {
    ids: Vec<NodeId>,
    hosts: Vec<NodeHost>,
}

impl NodeMap {
    fn position(&self, id: &NodeId) -> Option<usize> {
        let guess = id.0.wrapping_sub(1);
        if guess < self.ids.len() as u64 && self.ids[guess as usize] == *id {
            return Some(guess as usize);
        }
        self.ids.binary_search(id).ok()
    }

    /// The server with this id.
    pub fn get(&self, id: &NodeId) -> Option<&NodeHost> {
        self.position(id).map(|i| &self.hosts[i])
    }

    /// The server with this id, to change it.
    pub fn get_mut(&mut self, id: &NodeId) -> Option<&mut NodeHost> {
        self.position(id).map(|i| &mut self.hosts[i])
    }

    /// Whether a server has this id.
    pub fn contains_key(&self, id: &NodeId) -> bool {
        self.position(id).is_some()
    }

    /// Adds (or replaces) the server `id`; returns the one replaced.
    pub fn insert(&mut self, id: NodeId, host: NodeHost) -> Option<NodeHost> {
        match self.ids.binary_search(&id) {
            Ok(i) => Some(std::mem::replace(&mut self.hosts[i], host)),
            Err(i) => {
                self.ids.insert(i, id);
                self.hosts.insert(i, host);
                None
            }
        }
    }

    /// How many servers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids, in order.
    pub fn keys(&self) -> std::slice::Iter<'_, NodeId> {
        self.ids.iter()
    }

    /// The servers, in id order.
    pub fn values(&self) -> std::slice::Iter<'_, NodeHost> {
        self.hosts.iter()
    }

    /// The servers, in id order, to change them.
    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, NodeHost> {
        self.hosts.iter_mut()
    }

    /// `(id, server)` pairs, in id order.
    pub fn iter(&self) -> NodeIter<'_> {
        self.ids.iter().zip(self.hosts.iter())
    }

    /// `(id, server)` pairs from `id` on, in id order (`range(id..)`).
    pub fn range_from(&self, id: &NodeId) -> NodeIter<'_> {
        let i = self.ids.partition_point(|k| k < id);
        self.ids[i..].iter().zip(self.hosts[i..].iter())
    }
}

/// [`NodeMap::iter`]'s iterator.
pub type NodeIter<'a> =
    std::iter::Zip<std::slice::Iter<'a, NodeId>, std::slice::Iter<'a, NodeHost>>;

impl<'a> IntoIterator for &'a NodeMap {
    type Item = (&'a NodeId, &'a NodeHost);
    type IntoIter = NodeIter<'a>;

    fn into_iter(self) -> NodeIter<'a> {
        self.iter()
    }
}

/// `map[&id]`, as on a `BTreeMap`: panics if no server has the id.
impl std::ops::Index<&NodeId> for NodeMap {
    type Output = NodeHost;

    fn index(&self, id: &NodeId) -> &NodeHost {
        self.get(id).expect("no server with this id")
    }
}

/// Printed as the map it is.
impl std::fmt::Debug for NodeMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
