//! Log compaction and InstallSnapshot: paper §7.

mod common;
use common::*;
use raftlab_core::*;

fn compact(net: &mut Net, id: u64) -> LogIndex {
    let upto = net.node(id).applied_index();
    net.node_mut(id).compact(upto, vec![upto.0 as u8]).unwrap();
    net.stabilize();
    upto
}

/// The application compacts the applied prefix; the log keeps only what follows, and the
/// snapshot is persisted (not restored) through `Ready::compacted`.
/// Reference: Raft paper §7
#[test]
fn compaction_discards_applied_prefix() {
    let mut net = Net::new(3);
    net.elect(1);
    for i in 0..5 {
        net.propose(1, i).unwrap();
    }
    let upto = compact(&mut net, 1);
    assert_eq!(upto, LogIndex(6));
    let log = net.node(1).log();
    assert_eq!(log.first_index(), LogIndex(7));
    assert_eq!(log.term_at(LogIndex(6)), Some(Term(1)));
    assert_eq!(log.entry(LogIndex(3)), None);
    let disk = &net.server(1).disk;
    assert_eq!(
        disk.snapshot.as_ref().map(|s| s.last_index),
        Some(LogIndex(6))
    );
    assert!(disk.entries.is_empty());
}

/// Compaction beyond what is applied, or of what is already compacted, is refused.
/// Reference: Raft paper §7
#[test]
fn compaction_requires_applied_index() {
    let mut net = Net::new(3);
    net.elect(1);
    net.propose(1, 1).unwrap();
    assert!(net.node_mut(1).compact(LogIndex(9), vec![]).is_err());
    compact(&mut net, 1);
    assert!(net.node_mut(1).compact(LogIndex(1), vec![]).is_err());
}

/// A follower that lags behind the leader's snapshot receives InstallSnapshot, restores it
/// (Ready::snapshot), and then continues with ordinary replication.
/// Reference: Raft paper §7
#[test]
fn lagging_follower_gets_install_snapshot() {
    let mut net = Net::new(3);
    net.elect(1);
    net.crash(3);
    for i in 0..10 {
        net.propose(1, i).unwrap();
    }
    compact(&mut net, 1);
    net.restart(3);
    net.run_for(200);
    assert!(net.node(1).stats().snapshots_sent >= 1);
    assert_eq!(net.node(3).stats().snapshots_installed, 1);
    assert_eq!(
        net.node(3).snapshot().map(|s| s.last_index),
        Some(LogIndex(11))
    );
    assert_eq!(net.node(3).commit_index(), LogIndex(11));
    net.propose(1, 99).unwrap();
    assert_eq!(net.node(3).log().last_index(), LogIndex(12));
    assert_eq!(net.node(3).applied_index(), LogIndex(12));
    assert_eq!(
        net.server(3).disk.snapshot.as_ref().map(|s| s.data.clone()),
        Some(vec![11])
    );
}

/// A snapshot carries the configuration as of its last index, and the follower adopts it.
/// Reference: Raft paper §7
#[test]
fn snapshot_carries_membership() {
    let mut net = Net::with_members(ids(4), Membership::voters(ids(3)), Config::default(), 3);
    net.elect(1);
    let now = net.now;
    net.node_mut(1)
        .propose_conf_change(now, ConfChange::AddLearner(NodeId(4)))
        .unwrap();
    net.crash(4);
    net.stabilize();
    net.propose(1, 5).unwrap();
    compact(&mut net, 1);
    assert!(net
        .node(1)
        .snapshot()
        .unwrap()
        .membership
        .learners
        .contains(&NodeId(4)));
    net.restart(4);
    net.run_for(200);
    assert!(net.node(4).membership().learners.contains(&NodeId(4)));
    assert_eq!(net.node(4).commit_index(), net.node(1).commit_index());
}

/// A restarted node recovers from its snapshot: commit and applied restart at its index.
/// Reference: Raft paper §7, Figure 2
#[test]
fn restart_from_snapshot() {
    let mut net = Net::new(3);
    net.elect(1);
    for i in 0..3 {
        net.propose(1, i).unwrap();
    }
    compact(&mut net, 2);
    net.crash(2);
    net.restart(2);
    assert_eq!(net.node(2).commit_index(), LogIndex(4));
    assert_eq!(net.node(2).applied_index(), LogIndex(4));
    assert_eq!(net.node(2).log().last_index(), LogIndex(4));
    net.run_for(100);
    assert_eq!(net.node(2).commit_index(), LogIndex(4));
}

/// A stale InstallSnapshot (covering less than we committed) changes nothing.
/// Reference: Raft paper §7
#[test]
fn stale_snapshot_is_ignored() {
    let mut net = Net::new(3);
    net.elect(1);
    net.propose(1, 1).unwrap();
    let snap = Snapshot {
        last_index: LogIndex(1),
        last_term: Term(1),
        membership: Membership::voters(ids(3)),
        data: vec![],
    };
    let now = net.now;
    net.node_mut(2)
        .step(
            now,
            msg(
                1,
                2,
                1,
                MessageBody::InstallSnapshot {
                    snapshot: Box::new(snap),
                },
            ),
        )
        .unwrap();
    assert_eq!(net.node(2).log().last_index(), LogIndex(2));
    assert_eq!(net.node(2).stats().snapshots_installed, 0);
}

/// A lost InstallSnapshot is retried after a few heartbeat rounds.
/// Reference: Raft paper §7 (the leader retries RPCs that get no answer, §5.3)
#[test]
fn lost_snapshot_is_retried() {
    let mut net = Net::new(3);
    net.elect(1);
    net.crash(3);
    for i in 0..4 {
        net.propose(1, i).unwrap();
    }
    compact(&mut net, 1);
    net.restart(3);
    net.drop_once.insert(MessageKind::InstallSnapshot);
    net.run_for(1000);
    assert_eq!(net.node(3).commit_index(), net.node(1).commit_index());
    assert!(net.node(1).stats().snapshots_sent >= 2);
}
