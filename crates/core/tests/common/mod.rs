//! A tiny deterministic network for driving several `RawNode`s in tests.
//! Messages are delivered in FIFO order; links can be cut and nodes crashed.
#![allow(dead_code)]

use raftlab_core::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// One simulated server: the node, its disk and what it applied.
pub struct Server {
    pub node: RawNode<u64>,
    pub disk: Durable<u64>,
    pub applied: Vec<Entry<u64>>,
    /// Term of the entry applied at each index (survives restarts, to catch re-application
    /// of a different entry).
    pub applied_at: BTreeMap<LogIndex, Term>,
    pub violations: Vec<String>,
    pub read_states: Vec<ReadState>,
    pub events: Vec<Event>,
    pub up: bool,
}

pub struct Net {
    pub servers: BTreeMap<NodeId, Server>,
    pub queue: VecDeque<Message<u64>>,
    /// Directed links that drop everything.
    pub cut: BTreeSet<(NodeId, NodeId)>,
    pub now: Micros,
    pub config: Config,
    pub rng: DetRng,
    /// Every message delivered, for counting.
    pub delivered: Vec<Message<u64>>,
    /// Every Ready produced, per node, for determinism checks (only when `record` is set).
    pub transcript: Vec<(NodeId, String)>,
    pub record: bool,
    /// Hand every spent Ready back to its node (`RawNode::recycle`).
    pub recycle: bool,
    /// Kinds whose next message is lost on the wire (once each).
    pub drop_once: BTreeSet<MessageKind>,
}

pub fn ids(n: u64) -> Vec<NodeId> {
    (1..=n).map(NodeId).collect()
}

impl Net {
    pub fn new(n: u64) -> Net {
        Net::with_config(n, Config::default())
    }

    pub fn with_config(n: u64, config: Config) -> Net {
        Net::with_members(ids(n), Membership::voters(ids(n)), config, 42)
    }

    pub fn with_members(all: Vec<NodeId>, initial: Membership, config: Config, seed: u64) -> Net {
        let rng = DetRng::new(seed);
        let mut servers = BTreeMap::new();
        for id in all {
            let membership = if initial.contains(id) {
                initial.clone()
            } else {
                Membership::default()
            };
            let node =
                RawNode::new(id, config.clone(), membership, rng.fork(id.0), Micros::ZERO).unwrap();
            servers.insert(
                id,
                Server {
                    node,
                    disk: Durable::new(),
                    applied: Vec::new(),
                    applied_at: BTreeMap::new(),
                    violations: Vec::new(),
                    read_states: Vec::new(),
                    events: Vec::new(),
                    up: true,
                },
            );
        }
        Net {
            servers,
            queue: VecDeque::new(),
            cut: BTreeSet::new(),
            now: Micros::ZERO,
            config,
            rng,
            delivered: Vec::new(),
            transcript: Vec::new(),
            record: false,
            recycle: false,
            drop_once: BTreeSet::new(),
        }
    }

    pub fn node(&self, id: u64) -> &RawNode<u64> {
        &self.servers[&NodeId(id)].node
    }

    pub fn node_mut(&mut self, id: u64) -> &mut RawNode<u64> {
        &mut self.servers.get_mut(&NodeId(id)).unwrap().node
    }

    pub fn server(&self, id: u64) -> &Server {
        &self.servers[&NodeId(id)]
    }

    /// Drains every node's Ready: persist, queue messages, apply, advance.
    pub fn flush(&mut self) {
        loop {
            let mut any = false;
            for (id, s) in self.servers.iter_mut() {
                if !s.up {
                    continue;
                }
                while s.node.has_ready() {
                    any = true;
                    let rd = s.node.ready();
                    if self.record {
                        self.transcript.push((*id, format!("{rd:?}")));
                    }
                    s.disk.apply(&rd);
                    self.queue.extend(rd.messages.iter().cloned());
                    for e in &rd.committed_entries {
                        if let Some(t) = s.applied_at.insert(e.index, e.term) {
                            if t != e.term {
                                s.violations.push(format!(
                                    "{id} re-applied {} as term {}, was {t}",
                                    e.index, e.term
                                ));
                            }
                        }
                    }
                    s.applied.extend(rd.committed_entries.iter().cloned());
                    s.read_states.extend(rd.read_states.iter().cloned());
                    s.events.extend(rd.events.iter().cloned());
                    s.node.advance(&rd);
                    if self.recycle {
                        s.node.recycle(rd);
                    }
                }
            }
            if !any {
                break;
            }
        }
    }

    /// Delivers one queued message (dropping it on a cut link or a down node).
    pub fn deliver_one(&mut self) -> bool {
        let Some(m) = self.queue.pop_front() else {
            return false;
        };
        let now = self.now;
        if self.cut.contains(&(m.from, m.to)) || self.drop_once.remove(&m.kind()) {
            return true;
        }
        if let Some(s) = self.servers.get_mut(&m.to) {
            if s.up {
                self.delivered.push(m.clone());
                // Unknown senders are refused with an error; that is fine here.
                if let Err(e) = s.node.step(now, m) {
                    s.events.push(Event::ConfChangeIgnored {
                        index: LogIndex(0),
                        reason: format!("step error: {e}"),
                    });
                }
            }
        }
        true
    }

    /// Delivers until nothing is left to send (time does not move).
    pub fn stabilize(&mut self) {
        self.flush();
        for _ in 0..100_000 {
            if !self.deliver_one() {
                return;
            }
            self.flush();
        }
        let tail: Vec<String> = self
            .delivered
            .iter()
            .rev()
            .take(8)
            .map(|m| format!("{m:?}"))
            .collect();
        panic!("network did not stabilize: {tail:#?}");
    }

    /// Moves time forward by `ms`, ticking every node at each of its deadlines on the way,
    /// delivering messages instantly.
    pub fn run_for(&mut self, ms: u64) {
        let end = self.now.saturating_add(Micros::from_ms(ms));
        loop {
            self.stabilize();
            let next = self
                .servers
                .values()
                .filter(|s| s.up)
                .filter_map(|s| s.node.next_deadline())
                .min();
            match next {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    let now = self.now;
                    for s in self.servers.values_mut().filter(|s| s.up) {
                        s.node.tick(now);
                    }
                }
                _ => break,
            }
        }
        self.now = end;
        let now = self.now;
        for s in self.servers.values_mut().filter(|s| s.up) {
            s.node.tick(now);
        }
        self.stabilize();
    }

    /// Forces `id` to campaign and delivers everything.
    pub fn elect(&mut self, id: u64) {
        let now = self.now;
        self.node_mut(id).campaign(now);
        self.stabilize();
    }

    pub fn propose(&mut self, id: u64, cmd: u64) -> Result<(Term, LogIndex), ProposeError> {
        let now = self.now;
        let r = self.node_mut(id).propose(now, cmd);
        self.stabilize();
        r
    }

    pub fn leaders(&self) -> Vec<u64> {
        self.servers
            .iter()
            .filter(|(_, s)| s.up && s.node.role() == Role::Leader)
            .map(|(id, _)| id.0)
            .collect()
    }

    /// Cuts every link to and from `id`.
    pub fn isolate(&mut self, id: u64) {
        let all: Vec<NodeId> = self.servers.keys().copied().collect();
        for other in all {
            if other.0 != id {
                self.cut.insert((NodeId(id), other));
                self.cut.insert((other, NodeId(id)));
            }
        }
    }

    /// Cuts links between the two groups (both directions).
    pub fn partition(&mut self, a: &[u64], b: &[u64]) {
        for x in a {
            for y in b {
                self.cut.insert((NodeId(*x), NodeId(*y)));
                self.cut.insert((NodeId(*y), NodeId(*x)));
            }
        }
    }

    pub fn heal(&mut self) {
        self.cut.clear();
    }

    /// Drops messages in flight without delivering them.
    pub fn drop_queue(&mut self) {
        self.queue.clear();
    }

    pub fn crash(&mut self, id: u64) {
        self.servers.get_mut(&NodeId(id)).unwrap().up = false;
        self.queue.retain(|m| m.to.0 != id && m.from.0 != id);
    }

    pub fn restart(&mut self, id: u64) {
        let now = self.now;
        let config = self.config.clone();
        let rng = self.rng.fork(1000 + id);
        let s = self.servers.get_mut(&NodeId(id)).unwrap();
        s.node = RawNode::restart(NodeId(id), config, s.disk.clone(), rng, now).unwrap();
        // The state machine restarts from the snapshot; entries after it are applied again.
        let snap = s
            .disk
            .snapshot
            .as_ref()
            .map_or(LogIndex(0), |x| x.last_index);
        s.applied.retain(|e| e.index <= snap);
        s.up = true;
    }

    /// Commands applied by `id`, in order.
    pub fn applied_cmds(&self, id: u64) -> Vec<u64> {
        self.server(id)
            .applied
            .iter()
            .filter_map(|e| match e.payload {
                EntryPayload::Command(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    pub fn count_delivered(&self, kind: MessageKind) -> usize {
        self.delivered.iter().filter(|m| m.kind() == kind).count()
    }
}

/// Builds a message for hand-driving a single node.
pub fn msg(from: u64, to: u64, term: u64, body: MessageBody<u64>) -> Message<u64> {
    Message {
        from: NodeId(from),
        to: NodeId(to),
        term: Term(term),
        body,
    }
}

pub fn entry(term: u64, index: u64, cmd: u64) -> Entry<u64> {
    Entry {
        term: Term(term),
        index: LogIndex(index),
        payload: EntryPayload::Command(cmd),
    }
}

/// Drains a lone node's Ready as a driver would, returning it.
pub fn drain(node: &mut RawNode<u64>) -> Ready<u64> {
    let rd = node.ready();
    node.advance(&rd);
    rd
}

impl Net {
    /// Replaces `id`'s disk and restarts it from there (for preset logs).
    pub fn restart_with(
        &mut self,
        id: u64,
        term: u64,
        voted_for: Option<u64>,
        entries: Vec<Entry<u64>>,
    ) {
        let members = self.servers.keys().copied().collect::<Vec<_>>();
        let s = self.servers.get_mut(&NodeId(id)).unwrap();
        s.disk = Durable {
            term: Term(term),
            voted_for: voted_for.map(NodeId),
            snapshot: None,
            entries,
            bootstrap: Membership::voters(members),
        };
        self.restart(id);
    }

    /// Delivers messages one at a time, calling `hook` after each so a test can intervene.
    pub fn stabilize_with(&mut self, mut hook: impl FnMut(&mut Net)) {
        self.flush();
        for _ in 0..100_000 {
            if !self.deliver_one() {
                return;
            }
            self.flush();
            hook(self);
        }
        let tail: Vec<String> = self
            .delivered
            .iter()
            .rev()
            .take(8)
            .map(|m| format!("{m:?}"))
            .collect();
        panic!("network did not stabilize: {tail:#?}");
    }

    /// Whether no two nodes ever applied different entries at the same index (State Machine
    /// Safety), including a node re-applying after a restart.
    pub fn applied_consistent(&self) -> bool {
        if self.servers.values().any(|s| !s.violations.is_empty()) {
            return false;
        }
        let maps: Vec<&BTreeMap<LogIndex, Term>> =
            self.servers.values().map(|s| &s.applied_at).collect();
        for a in &maps {
            for b in &maps {
                for (i, t) in a.iter() {
                    if b.get(i).is_some_and(|u| u != t) {
                        return false;
                    }
                }
            }
        }
        true
    }
}
