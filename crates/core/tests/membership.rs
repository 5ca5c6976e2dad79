//! Membership changes: paper §6 (joint consensus) and thesis §4 (single-server changes, learners).

mod common;
use common::*;
use raftlab_core::*;
use std::collections::BTreeSet;

fn set(v: &[u64]) -> BTreeSet<NodeId> {
    v.iter().map(|i| NodeId(*i)).collect()
}

fn net_with_spares(voters: u64, total: u64) -> Net {
    Net::with_members(
        ids(total),
        Membership::voters(ids(voters)),
        Config::default(),
        7,
    )
}

fn propose_cc(net: &mut Net, id: u64, cc: ConfChange) -> Result<(Term, LogIndex), ProposeError> {
    let now = net.now;
    let r = net.node_mut(id).propose_conf_change(now, cc);
    net.stabilize();
    r
}

/// A single-server change adds a voter; the new node catches up and counts toward quorums.
/// Reference: thesis §4.1
#[test]
fn add_voter_single_server_change() {
    let mut net = net_with_spares(3, 4);
    net.elect(1);
    propose_cc(&mut net, 1, ConfChange::AddVoter(NodeId(4))).unwrap();
    net.run_for(200);
    for id in 1..=4 {
        assert_eq!(
            net.node(id).membership().voters,
            set(&[1, 2, 3, 4]),
            "node {id}"
        );
    }
    assert_eq!(
        net.node(4).log().last_index(),
        net.node(1).log().last_index()
    );
    // 4 voters: a majority is 3, so losing two nodes stops commitment.
    net.partition(&[1, 2], &[3, 4]);
    net.propose(1, 8).unwrap();
    assert_eq!(net.node(1).commit_index(), LogIndex(2));
}

/// A server uses the newest configuration in its log at once, committed or not.
/// Reference: thesis §4.1
#[test]
fn configuration_takes_effect_when_appended() {
    let mut net = net_with_spares(3, 4);
    net.elect(1);
    net.partition(&[1], &[2, 3, 4]);
    propose_cc(&mut net, 1, ConfChange::AddVoter(NodeId(4))).unwrap();
    assert_eq!(net.node(1).membership().voters, set(&[1, 2, 3, 4]));
    assert!(net.node(1).commit_index() < net.node(1).log().last_index());
}

/// Only one configuration change may be pending at a time.
/// Reference: thesis §4.1
#[test]
fn only_one_pending_conf_change() {
    let mut net = net_with_spares(3, 5);
    net.elect(1);
    net.isolate(1);
    propose_cc(&mut net, 1, ConfChange::AddVoter(NodeId(4))).unwrap();
    assert_eq!(
        propose_cc(&mut net, 1, ConfChange::AddVoter(NodeId(5))),
        Err(ProposeError::ConfChangePending)
    );
}

/// A new leader must commit an entry of its own term before changing the configuration
/// (the single-server change bug found in 2015).
/// Reference: thesis §4.1 (Ongaro, raft-dev 2015 "bug in single-server membership changes")
#[test]
fn new_leader_must_commit_own_term_before_conf_change() {
    let mut net = net_with_spares(3, 4);
    let now = net.now;
    net.node_mut(1).campaign(now);
    // Cut the new leader off the moment it wins, before its no-op commits.
    net.stabilize_with(|net| {
        if net.node(1).role() == Role::Leader {
            net.isolate(1);
        }
    });
    assert_eq!(net.node(1).role(), Role::Leader);
    assert_eq!(net.node(1).commit_index(), LogIndex(0));
    let r = net
        .node_mut(1)
        .propose_conf_change(now, ConfChange::AddVoter(NodeId(4)));
    assert!(matches!(r, Err(ProposeError::NotReady(_))), "{r:?}");
}

/// Joint consensus: EnterJoint needs majorities of both C_old and C_new, and the leader leaves
/// the joint configuration automatically once it commits.
/// Reference: Raft paper §6
#[test]
fn joint_consensus_enters_and_leaves_automatically() {
    let mut net = net_with_spares(3, 6);
    net.elect(1);
    let cc = ConfChange::EnterJoint {
        voters: set(&[1, 4, 5]),
        learners: BTreeSet::new(),
    };
    propose_cc(&mut net, 1, cc).unwrap();
    net.run_for(300);
    for id in [1, 4, 5] {
        let m = net.node(id).membership();
        assert!(!m.is_joint(), "node {id} left joint: {m}");
        assert_eq!(m.voters, set(&[1, 4, 5]));
    }
    assert!(net.server(1).events.iter().any(|e| matches!(
        e,
        Event::ConfChangeCommitted {
            change: ConfChange::LeaveJoint,
            ..
        }
    )));
    // Old members 2 and 3 are out: the new majority {1,4,5} commits alone.
    net.partition(&[1, 4, 5], &[2, 3]);
    let (_, idx) = net.propose(1, 7).unwrap();
    assert_eq!(net.node(1).commit_index(), idx);
}

/// While joint, an entry needs a majority of both halves: C_new alone is not enough.
/// Reference: Raft paper §6
#[test]
fn joint_config_requires_both_majorities() {
    let m = Membership {
        voters: set(&[4, 5, 6]),
        outgoing_voters: Some(set(&[1, 2, 3])),
        learners: BTreeSet::new(),
    };
    let idx = |pairs: &[(u64, u64)]| {
        quorum::committed_index(&m, |id| {
            pairs
                .iter()
                .find(|(n, _)| *n == id.0)
                .map(|(_, i)| LogIndex(*i))
        })
    };
    assert_eq!(idx(&[(4, 5), (5, 5), (6, 5)]), LogIndex(0));
    assert_eq!(idx(&[(4, 5), (5, 5), (1, 5), (2, 3)]), LogIndex(3));
}

/// A leader removed from the configuration keeps leading until the change commits, then
/// steps down; the rest elect a new leader.
/// Reference: thesis §4.2.2
#[test]
fn removed_leader_steps_down_after_commit() {
    let mut net = net_with_spares(3, 3);
    net.elect(1);
    propose_cc(&mut net, 1, ConfChange::RemoveNode(NodeId(1))).unwrap();
    assert_eq!(net.node(1).role(), Role::Follower);
    assert!(net.server(1).events.iter().any(|e| matches!(
        e,
        Event::SteppedDown {
            reason: StepDownReason::RemovedFromConfig,
            ..
        }
    )));
    net.run_for(1000);
    let leaders = net.leaders();
    assert_eq!(leaders.len(), 1);
    assert!(leaders[0] != 1);
    assert_eq!(net.node(leaders[0]).membership().voters, set(&[2, 3]));
}

/// Learners receive the log but never vote, campaign or count toward a majority.
/// Reference: thesis §4.2.1
#[test]
fn learner_receives_log_but_does_not_vote_or_count() {
    let mut net = net_with_spares(3, 4);
    net.elect(1);
    propose_cc(&mut net, 1, ConfChange::AddLearner(NodeId(4))).unwrap();
    net.propose(1, 3).unwrap();
    net.run_for(100);
    assert_eq!(net.applied_cmds(4), vec![3]);
    assert_eq!(
        net.node(4).next_deadline(),
        None,
        "a learner never campaigns"
    );
    // 1 and 4 together are not a majority of the three voters.
    net.partition(&[1, 4], &[2, 3]);
    let (_, idx) = net.propose(1, 4).unwrap();
    assert!(net.node(1).commit_index() < idx);
    // Promotion is an AddVoter of the learner.
    net.heal();
    net.run_for(100);
    propose_cc(&mut net, 1, ConfChange::AddVoter(NodeId(4))).unwrap();
    assert!(net.node(4).membership().is_voter(NodeId(4)));
}

/// If the entry carrying a new configuration is truncated, the server reverts to the
/// previous configuration.
/// Reference: thesis §4.1
#[test]
fn truncated_conf_entry_reverts_configuration() {
    let mut n = RawNode::<u64>::new(
        NodeId(1),
        Config::default(),
        Membership::voters(ids(3)),
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap();
    let cc = Entry {
        term: Term(1),
        index: LogIndex(1),
        payload: EntryPayload::ConfChange(ConfChange::AddVoter(NodeId(4))),
    };
    let ae = |entries| MessageBody::AppendEntries {
        prev_log_index: LogIndex(0),
        prev_log_term: Term(0),
        entries,
        leader_commit: LogIndex(0),
        read_seq: 0,
    };
    n.step(Micros::ZERO, msg(2, 1, 1, ae(vec![cc]))).unwrap();
    assert!(n.membership().is_voter(NodeId(4)));
    n.step(Micros::ZERO, msg(3, 1, 2, ae(vec![entry(2, 1, 9)])))
        .unwrap();
    assert!(!n.membership().is_voter(NodeId(4)));
    let rd = drain(&mut n);
    let changes = rd
        .events
        .iter()
        .filter(|e| matches!(e, Event::MembershipChanged { .. }))
        .count();
    assert_eq!(changes, 2);
}

/// A configuration change racing a leader change: the old leader appends a change, is cut off
/// before it commits, and the new leader (without the entry) truncates it everywhere; the
/// cluster converges on one configuration.
/// Reference: thesis §4.1, paper §5.3
#[test]
fn conf_change_racing_leader_change() {
    let mut net = net_with_spares(3, 4);
    net.elect(1);
    net.propose(1, 1).unwrap();
    net.isolate(1);
    propose_cc(&mut net, 1, ConfChange::AddVoter(NodeId(4))).unwrap();
    net.elect(2);
    net.propose(2, 2).unwrap();
    net.heal();
    net.run_for(500);
    let leader = net.leaders()[0];
    let m = net.node(leader).membership().clone();
    for id in 1..=3 {
        assert_eq!(net.node(id).membership(), &m, "node {id}");
    }
    assert!(!m.is_voter(NodeId(4)));
    // The new leader can now make its own change.
    propose_cc(&mut net, leader, ConfChange::AddVoter(NodeId(4))).unwrap();
    net.run_for(300);
    assert!(net.node(4).membership().is_voter(NodeId(4)));
    assert!(net.applied_consistent());
}

/// Invalid changes are refused up front.
/// Reference: thesis §4.1
#[test]
fn invalid_conf_changes_are_refused() {
    let mut net = net_with_spares(3, 3);
    net.elect(1);
    let r = propose_cc(&mut net, 1, ConfChange::AddVoter(NodeId(2)));
    assert!(matches!(r, Err(ProposeError::InvalidConfChange(_))));
    let r = propose_cc(&mut net, 1, ConfChange::LeaveJoint);
    assert!(matches!(r, Err(ProposeError::InvalidConfChange(_))));
}
