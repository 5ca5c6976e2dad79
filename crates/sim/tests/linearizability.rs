//! The linearizability checker: classic examples, compaction, and scale.

use proptest::prelude::*;
use raftlab_sim::kv::{step_register, ClientId, KvError, KvOp, KvResult};
use raftlab_sim::linearizability::{
    check_all, check_key, check_key_with, CheckConfig, CheckResult, History, HistoryError,
    LiveChecker, OpId,
};

fn put(value: &str) -> KvOp {
    KvOp::Put {
        key: "x".into(),
        value: value.into(),
    }
}

fn get() -> KvOp {
    KvOp::Get { key: "x".into() }
}

fn cas(from: &str, to: &str) -> KvOp {
    KvOp::Cas {
        key: "x".into(),
        from: from.into(),
        to: to.into(),
    }
}

fn append(value: &str) -> KvOp {
    KvOp::Append {
        key: "x".into(),
        value: value.into(),
    }
}

fn value(v: &str) -> KvResult {
    KvResult::Value(v.into())
}

/// Records a completed op `[invoke_us, complete_us]`.
fn op(
    h: &mut History,
    client: u64,
    op: KvOp,
    invoke_us: u64,
    complete_us: u64,
    r: KvResult,
) -> OpId {
    let id = h.invoke(ClientId(client), op, invoke_us);
    h.complete(id, r, complete_us)
        .expect("pending op completes");
    id
}

fn assert_violation(result: &CheckResult, key: &str, involved: &[OpId]) {
    match result {
        CheckResult::NotLinearizable {
            key: k,
            explanation,
            ops_involved,
            why,
        } => {
            assert_eq!(k, key);
            let why = why.as_ref().expect("a violation says why as data");
            assert!(why.op.key() == key, "{why:?}");
            assert!(explanation.contains(&format!("{key:?}")), "{explanation}");
            for id in involved {
                assert!(ops_involved.contains(id), "{id} not in {ops_involved:?}");
                assert!(explanation.contains(&id.to_string()), "{explanation}");
            }
        }
        other => panic!("expected a violation, got {other:?}"),
    }
}

#[test]
fn empty_history_is_linearizable() {
    assert_eq!(check_all(&History::new()), CheckResult::Linearizable);
    assert_eq!(check_key(&History::new(), "x"), CheckResult::Linearizable);
}

#[test]
fn sequential_history_is_linearizable() {
    let mut h = History::new();
    op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
    op(&mut h, 1, get(), 20, 30, value("1"));
    op(&mut h, 2, append("2"), 40, 50, KvResult::Ok);
    op(&mut h, 2, get(), 60, 70, value("12"));
    assert_eq!(check_all(&h), CheckResult::Linearizable);
}

/// Two overlapping writes may take effect in either order.
#[test]
fn concurrent_writes_linearize_in_either_order() {
    for last in ["1", "2"] {
        let mut h = History::new();
        op(&mut h, 1, put("1"), 0, 100, KvResult::Ok);
        op(&mut h, 2, put("2"), 10, 90, KvResult::Ok);
        op(&mut h, 3, get(), 200, 210, value(last));
        assert_eq!(check_all(&h), CheckResult::Linearizable, "last = {last}");
    }
}

/// A read that starts after a write completed must see it: the classic
/// stale read of a deposed leader serving reads from its own state.
/// Reference: Raft thesis §6.4.
#[test]
fn stale_read_after_completed_write_is_not_linearizable() {
    let mut h = History::new();
    op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
    op(&mut h, 1, put("2"), 20, 30, KvResult::Ok);
    let stale = op(&mut h, 2, get(), 40, 50, value("1"));
    assert_violation(&check_all(&h), "x", &[stale]);
}

/// A read overlapping the write may see either value.
#[test]
fn read_concurrent_with_write_may_see_old_or_new() {
    for seen in ["1", "2"] {
        let mut h = History::new();
        op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
        op(&mut h, 1, put("2"), 20, 60, KvResult::Ok);
        op(&mut h, 2, get(), 30, 50, value(seen));
        assert_eq!(check_all(&h), CheckResult::Linearizable);
    }
}

/// An acknowledged write that later vanishes (e.g. truncated from the log
/// after being reported committed). Reference: Raft paper §5.4.
#[test]
fn lost_acknowledged_write_is_not_linearizable() {
    let mut h = History::new();
    op(&mut h, 1, append("a"), 0, 10, KvResult::Ok);
    let lost = op(&mut h, 2, append("b"), 20, 30, KvResult::Ok);
    op(&mut h, 1, append("c"), 40, 50, KvResult::Ok);
    let read = op(&mut h, 3, get(), 60, 70, value("ac"));
    let result = check_all(&h);
    assert_violation(&result, "x", &[read]);
    let _ = lost;
}

#[test]
fn cas_semantics_are_checked() {
    // Two concurrent CAS from the same value: only one may succeed.
    let mut h = History::new();
    op(&mut h, 1, put("0"), 0, 10, KvResult::Ok);
    op(&mut h, 1, cas("0", "1"), 20, 40, KvResult::Ok);
    op(&mut h, 2, cas("0", "2"), 20, 40, KvResult::Ok);
    assert!(!check_all(&h).is_linearizable());

    // One succeeds, the other reports the winner's value.
    let mut h = History::new();
    op(&mut h, 1, put("0"), 0, 10, KvResult::Ok);
    op(&mut h, 1, cas("0", "1"), 20, 40, KvResult::Ok);
    op(
        &mut h,
        2,
        cas("0", "2"),
        20,
        40,
        KvResult::Error(KvError::PreconditionFailed {
            current: "1".into(),
        }),
    );
    op(&mut h, 3, get(), 50, 60, value("1"));
    assert_eq!(check_all(&h), CheckResult::Linearizable);

    // CAS on a missing key must fail with error 20.
    let mut h = History::new();
    op(&mut h, 1, cas("0", "1"), 0, 10, KvResult::Ok);
    assert!(!check_all(&h).is_linearizable());
    let mut h = History::new();
    op(
        &mut h,
        1,
        cas("0", "1"),
        0,
        10,
        KvResult::Error(KvError::KeyDoesNotExist),
    );
    assert_eq!(check_all(&h), CheckResult::Linearizable);
}

/// A write whose client gave up may appear or not, but only after its
/// invocation.
#[test]
fn unknown_outcome_write_may_or_may_not_take_effect() {
    for seen in ["1", "2"] {
        let mut h = History::new();
        op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
        let w = h.invoke(ClientId(2), put("2"), 20);
        h.give_up(w).unwrap();
        op(&mut h, 3, get(), 1000, 1010, value(seen));
        op(&mut h, 3, get(), 2000, 2010, value(seen));
        assert_eq!(check_all(&h), CheckResult::Linearizable, "seen {seen}");
    }
    // It cannot take effect before it was invoked.
    let mut h = History::new();
    op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
    op(&mut h, 3, get(), 12, 15, value("2"));
    let w = h.invoke(ClientId(2), put("2"), 20);
    h.give_up(w).unwrap();
    assert!(!check_all(&h).is_linearizable());
    // Nor vanish once observed.
    let mut h = History::new();
    op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
    let w = h.invoke(ClientId(2), put("2"), 20);
    h.give_up(w).unwrap();
    op(&mut h, 3, get(), 100, 110, value("2"));
    op(&mut h, 3, get(), 200, 210, value("1"));
    assert!(!check_all(&h).is_linearizable());
}

/// Feeds one completed op to a live checker and checks.
fn live_op(live: &mut LiveChecker, client: u64, o: KvOp, at_us: u64, r: KvResult) -> CheckResult {
    let id = live.invoke(ClientId(client), o, at_us);
    live.complete(id, r, at_us + 5)
        .expect("pending op completes");
    live.check_dirty()
}

/// A timed-out append among appends: until a read settles it, it may have
/// taken effect between any two of them, so compaction keeps one candidate
/// value per position (and one where it has not happened yet) instead of
/// the whole history; reads every 14 appends keep that set within bounds.
#[test]
fn timed_out_append_compacts_into_candidates() {
    for (case, expect_ok) in [
        ("x at the end", true),
        ("x first", false),
        ("a lost", false),
    ] {
        let mut live = LiveChecker::new();
        live_op(&mut live, 1, put(""), 0, KvResult::Ok);
        let lost = live.invoke(ClientId(2), append("x"), 10);
        live.give_up(lost).unwrap();
        live.check_dirty();
        let (mut value, mut most_candidates, mut most_kept) = (String::new(), 0, 0);
        for i in 0..400u64 {
            let suffix = if i % 2 == 0 { "a" } else { "b" };
            value.push_str(suffix);
            let v = live_op(&mut live, 3, append(suffix), 100 + 10 * i, KvResult::Ok);
            assert_eq!(v, CheckResult::Linearizable);
            most_candidates = most_candidates.max(live.history().initial_values("x").len());
            if i % 14 == 13 {
                // The lost append has not shown up (yet).
                let read = KvResult::Value(value.clone());
                let v = live_op(&mut live, 4, get(), 105 + 10 * i, read);
                assert_eq!(v, CheckResult::Linearizable);
            }
            most_kept = most_kept.max(live.history().len());
        }
        // Without candidates every append since the last read stays (15 and more).
        assert!(most_kept <= 6, "kept up to {most_kept} ops");
        assert!(most_candidates > 2, "at most {most_candidates} candidates");
        let read = match case {
            "x at the end" => format!("{value}x"),
            "x first" => format!("x{value}"),
            _ => value[1..].to_string(),
        };
        let v = live_op(&mut live, 4, get(), 10_000, KvResult::Value(read));
        assert_eq!(v.is_linearizable(), expect_ok, "{case}: {v}");
    }
}

/// A timed-out compare-and-set: it may have swapped or not, and the
/// candidates after compaction remember which.
#[test]
fn timed_out_cas_keeps_both_outcomes_until_a_read() {
    for (seen, expect_ok) in [("1z", true), ("2z", true), ("3z", false)] {
        let mut live = LiveChecker::new();
        live_op(&mut live, 1, put("1"), 0, KvResult::Ok);
        let lost = live.invoke(ClientId(2), cas("1", "2"), 10);
        live.give_up(lost).unwrap();
        live.check_dirty();
        for i in 0..50u64 {
            let v = live_op(&mut live, 3, append("z"), 100 + 10 * i, KvResult::Ok);
            assert_eq!(v, CheckResult::Linearizable);
        }
        assert!(
            live.history().len() < 8,
            "kept {} ops",
            live.history().len()
        );
        let read = format!("{}{}", &seen[..1], "z".repeat(50));
        let v = live_op(&mut live, 4, get(), 10_000, KvResult::Value(read));
        assert_eq!(v.is_linearizable(), expect_ok, "read {seen}: {v}");
        // The verdict does not depend on compaction.
        let mut h = History::new();
        op(&mut h, 1, put("1"), 0, 5, KvResult::Ok);
        let lost = h.invoke(ClientId(2), cas("1", "2"), 10);
        h.give_up(lost).unwrap();
        for i in 0..50u64 {
            op(
                &mut h,
                3,
                append("z"),
                100 + 10 * i,
                105 + 10 * i,
                KvResult::Ok,
            );
        }
        let read = format!("{}{}", &seen[..1], "z".repeat(50));
        op(&mut h, 4, get(), 10_000, 10_005, KvResult::Value(read));
        assert_eq!(check_all(&h).is_linearizable(), expect_ok);
    }
}

#[test]
fn pending_write_is_like_unknown() {
    let mut h = History::new();
    h.invoke(ClientId(2), put("2"), 20);
    op(&mut h, 3, get(), 100, 110, value("2"));
    assert_eq!(check_all(&h), CheckResult::Linearizable);
}

#[test]
fn read_of_never_written_value_is_not_linearizable() {
    let mut h = History::new();
    op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
    let bad = op(&mut h, 2, get(), 5, 20, value("7"));
    let result = check_all(&h);
    assert_violation(&result, "x", &[bad]);
    let text = result.to_string();
    assert!(text.contains("get x"), "{text}");
}

#[test]
fn read_of_missing_key_needs_no_prior_write() {
    let mut h = History::new();
    op(
        &mut h,
        1,
        get(),
        0,
        10,
        KvResult::Error(KvError::KeyDoesNotExist),
    );
    op(&mut h, 1, put("1"), 20, 30, KvResult::Ok);
    let bad = op(
        &mut h,
        2,
        get(),
        40,
        50,
        KvResult::Error(KvError::KeyDoesNotExist),
    );
    assert_violation(&check_all(&h), "x", &[bad]);
}

/// Keys are checked independently; the report names the failing key.
#[test]
fn check_all_names_the_failing_key() {
    let mut h = History::new();
    op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
    let y = |v: &str| KvOp::Put {
        key: "y".into(),
        value: v.into(),
    };
    op(&mut h, 1, y("1"), 20, 30, KvResult::Ok);
    let bad = op(&mut h, 1, KvOp::Get { key: "y".into() }, 40, 50, value("2"));
    assert_violation(&check_all(&h), "y", &[bad]);
    assert_eq!(check_key(&h, "x"), CheckResult::Linearizable);
}

#[test]
fn api_misuse_is_an_error_not_a_panic() {
    let mut h = History::new();
    let id = op(&mut h, 1, put("1"), 0, 10, KvResult::Ok);
    assert_eq!(
        h.complete(id, KvResult::Ok, 20),
        Err(HistoryError::AlreadyEnded(id))
    );
    assert_eq!(h.give_up(OpId(99)), Err(HistoryError::UnknownOp(OpId(99))));
    // A completion before the invocation is clamped, not rejected.
    let late = h.invoke(ClientId(1), get(), 100);
    h.complete(late, value("1"), 50).unwrap();
    assert_eq!(check_all(&h), CheckResult::Linearizable);
}

#[test]
fn exhausted_budget_is_unknown_not_a_hang() {
    let mut h = History::new();
    for i in 0..20 {
        op(&mut h, i, append(&i.to_string()), 0, 100, KvResult::Ok);
    }
    op(&mut h, 99, get(), 200, 210, value("impossible"));
    let budget = CheckConfig {
        max_steps: 1000,
        ..CheckConfig::default()
    };
    let result = check_key_with(&h, "x", &budget);
    assert!(
        matches!(result, CheckResult::Undecided { ref key, .. } if key == "x"),
        "{result:?}"
    );
}

/// Deterministic xorshift so generated histories are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One generated event, fed to the checkers in time order.
#[derive(Clone, Debug)]
enum Event {
    Invoke { slot: usize, client: u64, op: KvOp },
    Complete { slot: usize, result: KvResult },
    GiveUp { slot: usize },
}

/// A real execution: op `i` takes effect at `10 * i + 100` on a true register
/// per key; its interval around that point is random. Some ops are given up
/// (their effect kept or dropped at random).
fn generate(seed: u64, n: usize, keys: u64, spread: u64) -> Vec<(u64, Event)> {
    generate_with(seed, n, keys, spread, 8)
}

/// [`generate`], giving up one op in `give_up_one_in` (0: never).
fn generate_with(
    seed: u64,
    n: usize,
    keys: u64,
    spread: u64,
    give_up_one_in: u64,
) -> Vec<(u64, Event)> {
    let mut rng = Rng(seed.max(1));
    let mut regs: Vec<Option<String>> = vec![None; keys as usize];
    let mut events = Vec::new();
    for slot in 0..n {
        let at = 10 * slot as u64 + 100;
        let k = rng.below(keys) as usize;
        let key = format!("k{k}");
        let v = rng.below(4).to_string();
        let op = match rng.below(4) {
            0 => KvOp::Get { key: key.clone() },
            1 => KvOp::Put {
                key: key.clone(),
                value: v,
            },
            2 => KvOp::Append {
                key: key.clone(),
                value: v,
            },
            _ => KvOp::Cas {
                key: key.clone(),
                from: rng.below(4).to_string(),
                to: v,
            },
        };
        let invoke_us = at - rng.below(6) - rng.below(spread + 1) * 10;
        let complete_us = at + rng.below(6) + rng.below(spread + 1) * 10;
        let reg = &mut regs[k];
        let give_up = give_up_one_in > 0 && rng.below(give_up_one_in) == 0;
        let takes_effect = !give_up || rng.below(2) == 0;
        let result = if takes_effect {
            let (next, result) = step_register(reg.as_deref(), &op);
            *reg = next;
            result
        } else {
            KvResult::Ok
        };
        events.push((
            invoke_us,
            Event::Invoke {
                slot,
                client: slot as u64 % 5,
                op,
            },
        ));
        if give_up {
            events.push((complete_us, Event::GiveUp { slot }));
        } else {
            events.push((complete_us, Event::Complete { slot, result }));
        }
    }
    events.sort_by_key(|(t, e)| (*t, !matches!(e, Event::Invoke { .. })));
    events
}

/// Feeds events to a live checker, checking after every event; returns the
/// final verdict and the largest number of ops it retained at once.
fn run_live(events: &[(u64, Event)], compaction: bool) -> (CheckResult, usize) {
    let mut live = LiveChecker::new();
    live.set_compaction(compaction);
    let mut ids = std::collections::BTreeMap::new();
    let mut verdict = CheckResult::Linearizable;
    let mut max_kept = 0;
    for (t, e) in events {
        match e {
            Event::Invoke { slot, client, op } => {
                ids.insert(*slot, live.invoke(ClientId(*client), op.clone(), *t));
            }
            Event::Complete { slot, result } => {
                live.complete(ids[slot], result.clone(), *t).unwrap()
            }
            Event::GiveUp { slot } => live.give_up(ids[slot]).unwrap(),
        }
        verdict = live.check_dirty();
        max_kept = max_kept.max(live.history().len());
    }
    (verdict, max_kept)
}

fn offline(events: &[(u64, Event)]) -> CheckResult {
    let mut h = History::new();
    let mut ids = std::collections::BTreeMap::new();
    for (t, e) in events {
        match e {
            Event::Invoke { slot, client, op } => {
                ids.insert(*slot, h.invoke(ClientId(*client), op.clone(), *t));
            }
            Event::Complete { slot, result } => h.complete(ids[slot], result.clone(), *t).unwrap(),
            Event::GiveUp { slot } => h.give_up(ids[slot]).unwrap(),
        }
    }
    check_all(&h)
}

/// Without given-up writes floating forever, the retained window stays
/// small however long the run.
#[test]
fn compaction_bounds_retained_ops() {
    let events = generate_with(7, 2000, 2, 1, 0);
    let (verdict, max_kept) = run_live(&events, true);
    assert_eq!(verdict, CheckResult::Linearizable);
    assert!(max_kept < 200, "kept {max_kept} ops");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Histories of a real execution are linearizable, with and without
    /// compaction.
    #[test]
    fn real_executions_are_linearizable(seed in any::<u64>(), n in 1usize..60, keys in 1u64..3, spread in 0u64..3) {
        let events = generate(seed, n, keys, spread);
        prop_assert_eq!(offline(&events), CheckResult::Linearizable);
        prop_assert_eq!(run_live(&events, true).0, CheckResult::Linearizable);
        prop_assert_eq!(run_live(&events, false).0, CheckResult::Linearizable);
    }

    /// A result changed to one never produced is caught, compaction or not;
    /// any other mutation gets the same verdict either way.
    #[test]
    fn mutations_get_identical_verdicts(seed in any::<u64>(), n in 1usize..60, spread in 0u64..3, pick in any::<prop::sample::Index>(), other in 0u64..5) {
        let mut events = generate(seed, n, 2, spread);
        let completes: Vec<usize> = events
            .iter()
            .enumerate()
            .filter(|(_, (_, e))| matches!(e, Event::Complete { .. }))
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!completes.is_empty());
        let i = completes[pick.index(completes.len())];
        let mut never = events.clone();
        if let Event::Complete { result, .. } = &mut events[i].1 {
            *result = match other {
                0 => KvResult::Ok,
                1 => KvResult::Error(KvError::KeyDoesNotExist),
                v => KvResult::Value(v.to_string()),
            };
        }
        if let Event::Complete { result, .. } = &mut never[i].1 {
            *result = KvResult::Value("never-written".into());
        }
        prop_assert!(!offline(&never).is_linearizable());
        prop_assert!(!run_live(&never, true).0.is_linearizable());
        prop_assert!(!run_live(&never, false).0.is_linearizable());

        let expected = offline(&events).is_linearizable();
        prop_assert_eq!(run_live(&events, true).0.is_linearizable(), expected);
        prop_assert_eq!(run_live(&events, false).0.is_linearizable(), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// One key, a third of the ops timed out (appends and CAS among them),
    /// so compaction carries several candidate values: the verdict, for the
    /// real history and for one with a mutated result, is the same as
    /// without compaction.
    #[test]
    fn timed_out_heavy_histories_get_identical_verdicts(seed in any::<u64>(), n in 1usize..12, spread in 0u64..3, pick in any::<prop::sample::Index>(), other in 0u64..5) {
        let mut events = generate_with(seed, n, 1, spread, 3);
        prop_assert_eq!(run_live(&events, true).0, CheckResult::Linearizable);
        let completes: Vec<usize> = events
            .iter()
            .enumerate()
            .filter(|(_, (_, e))| matches!(e, Event::Complete { .. }))
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!completes.is_empty());
        let i = completes[pick.index(completes.len())];
        if let Event::Complete { result, .. } = &mut events[i].1 {
            *result = match other {
                0 => KvResult::Ok,
                1 => KvResult::Error(KvError::KeyDoesNotExist),
                v => KvResult::Value(v.to_string()),
            };
        }
        let expected = offline(&events).is_linearizable();
        prop_assert_eq!(run_live(&events, true).0.is_linearizable(), expected);
        prop_assert_eq!(run_live(&events, false).0.is_linearizable(), expected);
    }
}

/// Scale: 10,000 ops on one key with up to 5 clients in flight. Prints the
/// time; run with `--release` to see the real figure.
#[test]
fn ten_thousand_ops_single_key() {
    let mut rng = Rng(42);
    let mut h = History::new();
    let mut reg: Option<String> = None;
    // Five clients; each op takes effect at a distinct instant inside its
    // interval, and each client's next op starts after its last returned.
    let mut free_at = [0u64; 5];
    for i in 0..10_000u64 {
        let c = (i % 5) as usize;
        let at = 10 * i + 5;
        let invoke_us = (at - rng.below(5)).max(free_at[c]);
        let complete_us = at + rng.below(40);
        free_at[c] = complete_us + 1;
        let op = match rng.below(3) {
            0 => get(),
            1 => put(&rng.below(10).to_string()),
            _ => cas(&rng.below(10).to_string(), &rng.below(10).to_string()),
        };
        let (next, result) = step_register(reg.as_deref(), &op);
        reg = next;
        op_at(&mut h, c as u64, op, invoke_us.min(at), complete_us, result);
    }
    let start = std::time::Instant::now();
    let verdict = check_key(&h, "x");
    println!(
        "10,000-op history checked in {:?}: {verdict}",
        start.elapsed()
    );
    assert_eq!(verdict, CheckResult::Linearizable);
}

fn op_at(h: &mut History, client: u64, o: KvOp, invoke_us: u64, complete_us: u64, r: KvResult) {
    op(h, client, o, invoke_us, complete_us, r);
}

/// Sixteen writes to one key time out (each may or may not have taken
/// effect, at any time since), then the key serves 150 more operations,
/// some reads seeing one of those writes land late. Checking the old way
/// enumerated every subset of them at every completion (2^16 and more); now
/// each check costs a bounded number of steps, every verdict is decided,
/// and a stale read at the end is still caught. Reference: Raft thesis
/// §6.3 (a client that gives up cannot know whether its command applied).
#[test]
fn sixteen_timed_out_writes_on_one_key_cost_bounded_steps() {
    let mut live = LiveChecker::with_config(CheckConfig::LIVE);
    live_op(&mut live, 1, put("0"), 0, KvResult::Ok);
    for i in 0..16u64 {
        let lost = match i % 8 {
            6 => append(&format!("a{i}")),
            7 => cas("0", &format!("c{i}")),
            _ => put(&format!("p{i}")),
        };
        let id = live.invoke(ClientId(10 + i), lost, 100 + i);
        live.give_up(id).expect("pending op is given up");
    }
    assert_eq!(live.check_dirty(), CheckResult::Linearizable);
    let landing = [1u64, 2, 3, 4, 5];
    let mut at = 10_000;
    let mut most_steps = 0;
    for round in 0..30u64 {
        let mut step = |live: &mut LiveChecker, o: KvOp, r: KvResult| {
            at += 100;
            let before = live.stats().steps;
            let verdict = live_op(live, 1 + round % 3, o, at, r);
            most_steps = most_steps.max(live.stats().steps - before);
            verdict
        };
        let v = format!("v{round}");
        assert!(step(&mut live, put(&v), KvResult::Ok).is_linearizable());
        assert!(step(&mut live, get(), value(&v)).is_linearizable());
        assert!(step(&mut live, append("z"), KvResult::Ok).is_linearizable());
        assert!(step(&mut live, get(), value(&format!("{v}z"))).is_linearizable());
        if let Some(k) = landing.get(round as usize / 6).filter(|_| round % 6 == 5) {
            // A timed-out put lands just now.
            let late = value(&format!("p{k}"));
            assert!(step(&mut live, get(), late).is_linearizable());
        }
    }
    assert_eq!(live.stats().widened, 0);
    assert!(live.undecided().is_none());
    // About (timed-out writes) x (configurations an append leaves: any of
    // the puts, then any order of the two appends), ~1,200 here; the same
    // in the first round as in the last.
    assert!(most_steps <= 2_000, "a check took {most_steps} steps");
    // "p1" landed and was overwritten since: reading it again is stale.
    at += 100;
    let stale = live_op(&mut live, 4, get(), at, value("p1"));
    assert!(
        matches!(stale, CheckResult::NotLinearizable { ref key, .. } if key == "x"),
        "{stale}"
    );
}

/// A tiny budget: the search widens and says so. The verdict is undecided
/// (neither a pass nor a violation), the checker reports why, and a
/// violation after the widening is still caught, since widening only ever
/// allows more.
#[test]
fn exhausted_live_budget_is_reported_undecided_and_violations_still_caught() {
    let tiny = CheckConfig {
        max_steps: 50,
        max_configs: 4_096,
    };
    let mut live = LiveChecker::with_config(tiny);
    live_op(&mut live, 1, put(""), 0, KvResult::Ok);
    for i in 0..4u64 {
        let id = live.invoke(ClientId(10 + i), append(&i.to_string()), 10 + i);
        live.give_up(id).expect("pending op is given up");
    }
    // Four concurrent appends, four that timed out: too many orders for
    // 50 steps.
    let ids: Vec<OpId> = (0..4u64)
        .map(|i| live.invoke(ClientId(i), append(&format!("c{i}")), 100))
        .collect();
    for id in ids {
        live.complete(id, KvResult::Ok, 200)
            .expect("pending op completes");
    }
    let verdict = live.check_dirty();
    let CheckResult::Undecided { key, why, .. } = &verdict else {
        panic!("expected undecided, got {verdict}");
    };
    assert_eq!(key, "x");
    assert_eq!(why.limit, raftlab_sim::linearizability::Limit::Steps(50));
    assert_eq!(live.undecided(), Some(why.as_ref()));
    assert!(!verdict.is_linearizable());
    // Later: a write completes, then a read returns what nobody wrote.
    live_op(&mut live, 1, put("9"), 1_000, KvResult::Ok);
    let bad = live_op(&mut live, 2, get(), 2_000, value("never"));
    assert!(matches!(bad, CheckResult::NotLinearizable { .. }), "{bad}");
}

/// Runs script lines (the scenario language) and returns the world.
fn run_script(lines: &[&str]) -> raftlab_sim::World {
    let mut runner = raftlab_sim::scenario::Runner::default();
    for line in lines {
        let d = raftlab_sim::script::parse_line(line).expect("a valid line");
        runner.exec(&d).expect("the line runs");
    }
    runner.world.expect("a world was built")
}

/// The most given-up writes the live checker holds on one key.
fn most_timed_out_writes(world: &raftlab_sim::World) -> usize {
    let history = world.linearizability().history();
    history
        .keys()
        .map(|k| {
            history
                .key_ops(k)
                .iter()
                .filter(|o| o.outcome == raftlab_sim::linearizability::Outcome::Unknown)
                .filter(|o| !o.op.is_read())
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// The live checker's bound, in search steps: a world's checks never take
/// more than [`CheckConfig::LIVE`] allows per completed operation, and a
/// whole run stays far under a second of checker time (~115 ns a step in
/// the `fast` profile: 500,000 steps is under 0.1 s).
fn assert_cheap_and_decided(world: &raftlab_sim::World, what: &str) {
    let lin = world.linearizability();
    let stats = lin.stats();
    assert!(
        world.violation().is_none(),
        "{what}: {:?}",
        world.violation()
    );
    assert!(lin.undecided().is_none(), "{what}: {:?}", lin.undecided());
    assert!(
        stats.max_steps_per_call <= CheckConfig::LIVE.max_steps,
        "{what}: {stats:?}"
    );
    assert!(stats.steps <= 500_000, "{what}: {stats:?}");
}

/// The page's defaults with three of five servers down for `minutes`.
fn outage(minutes: u64) -> raftlab_sim::World {
    let down = format!("run {}s", minutes * 60);
    run_script(&[
        "nodes 5",
        "workload 12",
        "run 5s",
        "crash n1",
        "crash n2",
        "crash n3",
        &down,
        "restart n1",
        "restart n2",
        "restart n3",
        "run 30s",
    ])
}

/// Three of five servers down for three minutes: a dozen and more writes on
/// one key time out, and the first completion after the restart used to
/// enumerate every subset of them (85 s of checker time for this run,
/// measured before; 35,234 steps now).
#[test]
fn three_minute_outage_stays_cheap_and_decided() {
    let world = outage(3);
    assert!(most_timed_out_writes(&world) >= 12);
    assert_cheap_and_decided(&world, "outage");
}

/// The same for five minutes (unfinished after 10 minutes before; about
/// 300,000 steps now).
#[test]
fn five_minute_outage_stays_cheap_and_decided() {
    let world = outage(5);
    assert!(most_timed_out_writes(&world) >= 16);
    assert_cheap_and_decided(&world, "outage");
}

/// A slow network (every round trip longer than an election timeout) with
/// the stale-read bug: writes keep timing out, and the old checker spent
/// over 30 s on this run.
#[test]
fn slow_network_with_timed_out_writes_stays_cheap_and_decided() {
    let world = run_script(&[
        "nodes 5",
        "seed 1",
        "set latency 100ms..200ms",
        "set bug read_index_without_quorum on",
        "workload 12",
        "run 120s",
    ]);
    assert!(most_timed_out_writes(&world) >= 12);
    assert_cheap_and_decided(&world, "slow network");
}

/// A world whose live checks run out of budget says so in its snapshot
/// (what the page reads): undecided, naming the key, the time and the
/// limit; not a violation, and no check spent more than the live budget.
/// Four clients write one key 50 times a second over a lossy network
/// while servers crash and restart every 5 s: hundreds of writes time out,
/// and some appends among them leave too many possible values to follow.
#[test]
fn a_world_whose_checks_run_out_shows_undecided_in_its_snapshot() {
    use raftlab_core::{Micros, NodeId};
    use raftlab_sim::{Action, LinkConfig, WorkloadConfig, World, WorldConfig};
    let defaults = WorldConfig::default();
    let c = WorldConfig {
        seed: 3,
        workload: WorkloadConfig {
            ops_per_sec: 50.0,
            clients: 4,
            keys: 1,
            ..defaults.workload.clone()
        },
        client_timeout: Micros::from_ms(400),
        client_max_attempts: 30,
        network: LinkConfig {
            drop_rate: 0.1,
            latency_max: Micros::from_ms(40),
            ..defaults.network.clone()
        },
        ..defaults
    };
    let mut world = World::new(c).expect("valid settings");
    let mut rng = Rng(2);
    for round in 1..=40u64 {
        let id = NodeId(1 + rng.below(5));
        let fault = match rng.below(4) {
            0 => Action::Crash(id),
            1 => Action::Restart(id),
            _ => Action::HealAll,
        };
        // A refused fault (restarting a running server) is part of chaos.
        let _ = world.apply(fault);
        world.run_until(Micros::from_ms(5_000 * round));
        if world.snapshot().linearizability_undecided.is_some() {
            break;
        }
    }
    let snap = world.snapshot();
    let why = snap
        .linearizability_undecided
        .expect("the live budget ran out within 200 s");
    assert_eq!(why.key, "a");
    assert_eq!(
        why.limit,
        raftlab_sim::linearizability::Limit::Steps(CheckConfig::LIVE.max_steps)
    );
    assert!(snap.violation.is_none(), "{:?}", snap.violation);
    let stats = world.linearizability().stats();
    assert!(
        stats.max_steps_per_call <= CheckConfig::LIVE.max_steps,
        "{stats:?}"
    );
}
