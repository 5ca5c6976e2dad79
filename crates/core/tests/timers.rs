//! Timers and bookkeeping: heartbeats (§5.2), deadlines for the driver, stale-input counters.

mod common;
use common::*;
use raftlab_core::*;

/// An idle leader sends heartbeats every `heartbeat_interval` (50 ms by default), well below
/// the election timeout, so followers do not start elections.
/// Reference: Raft paper §5.2, §5.6
#[test]
fn leader_sends_heartbeats_every_interval() {
    let mut net = Net::new(3);
    net.elect(1);
    let t = net.node(1).timers();
    assert_eq!(t.heartbeat_deadline, Some(net.now + Micros::from_ms(50)));
    assert_eq!(t.election_deadline, None);
    net.delivered.clear();
    net.run_for(1000);
    let beats = net
        .delivered
        .iter()
        .filter(|m| m.from == NodeId(1) && m.kind() == MessageKind::Heartbeat)
        .count();
    assert_eq!(beats, 2 * 20, "two followers, twenty rounds");
    assert_eq!(net.leaders(), vec![1]);
    assert_eq!(net.node(2).term(), Term(1));
}

/// `next_deadline` is the earliest timer, so a driver can jump straight to it.
/// Reference: the drive loop in crates/core/src/lib.rs (etcd `RawNode` contract)
#[test]
fn next_deadline_is_earliest_timer() {
    let config = Config {
        check_quorum: true,
        ..Config::default()
    };
    let mut net = Net::with_config(3, config);
    net.elect(1);
    let t = net.node(1).timers();
    assert_eq!(
        t.check_quorum_deadline,
        Some(net.now + Micros::from_ms(150))
    );
    assert_eq!(net.node(1).next_deadline(), t.heartbeat_deadline);
    let f = net.node(2).timers();
    assert_eq!(net.node(2).next_deadline(), f.election_deadline);
    assert!(f.election_started.is_some());
}

/// Granting a vote or hearing the leader resets the election timer.
/// Reference: Raft paper §5.2
#[test]
fn hearing_leader_resets_election_timer() {
    let mut net = Net::new(3);
    net.elect(1);
    let before = net.node(2).timers().election_deadline.unwrap();
    net.run_for(100);
    let after = net.node(2).timers().election_deadline.unwrap();
    assert!(after > before);
    assert_eq!(
        net.node(2).timers().election_started,
        Some(Micros::from_ms(100))
    );
}

/// Stale and duplicate messages are handled and counted, never errors.
/// Reference: `RawNode::step` docs
#[test]
fn stale_and_duplicate_messages_are_counted() {
    let mut net = Net::new(3);
    net.elect(1);
    net.propose(1, 1).unwrap();
    let now = net.now;
    // (The late vote from the election is already counted as stale.)
    let stale_before = net.node(1).stats().stale_dropped;
    let old_vote = msg(2, 1, 0, MessageBody::RequestVoteResponse { granted: true });
    assert_eq!(net.node_mut(1).step(now, old_vote), Ok(()));
    let dup_ack = msg(
        2,
        1,
        1,
        MessageBody::AppendEntriesResponse {
            success: true,
            match_index: LogIndex(1),
            conflict: None,
            read_seq: 0,
        },
    );
    assert_eq!(net.node_mut(1).step(now, dup_ack), Ok(()));
    let stray = msg(3, 1, 1, MessageBody::RequestVoteResponse { granted: true });
    assert_eq!(net.node_mut(1).step(now, stray), Ok(()));
    let stats = net.node(1).stats();
    assert_eq!(
        stats.stale_dropped - stale_before,
        2,
        "old-term and stray vote responses"
    );
    assert!(stats.messages_in.get(MessageKind::AppendEntriesResponse) >= 3);
    assert!(stats.messages_out.total() > 0);
}
