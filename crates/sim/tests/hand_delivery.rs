//! Hand-driven delivery: every message waits in its receiver's queue until
//! the user delivers, drops or duplicates it, and timers fire only by hand.
//! The Figure 8 situation (Raft paper §5.4.2) is built step by step.

use raftlab_core::{LogIndex, MessageKind, Micros, NodeId, Role, Term};
use raftlab_sim::invariants::Invariant;
use raftlab_sim::kv::KvOp;
use raftlab_sim::{Action, MsgId, Timeline, Trace, World, WorldConfig};

fn n(i: u64) -> NodeId {
    NodeId(i)
}

fn hand_world(bug: bool) -> World {
    let mut c = WorldConfig {
        hand_delivery: true,
        ..WorldConfig::default()
    };
    c.workload.ops_per_sec = 0.0;
    // One entry per AppendEntries, so a leader can send an old entry
    // without its own no-op behind it (paper Figure 8 (c)).
    c.raft.max_entries_per_msg = 1;
    c.raft.bugs.commit_prior_term_by_counting = bug;
    World::new(c).expect("valid config")
}

/// The held messages from `from` to `to`, oldest first.
fn held(w: &World, from: u64, to: u64) -> Vec<MsgId> {
    let snap = w.snapshot();
    let hand = snap.hand.expect("hand delivery is on");
    let q = hand.queues.iter().find(|q| q.node == n(to)).unwrap();
    q.incoming
        .iter()
        .copied()
        .filter(|m| w.network().in_flight[m].msg.from == n(from))
        .collect()
}

/// Delivers every held message between members of `among` until none is
/// left (each delivery may send more).
fn flush(w: &mut World, among: &[u64]) {
    for _ in 0..1_000 {
        let next = w.network().in_flight.values().find(|f| {
            among.contains(&f.msg.from.0) && among.contains(&f.msg.to.0) && f.held_at.is_some()
        });
        let Some(f) = next else { return };
        let id = f.id;
        w.apply(Action::Deliver(id)).unwrap();
    }
    panic!("messages kept coming");
}

/// Drops every held message.
fn drop_all(w: &mut World) {
    let ids: Vec<MsgId> = w.network().in_flight.keys().copied().collect();
    for id in ids {
        w.apply(Action::Drop(id)).unwrap();
    }
}

fn deliver_one(w: &mut World, from: u64, to: u64) {
    let m = *held(w, from, to)
        .first()
        .expect("a held message on that link");
    w.apply(Action::Deliver(m)).unwrap();
}

fn term_of(w: &World, i: u64) -> Term {
    w.raft(n(i)).unwrap().term()
}

/// Builds Figure 8 by hand; returns the world at the end.
fn figure8(bug: bool) -> World {
    let mut w = hand_world(bug);
    // (a) n1 leads term 1 and commits its no-op everywhere.
    w.apply(Action::FireTimer(n(1))).unwrap();
    flush(&mut w, &[1, 2, 3, 4, 5]);
    assert_eq!(w.leader(), Some(n(1)));
    // n1 takes a client entry at index 2 and replicates it to nobody.
    w.apply(Action::ClientRequest {
        op: KvOp::Put {
            key: "x".into(),
            value: "1".into(),
        },
        via: Some(n(1)),
    })
    .unwrap();
    assert_eq!(w.raft(n(1)).unwrap().log().last_index(), LogIndex(2));
    drop_all(&mut w);
    w.apply(Action::Crash(n(1))).unwrap();
    // (b) n5 leads term 2 with votes from n3, n4; its no-op at index 2
    // reaches nobody.
    w.apply(Action::FireTimer(n(5))).unwrap();
    for v in [3, 4] {
        deliver_one(&mut w, 5, v);
        deliver_one(&mut w, v, 5);
    }
    assert_eq!(w.leader(), Some(n(5)));
    assert_eq!(term_of(&w, 5), Term(2));
    drop_all(&mut w);
    w.apply(Action::Crash(n(5))).unwrap();
    // (c) n1 restarts and leads term 3 with n2, n3; it sends its term-1
    // entry at index 2 to n2 and n3, one entry per message, and holds back
    // its own no-op at index 3.
    w.apply(Action::Restart(n(1))).unwrap();
    // Its first try is in term 2, where n3 already voted for n5: lost.
    w.apply(Action::FireTimer(n(1))).unwrap();
    drop_all(&mut w);
    w.apply(Action::FireTimer(n(1))).unwrap();
    for v in [2, 3] {
        deliver_one(&mut w, 1, v);
        deliver_one(&mut w, v, 1);
    }
    assert_eq!(w.raft(n(1)).unwrap().role(), Role::Leader);
    assert_eq!(term_of(&w, 1), Term(3));
    for v in [2, 3] {
        // The probe at index 3 is refused; the retry carries index 2 only.
        deliver_one(&mut w, 1, v);
        deliver_one(&mut w, v, 1);
        deliver_one(&mut w, 1, v);
        deliver_one(&mut w, v, 1);
        let l = w.raft(n(v)).unwrap().log();
        assert_eq!(l.last_index(), LogIndex(2), "n{v} holds index 2 only");
        assert_eq!(l.term_at(LogIndex(2)), Some(Term(1)));
    }
    let commit = w.raft(n(1)).unwrap().commit_index();
    // Counting replicas commits index 2; the current-term rule does not.
    assert_eq!(commit >= LogIndex(2), bug, "commit index {commit}");
    // (d) n1 crashes; n5 restarts and wins term 4 with n2, n3, n4 (its
    // last entry is term 2, newer than their term 1), then overwrites
    // index 2.
    drop_all(&mut w);
    w.apply(Action::Crash(n(1))).unwrap();
    w.apply(Action::Restart(n(5))).unwrap();
    // Its first try (term 3) meets n2 and n3 in term 3 already: lost.
    for _ in 0..2 {
        w.apply(Action::FireTimer(n(5))).unwrap();
        flush(&mut w, &[2, 3, 4, 5]);
    }
    w
}

/// Figure 8 with the current-term rule broken: the checker sees a
/// committed entry missing from a later leader's log. Reference: Raft
/// paper §5.4.2, Figure 8.
#[test]
fn figure8_by_hand_breaks_leader_completeness_with_the_bug_on() {
    let w = figure8(true);
    let v = w.violation().expect("a violation");
    assert_eq!(v.invariant, Invariant::LeaderCompleteness, "{v}");
}

/// The same steps with the rule kept: n1 never commits index 2 in term 3,
/// so n5 overwriting it breaks nothing. Reference: Raft paper §5.4.2.
#[test]
fn figure8_by_hand_is_safe_with_the_rule_kept() {
    let w = figure8(false);
    assert!(w.violation().is_none(), "{:?}", w.violation());
    assert_eq!(w.leader(), Some(n(5)));
}

#[test]
fn time_only_moves_when_the_user_acts() {
    let mut w = hand_world(false);
    let t0 = w.now();
    w.run_until(Micros::from_ms(5_000));
    assert!(w.leader().is_none(), "no timer fires by itself");
    assert!(w.network().in_flight.is_empty());
    let before = w.now();
    w.apply(Action::FireTimer(n(2))).unwrap();
    assert!(w.now() > before, "firing a timer runs the clock to it");
    let votes = held(&w, 2, 1);
    assert_eq!(votes.len(), 1);
    assert_eq!(
        w.network().in_flight[&votes[0]].msg.kind(),
        MessageKind::RequestVote
    );
    let t = w.now();
    w.run_until(t + Micros::from_ms(10_000));
    assert_eq!(held(&w, 2, 1), votes, "held messages stay held");
    assert!(t0 < t);
}

#[test]
fn duplicate_and_drop_a_held_message() {
    let mut w = hand_world(false);
    w.apply(Action::FireTimer(n(1))).unwrap();
    let m = held(&w, 1, 2)[0];
    w.apply(Action::Duplicate(m)).unwrap();
    let both = held(&w, 1, 2);
    assert_eq!(both.len(), 2);
    w.apply(Action::Deliver(both[0])).unwrap();
    w.apply(Action::Deliver(both[1])).unwrap();
    // n2 answered both copies (a duplicate vote request is answered again).
    assert_eq!(held(&w, 2, 1).len(), 2);
    let m3 = held(&w, 1, 3)[0];
    w.apply(Action::Drop(m3)).unwrap();
    assert!(held(&w, 1, 3).is_empty());
    assert!(
        w.apply(Action::Deliver(m3)).is_err(),
        "a dropped message is gone"
    );
    assert!(w.apply(Action::Hold(held(&w, 1, 4)[0])).is_err());
}

#[test]
fn turning_hand_delivery_off_lets_the_cluster_run_again() {
    let mut w = hand_world(false);
    w.apply(Action::FireTimer(n(3))).unwrap();
    w.apply(Action::HandDelivery(false)).unwrap();
    assert!(w.snapshot().hand.is_none());
    let t = w.now();
    w.run_until(t + Micros::from_ms(2_000));
    assert!(w.leader().is_some());
    w.apply(Action::HandDelivery(true)).unwrap();
    let t = w.now();
    let terms: Vec<Term> = (1..=5).map(|i| term_of(&w, i)).collect();
    w.run_until(t + Micros::from_ms(5_000));
    let after: Vec<Term> = (1..=5).map(|i| term_of(&w, i)).collect();
    assert_eq!(terms, after, "nothing happens by itself once it is back on");
}

/// Scrubbing back and acting again forks the run; a trace of the run
/// replays every hand-driven action to the same state.
#[test]
fn hand_driven_runs_scrub_fork_and_replay() {
    let mut c = WorldConfig {
        hand_delivery: true,
        ..WorldConfig::default()
    };
    c.workload.ops_per_sec = 0.0;
    let mut t = Timeline::new(c).unwrap();
    t.apply(Action::FireTimer(n(1))).unwrap();
    let after_fire = t.position();
    for _ in 0..4 {
        let m = *t.world().network().in_flight.keys().next().unwrap();
        t.apply(Action::Deliver(m)).unwrap();
    }
    let trace = Trace::from_timeline(&t);
    let replayed = trace.replay().expect("replays");
    assert_eq!(replayed.world().snapshot(), t.world().snapshot());
    // Back to just after the timer fired, and a different choice.
    t.restore(after_fire);
    assert_eq!(t.world().action_count(), 1);
    let last = *t.world().network().in_flight.keys().last().unwrap();
    t.apply(Action::Drop(last)).unwrap();
    assert_eq!(t.actions().len(), 2, "the old future is forgotten");
}
