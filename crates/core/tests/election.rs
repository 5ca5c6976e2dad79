//! Leader election: paper §5.1, §5.2, §5.4.1; thesis §9.6 (PreVote), §6.2 (CheckQuorum).

mod common;
use common::*;
use raftlab_core::*;

fn solo(id: u64, n: u64) -> RawNode<u64> {
    RawNode::new(
        NodeId(id),
        Config::default(),
        Membership::voters(ids(n)),
        DetRng::new(id),
        Micros::ZERO,
    )
    .unwrap()
}

/// A server starts as a follower in term 0.
/// Reference: Raft paper §5.2
#[test]
fn servers_start_as_followers() {
    let n = solo(1, 3);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.term(), Term(0));
    assert_eq!(n.leader(), None);
}

/// A follower that receives a message with a higher term adopts it and stays follower.
/// Reference: Raft paper §5.1
#[test]
fn follower_updates_term_from_message() {
    let mut n = solo(1, 3);
    let hb = MessageBody::AppendEntries {
        prev_log_index: LogIndex(0),
        prev_log_term: Term(0),
        entries: vec![],
        leader_commit: LogIndex(0),
        read_seq: 0,
    };
    n.step(Micros::ZERO, msg(2, 1, 5, hb)).unwrap();
    assert_eq!(n.term(), Term(5));
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.leader(), Some(NodeId(2)));
}

/// A leader or candidate that discovers a higher term reverts to follower.
/// Reference: Raft paper §5.1
#[test]
fn leader_steps_down_on_higher_term() {
    let mut net = Net::new(3);
    net.elect(1);
    assert_eq!(net.node(1).role(), Role::Leader);
    let body = MessageBody::RequestVoteResponse { granted: false };
    let now = net.now;
    net.node_mut(1).step(now, msg(2, 1, 9, body)).unwrap();
    assert_eq!(net.node(1).role(), Role::Follower);
    assert_eq!(net.node(1).term(), Term(9));
}

/// Requests with a stale term are rejected and the reply carries the current term.
/// Reference: Raft paper §5.1
#[test]
fn stale_term_requests_are_rejected() {
    let mut n = solo(1, 3);
    let hb = MessageBody::AppendEntries {
        prev_log_index: LogIndex(0),
        prev_log_term: Term(0),
        entries: vec![],
        leader_commit: LogIndex(0),
        read_seq: 0,
    };
    n.step(Micros::ZERO, msg(2, 1, 5, hb.clone())).unwrap();
    drain(&mut n);
    n.step(Micros::ZERO, msg(3, 1, 4, hb)).unwrap();
    let rd = drain(&mut n);
    assert_eq!(rd.messages.len(), 1);
    assert_eq!(rd.messages[0].term, Term(5));
    assert_eq!(rd.messages[0].granted_or_success(), Some(false));
}

/// On election timeout a follower increments its term, votes for itself and asks every peer.
/// Reference: Raft paper §5.2
#[test]
fn follower_starts_election_on_timeout() {
    let mut n = solo(1, 3);
    let deadline = n.next_deadline().unwrap();
    assert!(deadline >= Micros::from_ms(150) && deadline <= Micros::from_ms(300));
    n.tick(deadline);
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.term(), Term(1));
    assert_eq!(n.voted_for(), Some(NodeId(1)));
    let rd = drain(&mut n);
    assert_eq!(
        rd.hard_state,
        Some(HardState {
            term: Term(1),
            voted_for: Some(NodeId(1))
        })
    );
    let to: Vec<u64> = rd.messages.iter().map(|m| m.to.0).collect();
    assert_eq!(to, vec![2, 3]);
    assert!(rd
        .messages
        .iter()
        .all(|m| m.kind() == MessageKind::RequestVote));
}

/// A candidate that wins a majority becomes leader and sends heartbeats/entries to all.
/// Reference: Raft paper §5.2
#[test]
fn candidate_with_majority_becomes_leader() {
    let mut net = Net::new(5);
    net.elect(3);
    assert_eq!(net.leaders(), vec![3]);
    for id in 1..=5 {
        assert_eq!(net.node(id).leader(), Some(NodeId(3)));
        assert_eq!(net.node(id).term(), Term(1));
    }
}

/// Each server votes for at most one candidate per term, first come first served.
/// Reference: Raft paper §5.2
#[test]
fn voter_grants_at_most_one_vote_per_term() {
    let mut n = solo(1, 3);
    let rv = |from| {
        msg(
            from,
            1,
            1,
            MessageBody::RequestVote {
                last_log_index: LogIndex(0),
                last_log_term: Term(0),
                transfer: false,
            },
        )
    };
    n.step(Micros::ZERO, rv(2)).unwrap();
    n.step(Micros::ZERO, rv(3)).unwrap();
    n.step(Micros::ZERO, rv(2)).unwrap(); // a duplicate is granted again
    let rd = drain(&mut n);
    let grants: Vec<(u64, Option<bool>)> = rd
        .messages
        .iter()
        .map(|m| (m.to.0, m.granted_or_success()))
        .collect();
    assert_eq!(
        grants,
        vec![(2, Some(true)), (3, Some(false)), (2, Some(true))]
    );
    assert_eq!(n.voted_for(), Some(NodeId(2)));
}

/// A candidate that hears AppendEntries from a leader of its term becomes follower.
/// Reference: Raft paper §5.2
#[test]
fn candidate_returns_to_follower_on_leader_of_same_term() {
    let mut n = solo(1, 3);
    n.campaign(Micros::ZERO);
    assert_eq!(n.role(), Role::Candidate);
    let hb = MessageBody::AppendEntries {
        prev_log_index: LogIndex(0),
        prev_log_term: Term(0),
        entries: vec![],
        leader_commit: LogIndex(0),
        read_seq: 0,
    };
    n.step(Micros::ZERO, msg(2, 1, 1, hb)).unwrap();
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.leader(), Some(NodeId(2)));
}

/// Voters deny candidates whose log is less up-to-date: compare last terms, then lengths.
/// Reference: Raft paper §5.4.1
#[test]
fn voter_rejects_candidate_with_stale_log() {
    let mut n = solo(1, 3);
    let ae = MessageBody::AppendEntries {
        prev_log_index: LogIndex(0),
        prev_log_term: Term(0),
        entries: vec![entry(2, 1, 10), entry(2, 2, 11)],
        leader_commit: LogIndex(0),
        read_seq: 0,
    };
    n.step(Micros::ZERO, msg(2, 1, 2, ae)).unwrap();
    drain(&mut n);
    let rv = |from, term, idx, lt| {
        msg(
            from,
            1,
            term,
            MessageBody::RequestVote {
                last_log_index: LogIndex(idx),
                last_log_term: Term(lt),
                transfer: false,
            },
        )
    };
    // Lower last term: denied even though longer.
    n.step(Micros::ZERO, rv(3, 3, 5, 1)).unwrap();
    // Same last term, shorter: denied.
    n.step(Micros::ZERO, rv(3, 4, 1, 2)).unwrap();
    // Same last term, as long: granted.
    n.step(Micros::ZERO, rv(3, 5, 2, 2)).unwrap();
    let rd = drain(&mut n);
    let answers: Vec<Option<bool>> = rd.messages.iter().map(|m| m.granted_or_success()).collect();
    assert_eq!(answers, vec![Some(false), Some(false), Some(true)]);
    assert!(rd.events.iter().any(|e| matches!(
        e,
        Event::VoteDenied {
            reason: VoteDenyReason::LogNotUpToDate,
            ..
        }
    )));
}

/// Randomized timeouts make split votes rare and resolve them: a cluster always ends up with
/// exactly one leader.
/// Reference: Raft paper §5.2
#[test]
fn split_votes_resolve_with_randomized_timeouts() {
    for seed in 0..20 {
        let mut net =
            Net::with_members(ids(5), Membership::voters(ids(5)), Config::default(), seed);
        // Everyone times out at once: a likely split vote.
        let now = net.now;
        for id in 1..=5 {
            net.node_mut(id).campaign(now);
        }
        net.run_for(3000);
        assert_eq!(net.leaders().len(), 1, "seed {seed}");
        let leader = net.leaders()[0];
        let term = net.node(leader).term();
        for id in 1..=5 {
            assert_eq!(net.node(id).leader(), Some(NodeId(leader)), "seed {seed}");
            assert_eq!(net.node(id).term(), term);
        }
    }
}

/// With back-off on, the randomized range widens after failed elections (up to 8x) and resets
/// when a leader is heard.
/// Reference: thesis §9.3 (election timeouts), etcd randomized back-off
#[test]
fn election_backoff_widens_timeout_range() {
    let config = Config {
        election_backoff: true,
        ..Config::default()
    };
    let mut n = RawNode::<u64>::new(
        NodeId(1),
        config,
        Membership::voters(ids(3)),
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap();
    let mut max_gap = 0;
    for _ in 0..40 {
        let d = n.next_deadline().unwrap();
        let t = n.timers();
        max_gap = max_gap.max(d.0 - t.election_started.unwrap().0);
        assert!(d - t.election_started.unwrap() <= Micros::from_ms(150 + 150 * 8));
        n.tick(d);
        drain(&mut n);
    }
    assert!(max_gap > 300_000, "range never widened: {max_gap}");
}

/// PreVote: a pre-candidate does not bump its term; it becomes candidate only with a majority
/// of pre-votes.
/// Reference: thesis §9.6
#[test]
fn prevote_does_not_increment_term() {
    let config = Config {
        pre_vote: true,
        ..Config::default()
    };
    let mut n = RawNode::<u64>::new(
        NodeId(1),
        config,
        Membership::voters(ids(3)),
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap();
    n.campaign(Micros::ZERO);
    assert_eq!(n.role(), Role::PreCandidate);
    assert_eq!(n.term(), Term(0));
    let rd = drain(&mut n);
    assert!(rd
        .messages
        .iter()
        .all(|m| m.kind() == MessageKind::PreVote && m.term == Term(1)));
    n.step(
        Micros::ZERO,
        msg(2, 1, 1, MessageBody::PreVoteResponse { granted: true }),
    )
    .unwrap();
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.term(), Term(1));
}

/// A partitioned node that rejoins disrupts the cluster without PreVote (its term forces the
/// leader down) but not with PreVote.
/// Reference: thesis §9.6
#[test]
fn disruptive_rejoining_node_with_and_without_prevote() {
    for pre_vote in [false, true] {
        let config = Config {
            pre_vote,
            ..Config::default()
        };
        let mut net = Net::with_config(3, config);
        net.elect(1);
        net.propose(1, 7).unwrap();
        net.isolate(3);
        net.run_for(2000); // node 3 keeps timing out alone
        let isolated_term = net.node(3).term();
        if pre_vote {
            assert_eq!(isolated_term, Term(1), "pre-vote keeps the term");
        } else {
            assert!(isolated_term > Term(1));
        }
        net.heal();
        net.run_for(1000);
        assert_eq!(net.leaders().len(), 1);
        let leader_changes = net
            .server(1)
            .events
            .iter()
            .filter(|e| matches!(e, Event::SteppedDown { .. }))
            .count();
        if pre_vote {
            assert_eq!(
                net.leaders(),
                vec![1],
                "pre-vote: the leader is undisturbed"
            );
            assert_eq!(leader_changes, 0);
        } else {
            assert!(
                leader_changes >= 1,
                "without pre-vote the leader is deposed"
            );
        }
    }
}

/// CheckQuorum: a leader that cannot hear from a majority steps down within an election timeout.
/// Reference: thesis §6.2
#[test]
fn leader_steps_down_without_quorum() {
    let config = Config {
        check_quorum: true,
        ..Config::default()
    };
    let mut net = Net::with_config(3, config);
    net.elect(1);
    net.isolate(1);
    net.run_for(400);
    assert_eq!(net.node(1).role(), Role::Follower);
    assert!(net.server(1).events.iter().any(|e| matches!(
        e,
        Event::SteppedDown {
            reason: StepDownReason::CheckQuorumFailed,
            ..
        }
    )));
}

/// CheckQuorum's other half: voters that hear a leader ignore vote requests (leader lease).
/// Reference: thesis §4.2.3
#[test]
fn followers_ignore_votes_while_leader_is_alive() {
    let config = Config {
        check_quorum: true,
        ..Config::default()
    };
    let mut net = Net::with_config(3, config);
    net.elect(1);
    let now = net.now;
    let body = MessageBody::RequestVote {
        last_log_index: LogIndex(10),
        last_log_term: Term(10),
        transfer: false,
    };
    net.node_mut(2).step(now, msg(3, 2, 5, body)).unwrap();
    assert_eq!(net.node(2).term(), Term(1), "term unchanged");
    assert_eq!(net.node(2).stats().ignored_in_lease, 1);
}

/// Without CheckQuorum, a follower hearing a higher-term vote request adopts the term.
/// Reference: Raft paper §5.1
#[test]
fn followers_adopt_term_from_vote_request_without_check_quorum() {
    let mut net = Net::new(3);
    net.elect(1);
    let now = net.now;
    let body = MessageBody::RequestVote {
        last_log_index: LogIndex(0),
        last_log_term: Term(0),
        transfer: false,
    };
    net.node_mut(2).step(now, msg(3, 2, 5, body)).unwrap();
    assert_eq!(net.node(2).term(), Term(5));
}

/// A node created with an empty membership never campaigns: it waits for a leader.
/// Reference: thesis §4.2.1
#[test]
fn node_with_empty_membership_waits() {
    let mut n = RawNode::<u64>::new(
        NodeId(9),
        Config::default(),
        Membership::default(),
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap();
    assert_eq!(n.next_deadline(), None);
    n.campaign(Micros::ZERO);
    n.tick(Micros::from_ms(10_000));
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.term(), Term(0));
}

/// Messages not addressed to us are refused with an error and counted.
/// Reference: `RawNode::step` docs
#[test]
fn wrong_recipient_is_an_error() {
    let mut n = solo(1, 3);
    let r = n.step(
        Micros::ZERO,
        msg(2, 7, 1, MessageBody::PreVoteResponse { granted: true }),
    );
    assert_eq!(r, Err(StepError::WrongRecipient));
    let r = n.step(
        Micros::ZERO,
        msg(8, 1, 1, MessageBody::PreVoteResponse { granted: true }),
    );
    assert_eq!(r, Err(StepError::UnknownSender(NodeId(8))));
    assert_eq!(n.stats().wrong_recipient, 1);
    assert_eq!(n.stats().unknown_sender, 1);
}
