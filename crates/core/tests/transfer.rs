//! Leadership transfer: thesis §3.10.

mod common;
use common::*;
use raftlab_core::*;

/// The leader catches the target up, sends TimeoutNow, and the target wins at once.
/// Reference: thesis §3.10
#[test]
fn transfer_hands_leadership_to_target() {
    let mut net = Net::new(3);
    net.elect(1);
    net.propose(1, 1).unwrap();
    let now = net.now;
    net.node_mut(1).transfer_leadership(now, NodeId(3)).unwrap();
    net.stabilize();
    assert_eq!(net.leaders(), vec![3]);
    assert_eq!(net.node(3).term(), Term(2));
    assert!(net
        .server(1)
        .events
        .iter()
        .any(|e| matches!(e, Event::TimeoutNowSent { .. })));
}

/// A lagging target is first brought up to date; during the transfer the leader refuses
/// proposals.
/// Reference: thesis §3.10
#[test]
fn transfer_catches_target_up_and_blocks_proposals() {
    let mut net = Net::new(3);
    net.elect(1);
    net.cut.insert((NodeId(1), NodeId(3)));
    for i in 0..5 {
        net.propose(1, i).unwrap();
    }
    let now = net.now;
    net.node_mut(1).transfer_leadership(now, NodeId(3)).unwrap();
    assert_eq!(
        net.node_mut(1).propose(now, 9),
        Err(ProposeError::TransferInProgress)
    );
    net.heal();
    net.run_for(100);
    assert_eq!(net.leaders(), vec![3]);
    assert_eq!(
        net.node(3).log().entries(LogIndex(1)..=LogIndex(6)).len(),
        6
    );
}

/// If the target does not take over within an election timeout, the transfer is aborted
/// and the leader accepts proposals again.
/// Reference: thesis §3.10
#[test]
fn transfer_aborts_after_election_timeout() {
    let mut net = Net::new(3);
    net.elect(1);
    net.crash(3);
    let now = net.now;
    net.node_mut(1).transfer_leadership(now, NodeId(3)).unwrap();
    net.run_for(200);
    assert_eq!(net.leaders(), vec![1]);
    assert!(net
        .server(1)
        .events
        .iter()
        .any(|e| matches!(e, Event::TransferAborted { .. })));
    assert!(net.propose(1, 1).is_ok());
}

/// A transfer's RequestVote carries `transfer`, so CheckQuorum's leader lease does not block it.
/// Reference: thesis §3.10, §4.2.3
#[test]
fn transfer_overrides_leader_lease() {
    let config = Config {
        check_quorum: true,
        pre_vote: true,
        ..Config::default()
    };
    let mut net = Net::with_config(3, config);
    net.elect(1);
    let now = net.now;
    net.node_mut(1).transfer_leadership(now, NodeId(2)).unwrap();
    net.stabilize();
    assert_eq!(net.leaders(), vec![2]);
}

/// Only voters can be targets, and only leaders transfer.
/// Reference: thesis §3.10
#[test]
fn transfer_validates_target() {
    let mut net = Net::new(3);
    net.elect(1);
    let now = net.now;
    assert!(net.node_mut(1).transfer_leadership(now, NodeId(9)).is_err());
    assert!(matches!(
        net.node_mut(2).transfer_leadership(now, NodeId(3)),
        Err(ProposeError::NotLeader { .. })
    ));
}
