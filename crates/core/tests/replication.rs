//! Log replication and commitment: paper §5.3, §5.4.2 (Figure 8), flow control.

mod common;
use common::*;
use raftlab_core::*;

fn append(prev: (u64, u64), entries: Vec<Entry<u64>>, commit: u64) -> MessageBody<u64> {
    MessageBody::AppendEntries {
        prev_log_index: LogIndex(prev.0),
        prev_log_term: Term(prev.1),
        entries,
        leader_commit: LogIndex(commit),
        read_seq: 0,
    }
}

fn follower() -> RawNode<u64> {
    RawNode::new(
        NodeId(1),
        Config::default(),
        Membership::voters(ids(3)),
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap()
}

/// The leader appends a client command, replicates it, and once a majority stores it,
/// commits it; every server applies it in log order.
/// Reference: Raft paper §5.3
#[test]
fn leader_replicates_and_commits_proposal() {
    let mut net = Net::new(3);
    net.elect(1);
    let (term, index) = net.propose(1, 42).unwrap();
    assert_eq!((term, index), (Term(1), LogIndex(2)), "after the no-op");
    for id in 1..=3 {
        assert_eq!(net.node(id).commit_index(), LogIndex(2));
        assert_eq!(net.applied_cmds(id), vec![42]);
    }
}

/// A new leader's first entry is a no-op of its term (so it can commit earlier entries).
/// Reference: Raft paper §5.4.2, §8
#[test]
fn new_leader_appends_noop() {
    let mut net = Net::new(3);
    net.elect(2);
    let e = net.node(2).log().entry(LogIndex(1)).unwrap().clone();
    assert_eq!(e.payload, EntryPayload::Noop);
    assert_eq!(e.term, Term(1));
}

/// Only the leader accepts proposals; followers point at it.
/// Reference: Raft paper §5.1, §8
#[test]
fn followers_refuse_proposals_with_hint() {
    let mut net = Net::new(3);
    net.elect(1);
    assert_eq!(
        net.propose(2, 1),
        Err(ProposeError::NotLeader {
            leader_hint: Some(NodeId(1))
        })
    );
}

/// An entry stored on a minority is not committed; it commits once a majority has it.
/// Reference: Raft paper §5.3
#[test]
fn entry_commits_only_on_majority() {
    let mut net = Net::new(5);
    net.elect(1);
    net.partition(&[1, 2], &[3, 4, 5]);
    net.propose(1, 9).unwrap();
    assert_eq!(net.node(1).commit_index(), LogIndex(1));
    net.heal();
    net.run_for(100);
    assert_eq!(net.node(1).commit_index(), LogIndex(2));
    for id in 1..=5 {
        assert_eq!(net.applied_cmds(id), vec![9]);
    }
}

/// The consistency check: a follower refuses entries whose predecessor it lacks or whose
/// predecessor has another term, and says where to retry.
/// Reference: Raft paper §5.3
#[test]
fn follower_rejects_append_when_prev_does_not_match() {
    let mut n = follower();
    n.step(
        Micros::ZERO,
        msg(
            2,
            1,
            2,
            append((0, 0), vec![entry(1, 1, 1), entry(2, 2, 2)], 0),
        ),
    )
    .unwrap();
    drain(&mut n);
    // Missing entry.
    n.step(Micros::ZERO, msg(2, 1, 2, append((5, 2), vec![], 0)))
        .unwrap();
    // Term mismatch at index 2.
    n.step(Micros::ZERO, msg(2, 1, 2, append((2, 1), vec![], 0)))
        .unwrap();
    let rd = drain(&mut n);
    let hints: Vec<_> = rd
        .messages
        .iter()
        .map(|m| match &m.body {
            MessageBody::AppendEntriesResponse {
                success, conflict, ..
            } => (*success, conflict.map(|c| (c.hint_index.0, c.hint_term.0))),
            _ => panic!("unexpected {m:?}"),
        })
        .collect();
    assert_eq!(hints, vec![(false, Some((2, 2))), (false, Some((1, 1)))]);
}

/// A follower deletes entries only on a real conflict: a stale, shorter AppendEntries whose
/// entries all match must not truncate what follows.
/// Reference: Raft paper §5.3 (Figure 2, AppendEntries receiver rule 3)
#[test]
fn follower_truncates_only_on_conflict() {
    let mut n = follower();
    let three = vec![entry(1, 1, 1), entry(1, 2, 2), entry(1, 3, 3)];
    n.step(Micros::ZERO, msg(2, 1, 1, append((0, 0), three, 0)))
        .unwrap();
    n.step(
        Micros::ZERO,
        msg(2, 1, 1, append((0, 0), vec![entry(1, 1, 1)], 0)),
    )
    .unwrap();
    assert_eq!(n.log().last_index(), LogIndex(3));
    // A conflicting entry at 2 removes 2 and 3.
    n.step(
        Micros::ZERO,
        msg(3, 1, 2, append((1, 1), vec![entry(2, 2, 9)], 0)),
    )
    .unwrap();
    assert_eq!(n.log().last_index(), LogIndex(2));
    assert_eq!(n.log().term_at(LogIndex(2)), Some(Term(2)));
    let rd = drain(&mut n);
    assert_eq!(rd.truncate_from, None, "nothing was persisted yet");
}

/// A truncation of persisted entries is reported to the driver before the new entries.
/// Reference: Raft paper §5.3
#[test]
fn truncation_of_persisted_entries_reaches_the_disk() {
    let mut n = follower();
    let mut disk = Durable::new();
    n.step(
        Micros::ZERO,
        msg(
            2,
            1,
            1,
            append((0, 0), vec![entry(1, 1, 1), entry(1, 2, 2)], 0),
        ),
    )
    .unwrap();
    let rd = n.ready();
    disk.apply(&rd);
    n.advance(&rd);
    n.step(
        Micros::ZERO,
        msg(3, 1, 2, append((1, 1), vec![entry(2, 2, 9)], 0)),
    )
    .unwrap();
    let rd = n.ready();
    assert_eq!(rd.truncate_from, Some(LogIndex(2)));
    disk.apply(&rd);
    n.advance(&rd);
    assert_eq!(disk.entries, vec![entry(1, 1, 1), entry(2, 2, 9)]);
}

/// A follower learns the commit index from the leader, but never beyond the last entry it
/// knows to match: min(leaderCommit, index of last new entry).
/// Reference: Raft paper §5.3 (Figure 2, AppendEntries receiver rule 5)
#[test]
fn follower_commit_is_min_of_leader_commit_and_last_new_entry() {
    let mut n = follower();
    let three = vec![entry(1, 1, 1), entry(1, 2, 2), entry(1, 3, 3)];
    n.step(Micros::ZERO, msg(2, 1, 1, append((0, 0), three, 0)))
        .unwrap();
    // A heartbeat anchored at 1 with leader commit 3 only proves entry 1 matches.
    n.step(Micros::ZERO, msg(2, 1, 1, append((1, 1), vec![], 3)))
        .unwrap();
    assert_eq!(n.commit_index(), LogIndex(1));
    n.step(Micros::ZERO, msg(2, 1, 1, append((3, 1), vec![], 3)))
        .unwrap();
    assert_eq!(n.commit_index(), LogIndex(3));
    let rd = drain(&mut n);
    assert_eq!(rd.committed_entries.len(), 3);
}

/// The leader counts its own entry toward a majority only once it is persisted (after
/// `advance`): a lone leader commits nothing before that.
/// Reference: Raft paper §5.3; `Durable::apply` (persist before send)
#[test]
fn leader_counts_itself_only_after_persisting() {
    let mut n = RawNode::<u64>::new(
        NodeId(1),
        Config::default(),
        Membership::voters(ids(1)),
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap();
    n.campaign(Micros::ZERO);
    assert_eq!(n.role(), Role::Leader);
    n.propose(Micros::ZERO, 5).unwrap();
    assert_eq!(n.commit_index(), LogIndex(0));
    let rd = n.ready();
    assert_eq!(rd.entries.len(), 2);
    assert!(rd.committed_entries.is_empty());
    n.advance(&rd);
    assert_eq!(n.commit_index(), LogIndex(2));
    let rd = drain(&mut n);
    assert_eq!(rd.committed_entries.len(), 2);
}

/// A leader never commits an entry of an earlier term by counting replicas; it commits it
/// indirectly with an entry of its own term (Figure 8).
/// Reference: Raft paper §5.4.2
#[test]
fn leader_does_not_commit_prior_term_entry_by_counting() {
    for bug in [false, true] {
        let config = Config {
            bugs: Bugs {
                commit_prior_term_by_counting: bug,
                ..Bugs::default()
            },
            ..Config::default()
        };
        let disk = Durable {
            term: Term(3),
            voted_for: None,
            snapshot: None,
            entries: vec![entry(1, 1, 1), entry(2, 2, 2)],
            bootstrap: Membership::voters(ids(5)),
        };
        let mut n =
            RawNode::restart(NodeId(1), config, disk, DetRng::new(1), Micros::ZERO).unwrap();
        n.campaign(Micros::ZERO);
        for v in [2, 3] {
            n.step(
                Micros::ZERO,
                msg(v, 1, 4, MessageBody::RequestVoteResponse { granted: true }),
            )
            .unwrap();
        }
        assert_eq!(n.role(), Role::Leader);
        drain(&mut n); // persists the no-op at 3
        let ack = |from, idx| {
            msg(
                from,
                1,
                4,
                MessageBody::AppendEntriesResponse {
                    success: true,
                    match_index: LogIndex(idx),
                    conflict: None,
                    read_seq: 0,
                },
            )
        };
        n.step(Micros::ZERO, ack(2, 2)).unwrap();
        n.step(Micros::ZERO, ack(3, 2)).unwrap();
        if bug {
            assert_eq!(n.commit_index(), LogIndex(2), "the bug commits by counting");
            continue;
        }
        assert_eq!(
            n.commit_index(),
            LogIndex(0),
            "entry 2 is on a majority but of term 2"
        );
        n.step(Micros::ZERO, ack(2, 3)).unwrap();
        n.step(Micros::ZERO, ack(3, 3)).unwrap();
        assert_eq!(
            n.commit_index(),
            LogIndex(3),
            "the term-4 entry commits both"
        );
    }
}

/// Figure 8 end to end: S1 (term 4) replicates its term-2 entry to a majority and crashes;
/// S5 (last term 3) is elected and overwrites it. Correct Raft never committed it, so no state
/// machine disagrees; with the counting bug S1 applied it and safety breaks.
/// Reference: Raft paper §5.4.2, Figure 8
#[test]
fn figure_8_scenario() {
    for bug in [false, true] {
        let config = Config {
            max_entries_per_msg: 1,
            bugs: Bugs {
                commit_prior_term_by_counting: bug,
                ..Bugs::default()
            },
            ..Config::default()
        };
        let mut net = Net::with_config(5, config);
        let e1 = entry(1, 1, 11);
        net.restart_with(1, 3, None, vec![e1.clone(), entry(2, 2, 22)]);
        net.restart_with(2, 3, None, vec![e1.clone(), entry(2, 2, 22)]);
        net.restart_with(3, 3, None, vec![e1.clone()]);
        net.restart_with(4, 3, None, vec![e1.clone()]);
        net.restart_with(5, 3, Some(5), vec![e1.clone(), entry(3, 2, 33)]);
        // (c) S5 is down. S1 is elected in term 4 and gets entry 2 onto S3 and S4, but its own term-4
        // entry reaches only S2 before S1 crashes.
        net.crash(5);
        let now = net.now;
        net.node_mut(1).campaign(now);
        net.stabilize_with(|net| {
            for f in [3, 4] {
                if net.node(f).log().last_index() >= LogIndex(2) {
                    net.cut.insert((NodeId(1), NodeId(f)));
                }
            }
        });
        assert_eq!(net.node(1).role(), Role::Leader);
        assert_eq!(net.node(3).log().term_at(LogIndex(2)), Some(Term(2)));
        if bug {
            assert!(net.node(1).commit_index() >= LogIndex(2));
        } else {
            assert_eq!(net.node(1).commit_index(), LogIndex(0));
        }
        net.crash(1);
        net.heal();
        net.restart(5);
        // (d) S5 wins with votes from S3 and S4 (its last term 3 beats their 2); its first
        // try, in term 4, finds their votes taken.
        net.elect(5);
        net.elect(5);
        assert_eq!(net.leaders(), vec![5]);
        net.run_for(500);
        assert_eq!(net.node(3).log().term_at(LogIndex(2)), Some(Term(3)));
        assert_eq!(net.applied_consistent(), !bug, "bug={bug}");
    }
}

/// A partitioned leader keeps accepting proposals it can never commit; when it rejoins it
/// steps down and its uncommitted entries are discarded.
/// Reference: Raft paper §5.3, §5.4
#[test]
fn partitioned_leader_rejoins_and_loses_uncommitted_entries() {
    let mut net = Net::new(5);
    net.elect(1);
    net.propose(1, 1).unwrap();
    net.partition(&[1, 2], &[3, 4, 5]);
    net.propose(1, 2).unwrap();
    net.propose(1, 3).unwrap();
    net.run_for(1000);
    let new_leader = *net.leaders().iter().find(|l| **l >= 3).unwrap();
    net.propose(new_leader, 4).unwrap();
    net.heal();
    net.run_for(1000);
    assert_eq!(net.leaders(), vec![new_leader]);
    for id in 1..=5 {
        assert_eq!(net.applied_cmds(id), vec![1, 4], "node {id}");
    }
    assert!(net.applied_consistent());
}

/// A follower with 60 divergent entries catches up in a few round trips thanks to the
/// conflict hint (not one per entry).
/// Reference: thesis §5.3 (fast log backtracking)
#[test]
fn divergent_follower_catches_up_in_few_round_trips() {
    let mut net = Net::new(3);
    net.elect(1);
    net.propose(1, 0).unwrap();
    net.isolate(1);
    for i in 0..60 {
        net.propose(1, 1000 + i).unwrap();
    }
    net.elect(2);
    for i in 0..60 {
        net.propose(2, 2000 + i).unwrap();
    }
    net.delivered.clear();
    net.heal();
    net.run_for(500);
    let rejections = net
        .delivered
        .iter()
        .filter(|m| m.from == NodeId(1) && m.granted_or_success() == Some(false))
        .count();
    assert!(rejections <= 2, "took {rejections} rejections");
    assert_eq!(
        net.node(1).log().last_index(),
        net.node(2).log().last_index()
    );
    assert!(net.applied_consistent());
    assert_eq!(net.applied_cmds(1).len(), 61);
}

/// Flow control: in Replicate state at most `max_inflight_msgs` AppendEntries are
/// outstanding per follower, each with at most `max_entries_per_msg` entries.
/// Reference: etcd tracker (Probe/Replicate), thesis §10.2.1
#[test]
fn flow_control_limits_inflight_appends() {
    let config = Config {
        max_inflight_msgs: 2,
        max_entries_per_msg: 3,
        ..Config::default()
    };
    let mut net = Net::with_config(3, config);
    net.elect(1);
    net.propose(1, 0).unwrap();
    let pr = &net.node(1).progress().unwrap()[&NodeId(2)];
    assert_eq!(pr.state, ProgressState::Replicate);
    // Answers from node 2 are lost: the window fills and then the leader waits.
    net.cut.insert((NodeId(2), NodeId(1)));
    net.delivered.clear();
    for i in 0..20 {
        net.propose(1, i).unwrap();
    }
    let to_2: Vec<usize> = net
        .delivered
        .iter()
        .filter(|m| m.to == NodeId(2) && m.kind() == MessageKind::AppendEntries)
        .map(|m| match &m.body {
            MessageBody::AppendEntries { entries, .. } => entries.len(),
            _ => 0,
        })
        .collect();
    assert_eq!(to_2.len(), 2, "{to_2:?}");
    assert!(to_2.iter().all(|n| *n <= 3));
    // Once answers flow again, the follower catches up.
    net.heal();
    net.run_for(200);
    assert_eq!(
        net.node(2).log().last_index(),
        net.node(1).log().last_index()
    );
}

/// A leader never overwrites or deletes entries in its own log; it only appends.
/// Reference: Raft paper §5.3 (Leader Append-Only, Figure 3)
#[test]
fn leader_only_appends_to_its_log() {
    let mut net = Net::new(3);
    net.elect(1);
    let mut seen: Vec<Entry<u64>> = Vec::new();
    for i in 0..10 {
        net.propose(1, i).unwrap();
        // A stale, conflicting AppendEntries from a deposed leader is refused, not applied.
        let now = net.now;
        let bogus = MessageBody::AppendEntries {
            prev_log_index: LogIndex(0),
            prev_log_term: Term(0),
            entries: vec![entry(0, 1, 666)],
            leader_commit: LogIndex(0),
            read_seq: 0,
        };
        net.node_mut(1).step(now, msg(2, 1, 0, bogus)).unwrap();
        let log = net.node(1).log().all_entries().to_vec();
        assert_eq!(&log[..seen.len()], &seen[..]);
        seen = log;
    }
}

/// A lost AppendEntries is retried until the follower has the entries (RPCs are retried
/// indefinitely, §5.5); here after one heartbeat round without acknowledgement.
/// Reference: Raft paper §5.3, §5.5
#[test]
fn lost_append_is_retransmitted() {
    let mut net = Net::new(3);
    net.elect(1);
    net.drop_once.insert(MessageKind::AppendEntries);
    let (_, idx) = net.propose(1, 5).unwrap();
    assert_eq!(
        net.node(1).commit_index(),
        idx,
        "the other follower suffices"
    );
    let lagging = if net.node(2).log().last_index() < idx {
        2
    } else {
        3
    };
    assert!(net.node(lagging).log().last_index() < idx);
    net.run_for(200);
    assert_eq!(net.node(lagging).log().last_index(), idx);
    assert_eq!(net.applied_cmds(lagging), vec![5]);
}
