//! Persistence and crash recovery: paper §5.2 and Figure 2 ("Persistent state").

mod common;
use common::*;
use raftlab_core::*;

fn vote_request(from: u64, term: u64) -> Message<u64> {
    msg(
        from,
        1,
        term,
        MessageBody::RequestVote {
            last_log_index: LogIndex(0),
            last_log_term: Term(0),
            transfer: false,
        },
    )
}

fn voted_node(config: Config) -> (RawNode<u64>, Durable<u64>) {
    let mut n = RawNode::<u64>::new(
        NodeId(1),
        config,
        Membership::voters(ids(3)),
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap();
    let mut disk = Durable::new();
    n.step(Micros::ZERO, vote_request(2, 1)).unwrap();
    let rd = n.ready();
    disk.apply(&rd);
    n.advance(&rd);
    (n, disk)
}

/// A restarted server remembers its term and vote, so it cannot vote twice in one term.
/// Reference: Raft paper §5.2, Figure 2
#[test]
fn restart_recovers_term_and_vote() {
    let (_, disk) = voted_node(Config::default());
    let mut n = RawNode::restart(
        NodeId(1),
        Config::default(),
        disk,
        DetRng::new(2),
        Micros::ZERO,
    )
    .unwrap();
    assert_eq!(n.term(), Term(1));
    assert_eq!(n.voted_for(), Some(NodeId(2)));
    n.step(Micros::ZERO, vote_request(3, 1)).unwrap();
    let rd = drain(&mut n);
    assert_eq!(rd.messages[0].granted_or_success(), Some(false));
}

/// The `forget_vote_on_restart` bug drops the vote: the node votes twice in term 1.
/// Reference: Raft paper §5.2 (Election Safety)
#[test]
fn forget_vote_bug_allows_double_vote() {
    let config = Config {
        bugs: Bugs {
            forget_vote_on_restart: true,
            ..Bugs::default()
        },
        ..Config::default()
    };
    let (_, disk) = voted_node(config.clone());
    let mut n = RawNode::restart(NodeId(1), config, disk, DetRng::new(2), Micros::ZERO).unwrap();
    n.step(Micros::ZERO, vote_request(3, 1)).unwrap();
    let rd = drain(&mut n);
    assert_eq!(rd.messages[0].granted_or_success(), Some(true));
}

/// The log survives a crash; the commit index is volatile and restarts at the snapshot (0),
/// until the leader tells the node again.
/// Reference: Raft paper Figure 2 (volatile state)
#[test]
fn restart_recovers_log_but_not_commit_index() {
    let mut net = Net::new(3);
    net.elect(1);
    net.propose(1, 5).unwrap();
    net.propose(1, 6).unwrap();
    assert_eq!(net.node(2).commit_index(), LogIndex(3));
    net.crash(2);
    net.restart(2);
    assert_eq!(net.node(2).log().last_index(), LogIndex(3));
    assert_eq!(net.node(2).commit_index(), LogIndex(0));
    assert_eq!(net.node(2).term(), Term(1));
    net.run_for(100);
    assert_eq!(net.node(2).commit_index(), LogIndex(3));
}

/// A whole cluster can crash and restart: the bootstrap configuration is persisted too, so
/// restarted nodes know their peers and elect a leader that keeps every committed entry.
/// Reference: Raft paper §5.2, §5.4 (Leader Completeness)
#[test]
fn whole_cluster_restart_keeps_committed_entries() {
    let mut net = Net::new(3);
    net.elect(1);
    net.propose(1, 5).unwrap();
    for id in 1..=3 {
        net.crash(id);
    }
    for id in 1..=3 {
        net.restart(id);
    }
    net.run_for(2000);
    let leader = net.leaders()[0];
    net.propose(leader, 6).unwrap();
    assert_eq!(net.node(leader).commit_index(), LogIndex(4));
    assert!(net.applied_consistent());
}

/// Ready's hard state appears only when term or vote changed.
/// Reference: Raft paper Figure 2 (persist before responding)
#[test]
fn hard_state_only_reported_on_change() {
    let (mut n, _) = voted_node(Config::default());
    n.step(Micros::ZERO, vote_request(2, 1)).unwrap();
    let rd = drain(&mut n);
    assert_eq!(rd.hard_state, None);
    assert_eq!(rd.messages.len(), 1);
}
