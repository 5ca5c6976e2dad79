//! Traces replay their run exactly, or say precisely why not: from the
//! initial settings, every action after the very event and at the very
//! time it was taken, to the very event the run stopped at.

use std::collections::BTreeSet;

use proptest::prelude::*;
use raftlab_core::{Micros, NodeId};
use raftlab_sim::config::{MAX_NODES, MAX_NODES_PAGE};
use raftlab_sim::kv::KvOp;
use raftlab_sim::trace::{
    fingerprint, ReplayError, TraceEvent, QUOTE_MAX_CHARS, TRACE_MAX_BYTES, TRACE_MAX_UNTIL,
};
use raftlab_sim::world::NoteKind;
use raftlab_sim::{
    Action, LinkConfig, MsgId, Refusal, SimError, Timeline, Trace, TraceError, WorkloadConfig,
    World, WorldConfig,
};

fn ms(v: u64) -> Micros {
    Micros::from_ms(v)
}

fn snapshot_json(w: &World) -> String {
    serde_json::to_string(&w.snapshot()).unwrap()
}

/// One step of a random run: let time pass (or a few events, so actions
/// also land between two events at the same microsecond), then try an
/// action. `kind` picks the action, `x` and `y` its details.
#[derive(Clone, Debug)]
struct Step {
    wait_ms: u64,
    events: u64,
    kind: u8,
    x: u64,
    y: u64,
}

fn step() -> impl Strategy<Value = Step> {
    (0..600u64, 0..40u64, any::<u8>(), any::<u64>(), any::<u64>()).prop_map(
        |(wait_ms, events, kind, x, y)| Step {
            wait_ms,
            events,
            kind,
            x,
            y,
        },
    )
}

/// An action of every kind, settings changes included, aimed at the world
/// as it is (most are accepted; the refused ones are simply not logged).
fn pick(w: &World, s: &Step) -> Action {
    let ids: Vec<NodeId> = w.nodes().keys().copied().collect();
    let n = ids[(s.x % ids.len() as u64) as usize];
    let m = ids[(s.y % ids.len() as u64) as usize];
    let in_flight: Vec<MsgId> = w.network().in_flight.keys().copied().collect();
    let held: Vec<MsgId> = w
        .network()
        .in_flight
        .values()
        .filter(|f| f.held_at.is_some())
        .map(|f| f.id)
        .collect();
    let msg = |v: &[MsgId]| v.get((s.y % v.len().max(1) as u64) as usize).copied();
    let group: BTreeSet<NodeId> = ids
        .iter()
        .copied()
        .filter(|i| (s.x >> (i.0 % 64)) & 1 == 1)
        .collect();
    let link = LinkConfig {
        latency_min: ms(1 + s.x % 15),
        latency_max: ms(1 + s.x % 15 + s.y % 40),
        drop_rate: [0.0, 0.05, 0.3][(s.y % 3) as usize],
        duplicate_rate: [0.0, 0.1][(s.x % 2) as usize],
        reorder: s.y.is_multiple_of(2),
    };
    match s.kind % 22 {
        0 => Action::Crash(n),
        1 => Action::Restart(n),
        2 => Action::Pause(n),
        3 => Action::Resume(n),
        4 => Action::Campaign(n),
        5 => Action::TransferLeadership(n),
        6 => Action::AddNode {
            learner: s.x.is_multiple_of(2),
        },
        7 => Action::Promote(n),
        8 => Action::RemoveNode(n),
        9 => Action::Partition(vec![group]),
        10 => Action::Cut {
            source: n,
            target: m,
        },
        11 => Action::HealLink {
            source: n,
            target: m,
        },
        12 => Action::HealAll,
        13 => match (s.x % 3, msg(&in_flight), msg(&held)) {
            (0, Some(id), _) => Action::Hold(id),
            (1, _, Some(id)) => Action::Release(id),
            (_, Some(id), _) => Action::Drop(id),
            _ => Action::HealAll,
        },
        14 | 15 => Action::SetNetwork(link),
        16 => Action::SetLink {
            source: n,
            target: m,
            config: (!s.y.is_multiple_of(3)).then_some(link),
        },
        17 | 18 => Action::SetWorkload(WorkloadConfig {
            ops_per_sec: [0.0, 5.0, 20.0, 60.0][(s.x % 4) as usize],
            read_fraction: [0.0, 0.3, 1.0][(s.y % 3) as usize],
            keys: 1 + (s.y % 5) as u32,
            clients: 1 + (s.x % 4) as u32,
        }),
        19 => Action::ClockSkew {
            node: n,
            offset_us: (s.x % 400_000) as i64 - 200_000,
        },
        20 => Action::ClientRequest {
            op: if s.y.is_multiple_of(2) {
                KvOp::Put {
                    key: "a".into(),
                    value: s.x.to_string(),
                }
            } else {
                KvOp::Get { key: "a".into() }
            },
            via: s.x.is_multiple_of(3).then_some(m),
        },
        _ => Action::ChangeMembership {
            voters: group,
            learners: BTreeSet::new(),
        },
    }
}

fn events_of(w: &mut World, into: &mut Vec<TraceEvent>) {
    for n in w.take_notes() {
        if let NoteKind::Event(what) = n.kind {
            into.push(TraceEvent {
                event: n.event,
                at: n.at,
                what,
            });
        }
    }
}

/// A run driven like the page drives it: time passing, single events,
/// actions of every kind. Returns the world with its own event log.
fn random_run(seed: u64, nodes: usize, steps: &[Step]) -> (World, Vec<TraceEvent>) {
    let mut w = World::new(WorldConfig {
        seed,
        nodes,
        ..WorldConfig::default()
    })
    .unwrap();
    w.set_record_events(true);
    let mut events = Vec::new();
    for s in steps {
        if s.events > 0 {
            w.run_events(s.events);
        } else {
            let t = w.now() + ms(s.wait_ms);
            w.run_until(t);
        }
        let a = pick(&w, s);
        let _ = w.apply(a);
        events_of(&mut w, &mut events);
    }
    let t = w.now() + ms(200);
    w.run_until(t);
    w.run_events(3);
    events_of(&mut w, &mut events);
    (w, events)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Any run, settings changes and all, exported to JSON, read back and
    /// replayed, is the same run: the replay's fingerprint is that of the
    /// original's own event log, and it ends in the same state.
    #[test]
    fn an_exported_run_replays_to_the_same_fingerprint(
        seed in 0..10_000u64,
        nodes in 1..=6usize,
        steps in prop::collection::vec(step(), 1..30),
    ) {
        let (w, recorded) = random_run(seed, nodes, &steps);
        let trace = Trace::from_world(&w);
        let original = Trace { events: Some(recorded.clone()), ..trace.clone() }.fingerprint();
        let back = Trace::from_json(&trace.to_json()).unwrap();
        prop_assert_eq!(&back, &trace);
        let replayed = back.replay().unwrap();
        prop_assert_eq!(snapshot_json(replayed.world()), snapshot_json(&w));
        prop_assert_eq!(fingerprint(replayed.world()).unwrap(), original);
        prop_assert_eq!(back.with_events().unwrap().events.unwrap(), recorded);
    }

    /// The same through the timeline the page uses: seeking back, running
    /// on from there (replaying the recorded future) and forking a new
    /// one, with checkpoints thinned to a tiny budget.
    #[test]
    fn a_timeline_with_seeks_and_forks_exports_its_branch_exactly(
        seed in 0..10_000u64,
        steps in prop::collection::vec((step(), 0..4u8), 1..20),
    ) {
        let mut t = Timeline::new(WorldConfig { seed, ..WorldConfig::default() }).unwrap();
        t.set_checkpoint_budget(1);
        for (s, how) in &steps {
            match how {
                0 => t.seek(Micros(t.now().0 * (s.x % 100) / 100)),
                1 => {
                    for _ in 0..s.events {
                        t.step_event();
                    }
                }
                _ => t.advance_to(t.now() + ms(s.wait_ms)),
            }
            let a = pick(t.world(), s);
            let _ = t.apply(a);
        }
        t.advance_to(t.head() + ms(50));
        let trace = Trace::from_timeline(&t);
        let back = Trace::from_json(&trace.to_json()).unwrap();
        let replayed = back.replay().unwrap();
        prop_assert_eq!(snapshot_json(replayed.world()), snapshot_json(t.world()));
        prop_assert_eq!(Trace::from_timeline(&replayed), trace);
    }
}

/// The tester's case: the network and workload changed mid-run, and the
/// trace saved the changed settings as the start, so the replay ran
/// another run (942 events instead of 708, or a panic in a debug build).
#[test]
fn a_run_that_changes_settings_replays_exactly() {
    let mut t = Timeline::new(WorldConfig {
        seed: 4,
        ..WorldConfig::default()
    })
    .unwrap();
    t.advance_to(ms(1_000));
    t.apply(Action::SetNetwork(LinkConfig {
        latency_min: ms(40),
        latency_max: ms(90),
        ..LinkConfig::default()
    }))
    .unwrap();
    t.advance_to(ms(2_000));
    t.apply(Action::SetWorkload(WorkloadConfig {
        ops_per_sec: 30.0,
        ..WorkloadConfig::default()
    }))
    .unwrap();
    t.advance_to(ms(5_000));
    let trace = Trace::from_timeline(&t);
    assert_eq!(
        trace.config,
        WorldConfig {
            seed: 4,
            ..WorldConfig::default()
        }
    );
    assert_eq!(trace.until_event, Some(t.world().event_count()));
    let replayed = Trace::from_json(&trace.to_json())
        .unwrap()
        .replay()
        .unwrap();
    assert_eq!(replayed.world().event_count(), t.world().event_count());
    assert_eq!(snapshot_json(replayed.world()), snapshot_json(t.world()));
    assert_eq!(
        fingerprint(replayed.world()).unwrap(),
        fingerprint(t.world()).unwrap()
    );
}

/// A trace of a 5 s run of the default five nodes, as JSON.
fn five_second_trace() -> Trace {
    let mut t = Timeline::new(WorldConfig::default()).unwrap();
    t.advance_to(ms(5_000));
    Trace::from_timeline(&t)
}

fn with_action(mut trace: Trace, at_event: u64, at: Micros, action: Action) -> Trace {
    trace.actions.push(raftlab_sim::LoggedAction {
        at_event,
        at,
        action,
    });
    trace
}

/// The tester's `{"Crash": 9}` in a five-node world: the replay used to
/// stop there silently and report success. Now it is an error that names
/// the action, its place and the world's reason.
#[test]
fn a_refused_action_is_a_replay_error_that_names_it() {
    let base = five_second_trace();
    let w = base.replay().unwrap();
    let at_event = {
        let mut probe = World::new(WorldConfig::default()).unwrap();
        probe.run_until(ms(1_000));
        probe.event_count()
    };
    assert!(at_event < w.world().event_count());
    let trace = with_action(base, at_event, ms(1_000), Action::Crash(NodeId(9)));
    let trace = Trace::from_json(&trace.to_json()).expect("well-formed");
    let err = trace.replay().unwrap_err();
    assert_eq!(
        err,
        ReplayError::Refused {
            number: 1,
            what: "crash n9".into(),
            at_event,
            at: ms(1_000),
            error: SimError::NoSuchNode(NodeId(9)),
        }
    );
    let text = err.to_string();
    assert!(text.contains("action 1 (crash n9"), "{text}");
    assert!(text.contains("1000 ms"), "{text}");
    assert!(text.contains("no node n9"), "{text}");
    // The fingerprint's replay is held to the same rule.
    assert_eq!(trace.with_events().unwrap_err(), err);
}

/// A place the run never reaches is named, not papered over: an action
/// after an event the run has passed by its time, and an end that is
/// before or after where the events put it.
#[test]
fn a_replay_must_reach_every_recorded_place() {
    let base = five_second_trace();
    let end = base.until_event.unwrap();
    // Event 10 happens long before 4 s: the action cannot be after it at 4 s.
    let late = with_action(base.clone(), 10, ms(4_000), Action::HealAll);
    let err = late.replay().unwrap_err().to_string();
    assert!(
        err.contains("action 1 (heal) is recorded after event 10"),
        "{err}"
    );
    assert!(err.contains("has event 11 due earlier"), "{err}");
    for until_event in [end + 5, end - 5] {
        let off = Trace {
            until_event: Some(until_event),
            ..base.clone()
        };
        let err = off.replay().unwrap_err();
        assert!(
            matches!(err, ReplayError::EndNotReached { .. }),
            "{until_event}: {err}"
        );
        assert!(
            err.to_string()
                .contains(&format!("the trace ends after event {until_event}")),
            "{err}"
        );
    }
    // The run's own end is reached exactly.
    assert_eq!(base.replay().unwrap().world().event_count(), end);
}

/// A run paused between two events due at the same microsecond (the
/// page's Step button) ends after the first one, and so does its replay.
#[test]
fn a_run_stopped_between_two_events_at_one_instant_replays_to_that_event() {
    let mut t = Timeline::new(WorldConfig::default()).unwrap();
    t.advance_to(ms(1_000));
    // Find an instant with more than one event due.
    let mut found = false;
    for _ in 0..20_000 {
        let before = t.world().now();
        t.step_event();
        if t.world().next_event_time() == Some(t.world().now()) && t.world().now() > before {
            found = true;
            break;
        }
    }
    assert!(found, "no instant with two events in 20,000 events");
    let trace = Trace::from_timeline(&t);
    let replayed = trace.replay().unwrap();
    assert_eq!(replayed.world().event_count(), t.world().event_count());
    assert_eq!(snapshot_json(replayed.world()), snapshot_json(t.world()));
}

/// Reading stops at the limit: an endless input is refused, not read
/// until memory runs out (`trace check /dev/zero`).
#[test]
fn an_endless_input_is_refused_at_the_size_limit() {
    let err = Trace::read_from(std::io::repeat(b' ')).unwrap_err();
    assert_eq!(err, TraceError::TooLarge);
    assert!(err.to_string().contains("64 MiB"), "{err}");
    let text = " ".repeat(TRACE_MAX_BYTES + 1);
    assert_eq!(Trace::from_json(&text).unwrap_err(), TraceError::TooLarge);
    let err = Trace::read_from(&[b'{', 0xff, 0xfe][..]).unwrap_err();
    assert_eq!(err, TraceError::NotText { at: 1 });
    // A real trace reads the same from a reader as from a string.
    let trace = five_second_trace();
    assert_eq!(Trace::read_from(trace.to_json().as_bytes()).unwrap(), trace);
}

/// Every parse error names the field it is in and where, and quotes at
/// most a couple of hundred characters of whatever the input holds.
#[test]
fn parse_errors_name_the_field_and_quote_little() {
    let json = with_action(five_second_trace(), 5, ms(100), Action::Crash(NodeId(1))).to_json();
    let damaged = |from: &str, to: &str| {
        assert!(json.contains(from), "{from}");
        let err = Trace::from_json(&json.replacen(from, to, 1)).unwrap_err();
        err.to_string()
    };
    let err = damaged("\"drop_rate\": 0.0", "\"drop_rate\": \"lots\"");
    assert!(err.contains("`config.network.drop_rate`"), "{err}");
    assert!(err.contains("line "), "{err}");
    let err = damaged("\"Crash\": 1", "\"Crsh\": 1");
    assert!(err.contains("`actions[0].action"), "{err}");
    assert!(err.contains("unknown variant `Crsh`"), "{err}");
    let err = damaged("\"at_event\": 5,", "");
    assert!(err.contains("`actions[0]`"), "{err}");
    assert!(err.contains("missing field `at_event`"), "{err}");
    let err = damaged("\"until\":", "\"until_\":");
    assert!(err.contains("the top level"), "{err}");
    assert!(err.contains("missing field `until`"), "{err}");
    let long = Trace {
        until: TRACE_MAX_UNTIL + Micros(1),
        ..five_second_trace()
    };
    let err = Trace::from_json(&long.to_json()).unwrap_err().to_string();
    assert!(
        err.contains("`until`") && err.contains("at most 7 days"),
        "{err}"
    );
    let err = damaged("\"seed\": 1,", "\"seed\": 1,,");
    assert!(err.contains("not a valid JSON document"), "{err}");
    assert!(err.contains("in `config"), "{err}");
    // A huge value is quoted only in part, wherever it is.
    let huge = "x".repeat(100_000);
    for (from, to) in [
        ("\"Crash\": 1", format!("\"{huge}\": 1")),
        ("\"drop_rate\": 0.0", format!("\"drop_rate\": \"{huge}\"")),
        ("\"raftlab-trace\"", format!("\"{huge}\"")),
        ("\"reorder\"", format!("\"{huge}\"")),
    ] {
        let err = damaged(from, &to);
        assert!(
            err.chars().count() < QUOTE_MAX_CHARS + 200,
            "{} characters: {}",
            err.len(),
            &err[..300]
        );
    }
}

/// Version 1 wrote the settings a run ended with. Without a settings
/// change in its log that is also where it began, and it replays; with
/// one, it is refused with the reason.
#[test]
fn version_one_traces_replay_unless_they_changed_settings() {
    let mut v1 = five_second_trace();
    v1.version = 1;
    v1.until_event = None;
    let back = Trace::from_json(&v1.to_json()).unwrap();
    assert_eq!(
        back.replay().unwrap().world().event_count(),
        five_second_trace().until_event.unwrap()
    );
    let changed = with_action(v1, 5, ms(100), Action::SetNetwork(LinkConfig::default()));
    let err = Trace::from_json(&changed.to_json())
        .unwrap_err()
        .to_string();
    assert!(err.contains("version 1"), "{err}");
    assert!(err.contains("action 1, network settings"), "{err}");
}

/// The page's world holds at most nine nodes: a tenth is refused with
/// the limit named, like any other refused action.
#[test]
fn adding_a_tenth_node_to_the_page_world_is_refused() {
    let page = |nodes| WorldConfig {
        nodes,
        max_nodes: MAX_NODES_PAGE,
        ..WorldConfig::default()
    };
    let mut w = World::new(page(8)).unwrap();
    w.run_until(ms(2_000));
    assert!(w.leader().is_some());
    w.apply(Action::AddNode { learner: true }).unwrap();
    assert_eq!(w.nodes().len(), 9);
    w.run_until(ms(4_000));
    let err = w.apply(Action::AddNode { learner: true }).unwrap_err();
    assert!(
        matches!(&err, SimError::Invalid(Refusal::NodeLimit { limit: 9 })),
        "{err}"
    );
    assert_eq!(w.nodes().len(), 9);
    assert_eq!(w.action_count(), 1, "a refused action is not logged");
    // A page world cannot start above the limit either.
    let err = World::new(page(10)).unwrap_err().to_string();
    assert!(err.contains("between 1 and 9"), "{err}");
    let err = World::new(WorldConfig {
        max_nodes: MAX_NODES + 1,
        ..WorldConfig::default()
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("max_nodes") && err.contains("51"), "{err}");
}

/// A trace cannot grow a world past the 51-node limit: the action that
/// would add the 52nd node is the replay's error, named. (The tester's
/// trace of 2,000 such actions made the replay allocate 8 GB.)
#[test]
fn a_trace_that_adds_a_52nd_node_is_refused_naming_the_action() {
    let mut w = World::new(WorldConfig {
        nodes: MAX_NODES - 1,
        ..WorldConfig::default()
    })
    .unwrap();
    w.run_until(ms(3_000));
    assert!(w.leader().is_some(), "a leader among 50 nodes");
    w.apply(Action::AddNode { learner: true }).unwrap();
    let mut trace = Trace::from_world(&w);
    let last = trace.actions[0].clone();
    for _ in 0..2_000 {
        trace.actions.push(last.clone());
    }
    let trace = Trace::from_json(&trace.to_json()).unwrap();
    let err = trace.replay().unwrap_err();
    assert!(
        matches!(&err, ReplayError::Refused { number: 2, .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("action 2 (add node (learner)"), "{text}");
    assert!(text.contains("at most 51 nodes"), "{text}");
}
