//! The directive dispatcher: one handler per directive, as in etcd-raft's
//! datadriven tests. Waits are in [`super::wait`], expectations in
//! [`super::expect`], `show` in [`super::show`].

use std::collections::BTreeSet;

use raftlab_core::{Micros, NodeId};

use super::host::{Host, DEFAULT_WITHIN, PROGRESS_EVERY};
use super::reply::{DirectiveError, Reply};
use super::wait::{Started, Wait};
use crate::action::Action;
use crate::config::Switches;
use crate::kv::KvOp;
use crate::limits;
use crate::script::{Directive, NodeRef, On, Setting, Workload};
use crate::world::{NodeStatus, World};

/// Runs directives against a borrowed [`Host`] whose world already exists.
///
/// The host is a trait object, not a type parameter: the page runs scripts
/// on three kinds of host (tours, exercise goals, their solutions), and a
/// generic `Exec` compiled every handler once per kind (twiggy: `start`
/// alone was 15 KB of wasm each time). A wait's per-event `step` costs one
/// indirect call, next to the world's own event handling.
pub struct Exec<'a> {
    host: &'a mut dyn Host,
}

/// A handler's result.
type Handled = Result<Reply, DirectiveError>;

/// What an action without a transcript line gives.
fn did() -> Handled {
    Ok(Reply::Did(String::new()))
}

impl<'a> Exec<'a> {
    /// Borrows the host.
    pub fn new(host: &'a mut dyn Host) -> Self {
        Exec { host }
    }

    pub(super) fn world(&self) -> &World {
        self.host.world()
    }

    /// Resolves a node reference against the world now.
    pub(super) fn node(&self, r: &NodeRef) -> Result<NodeId, DirectiveError> {
        let w = self.world();
        match r {
            NodeRef::Id(id) if w.nodes().contains_key(id) => Ok(*id),
            NodeRef::Id(id) => Err(DirectiveError::NoSuchNode {
                id: *id,
                known: w.nodes().keys().copied().collect(),
            }),
            NodeRef::Leader => w.leader().ok_or(DirectiveError::NoLeader),
            NodeRef::AnyFollower => {
                let leader = w.leader();
                w.nodes()
                    .values()
                    .find(|h| h.status == NodeStatus::Up && Some(h.id) != leader)
                    .map(|h| h.id)
                    .ok_or(DirectiveError::NoFollower)
            }
        }
    }

    /// The nodes an `on ...` clause names: every running node if none.
    pub(super) fn targets(&self, on: &Option<On>) -> Result<Vec<NodeId>, DirectiveError> {
        match on {
            Some(On::Node(r)) => Ok(vec![self.node(r)?]),
            Some(On::All) | None => Ok(self
                .world()
                .nodes()
                .values()
                .filter(|h| h.raft.is_some())
                .map(|h| h.id)
                .collect()),
        }
    }

    fn act(&mut self, a: Action) -> Result<(), DirectiveError> {
        Ok(self.host.apply(a)?)
    }

    pub(super) fn host_apply(&mut self, a: Action) -> Result<(), DirectiveError> {
        self.act(a)
    }

    /// Runs one directive to completion and returns what it gave.
    pub fn run(&mut self, d: &Directive) -> Handled {
        self.run_with_progress(d, &mut |_| {})
    }

    /// [`Exec::run`], calling `progress` after every [`PROGRESS_EVERY`] of
    /// simulated time. The wait advances in slices of that length, which
    /// gives the same run as one long advance: waits check their condition
    /// after every event and stop at their deadline (the page's frames rely
    /// on this too).
    pub fn run_with_progress(
        &mut self,
        d: &Directive,
        progress: &mut dyn FnMut(&World),
    ) -> Handled {
        match self.start(d)? {
            Started::Done(reply) => Ok(reply),
            Started::Wait(wait) => {
                loop {
                    let limit = self.world().now().saturating_add(PROGRESS_EVERY);
                    if wait.advance(self.host, limit) {
                        break;
                    }
                    progress(self.world());
                }
                Ok(wait.report(self.world()))
            }
        }
    }

    /// Starts one directive: actions, checks and output happen now; a
    /// directive that lets time pass comes back as a [`Wait`].
    pub fn start(&mut self, d: &Directive) -> Result<Started, DirectiveError> {
        let reply = match d {
            Directive::Nodes(_) | Directive::Seed(_) => Err(DirectiveError::Script(
                "setup directives (nodes, seed, set) must come before the run starts".into(),
            )),
            Directive::Set(s) => self.set(s),
            Directive::Run { duration } => return Ok(self.run_for(*duration)),
            Directive::RunUntilLeader { within } => return Ok(self.until_leader(*within)),
            Directive::RunUntilCommitted { index, on, within } => {
                return self.until_committed(*index, on, *within)
            }
            Directive::Step(n) => return Ok(self.step(*n)),
            Directive::Crash(r) => self.on_node(r, Action::Crash, "crashed"),
            Directive::Restart(r) => self.restart(r),
            Directive::Pause(r) => self.on_node(r, Action::Pause, "paused"),
            Directive::Resume(r) => self.on_node(r, Action::Resume, "resumed"),
            Directive::Timeout(r) => self.on_node(r, Action::Campaign, ""),
            Directive::Transfer(r) => self.on_node(r, Action::TransferLeadership, ""),
            Directive::Remove(r) => self.on_node(r, Action::RemoveNode, ""),
            Directive::Compact(r) => self.on_node(r, Action::Compact, ""),
            Directive::Skew { node, offset_us } => self.skew(node, *offset_us),
            Directive::Partition(groups) => self.partition(groups),
            Directive::Isolate(r) => self.on_node(r, isolate, "isolated"),
            Directive::Cut {
                source,
                target,
                both_ways,
            } => self.cut(source, target, *both_ways),
            Directive::Heal(link) => self.heal(link),
            Directive::Add { node, learner } => self.add(*node, *learner),
            Directive::Promote(n) => self.promote(*n),
            Directive::Joint { voters, learners } => self.joint(voters, learners),
            Directive::Client { op, via } => self.client(op, via),
            Directive::Workload(wl) => self.workload(wl),
            Directive::WorkloadOff => self.workload_off(),
            Directive::Expect(e) => self.expect(e),
            Directive::Show(s) => self.show(s).map(Reply::Held),
            Directive::Hand(h) => self.hand(h),
            Directive::Say { .. } | Directive::Tour { .. } | Directive::Exercise(_) => did(),
        };
        reply.map(Started::Done)
    }

    // Waits: they start here and run in `Wait::advance`.

    fn run_for(&self, duration: Micros) -> Started {
        let until = self.world().now() + duration;
        Started::Wait(Wait::For { until })
    }

    fn until_leader(&self, within: Option<Micros>) -> Started {
        let bound = within.unwrap_or(DEFAULT_WITHIN);
        let deadline = self.world().now() + bound;
        Started::Wait(Wait::Leader { deadline, bound })
    }

    fn until_committed(
        &self,
        index: u64,
        on: &Option<NodeRef>,
        within: Option<Micros>,
    ) -> Result<Started, DirectiveError> {
        let bound = within.unwrap_or(DEFAULT_WITHIN);
        let on = match on {
            Some(r) => Some(self.node(r)?),
            None => None,
        };
        Ok(Started::Wait(Wait::Committed {
            index,
            on,
            deadline: self.world().now() + bound,
            bound,
        }))
    }

    fn step(&self, n: u64) -> Started {
        let until_event = self.world().event_count().saturating_add(n);
        Started::Wait(Wait::Events { until_event })
    }

    // Settings.

    /// Network settings and the protocol's switches may change mid-run;
    /// the rest are setup.
    fn set(&mut self, s: &Setting) -> Handled {
        let mut net = self.world().config().network.clone();
        let mut switches = Switches::of(&self.world().config().raft);
        match s {
            Setting::PreVote(on) => switches.pre_vote = *on,
            Setting::CheckQuorum(on) => switches.check_quorum = *on,
            Setting::Backoff(on) => switches.election_backoff = *on,
            Setting::Lease(on) => switches.lease_reads = *on,
            Setting::Bug { name, on } => switches
                .bugs
                .set(name, *on)
                .map_err(|e| DirectiveError::Script(e.to_string()))?,
            _ => {}
        }
        if switches != Switches::of(&self.world().config().raft) {
            self.act(Action::SetSwitches(switches))?;
            return did();
        }
        if matches!(
            s,
            Setting::PreVote(_)
                | Setting::CheckQuorum(_)
                | Setting::Backoff(_)
                | Setting::Lease(_)
                | Setting::Bug { .. }
        ) {
            return did(); // already so
        }
        match s {
            Setting::HandDelivery(on) => {
                self.act(Action::HandDelivery(*on))?;
                return did();
            }
            Setting::Latency { min, max } => {
                net.latency_min = *min;
                net.latency_max = *max;
            }
            Setting::Drop { probability } => net.drop_rate = *probability,
            Setting::Duplicate { probability } => net.duplicate_rate = *probability,
            Setting::Reorder(on) => net.reorder = *on,
            _ => {
                return Err(DirectiveError::Script(
                    "this setting must come before the run starts".into(),
                ))
            }
        }
        self.act(Action::SetNetwork(net))?;
        did()
    }

    // Node actions.

    /// Applies `action` to the node `r` names; the transcript says
    /// `<done> <node>`, or nothing when `done` is empty.
    fn on_node(&mut self, r: &NodeRef, action: fn(NodeId) -> Action, done: &str) -> Handled {
        let n = self.node(r)?;
        self.act(action(n))?;
        if done.is_empty() {
            did()
        } else {
            Ok(Reply::Did(format!("{done} {n}")))
        }
    }

    fn restart(&mut self, r: &NodeRef) -> Handled {
        let n = self.node(r)?;
        if self.world().nodes()[&n].status != NodeStatus::Crashed {
            return Ok(Reply::Did(format!("{n} is already running")));
        }
        self.act(Action::Restart(n))?;
        Ok(Reply::Did(format!("restarted {n}")))
    }

    fn skew(&mut self, node: &NodeRef, offset_us: i64) -> Handled {
        let node = self.node(node)?;
        self.act(Action::ClockSkew { node, offset_us })?;
        did()
    }

    // Network actions.

    fn partition(&mut self, groups: &[Vec<NodeId>]) -> Handled {
        let groups: Vec<BTreeSet<NodeId>> =
            groups.iter().map(|g| g.iter().copied().collect()).collect();
        self.act(Action::Partition(groups))?;
        did()
    }

    fn cut(&mut self, source: &NodeRef, target: &NodeRef, both_ways: bool) -> Handled {
        let (source, target) = (self.node(source)?, self.node(target)?);
        self.act(Action::Cut { source, target })?;
        if both_ways {
            self.act(Action::Cut {
                source: target,
                target: source,
            })?;
        }
        did()
    }

    fn heal(&mut self, link: &Option<(NodeRef, NodeRef)>) -> Handled {
        let Some((a, b)) = link else {
            self.act(Action::HealAll)?;
            return did();
        };
        let (a, b) = (self.node(a)?, self.node(b)?);
        self.act(Action::HealLink {
            source: a,
            target: b,
        })?;
        self.act(Action::HealLink {
            source: b,
            target: a,
        })?;
        did()
    }

    // Membership (thesis §4).

    fn add(&mut self, node: NodeId, learner: bool) -> Handled {
        let next = NodeId(self.world().nodes().keys().last().map_or(1, |n| n.0 + 1));
        if node != next {
            return Err(DirectiveError::Script(format!(
                "the next node to add is {next}, not {node}"
            )));
        }
        self.act(Action::AddNode { learner })?;
        did()
    }

    fn promote(&mut self, n: NodeId) -> Handled {
        // The core would accept a voter that does not exist and then wait
        // forever for its vote: refuse it here.
        let n = self.node(&NodeRef::Id(n))?;
        self.act(Action::Promote(n))?;
        did()
    }

    fn joint(&mut self, voters: &[NodeId], learners: &[NodeId]) -> Handled {
        self.act(Action::ChangeMembership {
            voters: voters.iter().copied().collect(),
            learners: learners.iter().copied().collect(),
        })?;
        did()
    }

    // Clients.

    fn client(&mut self, op: &KvOp, via: &Option<NodeRef>) -> Handled {
        let via = match via {
            Some(r) => Some(self.node(r)?),
            None => None,
        };
        self.act(Action::ClientRequest {
            op: op.clone(),
            via,
        })?;
        did()
    }

    fn workload(&mut self, wl: &Workload) -> Handled {
        let mut cfg = self.world().config().workload.clone();
        cfg.ops_per_sec = wl.ops_per_s;
        if let Some(r) = wl.reads {
            cfg.read_fraction = r;
        }
        if let Some(k) = wl.keys {
            let k = limits::KEYS.check(k)?;
            cfg.keys = u32::try_from(k).map_err(|_| limits::KEYS.refuse(k.to_string()))?;
        }
        if let Some(c) = wl.clients {
            let c = limits::CLIENTS.check(c)?;
            cfg.clients = u32::try_from(c).map_err(|_| limits::CLIENTS.refuse(c.to_string()))?;
        }
        self.act(Action::SetWorkload(cfg))?;
        did()
    }

    fn workload_off(&mut self) -> Handled {
        let mut cfg = self.world().config().workload.clone();
        cfg.ops_per_sec = 0.0;
        self.act(Action::SetWorkload(cfg))?;
        did()
    }
}

/// `isolate n2`: a partition whose only group is the node itself.
fn isolate(n: NodeId) -> Action {
    Action::Partition(vec![[n].into_iter().collect()])
}
