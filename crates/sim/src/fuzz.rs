//! The chaos runner, in the spirit of TigerBeetle's VOPR: one seed derives
//! every knob and every fault. A **chaos phase** (crashes, restarts,
//! pauses, partitions, one-way cuts, loss, duplication, reordering,
//! membership changes, compaction, leadership transfers) is followed by a
//! **calm phase** with all faults healed, in which a leader must emerge, a
//! new write must commit within a bound, every member must converge on the
//! same state, and the whole client history must be linearizable — so no
//! acknowledged write was lost. A history the checker's search cannot
//! decide within its budget gets a second, longer search; if that cannot
//! decide it either, the run fails: undecided is not a pass.

use std::collections::BTreeSet;

use raftlab_core::{Bugs, DetRng, Micros, NodeId};
use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::config::{LinkConfig, WorkloadConfig, WorldConfig};
use crate::invariants::Violation;
use crate::kv::KvOp;
use crate::linearizability::{check_all_with, CheckConfig, CheckResult};
use crate::profile::{fault_gap, targeted_action, targeted_config, ChaosProfile};
use crate::world::{NodeStatus, World};

/// What to run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FuzzOptions {
    /// The seed every choice derives from.
    pub seed: u64,
    /// Events in the chaos phase.
    pub events: u64,
    /// Initial cluster size; `None` lets the seed choose 3, 5 or 7.
    pub nodes: Option<usize>,
    /// Protocol mutations to switch on (to show the checkers catch them).
    pub bugs: Bugs,
    /// Allow membership changes in the chaos phase.
    pub membership_changes: bool,
    /// Virtual time the calm phase may take before liveness is declared failed.
    pub calm_bound: Micros,
    /// Which fault schedule the chaos phase runs.
    #[serde(default)]
    pub profile: ChaosProfile,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions {
            seed: 0,
            events: 20_000,
            nodes: None,
            bugs: Bugs::default(),
            membership_changes: true,
            calm_bound: Micros::from_ms(20_000),
            profile: ChaosProfile::Mixed,
        }
    }
}

impl FuzzOptions {
    /// The command line that reproduces this run.
    pub fn repro_command(&self) -> String {
        let mut cmd = format!(
            "cargo run --release -p raftlab-sim --bin raftlab-sim -- fuzz --seed {} --events {}",
            self.seed, self.events
        );
        if let Some(n) = self.nodes {
            cmd.push_str(&format!(" --nodes {n}"));
        }
        for bug in self.bugs.on() {
            cmd.push_str(&format!(" --bug {}", bug.name));
        }
        if !self.membership_changes {
            cmd.push_str(" --no-membership");
        }
        if self.profile != ChaosProfile::Mixed {
            cmd.push_str(&format!(" --profile {}", self.profile.name()));
        }
        cmd
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FuzzOutcome {
    /// The options, for the report.
    pub options: FuzzOptions,
    /// Events processed in total.
    pub events: u64,
    /// Virtual time at the end.
    pub sim_time: Micros,
    /// Faults injected.
    pub faults: u64,
    /// Client operations completed.
    pub ops_completed: u64,
    /// Entries in the canonical committed history.
    pub committed: u64,
    /// A safety violation.
    pub violation: Option<Violation>,
    /// A liveness failure in the calm phase (or a client history that is
    /// not linearizable, or that no search could decide).
    pub liveness: Option<String>,
    /// How the final linearizability check went.
    #[serde(default)]
    pub history: HistoryVerdict,
}

/// How the calm phase's linearizability check of the whole client history
/// went.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryVerdict {
    /// Not checked: the run failed before the calm phase got there.
    #[default]
    NotChecked,
    /// Decided within the offline budget ([`CheckConfig::OFFLINE`]).
    Decided,
    /// Decided only by the longer search ([`CheckConfig::THOROUGH`]).
    DecidedByLongerSearch,
    /// Neither search decided it (the run fails).
    Undecided,
}

impl FuzzOutcome {
    /// True if nothing went wrong.
    pub fn passed(&self) -> bool {
        self.violation.is_none() && self.liveness.is_none()
    }
}

/// The world configuration a seed chooses.
pub fn chaos_config(opts: &FuzzOptions, rng: &mut DetRng) -> WorldConfig {
    let mut c = WorldConfig {
        seed: opts.seed,
        ..WorldConfig::default()
    };
    c.nodes = opts
        .nodes
        .unwrap_or_else(|| [3, 5, 5, 7][rng.gen_range(0..=3) as usize]);
    c.raft.pre_vote = rng.gen_bool(0.5);
    c.raft.check_quorum = rng.gen_bool(0.5);
    c.raft.lease_reads = c.raft.check_quorum && rng.gen_bool(0.3);
    c.raft.bugs = opts.bugs;
    let lat_min = rng.gen_range(1..=10);
    let lat_max = lat_min + rng.gen_range(0..=30);
    c.network = LinkConfig {
        latency_min: Micros::from_ms(lat_min),
        latency_max: Micros::from_ms(lat_max),
        drop_rate: [0.0, 0.01, 0.05, 0.1][rng.gen_range(0..=3) as usize],
        duplicate_rate: [0.0, 0.0, 0.02, 0.05][rng.gen_range(0..=3) as usize],
        reorder: rng.gen_bool(0.5),
    };
    c.disk_latency = if rng.gen_bool(0.3) {
        Micros::from_ms(rng.gen_range(1..=5))
    } else {
        Micros(0)
    };
    c.workload = WorkloadConfig {
        ops_per_sec: [10.0, 20.0, 50.0][rng.gen_range(0..=2) as usize],
        read_fraction: 0.3,
        keys: rng.gen_range(1..=4) as u32,
        clients: rng.gen_range(1..=4) as u32,
    };
    c.client_timeout = Micros::from_ms(400);
    c.client_max_attempts = 30;
    c.snapshot_every = Some([10, 50, 200][rng.gen_range(0..=2) as usize]);
    // The history is checked once, at the end of the calm phase: re-checking
    // it live after every completion costs more than the whole simulation.
    c.check_linearizability = false;
    c
}

/// One random fault, derived from the RNG and the world's state.
fn chaos_action(world: &World, rng: &mut DetRng, opts: &FuzzOptions) -> Option<Action> {
    let all: Vec<NodeId> = world.nodes().keys().copied().collect();
    let by = |s: NodeStatus| -> Vec<NodeId> {
        world
            .nodes()
            .values()
            .filter(|h| h.status == s)
            .map(|h| h.id)
            .collect()
    };
    let (up, crashed, paused) = (
        by(NodeStatus::Up),
        by(NodeStatus::Crashed),
        by(NodeStatus::Paused),
    );
    let msgs: Vec<_> = world.network().in_flight.keys().copied().collect();
    match rng.gen_range(0..=15) {
        0 | 1 => rng.choose(&up).copied().map(Action::Crash),
        2 | 3 => rng.choose(&crashed).copied().map(Action::Restart),
        4 => rng.choose(&up).copied().map(Action::Pause),
        5 => rng.choose(&paused).copied().map(Action::Resume),
        6 => {
            let mut a = BTreeSet::new();
            let mut b = BTreeSet::new();
            for id in &all {
                if rng.gen_bool(0.5) {
                    a.insert(*id);
                } else {
                    b.insert(*id);
                }
            }
            Some(Action::Partition(vec![a, b]))
        }
        7 | 8 => Some(Action::HealAll),
        9 => {
            let s = rng.choose(&all).copied()?;
            let t = rng.choose(&all).copied()?;
            (s != t).then_some(Action::Cut {
                source: s,
                target: t,
            })
        }
        10 => rng.choose(&up).copied().map(Action::Campaign),
        11 => rng.choose(&up).copied().map(Action::TransferLeadership),
        12 => rng.choose(&up).copied().map(Action::Compact),
        13 if opts.membership_changes => {
            let leader = world.leader()?;
            let m = world.raft(leader)?.membership().clone();
            let voters: Vec<NodeId> = m.voters.iter().copied().collect();
            let learners: Vec<NodeId> = m.learners.iter().copied().collect();
            match rng.gen_range(0..=3) {
                0 if voters.len() > 3 => rng.choose(&voters).copied().map(Action::RemoveNode),
                1 if all.len() < 9 => Some(Action::AddNode {
                    learner: rng.gen_bool(0.5),
                }),
                2 => rng.choose(&learners).copied().map(Action::Promote),
                _ if voters.len() >= 3 => {
                    // Joint consensus: swap one voter for another known node.
                    let out = rng.choose(&voters).copied()?;
                    let candidates: Vec<NodeId> = all
                        .iter()
                        .copied()
                        .filter(|n| {
                            !m.voters.contains(n) && world.nodes()[n].status == NodeStatus::Up
                        })
                        .collect();
                    let inn = rng.choose(&candidates).copied()?;
                    let mut v = m.voters.clone();
                    v.remove(&out);
                    v.insert(inn);
                    Some(Action::ChangeMembership {
                        voters: v,
                        learners: BTreeSet::new(),
                    })
                }
                _ => None,
            }
        }
        14 => rng.choose(&msgs).copied().map(Action::Drop),
        _ => {
            let a = rng.choose(&all).copied()?;
            let b = rng.choose(&all).copied()?;
            (a != b).then_some(Action::HealLink {
                source: a,
                target: b,
            })
        }
    }
}

/// Runs one seed: chaos, then calm. Never panics on a protocol failure:
/// it reports it.
pub fn fuzz_one(opts: &FuzzOptions) -> FuzzOutcome {
    fuzz_run(opts).0
}

/// [`fuzz_one`], also returning the world at the end (or `None` if the
/// settings were refused): its trace replays the run (`history export`).
pub fn fuzz_run(opts: &FuzzOptions) -> (FuzzOutcome, Option<World>) {
    let mut rng = DetRng::new(opts.seed ^ 0x5eed_f00d_cafe_d00d);
    let config = match opts.profile {
        ChaosProfile::Mixed => chaos_config(opts, &mut rng),
        targeted => targeted_config(opts.seed, opts.bugs, opts.nodes, targeted, &mut rng),
    };
    let mut out = FuzzOutcome {
        options: opts.clone(),
        events: 0,
        sim_time: Micros(0),
        faults: 0,
        ops_completed: 0,
        committed: 0,
        violation: None,
        liveness: None,
        history: HistoryVerdict::NotChecked,
    };
    let mut world = match World::new(config) {
        Ok(w) => w,
        Err(e) => {
            out.liveness = Some(format!("could not build the world: {e}"));
            return (out, None);
        }
    };
    // Chaos phase.
    if opts.profile == ChaosProfile::Mixed {
        mixed_chaos(&mut world, &mut rng, opts, &mut out);
    } else {
        targeted_chaos(&mut world, &mut rng, opts, &mut out);
    }
    if world.violation().is_none() {
        out.liveness = calm_phase(&mut world, opts.calm_bound, &mut out.history).err();
    }
    out.events = world.event_count();
    out.sim_time = world.now();
    out.ops_completed = world.clients().values().map(|c| c.completed).sum();
    out.committed = world.invariants().committed_len();
    out.violation = world.violation().cloned();
    (out, Some(world))
}

/// Each node's state, a line each, for a liveness failure's report.
fn member_states(world: &World) -> String {
    let leader = world.leader();
    let members = leader
        .and_then(|l| world.raft(l))
        .map(|r| r.membership().all_nodes())
        .unwrap_or_default();
    let leader_kv = leader.map(|l| &world.nodes()[&l].kv.data);
    world
        .nodes()
        .values()
        .map(|h| {
            let state = match world.raft(h.id) {
                Some(r) => format!(
                    "{:?} {:?} term {} commit {} applied {} last {}",
                    h.status,
                    r.role(),
                    r.term(),
                    r.commit_index(),
                    r.applied_index(),
                    r.log().last_index()
                ),
                None => format!("{:?}", h.status),
            };
            format!(
                "  {}{}: {state}, {} keys{}",
                h.id,
                if members.contains(&h.id) {
                    ""
                } else {
                    " (not a member)"
                },
                h.kv.data.len(),
                if leader_kv.is_some_and(|kv| *kv != h.kv.data) {
                    ", store differs from the leader's"
                } else {
                    ""
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn verbose() -> bool {
    std::env::var_os("RAFTLAB_FUZZ_VERBOSE").is_some()
}

/// Applies one fault; refusals (no leader, change pending...) are part of chaos.
fn inject(world: &mut World, action: Action, out: &mut FuzzOutcome) -> bool {
    let text = if verbose() {
        format!("{action:?}")
    } else {
        String::new()
    };
    if world.apply(action).is_err() {
        return false;
    }
    out.faults += 1;
    if verbose() {
        eprintln!(
            "[{} ev {}] {text}",
            world.now().as_ms_f64(),
            world.event_count()
        );
    }
    true
}

fn drain_notes(world: &mut World) {
    let notes = world.take_notes();
    if verbose() {
        for n in notes {
            if let crate::world::NoteKind::LeaderElected { node, term } = n.kind {
                eprintln!(
                    "[{} ev {}] leader {node} term {term}",
                    n.at.as_ms_f64(),
                    n.event
                );
            }
        }
    }
}

/// The targeted profiles' chaos phase: faults by virtual time, and every
/// crashed node restarted after the outage its fault chose.
fn targeted_chaos(world: &mut World, rng: &mut DetRng, opts: &FuzzOptions, out: &mut FuzzOutcome) {
    let mut next_fault = world.now() + fault_gap(opts.profile, rng);
    let mut restarts: Vec<(Micros, NodeId)> = Vec::new();
    while world.event_count() < opts.events && world.violation().is_none() {
        if !world.step() {
            break;
        }
        let now = world.now();
        while let Some(i) = restarts.iter().position(|(at, _)| *at <= now) {
            let (_, id) = restarts.remove(i);
            inject(world, Action::Restart(id), out);
        }
        if now >= next_fault {
            next_fault = now + fault_gap(opts.profile, rng);
            if let Some((action, outage)) = targeted_action(world, opts.profile, rng) {
                let crashed = match action {
                    Action::Crash(id) => Some(id),
                    _ => None,
                };
                if inject(world, action, out) {
                    if let (Some(id), Some(outage)) = (crashed, outage) {
                        restarts.push((now + outage, id));
                    }
                }
            }
        }
        drain_notes(world);
    }
}

/// The mixed profile's chaos phase: one fault every 100–1,500 events.
fn mixed_chaos(world: &mut World, rng: &mut DetRng, opts: &FuzzOptions, out: &mut FuzzOutcome) {
    let mut next_fault = rng.gen_range(100..=1_500);
    while world.event_count() < opts.events && world.violation().is_none() {
        if !world.step() {
            break;
        }
        if world.event_count() >= next_fault {
            next_fault = world.event_count() + rng.gen_range(100..=1_500);
            if let Some(a) = chaos_action(world, rng, opts) {
                inject(world, a, out);
            }
        }
        drain_notes(world);
    }
}

/// Heals everything, then demands progress, convergence and a
/// linearizable history; says in `verdict` how the history was decided.
fn calm_phase(
    world: &mut World,
    bound: Micros,
    verdict: &mut HistoryVerdict,
) -> Result<(), String> {
    let start = world.now();
    let deadline = start + bound;
    let ids: Vec<NodeId> = world.nodes().keys().copied().collect();
    let quiet = LinkConfig {
        drop_rate: 0.0,
        duplicate_rate: 0.0,
        ..world.config().network.clone()
    };
    // The workload stops so the members can be compared at rest.
    let rest = WorkloadConfig {
        ops_per_sec: 0.0,
        ..world.config().workload.clone()
    };
    let actions = [
        Action::HealAll,
        Action::SetNetwork(quiet),
        Action::SetWorkload(rest),
    ];
    for a in actions {
        world.apply(a).map_err(|e| e.to_string())?;
    }
    for id in &ids {
        let a = match world.nodes()[id].status {
            NodeStatus::Crashed => Action::Restart(*id),
            NodeStatus::Paused => Action::Resume(*id),
            NodeStatus::Up => continue,
        };
        world.apply(a).map_err(|e| e.to_string())?;
    }
    // 1. A leader emerges.
    let step_until = |world: &mut World, what: &str, done: &dyn Fn(&World) -> bool| {
        while !done(world) {
            if world.violation().is_some() {
                return Ok(());
            }
            if world.now() > deadline || !world.step() {
                return Err(format!(
                    "liveness: {what} within {:.1} s of healing (started at {:.1} s)",
                    bound.as_ms_f64() / 1000.0,
                    start.as_ms_f64() / 1000.0
                ));
            }
            world.take_notes();
        }
        Ok(())
    };
    step_until(world, "no leader was elected", &|w| w.leader().is_some())?;
    // Nodes removed from the configuration are shut down (thesis §4.2.3:
    // a removed server should not disrupt the cluster).
    if let Some(leader) = world.leader() {
        let members = world
            .raft(leader)
            .map(|r| r.membership().all_nodes())
            .unwrap_or_default();
        for id in &ids {
            if !members.contains(id) && world.nodes()[id].status == NodeStatus::Up {
                world.apply(Action::Crash(*id)).map_err(|e| e.to_string())?;
            }
        }
    }
    // 2. A new write commits.
    let before = world.clients()[&crate::client::USER_CLIENT].completed;
    world
        .apply(Action::ClientRequest {
            op: KvOp::Put {
                key: "calm".into(),
                value: "1".into(),
            },
            via: None,
        })
        .map_err(|e| e.to_string())?;
    step_until(world, "a new write did not commit", &|w| {
        w.clients()[&crate::client::USER_CLIENT].completed > before
    })?;
    // 3. Every member converges on the leader's state. A configuration
    // change still in flight when the leader emerged may add back a node
    // shut down above as a non-member: it is restarted as it becomes one.
    let converged = |w: &World| {
        let Some(l) = w.leader() else { return false };
        let Some(lr) = w.raft(l) else { return false };
        let commit = lr.commit_index();
        let kv = &w.nodes()[&l].kv.data;
        lr.membership().all_nodes().iter().all(|id| {
            w.raft(*id).is_some_and(|r| r.applied_index() >= commit) && w.nodes()[id].kv.data == *kv
        })
    };
    // Members of the leader's configuration that are down.
    let crashed_members = |w: &World| -> Vec<NodeId> {
        w.leader()
            .and_then(|l| w.raft(l))
            .map(|r| r.membership().all_nodes())
            .unwrap_or_default()
            .into_iter()
            .filter(|id| {
                w.nodes()
                    .get(id)
                    .is_some_and(|h| h.status == NodeStatus::Crashed)
            })
            .collect()
    };
    loop {
        for id in crashed_members(world) {
            world
                .apply(Action::Restart(id))
                .map_err(|e| e.to_string())?;
        }
        if !crashed_members(world).is_empty() {
            return Err(format!(
                "liveness: a member could not be restarted\n{}",
                member_states(world)
            ));
        }
        step_until(world, "the members did not converge", &|w| {
            converged(w) || !crashed_members(w).is_empty()
        })
        .map_err(|e| format!("{e}\n{}", member_states(world)))?;
        if converged(world) || world.violation().is_some() {
            break;
        }
    }
    if world.violation().is_some() {
        return Ok(());
    }
    // 4. The whole history is linearizable, and the search decided so: an
    // undecided history gets a longer search, then fails the run.
    let history = world.linearizability().history();
    let mut result = check_all_with(history, &CheckConfig::OFFLINE);
    *verdict = HistoryVerdict::Decided;
    if result.is_undecided() {
        result = check_all_with(history, &CheckConfig::THOROUGH);
        *verdict = HistoryVerdict::DecidedByLongerSearch;
    }
    match result {
        CheckResult::Linearizable => Ok(()),
        CheckResult::NotLinearizable {
            key, explanation, ..
        } => Err(format!(
            "linearizability: history of key {key:?} is not linearizable: {explanation}"
        )),
        CheckResult::Undecided { key, reason, .. } => {
            *verdict = HistoryVerdict::Undecided;
            Err(format!(
                "linearizability undecided: the history of key {key:?} is too hard for the \
                 search even with {} steps: {reason}",
                CheckConfig::THOROUGH.max_steps
            ))
        }
    }
}
