//! The world: a virtual clock, one event queue, the network, the nodes with
//! their disks and state machines, the clients, and the live checkers.
//!
//! Drive it with [`World::step`] (one event) or [`World::run_until`]; change
//! it with [`World::apply`]; look at it with [`World::snapshot`]. Nothing
//! but the seed and the applied actions influences what happens.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raftlab_core::{
    ConfChange, DetRng, Durable, EntryPayload, Event, LogIndex, Membership, Message, Micros,
    NodeId, ProposeError, RawNode, Ready, Role, Term,
};
use serde::{Deserialize, Serialize};

use crate::action::{Action, LoggedAction};
use crate::client::{
    push_bounded, Client, ClientEvent, ClientEventKind, ClientReply, PendingOp, CLIENT_LOG_MAX,
    USER_CLIENT,
};
use crate::config::WorldConfig;
use crate::invariants::{Breach, Detail, Invariants, Violation, LINEARIZABILITY};
use crate::kv::{ClientId, KvCommand, KvOp, KvStore};
use crate::linearizability::{CheckConfig, CheckResult, LiveChecker};
use crate::network::{DropReason, MsgId, Network};
use crate::queue::{EventKind, EventQueue};
use crate::{Refusal, SimError};

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
enum Deferred {
    Message(Message<KvCommand>),
    Client { client: ClientId, seq: u64 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct PendingRead {
    client: ClientId,
    seq: u64,
    op: KvOp,
    index: Option<LogIndex>,
}

/// One server: the Raft core, its disk, its state machine, its process state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeHost {
    /// The node's id.
    pub id: NodeId,
    /// The Raft core; `None` while crashed.
    pub raft: Option<RawNode<KvCommand>>,
    /// What survives a crash.
    pub durable: Durable<KvCommand>,
    /// The replicated key-value store (volatile; rebuilt from the log).
    pub kv: KvStore,
    /// Process state.
    pub status: NodeStatus,
    /// Times this node has been (re)started.
    pub incarnation: u64,
    /// This node's clock minus the true time (see [`Action::ClockSkew`]).
    #[serde(default)]
    pub clock_offset_us: i64,
    inbox: VecDeque<Deferred>,
    pending_write: Option<Ready<KvCommand>>,
    write_generation: u64,
    timer_generation: u64,
    timer_at: Option<Micros>,
    waiting_writes: BTreeSet<(ClientId, u64)>,
    pending_reads: BTreeMap<u64, PendingRead>,
}

impl NodeHost {
    /// True while a durable write is in progress.
    pub fn is_writing(&self) -> bool {
        self.pending_write.is_some()
    }

    /// Inputs waiting for the node (paused or writing).
    pub fn queued_inputs(&self) -> usize {
        self.inbox.len()
    }
}

/// Something notable, for the timeline's markers and the trace's event log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// Event number.
    pub event: u64,
    /// Virtual time.
    pub at: Micros,
    /// What.
    pub kind: NoteKind,
}

/// Kinds of notable things.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NoteKind {
    /// A node became leader.
    LeaderElected {
        /// The leader.
        node: NodeId,
        /// Its term.
        term: Term,
    },
    /// A leader's commit index advanced.
    Committed {
        /// The leader.
        node: NodeId,
        /// The new commit index.
        index: LogIndex,
    },
    /// A user action was applied.
    Action(Action),
    /// An invariant broke.
    Violation(Violation),
    /// A processed event (only when event recording is on).
    Event(String),
}

/// The simulated world.
#[derive(Clone, Debug)]
pub struct World {
    config: WorldConfig,
    now: Micros,
    events: u64,
    queue: EventQueue,
    nodes: BTreeMap<NodeId, NodeHost>,
    network: Network,
    clients: BTreeMap<ClientId, Client>,
    rng_net: DetRng,
    rng_workload: DetRng,
    /// Which server a client tries after a time-out.
    rng_clients: DetRng,
    seed_rng: DetRng,
    invariants: Invariants,
    lin: LiveChecker,
    violation: Option<Violation>,
    client_log: VecDeque<ClientEvent>,
    notes: Vec<Note>,
    next_node: u64,
    next_read_ctx: u64,
    action_log: Vec<LoggedAction>,
    records_events: bool,
    rejected_inputs: u64,
    compactions_refused: u64,
}

impl World {
    /// A new world: `config.nodes` fresh servers, all followers in term 0,
    /// and the configured client workload.
    pub fn new(config: WorldConfig) -> Result<World, SimError> {
        config.validate()?;
        let root = DetRng::new(config.seed);
        let mut world = World {
            network: Network::new(config.network.clone()),
            rng_net: root.fork(1),
            rng_workload: root.fork(2),
            seed_rng: root.fork(3),
            rng_clients: root.fork(4),
            now: Micros(0),
            events: 0,
            queue: EventQueue::default(),
            nodes: BTreeMap::new(),
            clients: BTreeMap::new(),
            invariants: Invariants::default(),
            lin: LiveChecker::with_config(CheckConfig::LIVE),
            violation: None,
            client_log: VecDeque::new(),
            notes: Vec::new(),
            next_node: config.nodes as u64 + 1,
            next_read_ctx: 1,
            action_log: Vec::new(),
            records_events: false,
            rejected_inputs: 0,
            compactions_refused: 0,
            config,
        };
        let ids: Vec<NodeId> = (1..=world.config.nodes as u64).map(NodeId).collect();
        let membership = Membership::voters(ids.iter().copied());
        for &id in &ids {
            world.start_node(id, membership.clone())?;
        }
        world
            .clients
            .insert(USER_CLIENT, Client::new(USER_CLIENT, false));
        world.reset_workload();
        for id in ids {
            world.pump(id);
        }
        Ok(world)
    }

    fn node_rng(&self, id: NodeId, incarnation: u64) -> DetRng {
        self.seed_rng
            .fork(id.0.wrapping_mul(1_000_003).wrapping_add(incarnation))
    }

    /// What `id`'s clock reads now: the true time plus its skew, never below zero.
    pub fn local_time(&self, id: NodeId) -> Micros {
        let offset = self.nodes.get(&id).map_or(0, |h| h.clock_offset_us);
        skewed(self.now, offset)
    }

    fn start_node(&mut self, id: NodeId, membership: Membership) -> Result<(), SimError> {
        let raft = RawNode::new(
            id,
            self.config.raft.clone(),
            membership,
            self.node_rng(id, 0),
            self.now,
        )
        .map_err(|e| SimError::Config(e.to_string()))?;
        self.nodes.insert(
            id,
            NodeHost {
                id,
                raft: Some(raft),
                durable: Durable::new(),
                kv: KvStore::default(),
                status: NodeStatus::Up,
                incarnation: 0,
                clock_offset_us: 0,
                inbox: VecDeque::new(),
                pending_write: None,
                write_generation: 0,
                timer_generation: 0,
                timer_at: None,
                waiting_writes: BTreeSet::new(),
                pending_reads: BTreeMap::new(),
            },
        );
        Ok(())
    }

    // ----- read access -------------------------------------------------

    /// The configuration this world was built from.
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }
    /// Virtual time now.
    pub fn now(&self) -> Micros {
        self.now
    }
    /// Events processed so far.
    pub fn event_count(&self) -> u64 {
        self.events
    }
    /// The time of the next scheduled event.
    pub fn next_event_time(&self) -> Option<Micros> {
        self.queue.peek_time()
    }
    /// All servers by id (including crashed ones and ones added later).
    pub fn nodes(&self) -> &BTreeMap<NodeId, NodeHost> {
        &self.nodes
    }
    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// The clients.
    pub fn clients(&self) -> &BTreeMap<ClientId, Client> {
        &self.clients
    }
    /// Recent client events, oldest first.
    pub fn client_log(&self) -> &VecDeque<ClientEvent> {
        &self.client_log
    }
    /// The first invariant violation, if any (the run stops there).
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }
    /// The safety checker's state.
    pub fn invariants(&self) -> &Invariants {
        &self.invariants
    }
    /// The linearizability checker.
    pub fn linearizability(&self) -> &LiveChecker {
        &self.lin
    }
    /// Every action applied so far.
    pub fn action_log(&self) -> &[LoggedAction] {
        &self.action_log
    }
    /// Messages the cores refused (not for them, unknown sender).
    pub fn rejected_inputs(&self) -> u64 {
        self.rejected_inputs
    }
    /// Automatic compactions the cores refused.
    pub fn compactions_refused(&self) -> u64 {
        self.compactions_refused
    }
    /// Takes the notes gathered since the last call.
    pub fn take_notes(&mut self) -> Vec<Note> {
        std::mem::take(&mut self.notes)
    }
    /// Also note every processed event (for a trace's full event log).
    pub fn set_record_events(&mut self, on: bool) {
        self.records_events = on;
    }

    /// The node that is leader in the highest term among running nodes.
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .values()
            .filter(|h| h.status != NodeStatus::Crashed)
            .filter_map(|h| h.raft.as_ref())
            .filter(|r| r.role() == Role::Leader)
            .max_by_key(|r| r.term())
            .map(|r| r.id())
    }

    /// The Raft core of a running (or paused) node.
    pub fn raft(&self, id: NodeId) -> Option<&RawNode<KvCommand>> {
        self.nodes.get(&id).and_then(|h| h.raft.as_ref())
    }

    // ----- running -----------------------------------------------------

    /// Processes the next event. Returns false if the run is stopped (a
    /// violation) or nothing is scheduled.
    pub fn step(&mut self) -> bool {
        if self.violation.is_some() {
            return false;
        }
        let Some((at, kind)) = self.queue.pop() else {
            return false;
        };
        debug_assert!(at >= self.now, "event queue went back in time");
        self.now = at;
        self.events += 1;
        if self.records_events {
            let text = format!("{kind:?}");
            self.note(NoteKind::Event(text));
        }
        self.handle(kind);
        true
    }

    /// Processes every event up to and including `until`, then sets the
    /// clock to `until`. Stops early at a violation.
    pub fn run_until(&mut self, until: Micros) {
        while let Some(at) = self.queue.peek_time() {
            if at > until || self.violation.is_some() {
                break;
            }
            self.step();
        }
        if self.violation.is_none() && until > self.now {
            self.now = until;
        }
    }

    /// Moves the clock forward to `at` without processing events (replay
    /// uses it to re-apply an action at the exact instant it was taken).
    pub(crate) fn set_clock(&mut self, at: Micros) {
        if at > self.now {
            self.now = at;
        }
    }

    /// Runs `n` events (or fewer if the run stops).
    pub fn run_events(&mut self, n: u64) {
        for _ in 0..n {
            if !self.step() {
                break;
            }
        }
    }

    fn note(&mut self, kind: NoteKind) {
        self.notes.push(Note {
            event: self.events,
            at: self.now,
            kind,
        });
    }

    fn handle(&mut self, kind: EventKind) {
        match kind {
            EventKind::Deliver(id) => self.deliver(id),
            EventKind::Timer { node, generation } => {
                let Some(h) = self.nodes.get_mut(&node) else {
                    return;
                };
                if h.timer_generation != generation {
                    return;
                }
                h.timer_at = None;
                if h.status != NodeStatus::Up || h.pending_write.is_some() {
                    return;
                }
                let local = skewed(self.now, h.clock_offset_us);
                if let Some(r) = h.raft.as_mut() {
                    r.tick(local);
                }
                self.pump(node);
            }
            EventKind::DiskDone { node, generation } => {
                let Some(h) = self.nodes.get_mut(&node) else {
                    return;
                };
                if h.write_generation != generation || h.status == NodeStatus::Crashed {
                    return;
                }
                let Some(ready) = h.pending_write.take() else {
                    return;
                };
                self.finish_ready(node, ready);
                if self.nodes[&node].status == NodeStatus::Up {
                    self.drain_inbox(node);
                }
                self.pump(node);
            }
            EventKind::ClientArrive { client, node, seq } => {
                self.client_arrive(client, node, seq);
            }
            EventKind::ClientReply { client, reply } => self.client_reply(client, reply),
            EventKind::ClientTimeout {
                client,
                seq,
                attempt,
            } => self.client_timeout(client, seq, attempt),
            EventKind::ClientNext { client, generation } => {
                let Some(c) = self.clients.get(&client) else {
                    return;
                };
                if c.generation != generation || c.pending.is_some() {
                    return;
                }
                self.workload_next(client);
            }
            EventKind::ClientRetry { client, seq } => {
                let Some(c) = self.clients.get(&client) else {
                    return;
                };
                if c.pending.as_ref().is_some_and(|p| p.seq == seq) {
                    self.client_send(client, None);
                }
            }
        }
    }

    fn deliver(&mut self, id: MsgId) {
        let Some(flight) = self.network.in_flight.get(&id) else {
            return;
        };
        let to = flight.msg.to;
        let target_down = match self.nodes.get(&to) {
            None => Some(DropReason::NoSuchNode),
            Some(h) if h.status == NodeStatus::Crashed => Some(DropReason::ReceiverDown),
            Some(_) => None,
        };
        if let (Some(reason), true) = (
            target_down,
            flight.held_at.is_none() && flight.deliver_at == self.now && flight.doomed.is_none(),
        ) {
            if let Some(f) = self.network.in_flight.remove(&id) {
                self.network.record_drop(self.now, f, reason);
            }
            return;
        }
        let Some(msg) = self.network.arrive(self.now, id) else {
            return;
        };
        let h = self.nodes.get_mut(&to).expect("checked above");
        if h.status == NodeStatus::Paused || h.pending_write.is_some() {
            h.inbox.push_back(Deferred::Message(msg));
            return;
        }
        self.step_node(to, msg);
        self.pump(to);
    }

    fn step_node(&mut self, id: NodeId, msg: Message<KvCommand>) {
        let Some(h) = self.nodes.get_mut(&id) else {
            return;
        };
        let now = skewed(self.now, h.clock_offset_us);
        let Some(r) = h.raft.as_mut() else {
            return;
        };
        // Rejections (wrong recipient, unknown sender) change nothing; the
        // core counts them by kind, and the world counts them in total.
        if r.step(now, msg).is_err() {
            self.rejected_inputs += 1;
        }
    }

    fn drain_inbox(&mut self, id: NodeId) {
        loop {
            let h = self.nodes.get_mut(&id).expect("node exists");
            if h.status != NodeStatus::Up || h.pending_write.is_some() {
                return;
            }
            let Some(input) = h.inbox.pop_front() else {
                return;
            };
            match input {
                Deferred::Message(m) => self.step_node(id, m),
                Deferred::Client { client, seq } => self.client_at_node(client, id, seq),
            }
            self.pump(id);
        }
    }

    /// Drains the node's Ready batches: persist, send, apply, advance.
    fn pump(&mut self, id: NodeId) {
        loop {
            let Some(h) = self.nodes.get_mut(&id) else {
                return;
            };
            if h.status != NodeStatus::Up || h.pending_write.is_some() {
                break;
            }
            let Some(raft) = h.raft.as_mut() else { break };
            if !raft.has_ready() {
                break;
            }
            let ready = raft.ready();
            if self.config.disk_latency > Micros(0) && ready.must_persist() {
                h.write_generation += 1;
                let generation = h.write_generation;
                h.pending_write = Some(ready);
                self.queue.push(
                    self.now + self.config.disk_latency,
                    EventKind::DiskDone {
                        node: id,
                        generation,
                    },
                );
                break;
            }
            self.finish_ready(id, ready);
        }
        self.after_node_change(id);
    }

    fn breach(&mut self, b: Breach) {
        if self.violation.is_some() {
            return;
        }
        let v = Violation {
            invariant: b.invariant.to_string(),
            message: b.detail.to_string(),
            detail: *b.detail,
            nodes: b.nodes,
            index: b.index,
            term: b.term,
            event: self.events,
            at: self.now,
        };
        self.note(NoteKind::Violation(v.clone()));
        self.violation = Some(v);
    }

    fn finish_ready(&mut self, id: NodeId, mut ready: Ready<KvCommand>) {
        let check = self.config.check_invariants;
        // 1. Persist (checked first: what reaches the disk is what counts).
        if check {
            let h = &self.nodes[&id];
            let role = h.raft.as_ref().map_or(Role::Follower, |r| r.role());
            let durable = &h.durable;
            let res =
                self.invariants
                    .on_append(id, role, ready.truncate_from, &ready.entries, |i| {
                        crate::invariants::durable_term_at(durable, i)
                    });
            if let Err(b) = res {
                self.breach(b);
            }
        }
        let h = self.nodes.get_mut(&id).expect("node exists");
        h.durable.apply(&ready);
        if let Some(snap) = &ready.snapshot {
            match KvStore::from_bytes(&snap.data) {
                Ok(kv) => h.kv = kv,
                Err(e) => {
                    let mut b = Breach::new(
                        crate::invariants::STATE_MACHINE_SAFETY,
                        Detail::SnapshotUnreadable {
                            node: id,
                            error: e.to_string(),
                        },
                        vec![id],
                    );
                    b.index = Some(snap.last_index);
                    b.term = Some(snap.last_term);
                    self.breach(b);
                }
            }
        }
        // 2. Send.
        for msg in std::mem::take(&mut ready.messages) {
            for (mid, at) in self.network.send(self.now, msg, &mut self.rng_net) {
                self.queue.push(at, EventKind::Deliver(mid));
            }
        }
        // 3. Apply.
        if check {
            let term = self.nodes[&id].raft.as_ref().map_or(Term(0), |r| r.term());
            if let Err(b) = self
                .invariants
                .on_commit(id, term, &ready.committed_entries)
            {
                self.breach(b);
            }
        }
        let mut replies = Vec::new();
        let h = self.nodes.get_mut(&id).expect("node exists");
        for e in &ready.committed_entries {
            if let EntryPayload::Command(cmd) = &e.payload {
                let result = h.kv.apply(cmd);
                if h.waiting_writes.remove(&(cmd.client, cmd.seq)) {
                    replies.push((
                        cmd.client,
                        ClientReply::Done {
                            node: id,
                            seq: cmd.seq,
                            result,
                        },
                    ));
                }
                // Older requests of this client can no longer be waited on.
                let stale: Vec<_> = h
                    .waiting_writes
                    .range((cmd.client, 0)..(cmd.client, cmd.seq))
                    .copied()
                    .collect();
                for k in stale {
                    h.waiting_writes.remove(&k);
                }
            }
        }
        for rs in &ready.read_states {
            if let Some(p) = h.pending_reads.get_mut(&rs.ctx) {
                p.index = Some(rs.index);
            }
        }
        // 4. Advance, then serve reads that are now safe.
        let leader_commit_before;
        {
            let raft = h.raft.as_mut().expect("a running node has a core");
            leader_commit_before = (raft.role() == Role::Leader).then(|| raft.commit_index());
            raft.advance(&ready);
            let applied = raft.applied_index();
            let done: Vec<u64> = h
                .pending_reads
                .iter()
                .filter(|(_, p)| p.index.is_some_and(|i| i <= applied))
                .map(|(k, _)| *k)
                .collect();
            for ctx in done {
                let p = h.pending_reads.remove(&ctx).expect("listed above");
                let result = h.kv.apply_read(&p.op);
                replies.push((
                    p.client,
                    ClientReply::Done {
                        node: id,
                        seq: p.seq,
                        result,
                    },
                ));
            }
        }
        for (client, reply) in replies {
            self.reply_to_client(client, reply);
        }
        // Events: notes for the timeline, plus the committed-on-quorum check.
        for ev in &ready.events {
            match ev {
                Event::RoleChanged {
                    term,
                    to: Role::Leader,
                    ..
                } => {
                    let term = *term;
                    self.note(NoteKind::LeaderElected { node: id, term });
                }
                Event::CommitAdvanced { to, .. } if leader_commit_before.is_some() => {
                    let to = *to;
                    self.note(NoteKind::Committed {
                        node: id,
                        index: to,
                    });
                    if check {
                        self.check_commit_quorum(id, to);
                    }
                }
                _ => {}
            }
        }
        self.maybe_compact(id);
    }

    fn check_commit_quorum(&mut self, leader: NodeId, commit: LogIndex) {
        let Some(raft) = self.raft(leader) else {
            return;
        };
        let Some(term) = raft.log().term_at(commit) else {
            return;
        };
        let membership = raft.membership().clone();
        let durable: BTreeMap<NodeId, &Durable<KvCommand>> =
            self.nodes.iter().map(|(k, h)| (*k, &h.durable)).collect();
        let res = self
            .invariants
            .on_leader_commit(leader, commit, term, &membership, &durable);
        if let Err(b) = res {
            self.breach(b);
        }
    }

    fn maybe_compact(&mut self, id: NodeId) {
        let Some(every) = self.config.snapshot_every else {
            return;
        };
        let h = self.nodes.get_mut(&id).expect("node exists");
        let Some(raft) = h.raft.as_mut() else { return };
        let applied = raft.applied_index();
        let base = raft.log().first_index().0.saturating_sub(1);
        if applied.0 >= base + every {
            // A refusal (nothing new to compact) leaves the log as it is;
            // the next apply tries again.
            if raft.compact(applied, h.kv.to_bytes()).is_err() {
                self.compactions_refused += 1;
            }
        }
    }

    /// After anything touched a node: re-arm its timer, drop reads it can
    /// no longer serve, and run the per-node invariant checks.
    fn after_node_change(&mut self, id: NodeId) {
        let now = self.now;
        let Some(h) = self.nodes.get_mut(&id) else {
            return;
        };
        let Some(raft) = h.raft.as_ref() else { return };
        if raft.role() != Role::Leader {
            h.pending_reads.retain(|_, p| p.index.is_some());
        }
        // Deadlines are in the node's own time; the queue runs on true time.
        let deadline = raft
            .next_deadline()
            .map(|d| skewed(d, -h.clock_offset_us).max(now));
        if deadline != h.timer_at && h.status == NodeStatus::Up {
            h.timer_generation += 1;
            h.timer_at = deadline;
            if let Some(at) = deadline {
                self.queue.push(
                    at,
                    EventKind::Timer {
                        node: id,
                        generation: h.timer_generation,
                    },
                );
            }
        }
        if self.config.check_invariants {
            let h = &self.nodes[&id];
            let raft = h.raft.as_ref().expect("checked above");
            let res = self.invariants.on_node_state(
                id,
                h.incarnation,
                raft.role(),
                raft.term(),
                h.durable.term,
                raft.commit_index(),
                raft.applied_index(),
                |i| raft.log().term_at(i),
                raft.log().first_index(),
            );
            if let Err(b) = res {
                self.breach(b);
            }
        }
    }

    // ----- clients -----------------------------------------------------

    fn reset_workload(&mut self) {
        let w = self.config.workload.clone();
        let wanted: Vec<ClientId> = (1..=u64::from(w.clients)).map(ClientId).collect();
        for id in &wanted {
            self.clients
                .entry(*id)
                .or_insert_with(|| Client::new(*id, true));
        }
        let ids: Vec<ClientId> = self.clients.keys().copied().collect();
        for id in ids {
            let active = w.ops_per_sec > 0.0 && wanted.contains(&id);
            let c = self.clients.get_mut(&id).expect("listed");
            if !c.workload {
                continue;
            }
            c.generation += 1;
            if active && c.pending.is_none() {
                let generation = c.generation;
                let at = self.now + self.think_time();
                self.queue.push(
                    at,
                    EventKind::ClientNext {
                        client: id,
                        generation,
                    },
                );
            }
        }
    }

    /// Time between a workload client's operations: uniform around the
    /// mean (integer arithmetic only, so wasm and native agree bit for bit).
    fn think_time(&mut self) -> Micros {
        let w = &self.config.workload;
        if w.ops_per_sec <= 0.0 {
            return Micros(u64::MAX / 4);
        }
        let mean_us = (1_000_000.0 * f64::from(w.clients) / w.ops_per_sec) as u64;
        let mean_us = mean_us.max(1);
        Micros(
            self.rng_workload
                .gen_range(mean_us / 2..=mean_us + mean_us / 2),
        )
    }

    fn workload_next(&mut self, client: ClientId) {
        let w = self.config.workload.clone();
        let key_n = self.rng_workload.gen_range(0..=u64::from(w.keys) - 1) as u8;
        let key = ((b'a' + key_n) as char).to_string();
        let value = self.rng_workload.gen_range(1..=99).to_string();
        let op = if self.rng_workload.gen_bool(w.read_fraction) {
            KvOp::Get { key }
        } else {
            match self.rng_workload.gen_range(0..=9) {
                0..=5 => KvOp::Put { key, value },
                6 => KvOp::Append { key, value },
                _ => {
                    // CAS from a value some replica holds now (often current,
                    // sometimes stale, so both outcomes of a CAS occur).
                    let from = self
                        .nodes
                        .values()
                        .find_map(|h| h.kv.get(&key).map(str::to_string))
                        .unwrap_or_else(|| "0".into());
                    KvOp::Cas {
                        key,
                        from,
                        to: value,
                    }
                }
            }
        };
        self.client_start(client, op, None);
    }

    fn client_start(&mut self, client: ClientId, op: KvOp, via: Option<NodeId>) {
        let now = self.now;
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        if c.pending.is_some() {
            c.queued.push_back((op, via));
            return;
        }
        let seq = c.next_seq;
        c.next_seq += 1;
        let history = self.lin.invoke(client, op.clone(), now.0);
        let first = via.or(c.leader_guess).unwrap_or(NodeId(1));
        c.pending = Some(PendingOp {
            seq,
            op,
            history,
            invoked_at: now,
            attempt: 0,
            target: first,
            via,
        });
        self.client_send(client, Some(first));
    }

    /// Sends (or re-sends) the pending operation to `target`, or to the next
    /// node in turn.
    fn client_send(&mut self, client: ClientId, target: Option<NodeId>) {
        let now = self.now;
        let max_attempts = self.config.client_max_attempts;
        let timeout = self.config.client_timeout;
        let node_ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let Some(p) = c.pending.as_mut() else { return };
        if p.attempt >= max_attempts {
            let p = c.pending.take().expect("checked");
            c.given_up += 1;
            if let Err(e) = self.lin.give_up(p.history) {
                self.history_error(e.to_string());
            }
            self.log_client(
                client,
                p.seq,
                &p.op,
                ClientEventKind::GaveUp {
                    attempts: p.attempt,
                },
            );
            self.client_idle(client);
            return;
        }
        let target = target.unwrap_or_else(|| {
            let pos = node_ids.iter().position(|n| *n == p.target).unwrap_or(0);
            node_ids[(pos + 1) % node_ids.len()]
        });
        p.attempt += 1;
        p.target = target;
        let (seq, attempt, op) = (p.seq, p.attempt, p.op.clone());
        let latency = self.client_latency();
        self.queue.push(
            now + latency,
            EventKind::ClientArrive {
                client,
                node: target,
                seq,
            },
        );
        self.queue.push(
            now + timeout,
            EventKind::ClientTimeout {
                client,
                seq,
                attempt,
            },
        );
        self.log_client(
            client,
            seq,
            &op,
            ClientEventKind::Sent {
                node: target,
                attempt,
            },
        );
    }

    fn client_latency(&mut self) -> Micros {
        let l = &self.config.network;
        Micros(self.rng_net.gen_range(l.latency_min.0..=l.latency_max.0))
    }

    fn client_arrive(&mut self, client: ClientId, node: NodeId, seq: u64) {
        let Some(h) = self.nodes.get_mut(&node) else {
            return;
        };
        match h.status {
            NodeStatus::Crashed => {}
            NodeStatus::Paused => h.inbox.push_back(Deferred::Client { client, seq }),
            NodeStatus::Up if h.pending_write.is_some() => {
                h.inbox.push_back(Deferred::Client { client, seq })
            }
            NodeStatus::Up => {
                self.client_at_node(client, node, seq);
                self.pump(node);
            }
        }
    }

    /// A client request is handled by a running node.
    fn client_at_node(&mut self, client: ClientId, node: NodeId, seq: u64) {
        let now = self.local_time(node);
        // The request carries the operation; look it up from the client
        // (it is still pending if the client still cares).
        let Some(op) = self
            .clients
            .get(&client)
            .and_then(|c| c.pending.as_ref())
            .filter(|p| p.seq == seq)
            .map(|p| p.op.clone())
        else {
            return;
        };
        let ctx = self.next_read_ctx;
        let h = self.nodes.get_mut(&node).expect("node exists");
        let Some(raft) = h.raft.as_mut() else { return };
        let outcome = if op.is_read() {
            raft.read_index(now, ctx).map(|()| {
                h.pending_reads.insert(
                    ctx,
                    PendingRead {
                        client,
                        seq,
                        op,
                        index: None,
                    },
                );
            })
        } else {
            let cmd = KvCommand { client, seq, op };
            raft.propose(now, cmd).map(|_| {
                h.waiting_writes.insert((client, seq));
            })
        };
        self.next_read_ctx += 1;
        let reply = match outcome {
            Ok(()) => return,
            Err(ProposeError::NotLeader { leader_hint }) => ClientReply::NotLeader {
                node,
                seq,
                hint: leader_hint,
            },
            Err(reason) => ClientReply::Busy { node, seq, reason },
        };
        self.reply_to_client(client, reply);
    }

    fn reply_to_client(&mut self, client: ClientId, reply: ClientReply) {
        let at = self.now + self.client_latency();
        self.queue
            .push(at, EventKind::ClientReply { client, reply });
    }

    fn client_reply(&mut self, client: ClientId, reply: ClientReply) {
        let now = self.now;
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let Some(p) = c.pending.as_ref() else { return };
        if p.seq != reply.seq() {
            return; // an answer to an attempt the client no longer waits for
        }
        let (seq, op) = (p.seq, p.op.clone());
        match reply {
            ClientReply::Done { node, result, .. } => {
                let p = c.pending.take().expect("checked");
                c.completed += 1;
                c.leader_guess = Some(node);
                if let Err(e) = self.lin.complete(p.history, result.clone(), now.0) {
                    self.history_error(e.to_string());
                }
                let latency = now.saturating_sub(p.invoked_at);
                self.log_client(
                    client,
                    seq,
                    &op,
                    ClientEventKind::Completed {
                        node,
                        result,
                        latency,
                    },
                );
                self.check_linearizability();
                self.client_idle(client);
            }
            ClientReply::NotLeader { node, hint, .. } => {
                c.leader_guess = hint;
                self.log_client(
                    client,
                    seq,
                    &op,
                    ClientEventKind::Redirected { from: node, hint },
                );
                match hint {
                    Some(h) if h != node => self.client_send(client, Some(h)),
                    _ => self.client_backoff(client, seq),
                }
            }
            ClientReply::Busy { node, reason, .. } => {
                self.log_client(
                    client,
                    seq,
                    &op,
                    ClientEventKind::Rejected { from: node, reason },
                );
                self.client_backoff(client, seq);
            }
        }
    }

    fn client_backoff(&mut self, client: ClientId, seq: u64) {
        let at = self.now + self.config.raft.heartbeat_interval;
        self.queue.push(at, EventKind::ClientRetry { client, seq });
    }

    fn client_timeout(&mut self, client: ClientId, seq: u64, attempt: u32) {
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let Some(p) = c.pending.as_ref() else { return };
        if p.seq != seq || p.attempt != attempt {
            return;
        }
        let (node, op) = (p.target, p.op.clone());
        c.leader_guess = None;
        self.log_client(
            client,
            seq,
            &op,
            ClientEventKind::TimedOut { node, attempt },
        );
        // Another server, chosen at random (thesis §6.2). Not the next in
        // turn: a follower cut off with a deposed leader redirects back to
        // it, and trying the two in turn would never reach the majority.
        let others: Vec<NodeId> = self.nodes.keys().copied().filter(|n| *n != node).collect();
        let next = self.rng_clients.choose(&others).copied();
        self.client_send(client, next);
    }

    /// The client finished an operation: start the next queued one, or
    /// schedule the workload's next.
    fn client_idle(&mut self, client: ClientId) {
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        if let Some((op, via)) = c.queued.pop_front() {
            self.client_start(client, op, via);
            return;
        }
        if c.workload
            && self.config.workload.ops_per_sec > 0.0
            && client.0 <= u64::from(self.config.workload.clients)
        {
            let generation = c.generation;
            let at = self.now + self.think_time();
            self.queue
                .push(at, EventKind::ClientNext { client, generation });
        }
    }

    fn log_client(&mut self, client: ClientId, seq: u64, op: &KvOp, kind: ClientEventKind) {
        let ev = ClientEvent {
            at: self.now,
            client,
            seq,
            op: op.to_string(),
            kind,
        };
        push_bounded(&mut self.client_log, ev, CLIENT_LOG_MAX);
    }

    /// The client history's bookkeeping failed: our own bug, reported as a
    /// violation rather than a panic so the run can be inspected.
    fn history_error(&mut self, e: String) {
        self.breach(Breach::new(
            LINEARIZABILITY,
            Detail::HistoryBookkeeping { error: e },
            Vec::new(),
        ));
    }

    fn check_linearizability(&mut self) {
        if !self.config.check_linearizability {
            return;
        }
        match self.lin.check_dirty() {
            CheckResult::NotLinearizable {
                key,
                explanation,
                why,
                ..
            } => self.breach(Breach::new(
                LINEARIZABILITY,
                Detail::NotLinearizable {
                    key,
                    explanation,
                    why,
                },
                Vec::new(),
            )),
            // Neither a pass nor a violation: the checker keeps it
            // (`LiveChecker::undecided`) and the snapshot shows it.
            CheckResult::Undecided { .. } | CheckResult::Linearizable => {}
        }
    }

    // ----- actions -----------------------------------------------------

    /// Applies a user action now and records it in the action log.
    /// An action that cannot be done (no such node, no leader, ...) changes
    /// nothing, is not logged, and says why.
    pub fn apply(&mut self, action: Action) -> Result<(), SimError> {
        self.apply_inner(&action)?;
        self.action_log.push(LoggedAction {
            at_event: self.events,
            at: self.now,
            action: action.clone(),
        });
        self.note(NoteKind::Action(action));
        Ok(())
    }

    fn host(&mut self, id: NodeId) -> Result<&mut NodeHost, SimError> {
        self.nodes.get_mut(&id).ok_or(SimError::NoSuchNode(id))
    }

    fn leader_or_err(&self) -> Result<NodeId, SimError> {
        self.leader().ok_or(SimError::NoLeader)
    }

    fn apply_inner(&mut self, action: &Action) -> Result<(), SimError> {
        let now = self.now;
        match action {
            Action::Crash(id) => {
                let h = self.host(*id)?;
                if h.status == NodeStatus::Crashed {
                    return Err(SimError::Invalid(Refusal::AlreadyCrashed(*id)));
                }
                h.status = NodeStatus::Crashed;
                h.raft = None;
                h.pending_write = None; // not yet durable: lost
                h.write_generation += 1;
                h.timer_generation += 1;
                h.timer_at = None;
                h.inbox.clear();
                h.waiting_writes.clear();
                h.pending_reads.clear();
                h.kv = KvStore::default();
            }
            Action::Restart(id) => {
                let id = *id;
                let h = self.host(id)?;
                if h.status != NodeStatus::Crashed {
                    return Err(SimError::Invalid(Refusal::NotCrashed(id)));
                }
                let incarnation = h.incarnation + 1;
                let durable = h.durable.clone();
                let rng = self.node_rng(id, incarnation);
                let local = self.local_time(id);
                let raft =
                    RawNode::restart(id, self.config.raft.clone(), durable.clone(), rng, local)
                        .map_err(|error| {
                            SimError::Invalid(Refusal::CannotRestart { node: id, error })
                        })?;
                let h = self.host(id)?;
                h.kv = match &durable.snapshot {
                    Some(s) => KvStore::from_bytes(&s.data).map_err(|e| {
                        SimError::Invalid(Refusal::SnapshotUnreadable {
                            node: id,
                            error: e.to_string(),
                        })
                    })?,
                    None => KvStore::default(),
                };
                h.raft = Some(raft);
                h.status = NodeStatus::Up;
                h.incarnation = incarnation;
                self.pump(id);
            }
            Action::Pause(id) => {
                let h = self.host(*id)?;
                if h.status != NodeStatus::Up {
                    return Err(SimError::Invalid(Refusal::NotRunning(*id)));
                }
                h.status = NodeStatus::Paused;
            }
            Action::Resume(id) => {
                let id = *id;
                let h = self.host(id)?;
                if h.status != NodeStatus::Paused {
                    return Err(SimError::Invalid(Refusal::NotPaused(id)));
                }
                h.status = NodeStatus::Up;
                let local = skewed(now, h.clock_offset_us);
                if h.pending_write.is_none() {
                    if let Some(r) = h.raft.as_mut() {
                        r.tick(local);
                    }
                }
                self.drain_inbox(id);
                self.pump(id);
            }
            Action::Campaign(id) => {
                let id = *id;
                let h = self.host(id)?;
                let local = skewed(now, h.clock_offset_us);
                let Some(r) = h.raft.as_mut().filter(|_| h.status == NodeStatus::Up) else {
                    return Err(SimError::Invalid(Refusal::NotRunning(id)));
                };
                r.campaign(local);
                self.pump(id);
            }
            Action::TransferLeadership(to) => {
                let leader = self.leader_or_err()?;
                if !self.nodes.contains_key(to) {
                    return Err(SimError::NoSuchNode(*to));
                }
                let local = self.local_time(leader);
                let r = self.host(leader)?.raft.as_mut().expect("leader runs");
                r.transfer_leadership(local, *to).map_err(|error| {
                    SimError::Invalid(Refusal::TransferRefused { to: *to, error })
                })?;
                self.pump(leader);
            }
            Action::AddNode { learner } => {
                let leader = self.leader_or_err()?;
                let id = NodeId(self.next_node);
                let cc = if *learner {
                    ConfChange::AddLearner(id)
                } else {
                    ConfChange::AddVoter(id)
                };
                self.propose_conf(leader, cc)?;
                self.next_node += 1;
                self.start_node(id, Membership::default())?;
                self.pump(id);
            }
            Action::Promote(id) => {
                let leader = self.leader_or_err()?;
                self.propose_conf(leader, ConfChange::AddVoter(*id))?;
            }
            Action::RemoveNode(id) => {
                let leader = self.leader_or_err()?;
                self.propose_conf(leader, ConfChange::RemoveNode(*id))?;
            }
            Action::ChangeMembership { voters, learners } => {
                let leader = self.leader_or_err()?;
                for id in voters.iter().chain(learners) {
                    if !self.nodes.contains_key(id) {
                        return Err(SimError::NoSuchNode(*id));
                    }
                }
                self.propose_conf(
                    leader,
                    ConfChange::EnterJoint {
                        voters: voters.clone(),
                        learners: learners.clone(),
                    },
                )?;
            }
            Action::ClockSkew { node, offset_us } => {
                let (node, offset_us) = (*node, *offset_us);
                if offset_us.unsigned_abs() > MAX_CLOCK_SKEW.0 {
                    return Err(SimError::Invalid(Refusal::SkewTooLarge {
                        max_s: MAX_CLOCK_SKEW.0 / 1_000_000,
                    }));
                }
                self.host(node)?.clock_offset_us = offset_us;
                // Timers already queued were in the old clock's terms.
                let h = self.host(node)?;
                if h.status == NodeStatus::Up && h.pending_write.is_none() {
                    let local = skewed(now, offset_us);
                    if let Some(r) = h.raft.as_mut() {
                        r.tick(local);
                    }
                    self.pump(node);
                }
                self.after_node_change(node);
            }
            Action::Compact(id) => {
                let id = *id;
                let h = self.host(id)?;
                let Some(r) = h.raft.as_mut() else {
                    return Err(SimError::Invalid(Refusal::NotRunning(id)));
                };
                let applied = r.applied_index();
                r.compact(applied, h.kv.to_bytes()).map_err(|error| {
                    SimError::Invalid(Refusal::CompactRefused { node: id, error })
                })?;
                self.pump(id);
            }
            Action::Partition(groups) => {
                for g in groups {
                    for id in g {
                        if !self.nodes.contains_key(id) {
                            return Err(SimError::NoSuchNode(*id));
                        }
                    }
                }
                self.network.partition = Some(groups.clone());
            }
            Action::Cut { source, target } => {
                self.host(*source)?;
                self.host(*target)?;
                self.network.cuts.insert((*source, *target));
            }
            Action::HealLink { source, target } => {
                self.network.cuts.remove(&(*source, *target));
                if let Some(groups) = &self.network.partition {
                    if self.network.is_cut(*source, *target) {
                        // Healing one link of a partition: merge nothing, but
                        // turn the partition into explicit cuts minus this one.
                        let groups = groups.clone();
                        self.network.partition = None;
                        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
                        let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
                        for a in &ids {
                            for b in &ids {
                                if a != b && group_of(*a) != group_of(*b) {
                                    self.network.cuts.insert((*a, *b));
                                }
                            }
                        }
                        self.network.cuts.remove(&(*source, *target));
                    }
                }
            }
            Action::HealAll => {
                self.network.partition = None;
                self.network.cuts.clear();
            }
            Action::Hold(m) => {
                if !self.network.hold(now, *m) {
                    return Err(SimError::Invalid(Refusal::NotInFlight(*m)));
                }
            }
            Action::Release(m) => {
                let at = self
                    .network
                    .release(now, *m)
                    .ok_or(SimError::Invalid(Refusal::NotHeld(*m)))?;
                self.queue.push(at, EventKind::Deliver(*m));
            }
            Action::Drop(m) => {
                if !self.network.drop_by_user(now, *m) {
                    return Err(SimError::Invalid(Refusal::NotInFlight(*m)));
                }
            }
            Action::SetNetwork(cfg) => {
                cfg.validate()?;
                self.network.default = cfg.clone();
                self.config.network = cfg.clone();
            }
            Action::SetLink {
                source,
                target,
                config,
            } => {
                self.host(*source)?;
                self.host(*target)?;
                match config {
                    Some(c) => {
                        c.validate()?;
                        self.network.overrides.insert((*source, *target), c.clone());
                    }
                    None => {
                        self.network.overrides.remove(&(*source, *target));
                    }
                }
            }
            Action::SetWorkload(w) => {
                let mut cfg = self.config.clone();
                cfg.workload = w.clone();
                cfg.validate()?;
                self.config.workload = w.clone();
                self.reset_workload();
            }
            Action::ClientRequest { op, via } => {
                if let Some(v) = via {
                    self.host(*v)?;
                }
                self.client_start(USER_CLIENT, op.clone(), *via);
            }
        }
        Ok(())
    }

    fn propose_conf(&mut self, leader: NodeId, cc: ConfChange) -> Result<(), SimError> {
        let now = self.local_time(leader);
        let r = self.host(leader)?.raft.as_mut().expect("leader runs");
        r.propose_conf_change(now, cc)
            .map_err(|e| SimError::Invalid(Refusal::ConfChangeRefused(e)))?;
        self.pump(leader);
        Ok(())
    }
}

/// Largest clock skew an action may set.
pub const MAX_CLOCK_SKEW: Micros = Micros(60_000_000);

/// `t` shifted by `offset_us`, saturating at zero.
fn skewed(t: Micros, offset_us: i64) -> Micros {
    Micros(t.0.saturating_add_signed(offset_us))
}
