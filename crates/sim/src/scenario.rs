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
use crate::config::{WorkloadConfig, WorldConfig};
use crate::fuzz::set_bug;
use crate::linearizability::{check_all, CheckResult};
use crate::script::{parse_script, rewrite};
use crate::script::{Cmp, Directive, Expectation, NodeRef, On, RoleName, Setting, Show};
use crate::world::{NodeStatus, World};

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

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Executes directives one by one.
#[derive(Default)]
pub struct Runner {
    config: Option<WorldConfig>,
    /// The world, once built.
    pub world: Option<World>,
}

fn script_config() -> WorldConfig {
    WorldConfig {
        workload: WorkloadConfig {
            ops_per_sec: 0.0,
            ..WorkloadConfig::default()
        },
        ..WorldConfig::default()
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

impl Runner {
    fn config_mut(&mut self) -> Result<&mut WorldConfig, String> {
        if self.world.is_some() {
            return Err(
                "setup directives (nodes, seed, set) must come before the run starts".into(),
            );
        }
        Ok(self.config.get_or_insert_with(script_config))
    }

    fn world(&mut self) -> Result<&mut World, String> {
        if self.world.is_none() {
            let cfg = self.config.clone().unwrap_or_else(script_config);
            self.world = Some(World::new(cfg).map_err(|e| e.to_string())?);
        }
        Ok(self.world.as_mut().expect("just built"))
    }

    fn node(&mut self, r: &NodeRef) -> Result<NodeId, String> {
        let w = self.world()?;
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
        self.world()?.apply(a).map_err(|e| e.to_string())
    }

    /// Runs one directive and returns its output block.
    pub fn exec(&mut self, d: &Directive) -> Result<String, String> {
        let setting = |r: &mut Self, f: &dyn Fn(&mut WorldConfig)| -> Result<String, String> {
            f(r.config_mut()?);
            Ok(String::new())
        };
        match d {
            Directive::Nodes(n) => {
                let n = *n as usize;
                setting(self, &|c| c.nodes = n)
            }
            Directive::Seed(s) => {
                let s = *s;
                setting(self, &|c| c.seed = s)
            }
            Directive::Set(s) => self.set(s),
            Directive::Run { duration_us } => {
                let w = self.world()?;
                let to = w.now() + Micros(*duration_us);
                w.run_until(to);
                Ok(self.stopped_note())
            }
            Directive::RunUntilLeader { within_us } => {
                let bound = within_us.map_or(DEFAULT_WITHIN, Micros);
                let w = self.world()?;
                let deadline = w.now() + bound;
                while w.leader().is_none() && w.now() < deadline && w.violation().is_none() {
                    if !w.step() {
                        break;
                    }
                }
                match w.leader() {
                    Some(l) => {
                        let term = w.raft(l).map(|r| r.term()).unwrap_or_default();
                        Ok(format!("leader {l} (term {term})"))
                    }
                    None => Ok(format!("FAILED: no leader within {}", ms(bound))),
                }
            }
            Directive::RunUntilCommitted {
                index,
                on,
                within_us,
            } => {
                let bound = within_us.map_or(DEFAULT_WITHIN, Micros);
                let target = match on {
                    Some(r) => Some(self.node(r)?),
                    None => None,
                };
                let w = self.world()?;
                let deadline = w.now() + bound;
                let done = |w: &World| match target {
                    Some(n) => w
                        .raft(n)
                        .is_some_and(|r| r.commit_index() >= LogIndex(*index)),
                    None => w.invariants().committed_len() >= *index,
                };
                while !done(w) && w.now() < deadline && w.violation().is_none() {
                    if !w.step() {
                        break;
                    }
                }
                if done(w) {
                    Ok(format!("committed {index}"))
                } else {
                    Ok(format!(
                        "FAILED: index {index} not committed within {}",
                        ms(bound)
                    ))
                }
            }
            Directive::Step(n) => {
                self.world()?.run_events(*n);
                Ok(String::new())
            }
            Directive::Crash(r) => {
                let n = self.node(r)?;
                self.act(Action::Crash(n))?;
                Ok(format!("crashed {n}"))
            }
            Directive::Restart(r) => {
                let n = self.node(r)?;
                if self.world()?.nodes()[&n].status != NodeStatus::Crashed {
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
                let w = self.world()?;
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
                let w = self.world()?;
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
                let mut cfg = self.world()?.config().workload.clone();
                cfg.ops_per_sec = 0.0;
                self.act(Action::SetWorkload(cfg))?;
                Ok(String::new())
            }
            Directive::Expect(e) => self.expect(e),
            Directive::Show(s) => self.show(s),
            Directive::Say(_) | Directive::Tour { .. } => Ok(String::new()),
        }
    }

    fn stopped_note(&self) -> String {
        match self.world.as_ref().and_then(|w| w.violation()) {
            Some(v) => format!("stopped: {v}"),
            None => String::new(),
        }
    }

    fn set(&mut self, s: &Setting) -> Result<String, String> {
        // Network settings may change mid-run; the rest are setup.
        if let Some(w) = self.world.as_mut() {
            let mut net = w.config().network.clone();
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
            return w
                .apply(Action::SetNetwork(net))
                .map(|_| String::new())
                .map_err(|e| e.to_string());
        }
        let c = self.config_mut()?;
        match s {
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
        }
        Ok(String::new())
    }

    fn targets(&mut self, on: &Option<On>) -> Result<Vec<NodeId>, String> {
        match on {
            Some(On::Node(r)) => Ok(vec![self.node(r)?]),
            Some(On::All) | None => {
                let w = self.world()?;
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
                let l = self.world()?.leader();
                match l {
                    None => "FAILED: there is no leader".into(),
                    Some(l) if among.is_empty() || among.contains(&l.0) => "ok".into(),
                    Some(l) => format!("FAILED: the leader is {l}"),
                }
            }
            Expectation::NoLeader => {
                let l = self.world()?.leader();
                verdict(
                    l.is_none(),
                    format!("{} is leader", l.map(|n| n.to_string()).unwrap_or_default()),
                )
            }
            Expectation::LeaderIs { cmp, node } => {
                let want = self.node(node)?;
                let l = self.world()?.leader();
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
                let w = self.world()?;
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
                let w = self.world()?;
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
                let have = self.world()?.raft(id).map(|r| r.role());
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
                let w = self.world()?;
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
                let w = self.world()?;
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
                let w = self.world()?;
                match check_all(w.linearizability().history()) {
                    CheckResult::NotLinearizable {
                        key, explanation, ..
                    } => format!("FAILED: key {key:?}: {explanation}"),
                    CheckResult::Unknown { key, reason } => {
                        format!("FAILED: undecided for key {key:?}: {reason}")
                    }
                    CheckResult::Linearizable => "ok".into(),
                }
            }
            Expectation::Safe => {
                let v = self.world()?.violation().map(|v| v.to_string());
                verdict(v.is_none(), v.unwrap_or_default())
            }
            Expectation::Violation(name) => {
                let v = self.world()?.violation().cloned();
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
                None => Ok(r.world()?.nodes().keys().copied().collect()),
            }
        };
        match s {
            Show::Cluster => {
                let w = self.world()?;
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
                let w = self.world()?;
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
                let w = self.world()?;
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
                let w = self.world()?;
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
