//! The world: a virtual clock, one event queue, the network, the nodes with
//! their disks and state machines, the clients, and the live checkers.
//!
//! Drive it with [`World::step`] (one event) or [`World::run_until`]; change
//! it with [`World::apply`]; look at it with [`World::snapshot`]. Nothing
//! but the seed and the applied actions influences what happens.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raftlab_core::{DetRng, Durable, LogIndex, Membership, Micros, NodeId, RawNode, Role, Term};
use serde::{Deserialize, Serialize};

use crate::action::{Action, LoggedAction};
use crate::chunked::ChunkedVec;
use crate::client::{Client, ClientEvent, USER_CLIENT};
use crate::config::WorldConfig;
use crate::invariants::{Invariants, Violation};
use crate::kv::{ClientId, KvStore, LogCommand};
use crate::linearizability::History;
use crate::linearizability::{CheckConfig, LiveChecker};
use crate::network::{DropReason, MsgId, Network};
use crate::queue::{EventKind, EventQueue};
use crate::recorder::{LaneKind, LaneRecord, OpRecord, OpStep, Recording, Ring};
use crate::recorder::{MAX_LANE_RECORDS, MAX_OP_RECORDS};
use crate::SimError;

mod actions;
mod clients;
mod host;
mod node;

use node::{skewed, Deferred, PendingRead};
pub use node::{NodeHost, NodeIter, NodeMap, NodeStatus};

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
    /// The configuration the world was built from: `SetNetwork` and
    /// `SetWorkload` change `config`, and a trace must start from this one
    /// to replay the run.
    initial_config: WorldConfig,
    now: Micros,
    events: u64,
    queue: EventQueue,
    nodes: NodeMap,
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
    /// Shared in chunks between checkpoints, like the committed history.
    action_log: ChunkedVec<LoggedAction>,
    records_events: bool,
    /// Role changes, commits and actions, for the space-time diagram.
    lanes: Ring<LaneRecord, MAX_LANE_RECORDS>,
    /// Client operation steps, for the client history panel.
    op_steps: Ring<OpRecord, MAX_OP_RECORDS>,
    /// Every client operation, uncompacted, when asked for (history export).
    full_history: Option<History>,
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
            nodes: NodeMap::default(),
            clients: BTreeMap::new(),
            invariants: Invariants::default(),
            lin: LiveChecker::with_config(CheckConfig::LIVE),
            violation: None,
            client_log: VecDeque::new(),
            notes: Vec::new(),
            next_node: config.nodes as u64 + 1,
            next_read_ctx: 1,
            action_log: ChunkedVec::default(),
            records_events: false,
            lanes: Ring::default(),
            op_steps: Ring::default(),
            full_history: None,
            rejected_inputs: 0,
            compactions_refused: 0,
            initial_config: config.clone(),
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

    /// The configuration now: the one it was built from, with any
    /// `SetNetwork` and `SetWorkload` actions applied since.
    pub fn config(&self) -> &WorldConfig {
        &self.config
    }
    /// The configuration this world was built from (what a trace replays).
    pub fn initial_config(&self) -> &WorldConfig {
        &self.initial_config
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
    pub fn nodes(&self) -> &NodeMap {
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
    /// Every action applied so far (a copy: see [`World::action_count`]
    /// and [`World::last_action`] for the cheap questions).
    pub fn action_log(&self) -> Vec<LoggedAction> {
        (0..self.action_log.len())
            .filter_map(|i| self.action_log.get(i).cloned())
            .collect()
    }
    /// How many actions have been applied.
    pub fn action_count(&self) -> usize {
        self.action_log.len()
    }
    /// The last action applied.
    pub fn last_action(&self) -> Option<&LoggedAction> {
        self.action_log.last()
    }
    /// The scheduled events (for the timeline's memory estimate).
    pub fn queue(&self) -> &EventQueue {
        &self.queue
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
    /// Also keep every client operation, uncompacted (the live checker
    /// forgets settled ones): what `history export` writes. Off by
    /// default, since it grows with the run. It can only be turned on
    /// before the first operation (so its ids are the checker's): returns
    /// whether it is on.
    pub fn set_keep_history(&mut self, on: bool) -> bool {
        if !on {
            self.full_history = None;
        } else if self.full_history.is_none()
            && self.op_steps.is_empty()
            && self.op_steps.forgotten() == 0
        {
            self.full_history = Some(History::new());
        }
        self.full_history.is_some()
    }
    /// Every client operation since [`World::set_keep_history`], if on.
    pub fn kept_history(&self) -> Option<&History> {
        self.full_history.as_ref()
    }
    /// The recent past, bounded: ended messages, lane events and client
    /// operation steps (cheap to clone: full chunks are shared).
    pub fn recording(&self) -> Recording {
        Recording {
            messages: self.network.ended.clone(),
            lanes: self.lanes.clone(),
            ops: self.op_steps.clone(),
        }
    }
    /// Drops the recording (a checkpoint's copy: replay rebuilds it).
    pub fn forget_recording(&mut self) {
        self.network.ended = Ring::default();
        self.lanes = Ring::default();
        self.op_steps = Ring::default();
    }
    pub(in crate::world) fn record_lane(&mut self, node: Option<NodeId>, kind: LaneKind) {
        self.lanes.push(LaneRecord {
            at: self.now,
            node,
            kind,
        });
    }
    pub(in crate::world) fn record_op(
        &mut self,
        client: ClientId,
        id: crate::linearizability::OpId,
        step: OpStep,
    ) {
        self.op_steps.push(OpRecord {
            at: self.now,
            client,
            id,
            step,
        });
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
    pub fn raft(&self, id: NodeId) -> Option<&RawNode<LogCommand>> {
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
                if !h.tick_if_runnable(self.now) {
                    return;
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
        let Some(i) = self.network.in_flight.position(&id) else {
            return;
        };
        let flight = self.network.in_flight.at(i);
        let to = flight.msg.to;
        // The receiver is looked up once, for the whole delivery.
        let mut host = self.nodes.get_mut(&to);
        let target_down = match &host {
            None => Some(DropReason::NoSuchNode),
            Some(h) if h.status == NodeStatus::Crashed => Some(DropReason::ReceiverDown),
            Some(_) => None,
        };
        if let (Some(reason), true) = (
            target_down,
            flight.held_at.is_none() && flight.deliver_at == self.now && flight.doomed.is_none(),
        ) {
            let f = self.network.in_flight.remove_at(i);
            self.network.record_drop(self.now, f, reason);
            return;
        }
        let Some(msg) = self.network.arrive_at(self.now, i) else {
            return;
        };
        let h = host.take().expect("checked above");
        if h.status == NodeStatus::Paused || h.pending_write.is_some() {
            h.inbox.push_back(Deferred::Message(msg));
            return;
        }
        // As `step_node`, on the node already found.
        let now = skewed(self.now, h.clock_offset_us);
        if let Some(r) = h.raft.as_mut() {
            if r.step(now, msg).is_err() {
                self.rejected_inputs += 1;
            }
        }
        self.pump(to);
    }
}

/// Largest clock skew an action may set.
pub const MAX_CLOCK_SKEW: Micros = crate::limits::SKEW.max;
