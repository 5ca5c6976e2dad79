//! End-to-end behaviour of the simulated world.

use std::collections::BTreeSet;

use raftlab_core::{Micros, NodeId, Role};
use raftlab_sim::kv::{KvOp, KvResult};
use raftlab_sim::{Action, NodeStatus, Timeline, Trace, World, WorldConfig};

fn world(seed: u64) -> World {
    World::new(WorldConfig {
        seed,
        ..WorldConfig::default()
    })
    .expect("valid config")
}

fn ms(v: u64) -> Micros {
    Micros::from_ms(v)
}

#[test]
fn a_leader_is_elected_and_the_workload_commits() {
    let mut w = world(1);
    w.run_until(ms(1_000));
    let leader = w.leader().expect("a leader within a second");
    w.run_until(ms(10_000));
    assert!(w.violation().is_none(), "{:?}", w.violation());
    assert!(w.invariants().committed_len() > 5, "entries commit");
    let done: u64 = w.clients().values().map(|c| c.completed).sum();
    assert!(done > 5, "client operations complete: {done}");
    assert!(w.raft(leader).is_some());
}

#[test]
fn crashing_the_leader_elects_another_with_a_higher_term() {
    let mut w = world(2);
    w.run_until(ms(2_000));
    let old = w.leader().expect("leader");
    let old_term = w.raft(old).unwrap().term();
    w.apply(Action::Crash(old)).unwrap();
    w.run_until(ms(4_000));
    let new = w.leader().expect("new leader");
    assert_ne!(new, old);
    assert!(w.raft(new).unwrap().term() > old_term);
    w.apply(Action::Restart(old)).unwrap();
    w.run_until(ms(6_000));
    assert_eq!(w.raft(old).unwrap().role(), Role::Follower);
    assert!(w.violation().is_none(), "{:?}", w.violation());
}

#[test]
fn a_minority_partition_cannot_commit_and_heals_back_to_one_log() {
    let mut w = world(3);
    w.run_until(ms(2_000));
    let leader = w.leader().unwrap();
    let others: Vec<NodeId> = w.nodes().keys().copied().filter(|n| *n != leader).collect();
    let minority: BTreeSet<NodeId> = [leader, others[0]].into_iter().collect();
    let majority: BTreeSet<NodeId> = others[1..].iter().copied().collect();
    w.apply(Action::Partition(vec![minority.clone(), majority.clone()]))
        .unwrap();
    w.apply(Action::ClientRequest {
        op: KvOp::Put {
            key: "z".into(),
            value: "minority".into(),
        },
        via: Some(leader),
    })
    .unwrap();
    let commit_before = w.raft(leader).unwrap().commit_index();
    w.run_until(ms(5_000));
    assert_eq!(
        w.raft(leader).unwrap().commit_index(),
        commit_before,
        "minority leader cannot commit"
    );
    let new_leader = w.leader().unwrap();
    assert!(majority.contains(&new_leader));
    w.apply(Action::HealAll).unwrap();
    w.run_until(ms(9_000));
    let l = w.leader().unwrap();
    let last = w.raft(l).unwrap().log().last_index();
    for id in w.nodes().keys() {
        let r = w.raft(*id).unwrap();
        assert_eq!(r.log().last_index(), last, "{id} converged");
        assert_eq!(
            r.log().term_at(last),
            w.raft(l).unwrap().log().term_at(last)
        );
    }
    assert!(w.violation().is_none(), "{:?}", w.violation());
}

/// Clients are not trapped with a deposed leader: cut off with one follower
/// that still names it as leader, the background clients time out, retry a
/// server picked at random (thesis §6.2), find the majority's new leader and
/// keep committing. (Retrying the servers in turn, a client bounced between
/// the old leader and that follower for ever.)
#[test]
fn clients_escape_a_deposed_leader_in_the_minority() {
    for seed in 1..=10 {
        let mut w = World::new(WorldConfig {
            seed,
            workload: raftlab_sim::config::WorkloadConfig {
                ops_per_sec: 12.0,
                ..Default::default()
            },
            ..WorldConfig::default()
        })
        .unwrap();
        w.run_until(ms(2_000));
        let leader = w.leader().unwrap();
        let others: Vec<NodeId> = w.nodes().keys().copied().filter(|n| *n != leader).collect();
        let minority: BTreeSet<NodeId> = [leader, others[0]].into_iter().collect();
        let majority: BTreeSet<NodeId> = others[1..].iter().copied().collect();
        w.apply(Action::Partition(vec![minority, majority.clone()]))
            .unwrap();
        w.run_until(ms(5_000));
        let new_leader = *majority
            .iter()
            .find(|id| w.raft(**id).is_some_and(|r| r.role() == Role::Leader))
            .unwrap_or_else(|| {
                panic!(
                    "seed {seed}: the majority elected no leader: {:?}",
                    w.nodes()
                        .keys()
                        .map(|id| (id, w.raft(*id).map(|r| (r.role(), r.term()))))
                        .collect::<Vec<_>>()
                )
            });
        let done = |w: &World| w.clients().values().map(|c| c.completed).sum::<u64>();
        let (before, commit) = (done(&w), w.raft(new_leader).unwrap().commit_index());
        w.run_until(ms(15_000));
        assert!(
            done(&w) >= before + 20,
            "seed {seed}: only {} operations completed in 10 s",
            done(&w) - before
        );
        assert!(
            w.raft(new_leader).unwrap().commit_index().0 >= commit.0 + 15,
            "seed {seed}"
        );
        assert!(w.violation().is_none(), "seed {seed}: {:?}", w.violation());
    }
}

#[test]
fn a_user_put_reaches_every_state_machine() {
    let mut w = World::new(WorldConfig {
        workload: raftlab_sim::WorkloadConfig {
            ops_per_sec: 0.0,
            ..Default::default()
        },
        ..WorldConfig::default()
    })
    .unwrap();
    w.run_until(ms(1_000));
    // Send it to a follower: it must be redirected.
    let leader = w.leader().unwrap();
    let follower = *w.nodes().keys().find(|n| **n != leader).unwrap();
    w.apply(Action::ClientRequest {
        op: KvOp::Put {
            key: "x".into(),
            value: "42".into(),
        },
        via: Some(follower),
    })
    .unwrap();
    w.run_until(ms(3_000));
    for h in w.nodes().values() {
        assert_eq!(h.kv.get("x"), Some("42"), "{} applied the put", h.id);
    }
    let log: Vec<String> = w.client_log().iter().map(|e| e.kind.to_string()).collect();
    assert!(log.iter().any(|l| l.contains("not the leader")), "{log:?}");
    assert!(w.client_log().iter().any(|e| matches!(
        &e.kind,
        raftlab_sim::client::ClientEventKind::Completed {
            result: KvResult::Ok,
            ..
        }
    )));
}

#[test]
fn same_seed_same_run_and_different_seed_different_run() {
    let run = |seed| {
        let mut w = world(seed);
        w.run_until(ms(5_000));
        serde_json::to_string(&w.snapshot()).unwrap()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn seeking_back_and_forward_shows_the_same_state() {
    let mut t = Timeline::new(WorldConfig::default()).unwrap();
    t.advance_to(ms(3_000));
    let leader = t.world().leader().unwrap();
    t.apply(Action::Crash(leader)).unwrap();
    t.advance_to(ms(6_000));
    let at_6 = serde_json::to_string(&t.world().snapshot()).unwrap();
    t.seek(ms(4_000));
    let at_4 = serde_json::to_string(&t.world().snapshot()).unwrap();
    t.seek(ms(1_000));
    assert!(
        t.world()
            .nodes()
            .values()
            .all(|h| h.status == NodeStatus::Up),
        "before the crash"
    );
    t.seek(ms(6_000));
    assert_eq!(serde_json::to_string(&t.world().snapshot()).unwrap(), at_6);
    t.seek(ms(4_000));
    assert_eq!(serde_json::to_string(&t.world().snapshot()).unwrap(), at_4);
}

#[test]
fn acting_in_the_past_forks_a_new_future() {
    let mut t = Timeline::new(WorldConfig::default()).unwrap();
    t.advance_to(ms(2_000));
    let l = t.world().leader().unwrap();
    t.apply(Action::Crash(l)).unwrap();
    t.advance_to(ms(5_000));
    t.seek(ms(1_500));
    t.apply(Action::HealAll).unwrap();
    assert_eq!(t.actions().len(), 1, "the crash belongs to the old future");
    assert_eq!(t.head(), ms(1_500));
    t.advance_to(ms(5_000));
    assert!(t
        .world()
        .nodes()
        .values()
        .all(|h| h.status == NodeStatus::Up));
}

/// A seek back replays the recorded future when running on; truncating it
/// there (the tours' Replay) runs on without it.
#[test]
fn truncating_the_future_runs_on_without_it() {
    let mut t = Timeline::new(WorldConfig::default()).unwrap();
    t.advance_to(ms(2_000));
    let l = t.world().leader().unwrap();
    t.apply(Action::Crash(l)).unwrap();
    t.advance_to(ms(3_000));
    t.seek(ms(1_500));
    t.advance_to(ms(3_000));
    assert_eq!(
        t.world().nodes()[&l].status,
        NodeStatus::Crashed,
        "replayed"
    );
    t.seek(ms(1_500));
    t.truncate_future();
    assert!(t.actions().is_empty());
    assert_eq!(t.head(), ms(1_500));
    t.advance_to(ms(3_000));
    assert_eq!(t.world().nodes()[&l].status, NodeStatus::Up);
    // Nothing ahead: truncating again changes nothing.
    t.truncate_future();
    assert_eq!(t.head(), ms(3_000));
}

#[test]
fn a_trace_round_trips_and_replays_to_the_same_state() {
    let mut t = Timeline::new(WorldConfig {
        seed: 11,
        ..WorldConfig::default()
    })
    .unwrap();
    t.advance_to(ms(2_000));
    t.apply(Action::Crash(t.world().leader().unwrap())).unwrap();
    t.advance_to(ms(4_000));
    let trace = Trace::from_timeline(&t);
    let json = trace.to_json();
    let back = Trace::from_json(&json).unwrap();
    assert_eq!(back, trace);
    let replayed = back.replay().unwrap();
    assert_eq!(
        serde_json::to_string(&replayed.world().snapshot()).unwrap(),
        serde_json::to_string(&t.world().snapshot()).unwrap()
    );
}

#[test]
fn malformed_traces_get_precise_errors() {
    let cases = [
        ("", "not a valid JSON"),
        ("{\"format\": \"raftlab-trace\"", "not a valid JSON"),
        ("[1,2]", "not a Raftlab trace"),
        (
            "{\"format\": \"other\", \"version\": 1}",
            "not a Raftlab trace",
        ),
        (
            "{\"format\": \"raftlab-trace\", \"version\": 99}",
            "version 99",
        ),
        ("{\"format\": \"raftlab-trace\", \"version\": 1}", "damaged"),
    ];
    for (text, want) in cases {
        let err = Trace::from_json(text).unwrap_err().to_string();
        assert!(err.contains(want), "{text:?} gave {err:?}");
    }
    let mut t = Trace::from_timeline(&Timeline::new(WorldConfig::default()).unwrap());
    t.config.nodes = 0;
    let err = Trace::from_json(&t.to_json()).unwrap_err().to_string();
    assert!(
        err.contains("`nodes` must be between 1 and 51 nodes (got 0)"),
        "{err}"
    );
}

/// A node whose clock runs ahead sees its election timeout expire early: with
/// the others' clocks true, it is the first to campaign and wins term 1.
/// A skew is a logged action, refused beyond ±60 s or for unknown nodes.
/// Reference: Raft paper §5.2 (randomized election timeouts, local clocks).
#[test]
fn clock_skew_moves_a_nodes_timers() {
    for ahead in [NodeId(2), NodeId(4)] {
        let mut w = world(3);
        w.apply(Action::ClockSkew {
            node: ahead,
            offset_us: 140_000,
        })
        .unwrap();
        assert_eq!(w.local_time(ahead), ms(140));
        assert_eq!(w.local_time(NodeId(1)), ms(0));
        w.run_until(ms(1_000));
        assert_eq!(w.leader(), Some(ahead), "the node 140 ms ahead wins");
        assert_eq!(w.raft(ahead).unwrap().term().0, 1);
        assert!(matches!(
            w.action_log()[0].action,
            Action::ClockSkew {
                offset_us: 140_000,
                ..
            }
        ));
    }
    let mut w = world(3);
    let too_far = Action::ClockSkew {
        node: NodeId(1),
        offset_us: -61_000_000,
    };
    assert!(w.apply(too_far).is_err());
    let nobody = Action::ClockSkew {
        node: NodeId(99),
        offset_us: 1,
    };
    assert!(w.apply(nobody).is_err());
    assert!(w.action_log().is_empty());
}

fn fingerprint_run() -> World {
    raftlab_sim::trace::reference_run().expect("valid run")
}

/// The same seed and action log give the same trace, bit for bit; its
/// fingerprint is pinned so the wasm build can be held to the same value.
#[test]
fn trace_fingerprint_is_stable() {
    let w = fingerprint_run();
    assert!(w.violation().is_none(), "{:?}", w.violation());
    let f = raftlab_sim::trace::fingerprint(&w).expect("replays");
    assert_eq!(
        f,
        raftlab_sim::trace::fingerprint(&fingerprint_run()).unwrap()
    );
    let trace = Trace::from_world(&w).with_events().unwrap();
    let events = trace.events.as_ref().expect("event log");
    assert!(events.len() > 1_000, "{} events", events.len());
    // The replay the fingerprint hashes is the run itself.
    assert_eq!(events.last().map(|e| e.event), Some(w.event_count()));
    // And it sees every action: one microsecond of skew changes it.
    let mut other = Trace::from_world(&w);
    if let Action::ClockSkew { offset_us, .. } = &mut other.actions[1].action {
        *offset_us += 1;
    }
    assert_ne!(other.with_events().unwrap().fingerprint(), f);
    assert_eq!(
        f,
        raftlab_sim::trace::REFERENCE_FINGERPRINT,
        "fingerprint {f:#018x}"
    );
    // Version 2 of the format changed the pinned value (the version and
    // `until_event` are hashed), not the run: written as version 1 was,
    // the same run hashes to version 1's pinned value.
    let v1 = Trace {
        version: 1,
        until_event: None,
        ..trace
    };
    assert_eq!(v1.fingerprint(), 0x6678_d2d0_0812_0540);
}

/// Over a long run the timeline keeps at most one commit marker per
/// `COMMIT_MARKER_GAP` of virtual time, while every election and action
/// stays marked.
#[test]
fn commit_markers_are_thinned_elections_and_faults_kept() {
    use raftlab_sim::timeline::COMMIT_MARKER_GAP;
    use raftlab_sim::world::NoteKind;
    use raftlab_sim::MarkerKind;
    let config = WorldConfig {
        seed: 11,
        workload: raftlab_sim::WorkloadConfig {
            ops_per_sec: 50.0,
            ..Default::default()
        },
        ..WorldConfig::default()
    };
    // The same run, counted straight from the world's notes.
    let mut w = World::new(config.clone()).unwrap();
    let mut commits = 0;
    for t in 1..=60 {
        w.run_until(ms(1_000 * t));
        commits += w
            .take_notes()
            .iter()
            .filter(|n| matches!(n.kind, NoteKind::Committed { .. }))
            .count();
    }
    let mut t = Timeline::new(config).unwrap();
    t.advance_to(ms(30_000));
    let leader = t.world().leader().expect("leader");
    t.apply(Action::Crash(leader)).unwrap();
    t.apply(Action::Restart(leader)).unwrap();
    t.advance_to(ms(60_000));
    let marks = t.markers();
    let commit_marks: Vec<Micros> = marks
        .iter()
        .filter(|m| matches!(m.kind, MarkerKind::Commit { .. }))
        .map(|m| m.at)
        .collect();
    for pair in commit_marks.windows(2) {
        assert!(pair[1] >= pair[0] + COMMIT_MARKER_GAP, "{pair:?}");
    }
    assert!(commits > 500, "{commits} commits");
    assert!(
        (60..=121).contains(&commit_marks.len()),
        "{} commit markers",
        commit_marks.len()
    );
    let faults = marks
        .iter()
        .filter(|m| matches!(m.kind, MarkerKind::Fault(_)))
        .count();
    assert_eq!(faults, 2, "crash and restart, 0 ms apart, both kept");
    let elections = marks
        .iter()
        .filter(|m| matches!(m.kind, MarkerKind::LeaderElected { .. }))
        .count();
    assert!(elections >= 2, "{elections} elections");
}

#[test]
fn promoting_a_node_that_does_not_exist_is_refused() {
    let mut w = world(4);
    w.run_until(ms(1_000));
    assert!(w.leader().is_some());
    assert_eq!(
        w.apply(Action::Promote(NodeId(40))),
        Err(raftlab_sim::SimError::NoSuchNode(NodeId(40)))
    );
    assert_eq!(w.action_count(), 0, "a refused action is not logged");
}
