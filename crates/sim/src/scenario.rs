//! Runs scenario scripts (see [`crate::script`]) against a [`World`] and
//! produces a transcript: one output block per directive, compared with the
//! golden block stored under `----` in the file, or rewritten into it.
//!
//! Scripts start with setup directives (`nodes`, `seed`, `set ...`); the
//! world is built at the first other directive. Scripts run with the client
//! workload off unless they ask for one, so transcripts stay readable.

use std::collections::BTreeSet;

use raftlab_core::{LogIndex, Micros, NodeId, Role};

use crate::action::Action;
use crate::client::USER_CLIENT;
use crate::config::{WorkloadConfig, WorldConfig};
use crate::fuzz::set_bug;
use crate::linearizability::{check_all, CheckResult};
use crate::script::{parse_script, rewrite};
use crate::script::{Cmp, Directive, Expectation, NodeRef, On, RoleName, Setting, Show};
use crate::timeline::Timeline;
use crate::world::{NodeStatus, World};
use crate::SimError;

/// Longest a `run until` waits when the script names no bound.
const DEFAULT_WITHIN: Micros = Micros(10_000_000);

/// The result of running one script.
#[derive(Clone, Debug)]
pub struct ScenarioReport {
    /// Directives executed.
    pub steps: usize,
    /// One output block per directive.
    pub outputs: Vec<String>,
    /// Differences from the golden transcript and failed expectations.
    pub mismatches: Vec<String>,
    /// The file with every golden block replaced by the actual output.
    pub rewritten: String,
    /// The world at the end (for tours and tests).
    pub world: Option<World>,
}

/// Parses and runs a script file. With `rewrite`, golden mismatches are not
/// reported (the caller writes `rewritten` back), but failed expectations
/// still are.
pub fn run_file(text: &str, rewrite_mode: bool) -> Result<ScenarioReport, String> {
    let script = parse_script(text).map_err(|e| e.to_string())?;
    let mut runner = Runner::default();
    let mut outputs = Vec::new();
    let mut mismatches = Vec::new();
    for step in &script.steps {
        let out = match runner.exec(&step.directive) {
            Ok(out) => out,
            Err(e) => {
                mismatches.push(format!("line {}: `{}` failed: {e}", step.line, step.text));
                format!("error: {e}")
            }
        };
        if out.starts_with("FAILED") {
            mismatches.push(format!("line {}: `{}`: {out}", step.line, step.text));
        }
        if !rewrite_mode {
            if let Some(expected) = &step.expected {
                if expected.trim_end() != out.trim_end() {
                    mismatches.push(format!(
                        "line {}: `{}`\n  expected:\n{}\n  actual:\n{}",
                        step.line,
                        step.text,
                        indent(expected),
                        indent(&out)
                    ));
                }
            }
        }
        outputs.push(out);
    }
    Ok(ScenarioReport {
        steps: script.steps.len(),
        rewritten: rewrite(text, &outputs),
        outputs,
        mismatches,
        world: runner.world,
    })
}

/// Runs every `*.txt` script in `dir`, in name order, against its golden
/// transcript; with `rewrite`, writes each file's new transcript back.
/// Returns how many files ran and the mismatches, each naming its file.
pub fn check_dir(dir: &std::path::Path, rewrite: bool) -> Result<(usize, Vec<String>), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|x| x == "txt") {
            files.push(path);
        }
    }
    files.sort();
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let report = run_file(&text, rewrite).map_err(|e| format!("{}: {e}", f.display()))?;
        if rewrite {
            std::fs::write(f, &report.rewritten).map_err(|e| format!("{}: {e}", f.display()))?;
        }
        failures.extend(
            report
                .mismatches
                .iter()
                .map(|m| format!("{}: {m}", f.display())),
        );
    }
    Ok((files.len(), failures))
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a script runs against: a bare [`World`] (the test suite and the
/// CLI) or a [`Timeline`] (the page's guided tours, so every scripted action
/// lands in the action log and the run can be scrubbed like any other).
pub trait Host {
    /// The world now.
    fn world(&self) -> &World;
    /// Applies a user action now.
    fn apply(&mut self, action: Action) -> Result<(), SimError>;
    /// Processes one event; false when nothing more can happen.
    fn step(&mut self) -> bool;
    /// Processes every event up to `t` and sets the clock to `t`.
    fn run_until(&mut self, t: Micros);
}

impl Host for World {
    fn world(&self) -> &World {
        self
    }
    fn apply(&mut self, action: Action) -> Result<(), SimError> {
        World::apply(self, action)
    }
    fn step(&mut self) -> bool {
        World::step(self)
    }
    fn run_until(&mut self, t: Micros) {
        World::run_until(self, t)
    }
}

impl Host for Timeline {
    fn world(&self) -> &World {
        Timeline::world(self)
    }
    fn apply(&mut self, action: Action) -> Result<(), SimError> {
        Timeline::apply(self, action)
    }
    fn step(&mut self) -> bool {
        self.step_event()
    }
    fn run_until(&mut self, t: Micros) {
        self.advance_to(t)
    }
}

/// The settings a script starts from: the defaults with the background
/// workload off, so transcripts stay readable.
pub fn script_config() -> WorldConfig {
    WorldConfig {
        workload: WorkloadConfig {
            ops_per_sec: 0.0,
            ..WorkloadConfig::default()
        },
        ..WorldConfig::default()
    }
}

/// Applies a setup directive (`nodes`, `seed`, `set ...`) to the settings a
/// run will start from. Returns `Ok(false)`, changing nothing, for any other
/// directive.
pub fn configure(c: &mut WorldConfig, d: &Directive) -> Result<bool, String> {
    match d {
        Directive::Nodes(n) => c.nodes = *n as usize,
        Directive::Seed(s) => c.seed = *s,
        Directive::Set(s) => match s {
            Setting::Election { min_us, max_us } => {
                c.raft.election_timeout_min = Micros(*min_us);
                c.raft.election_timeout_max = Micros(*max_us);
            }
            Setting::Heartbeat { interval_us } => c.raft.heartbeat_interval = Micros(*interval_us),
            Setting::Latency { min_us, max_us } => {
                c.network.latency_min = Micros(*min_us);
                c.network.latency_max = Micros(*max_us);
            }
            Setting::Drop { probability } => c.network.drop_rate = *probability,
            Setting::Duplicate { probability } => c.network.duplicate_rate = *probability,
            Setting::Reorder(on) => c.network.reorder = *on,
            Setting::PreVote(on) => c.raft.pre_vote = *on,
            Setting::CheckQuorum(on) => c.raft.check_quorum = *on,
            Setting::Backoff(on) => c.raft.election_backoff = *on,
            Setting::Lease(on) => c.raft.lease_reads = *on,
            Setting::Disk { write_us } => c.disk_latency = Micros(*write_us),
            Setting::SnapshotEvery { entries } => c.snapshot_every = Some(*entries),
            Setting::Bug { name, on } => set_bug(&mut c.raft.bugs, name, *on)?,
        },
        _ => return Ok(false),
    }
    Ok(true)
}

/// Executes directives one by one against a world it owns, building the
/// world at the first directive that is not setup.
#[derive(Default)]
pub struct Runner {
    config: Option<WorldConfig>,
    /// The world, once built.
    pub world: Option<World>,
}

impl Runner {
    fn world(&mut self) -> Result<&mut World, String> {
        if self.world.is_none() {
            let cfg = self.config.clone().unwrap_or_else(script_config);
            self.world = Some(World::new(cfg).map_err(|e| e.to_string())?);
        }
        Ok(self.world.as_mut().expect("just built"))
    }

    /// Runs one directive to completion and returns its output block.
    pub fn exec(&mut self, d: &Directive) -> Result<String, String> {
        if matches!(d, Directive::Say { .. } | Directive::Tour { .. }) {
            return Ok(String::new());
        }
        if self.world.is_none() {
            let c = self.config.get_or_insert_with(script_config);
            if configure(c, d)? {
                return Ok(String::new());
            }
        }
        Exec::new(self.world()?).run(d)
    }
}

/// What starting a directive gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Started {
    /// It is done; its output block.
    Done(String),
    /// Time must pass first: run the world until the wait is over (at once
    /// with [`Exec::run`], or a frame at a time with [`Wait::advance`]),
    /// then [`Wait::report`] gives the output block.
    Wait(Wait),
}

/// A directive that lets simulated time pass.
#[derive(Clone, Debug, PartialEq)]
pub enum Wait {
    /// `run 300ms`: until this time.
    For {
        /// The time to reach.
        until: Micros,
    },
    /// `step N`: until this many events have been processed.
    Events {
        /// The event count to reach.
        until_event: u64,
    },
    /// `run until leader within ...`
    Leader {
        /// Give up at this time.
        deadline: Micros,
        /// The bound as written, for the report.
        bound: Micros,
    },
    /// `run until committed N [on n2] within ...`
    Committed {
        /// The log index that must be committed.
        index: u64,
        /// On this node; anywhere (the checker's committed history) if
        /// `None`.
        on: Option<NodeId>,
        /// Give up at this time.
        deadline: Micros,
        /// The bound as written, for the report.
        bound: Micros,
    },
}

impl Wait {
    /// Whether what it waits for has happened.
    pub fn satisfied(&self, w: &World) -> bool {
        match self {
            Wait::For { until } => w.now() >= *until,
            Wait::Events { until_event } => w.event_count() >= *until_event,
            Wait::Leader { .. } => w.leader().is_some(),
            Wait::Committed { index, on, .. } => match on {
                Some(n) => w
                    .raft(*n)
                    .is_some_and(|r| r.commit_index() >= LogIndex(*index)),
                None => w.invariants().committed_len() >= *index,
            },
        }
    }

    /// Whether waiting is over, satisfied or not: the condition holds, the
    /// bound has passed, or a violation stopped the run.
    pub fn over(&self, w: &World) -> bool {
        if self.satisfied(w) || w.violation().is_some() {
            return true;
        }
        match self {
            Wait::Leader { deadline, .. } | Wait::Committed { deadline, .. } => {
                w.now() >= *deadline
            }
            Wait::For { .. } | Wait::Events { .. } => false,
        }
    }

    /// Runs the host towards the end of the wait without passing time
    /// `limit` (the page passes the end of the current animation frame).
    /// Conditions are checked after every event, so an action that follows
    /// happens at the same event as in a run without limits. Returns whether
    /// the wait is over.
    pub fn advance<H: Host>(&self, host: &mut H, limit: Micros) -> bool {
        match self {
            Wait::For { until } => {
                host.run_until((*until).min(limit));
                self.over(host.world())
            }
            Wait::Events { until_event } => {
                while host.world().event_count() < *until_event {
                    if !host.step() {
                        return true;
                    }
                }
                true
            }
            Wait::Leader { .. } | Wait::Committed { .. } => loop {
                if self.over(host.world()) {
                    return true;
                }
                match host.world().next_event_time() {
                    None => return true,
                    Some(at) if at > limit => {
                        host.run_until(limit);
                        return false;
                    }
                    Some(_) => {
                        if !host.step() {
                            return true;
                        }
                    }
                }
            },
        }
    }

    /// The output block once the wait is over.
    pub fn report(&self, w: &World) -> String {
        match self {
            Wait::For { .. } => stopped_note(w),
            Wait::Events { .. } => String::new(),
            Wait::Leader { bound, .. } => match w.leader() {
                Some(l) => {
                    let term = w.raft(l).map(|r| r.term()).unwrap_or_default();
                    format!("leader {l} (term {term})")
                }
                None => format!("FAILED: no leader within {}", ms(*bound)),
            },
            Wait::Committed { index, bound, .. } => {
                if self.satisfied(w) {
                    format!("committed {index}")
                } else {
                    format!("FAILED: index {index} not committed within {}", ms(*bound))
                }
            }
        }
    }
}

fn ms(t: Micros) -> String {
    let v = t.as_ms_f64();
    if v.fract() == 0.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.3} ms")
    }
}

fn stopped_note(w: &World) -> String {
    match w.violation() {
        Some(v) => format!("stopped: {v}"),
        None => String::new(),
    }
}

/// Runs directives against a borrowed [`Host`] whose world already exists.
pub struct Exec<'a, H: Host> {
    host: &'a mut H,
}

impl<'a, H: Host> Exec<'a, H> {
    /// Borrows the host.
    pub fn new(host: &'a mut H) -> Self {
        Exec { host }
    }

    fn world(&self) -> &World {
        self.host.world()
    }

    fn node(&self, r: &NodeRef) -> Result<NodeId, String> {
        let w = self.world();
        match r {
            NodeRef::Id(n) => {
                let id = NodeId(*n);
                if w.nodes().contains_key(&id) {
                    Ok(id)
                } else {
                    Err(format!("there is no node {id}"))
                }
            }
            NodeRef::Leader => w
                .leader()
                .ok_or_else(|| "there is no leader right now".to_string()),
            NodeRef::AnyFollower => {
                let leader = w.leader();
                w.nodes()
                    .values()
                    .find(|h| h.status == NodeStatus::Up && Some(h.id) != leader)
                    .map(|h| h.id)
                    .ok_or_else(|| "there is no running follower".to_string())
            }
        }
    }

    fn act(&mut self, a: Action) -> Result<(), String> {
        self.host.apply(a).map_err(|e| e.to_string())
    }

    /// Runs one directive to completion and returns its output block.
    pub fn run(&mut self, d: &Directive) -> Result<String, String> {
        match self.start(d)? {
            Started::Done(out) => Ok(out),
            Started::Wait(wait) => {
                wait.advance(self.host, Micros(u64::MAX));
                Ok(wait.report(self.world()))
            }
        }
    }

    /// Starts one directive: actions, checks and output happen now; a
    /// directive that lets time pass comes back as a [`Wait`].
    pub fn start(&mut self, d: &Directive) -> Result<Started, String> {
        let done = |s: String| Ok(Started::Done(s));
        let now = self.world().now();
        match d {
            Directive::Nodes(_) | Directive::Seed(_) => {
                Err("setup directives (nodes, seed, set) must come before the run starts".into())
            }
            Directive::Set(s) => self.set(s).and_then(done),
            Directive::Run { duration_us } => Ok(Started::Wait(Wait::For {
                until: now + Micros(*duration_us),
            })),
            Directive::RunUntilLeader { within_us } => {
                let bound = within_us.map_or(DEFAULT_WITHIN, Micros);
                Ok(Started::Wait(Wait::Leader {
                    deadline: now + bound,
                    bound,
                }))
            }
            Directive::RunUntilCommitted {
                index,
                on,
                within_us,
            } => {
                let bound = within_us.map_or(DEFAULT_WITHIN, Micros);
                let on = match on {
                    Some(r) => Some(self.node(r)?),
                    None => None,
                };
                Ok(Started::Wait(Wait::Committed {
                    index: *index,
                    on,
                    deadline: now + bound,
                    bound,
                }))
            }
            Directive::Step(n) => Ok(Started::Wait(Wait::Events {
                until_event: self.world().event_count().saturating_add(*n),
            })),
            other => self.exec_now(other).and_then(done),
        }
    }

    /// The directives that take no simulated time.
    fn exec_now(&mut self, d: &Directive) -> Result<String, String> {
        match d {
            Directive::Crash(r) => {
                let n = self.node(r)?;
                self.act(Action::Crash(n))?;
                Ok(format!("crashed {n}"))
            }
            Directive::Restart(r) => {
                let n = self.node(r)?;
                if self.world().nodes()[&n].status != NodeStatus::Crashed {
                    return Ok(format!("{n} is already running"));
                }
                self.act(Action::Restart(n))?;
                Ok(format!("restarted {n}"))
            }
            Directive::Pause(r) => {
                let n = self.node(r)?;
                self.act(Action::Pause(n))?;
                Ok(format!("paused {n}"))
            }
            Directive::Resume(r) => {
                let n = self.node(r)?;
                self.act(Action::Resume(n))?;
                Ok(format!("resumed {n}"))
            }
            Directive::Partition(groups) => {
                let groups: Vec<BTreeSet<NodeId>> = groups
                    .iter()
                    .map(|g| g.iter().map(|n| NodeId(*n)).collect())
                    .collect();
                self.act(Action::Partition(groups))?;
                Ok(String::new())
            }
            Directive::Isolate(r) => {
                let n = self.node(r)?;
                self.act(Action::Partition(vec![[n].into_iter().collect()]))?;
                Ok(format!("isolated {n}"))
            }
            Directive::Cut {
                source,
                target,
                both_ways,
            } => {
                let (s, t) = (self.node(source)?, self.node(target)?);
                self.act(Action::Cut {
                    source: s,
                    target: t,
                })?;
                if *both_ways {
                    self.act(Action::Cut {
                        source: t,
                        target: s,
                    })?;
                }
                Ok(String::new())
            }
            Directive::Heal(None) => {
                self.act(Action::HealAll)?;
                Ok(String::new())
            }
            Directive::Heal(Some((a, b))) => {
                let (a, b) = (self.node(a)?, self.node(b)?);
                self.act(Action::HealLink {
                    source: a,
                    target: b,
                })?;
                self.act(Action::HealLink {
                    source: b,
                    target: a,
                })?;
                Ok(String::new())
            }
            Directive::Skew { node, offset_us } => {
                let n = self.node(node)?;
                self.act(Action::ClockSkew {
                    node: n,
                    offset_us: *offset_us,
                })?;
                Ok(String::new())
            }
            Directive::Timeout(r) => {
                let n = self.node(r)?;
                self.act(Action::Campaign(n))?;
                Ok(String::new())
            }
            Directive::Transfer(r) => {
                let n = self.node(r)?;
                self.act(Action::TransferLeadership(n))?;
                Ok(String::new())
            }
            Directive::Add { node, learner } => {
                let w = self.world();
                let next = w.nodes().keys().last().map_or(1, |n| n.0 + 1);
                if *node != next {
                    return Err(format!("the next node to add is n{next}, not n{node}"));
                }
                self.act(Action::AddNode { learner: *learner })?;
                Ok(String::new())
            }
            Directive::Promote(n) => {
                self.act(Action::Promote(NodeId(*n)))?;
                Ok(String::new())
            }
            Directive::Remove(r) => {
                let n = self.node(r)?;
                self.act(Action::RemoveNode(n))?;
                Ok(String::new())
            }
            Directive::Joint { voters, learners } => {
                self.act(Action::ChangeMembership {
                    voters: voters.iter().map(|n| NodeId(*n)).collect(),
                    learners: learners.iter().map(|n| NodeId(*n)).collect(),
                })?;
                Ok(String::new())
            }
            Directive::Compact(r) => {
                let n = self.node(r)?;
                self.act(Action::Compact(n))?;
                Ok(String::new())
            }
            Directive::Client { op, via } => {
                let via = match via {
                    Some(r) => Some(self.node(r)?),
                    None => None,
                };
                self.act(Action::ClientRequest {
                    op: op.clone(),
                    via,
                })?;
                Ok(String::new())
            }
            Directive::Workload(wl) => {
                let w = self.world();
                let mut cfg = w.config().workload.clone();
                cfg.ops_per_sec = wl.ops_per_s as f64;
                if let Some(r) = wl.reads {
                    cfg.read_fraction = r;
                }
                if let Some(k) = wl.keys {
                    cfg.keys = u32::try_from(k).map_err(|_| "too many keys".to_string())?;
                }
                if let Some(c) = wl.clients {
                    cfg.clients = u32::try_from(c).map_err(|_| "too many clients".to_string())?;
                }
                self.act(Action::SetWorkload(cfg))?;
                Ok(String::new())
            }
            Directive::WorkloadOff => {
                let mut cfg = self.world().config().workload.clone();
                cfg.ops_per_sec = 0.0;
                self.act(Action::SetWorkload(cfg))?;
                Ok(String::new())
            }
            Directive::Expect(e) => self.expect(e),
            Directive::Show(s) => self.show(s),
            Directive::Say { .. } | Directive::Tour { .. } => Ok(String::new()),
            Directive::Nodes(_)
            | Directive::Seed(_)
            | Directive::Set(_)
            | Directive::Run { .. }
            | Directive::RunUntilLeader { .. }
            | Directive::RunUntilCommitted { .. }
            | Directive::Step(_) => unreachable!("started by Exec::start"),
        }
    }

    /// Network settings may change mid-run; the rest are setup.
    fn set(&mut self, s: &Setting) -> Result<String, String> {
        let mut net = self.world().config().network.clone();
        match s {
            Setting::Latency { min_us, max_us } => {
                net.latency_min = Micros(*min_us);
                net.latency_max = Micros(*max_us);
            }
            Setting::Drop { probability } => net.drop_rate = *probability,
            Setting::Duplicate { probability } => net.duplicate_rate = *probability,
            Setting::Reorder(on) => net.reorder = *on,
            _ => return Err("this setting must come before the run starts".into()),
        }
        self.act(Action::SetNetwork(net))?;
        Ok(String::new())
    }

    /// The story of the newest request of the script's own client.
    fn show_client(&self) -> String {
        let log = self.world().client_log();
        let Some(last) = log.iter().rev().find(|e| e.client == USER_CLIENT) else {
            return "no requests yet".into();
        };
        log.iter()
            .filter(|e| e.client == USER_CLIENT && e.seq == last.seq)
            .map(|e| format!("{}: {}", e.op, e.kind))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn targets(&mut self, on: &Option<On>) -> Result<Vec<NodeId>, String> {
        match on {
            Some(On::Node(r)) => Ok(vec![self.node(r)?]),
            Some(On::All) | None => {
                let w = self.world();
                Ok(w.nodes()
                    .values()
                    .filter(|h| h.raft.is_some())
                    .map(|h| h.id)
                    .collect())
            }
        }
    }

    fn expect(&mut self, e: &Expectation) -> Result<String, String> {
        let verdict = |ok: bool, what: String| {
            if ok {
                "ok".to_string()
            } else {
                format!("FAILED: {what}")
            }
        };
        Ok(match e {
            Expectation::Leader { among } => {
                let l = self.world().leader();
                match l {
                    None => "FAILED: there is no leader".into(),
                    Some(l) if among.is_empty() || among.contains(&l.0) => "ok".into(),
                    Some(l) => format!("FAILED: the leader is {l}"),
                }
            }
            Expectation::NoLeader => {
                let l = self.world().leader();
                verdict(
                    l.is_none(),
                    format!("{} is leader", l.map(|n| n.to_string()).unwrap_or_default()),
                )
            }
            Expectation::LeaderIs { cmp, node } => {
                let want = self.node(node)?;
                let l = self.world().leader();
                let ok = match cmp {
                    Cmp::Ne => l != Some(want),
                    _ => l == Some(want),
                };
                verdict(
                    ok,
                    format!(
                        "the leader is {}",
                        l.map_or("nobody".into(), |n| n.to_string())
                    ),
                )
            }
            Expectation::Term { cmp, value } => {
                let w = self.world();
                let term = w
                    .nodes()
                    .values()
                    .filter_map(|h| h.raft.as_ref())
                    .map(|r| r.term().0)
                    .max()
                    .unwrap_or(0);
                verdict(
                    cmp.holds(term, *value),
                    format!("the highest term is {term}, wanted {} {value}", cmp),
                )
            }
            Expectation::Committed { cmp, value, on } | Expectation::Applied { cmp, value, on } => {
                let applied = matches!(e, Expectation::Applied { .. });
                let ids = self.targets(on)?;
                let w = self.world();
                let mut bad = Vec::new();
                for id in ids {
                    let Some(r) = w.raft(id) else { continue };
                    let v = if applied {
                        r.applied_index().0
                    } else {
                        r.commit_index().0
                    };
                    if !cmp.holds(v, *value) {
                        bad.push(format!("{id} has {v}"));
                    }
                }
                verdict(
                    bad.is_empty(),
                    format!("wanted {} {value}: {}", cmp, bad.join(", ")),
                )
            }
            Expectation::Role { node, role } => {
                let id = self.node(node)?;
                let have = self.world().raft(id).map(|r| r.role());
                let want = match role {
                    RoleName::Follower => Role::Follower,
                    RoleName::PreCandidate => Role::PreCandidate,
                    RoleName::Candidate => Role::Candidate,
                    RoleName::Leader => Role::Leader,
                };
                verdict(
                    have == Some(want),
                    format!("{id} is {}", have.map_or("down".into(), |r| r.to_string())),
                )
            }
            Expectation::LogsMatch => {
                let w = self.world();
                let rafts: Vec<_> = w.nodes().values().filter_map(|h| h.raft.as_ref()).collect();
                let first = rafts.first().ok_or("no running node")?;
                let last = first.log().last_index();
                let term = first.log().term_at(last);
                let mut bad = Vec::new();
                for r in &rafts {
                    if r.log().last_index() != last || r.log().term_at(last) != term {
                        bad.push(format!(
                            "{} ends at {}/t{:?}",
                            r.id(),
                            r.log().last_index(),
                            r.log().term_at(r.log().last_index())
                        ));
                    }
                }
                verdict(
                    bad.is_empty(),
                    format!("{} ends at {last}; {}", first.id(), bad.join(", ")),
                )
            }
            Expectation::Value {
                key,
                cmp,
                value,
                on,
            } => {
                let ids = self.targets(on)?;
                let w = self.world();
                let mut bad = Vec::new();
                for id in ids {
                    let have = w.nodes()[&id].kv.get(key).map(str::to_string);
                    let eq = have.as_deref() == Some(value.as_str());
                    let ok = match cmp {
                        Cmp::Ne => !eq,
                        _ => eq,
                    };
                    if !ok {
                        bad.push(format!(
                            "{id} has {}",
                            have.unwrap_or_else(|| "nothing".into())
                        ));
                    }
                }
                verdict(
                    bad.is_empty(),
                    format!("{key} {} {value}: {}", cmp, bad.join(", ")),
                )
            }
            Expectation::Linearizable => {
                let w = self.world();
                match check_all(w.linearizability().history()) {
                    CheckResult::NotLinearizable {
                        key, explanation, ..
                    } => format!("FAILED: key {key:?}: {explanation}"),
                    CheckResult::Undecided { key, reason, .. } => {
                        format!("FAILED: undecided for key {key:?}: {reason}")
                    }
                    CheckResult::Linearizable => "ok".into(),
                }
            }
            Expectation::Safe => {
                let v = self.world().violation().map(|v| v.to_string());
                verdict(v.is_none(), v.unwrap_or_default())
            }
            Expectation::Violation(name) => {
                let v = self.world().violation().cloned();
                match v {
                    Some(v)
                        if v.invariant.eq_ignore_ascii_case(name)
                            || v.invariant.to_lowercase().replace(' ', "-")
                                == name.to_lowercase() =>
                    {
                        format!("caught: {}", v.invariant)
                    }
                    Some(v) => format!("FAILED: {} was violated instead", v.invariant),
                    None => format!("FAILED: {name} still holds"),
                }
            }
        })
    }

    fn show(&mut self, s: &Show) -> Result<String, String> {
        let sel = |r: &mut Self, n: &Option<NodeRef>| -> Result<Vec<NodeId>, String> {
            match n {
                Some(n) => Ok(vec![r.node(n)?]),
                None => Ok(r.world().nodes().keys().copied().collect()),
            }
        };
        match s {
            Show::Client => Ok(self.show_client()),
            Show::Cluster => {
                let w = self.world();
                let mut out = Vec::new();
                for h in w.nodes().values() {
                    let line = match &h.raft {
                        Some(r) if h.status == NodeStatus::Up || h.status == NodeStatus::Paused => {
                            format!(
                                "{}: {}{} term {} commit {} last {}",
                                h.id,
                                r.role(),
                                if h.status == NodeStatus::Paused {
                                    " (paused)"
                                } else {
                                    ""
                                },
                                r.term(),
                                r.commit_index(),
                                r.log().last_index()
                            )
                        }
                        _ => format!(
                            "{}: crashed (disk: term {}, last {})",
                            h.id,
                            h.durable.term,
                            h.durable.last_index()
                        ),
                    };
                    out.push(line);
                }
                Ok(out.join("\n"))
            }
            Show::Log(n) => {
                let ids = sel(self, n)?;
                let w = self.world();
                let snap = w.snapshot();
                let mut out = Vec::new();
                for id in ids {
                    let Some(ns) = snap.nodes.iter().find(|x| x.id == id) else {
                        continue;
                    };
                    let entries: Vec<String> = ns
                        .log
                        .iter()
                        .map(|e| {
                            format!(
                                "{}{}:t{} {}",
                                if e.committed { "" } else { "~" },
                                e.index,
                                e.term,
                                e.label
                            )
                        })
                        .collect();
                    let base = ns
                        .snapshot
                        .map_or(String::new(), |(i, t)| format!("[snapshot {i}/t{t}] "));
                    out.push(format!("{id}: {base}{}", entries.join(" | ")));
                }
                Ok(out.join("\n"))
            }
            Show::Kv(n) => {
                let ids = sel(self, n)?;
                let w = self.world();
                Ok(ids
                    .iter()
                    .map(|id| {
                        let kv: Vec<String> = w.nodes()[id]
                            .kv
                            .data
                            .iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect();
                        format!("{id}: {}", kv.join(" "))
                    })
                    .collect::<Vec<_>>()
                    .join("\n"))
            }
            Show::Messages => {
                let w = self.world();
                let snap = w.snapshot();
                Ok(snap
                    .messages
                    .iter()
                    .map(|m| format!("{} {} -> {}: {}", m.id, m.from, m.to, m.summary))
                    .collect::<Vec<_>>()
                    .join("\n"))
            }
        }
    }
}
