//! Chaos runs in the style of TigerBeetle's VOPR: one seed drives drops, reordering, crashes,
//! restarts, compaction, membership changes, transfers and reads. A checker outside the nodes
//! asserts the safety properties after every step; then faults stop and the cluster must
//! converge (liveness).
//!
//! Why a second chaos runner beside the simulator's fuzzer (`raftlab-sim fuzz`,
//! crates/sim/src/fuzz.rs): this one tests the core alone. Dependencies point
//! down (app -> sim -> core), so the core's own tests cannot use the simulator,
//! and a bug in the simulator's clock, network or checker cannot hide a core bug
//! here. Its network (`common::Net`) delivers any queued message in any order,
//! with no latency model, reaching interleavings that the time-driven world
//! makes rare; its checker (`common`) is deliberately small. The simulator's
//! fuzzer and `invariants.rs` remain the one full checker the page, scripts and
//! CI's bug-switch proof use.
//!
//! Reproduce one seed: `RAFTLAB_CHAOS_FIRST=355 RAFTLAB_CHAOS_SEEDS=1 cargo test -p raftlab-core --test chaos`.
//! Hunt with many: `RAFTLAB_CHAOS_SEEDS=10000 cargo test -p raftlab-core --profile fast --test chaos`.

mod common;
use common::*;
use raftlab_core::*;
use std::collections::BTreeMap;

/// What a successful run exercised.
#[derive(Default)]
struct Outcome {
    conf_committed: usize,
    reads_served: usize,
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One seeded run. `Err` names the violated property and the seed.
fn run(seed: u64, bugs: Bugs) -> Result<Outcome, String> {
    let conf_changes = seed % 2 == 1;
    let config = Config {
        pre_vote: seed.is_multiple_of(2),
        check_quorum: seed.is_multiple_of(3),
        lease_reads: seed % 5 < 3,
        max_inflight_msgs: 4,
        max_entries_per_msg: 3,
        bugs,
        ..Config::default()
    };
    let mut net = Net::with_members(ids(5), Membership::voters(ids(5)), config, seed);
    let mut rng = DetRng::new(seed + 1000);
    let mut leaders_by_term: BTreeMap<Term, NodeId> = BTreeMap::new();
    let mut next_cmd = 0;
    let mut next_read = 0;
    let mut max_commit = LogIndex(0);
    let mut reads: BTreeMap<u64, LogIndex> = BTreeMap::new();
    let mut outcome = Outcome::default();
    for step in 0..3000 {
        net.flush();
        match rng.gen_range(0..=99) {
            0..=57 => {
                // Deliver a random queued message (reordering), or drop it.
                if !net.queue.is_empty() {
                    let i = rng.gen_range(0..=net.queue.len() as u64 - 1) as usize;
                    let m = net.queue.remove(i).expect("index in range");
                    if !rng.gen_bool(0.1) {
                        net.queue.push_front(m);
                        net.deliver_one();
                    }
                }
            }
            58..=77 => {
                let dt = rng.gen_range(1..=30);
                net.now = net.now.saturating_add(Micros::from_ms(dt));
                let now = net.now;
                for s in net.servers.values_mut().filter(|s| s.up) {
                    s.node.tick(now);
                }
            }
            78..=90 => {
                let now = net.now;
                for s in net.servers.values_mut().filter(|s| s.up) {
                    if s.node.role() == Role::Leader {
                        next_cmd += 1;
                        s.node.propose(now, next_cmd).ok();
                    }
                }
            }
            91..=93 => {
                // The application compacts its applied prefix now and then (§7).
                let id = rng.gen_range(1..=5);
                let s = net.servers.get_mut(&NodeId(id)).expect("node exists");
                let upto = s.node.applied_index();
                if s.up && upto >= s.node.log().first_index() {
                    s.node
                        .compact(upto, vec![])
                        .map_err(|e| format!("seed {seed}: {e}"))?;
                }
            }
            94 => {
                let now = net.now;
                let to = NodeId(rng.gen_range(1..=5));
                let cc = match rng.gen_range(0..=4) {
                    0 => ConfChange::AddVoter(to),
                    1 => ConfChange::AddLearner(to),
                    2 => ConfChange::RemoveNode(to),
                    _ => {
                        let voters = ids(5).into_iter().filter(|_| rng.gen_bool(0.7)).collect();
                        ConfChange::EnterJoint {
                            voters,
                            learners: Default::default(),
                        }
                    }
                };
                for s in net.servers.values_mut().filter(|s| s.up) {
                    if conf_changes {
                        s.node.propose_conf_change(now, cc.clone()).ok();
                    }
                    s.node.transfer_leadership(now, to).ok();
                    next_read += 1;
                    if s.node.read_index(now, next_read).is_ok() {
                        reads.insert(next_read, max_commit);
                    }
                }
            }
            95..=96 => {
                let id = rng.gen_range(1..=5);
                if net.servers.values().filter(|s| s.up).count() > 3 {
                    net.crash(id);
                }
            }
            97 => {
                // Sustained partitions: cut a random minority off, or heal.
                if net.cut.is_empty() {
                    let side: Vec<u64> = (1..=5).filter(|_| rng.gen_bool(0.4)).collect();
                    let rest: Vec<u64> = (1..=5).filter(|i| !side.contains(i)).collect();
                    net.partition(&side, &rest);
                } else {
                    net.heal();
                }
            }
            _ => {
                let down = net.servers.iter().find(|(_, s)| !s.up).map(|(i, _)| i.0);
                if let Some(id) = down {
                    net.restart(id);
                }
            }
        }
        // Linearizable reads: a read index covers everything committed before the request.
        for s in net.servers.values() {
            max_commit = max_commit.max(s.node.commit_index());
        }
        for s in net.servers.values_mut() {
            for rs in s.read_states.drain(..) {
                let floor = reads
                    .remove(&rs.ctx)
                    .ok_or(format!("seed {seed}: read {} answered twice", rs.ctx))?;
                if rs.index < floor {
                    return Err(format!(
                        "seed {seed}: stale read {rs:?}, {floor} was committed before it"
                    ));
                }
                outcome.reads_served += 1;
            }
        }
        // Election Safety: at most one leader per term.
        for (id, s) in &net.servers {
            if s.node.role() == Role::Leader {
                let first = leaders_by_term.entry(s.node.term()).or_insert(*id);
                if first != id {
                    return Err(format!(
                        "seed {seed}: two leaders in term {}",
                        s.node.term()
                    ));
                }
            }
        }
        // State Machine Safety.
        if step % 100 == 0 && !net.applied_consistent() {
            return Err(format!("seed {seed}: state machines diverged"));
        }
    }
    // Liveness phase: no more faults.
    net.heal();
    for id in 1..=5 {
        if !net.server(id).up {
            net.restart(id);
        }
    }
    net.run_for(3000);
    if net.leaders().len() != 1 {
        let states: Vec<String> = net
            .servers
            .values()
            .map(|s| {
                let n = &s.node;
                format!(
                    "{} {} t{} last={} commit={} {}",
                    n.id(),
                    n.role(),
                    n.term(),
                    n.log().last_index(),
                    n.commit_index(),
                    n.membership()
                )
            })
            .collect();
        return Err(format!(
            "seed {seed}: no single leader after healing: {states:#?}"
        ));
    }
    let leader = net.leaders()[0];
    net.propose(leader, 1_000_000)
        .map_err(|e| format!("seed {seed}: {e}"))?;
    net.run_for(500);
    let commit = net.node(leader).commit_index();
    for id in net.node(leader).membership().all_nodes() {
        if net.node(id.0).commit_index() != commit {
            return Err(format!("seed {seed}: {id} did not catch up"));
        }
    }
    if !net.applied_consistent() {
        return Err(format!("seed {seed}: state machines diverged"));
    }
    outcome.conf_committed = net
        .server(leader)
        .applied
        .iter()
        .filter(|e| e.conf_change().is_some())
        .count();
    Ok(outcome)
}

/// Safety holds under random faults (Election Safety, State Machine Safety, linearizable
/// reads), and once faults stop a single leader emerges and every member catches up.
/// Reference: Raft paper §5.2, §5.4 (Figure 3), §6, §7; thesis §6.4
#[test]
fn safety_and_liveness_under_random_faults() {
    let first = env_u64("RAFTLAB_CHAOS_FIRST", 0);
    let seeds = env_u64("RAFTLAB_CHAOS_SEEDS", 80);
    let (mut conf, mut reads) = (0, 0);
    for seed in first..first + seeds {
        match run(seed, Bugs::default()) {
            Ok(o) => {
                conf += o.conf_committed;
                reads += o.reads_served;
            }
            Err(e) => panic!(
                "{e}\nreproduce: RAFTLAB_CHAOS_FIRST={seed} RAFTLAB_CHAOS_SEEDS=1 cargo test -p raftlab-core --test chaos"
            ),
        }
    }
    println!("configuration changes committed: {conf}, reads served: {reads}");
    if seeds >= 10 {
        assert!(conf > 5, "the chaos must exercise membership changes");
        assert!(reads > 10, "the chaos must exercise reads");
    }
}

/// Every deliberate bug is caught by the checker above within a few seeds, so the
/// playground's bug switches really break what they claim to.
/// (`forget_vote_on_restart` needs rare timing; persistence.rs shows its double vote directly.)
/// Reference: `raftlab_core::BUG_SWITCHES` (crates/core/src/bugs.rs)
#[test]
fn every_bug_switch_is_caught_by_the_checker() {
    type Switch = (&'static str, fn(&mut Bugs));
    let switches: [Switch; 6] = [
        ("commit_prior_term_by_counting", |b| {
            b.commit_prior_term_by_counting = true
        }),
        ("vote_without_log_check", |b| {
            b.vote_without_log_check = true
        }),
        ("truncate_on_append_without_conflict", |b| {
            b.truncate_on_append_without_conflict = true
        }),
        ("leader_ignores_higher_term", |b| {
            b.leader_ignores_higher_term = true
        }),
        ("read_index_without_quorum", |b| {
            b.read_index_without_quorum = true
        }),
        ("apply_uncommitted", |b| b.apply_uncommitted = true),
    ];
    for (name, set) in switches {
        let mut bugs = Bugs::default();
        set(&mut bugs);
        let caught = (0..300).find_map(|seed| {
            std::panic::catch_unwind(|| run(seed, bugs))
                .map_or(Some("harness panic (livelock)".to_string()), |r| r.err())
        });
        assert!(caught.is_some(), "{name} was never caught");
        println!(
            "{name}: {}",
            caught.unwrap_or_default().lines().next().unwrap_or("")
        );
    }
}
