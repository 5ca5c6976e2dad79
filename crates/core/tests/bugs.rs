//! Each deliberate bug switch changes exactly the behaviour it documents.

mod common;
use common::*;
use raftlab_core::*;

fn with_bug(set: impl Fn(&mut Bugs)) -> Config {
    let mut bugs = Bugs::default();
    set(&mut bugs);
    Config {
        bugs,
        ..Config::default()
    }
}

fn node(config: Config) -> RawNode<u64> {
    RawNode::new(
        NodeId(1),
        config,
        Membership::voters(ids(3)),
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap()
}

fn two_entries(n: &mut RawNode<u64>, commit: u64) {
    let ae = MessageBody::AppendEntries {
        prev_log_index: LogIndex(0),
        prev_log_term: Term(0),
        entries: vec![entry(1, 1, 1), entry(1, 2, 2)],
        leader_commit: LogIndex(commit),
        read_seq: 0,
    };
    n.step(Micros::ZERO, msg(2, 1, 1, ae)).unwrap();
}

/// `vote_without_log_check` grants a vote to a candidate with a shorter log.
/// Reference: Raft paper §5.4.1
#[test]
fn vote_without_log_check_grants_stale_candidate() {
    for bug in [false, true] {
        let mut n = node(with_bug(|b| b.vote_without_log_check = bug));
        two_entries(&mut n, 0);
        drain(&mut n);
        let rv = MessageBody::RequestVote {
            last_log_index: LogIndex(0),
            last_log_term: Term(0),
            transfer: false,
        };
        n.step(Micros::ZERO, msg(3, 1, 2, rv)).unwrap();
        let rd = drain(&mut n);
        assert_eq!(rd.messages[0].granted_or_success(), Some(bug));
    }
}

/// `truncate_on_append_without_conflict` deletes matching entries after a stale append.
/// Reference: Raft paper §5.3 (receiver rule 3)
#[test]
fn truncate_without_conflict_loses_entries() {
    for bug in [false, true] {
        let mut n = node(with_bug(|b| b.truncate_on_append_without_conflict = bug));
        two_entries(&mut n, 0);
        let stale = MessageBody::AppendEntries {
            prev_log_index: LogIndex(0),
            prev_log_term: Term(0),
            entries: vec![entry(1, 1, 1)],
            leader_commit: LogIndex(0),
            read_seq: 0,
        };
        n.step(Micros::ZERO, msg(2, 1, 1, stale)).unwrap();
        assert_eq!(n.log().last_index(), LogIndex(if bug { 1 } else { 2 }));
    }
}

/// `leader_ignores_higher_term` keeps a deposed leader in office.
/// Reference: Raft paper §5.1
#[test]
fn leader_ignoring_higher_term_stays_leader() {
    for bug in [false, true] {
        let mut net = Net::with_config(3, with_bug(|b| b.leader_ignores_higher_term = bug));
        net.elect(1);
        let now = net.now;
        let body = MessageBody::RequestVoteResponse { granted: false };
        net.node_mut(1).step(now, msg(2, 1, 7, body)).unwrap();
        let role = net.node(1).role();
        assert_eq!(role == Role::Leader, bug);
    }
}

/// `apply_uncommitted` hands entries to the application before they commit.
/// Reference: Raft paper §5.3
#[test]
fn apply_uncommitted_applies_before_commit() {
    for bug in [false, true] {
        let mut n = node(with_bug(|b| b.apply_uncommitted = bug));
        two_entries(&mut n, 0);
        let rd = drain(&mut n);
        assert_eq!(rd.committed_entries.len(), if bug { 2 } else { 0 });
        assert_eq!(n.commit_index(), LogIndex(0));
    }
}

/// All bugs are off by default.
/// Reference: `raftlab_core::BUG_SWITCHES` (crates/core/src/bugs.rs)
#[test]
fn bugs_are_off_by_default() {
    assert!(!Config::default().bugs.any());
    assert!(Config::default().validate().is_ok());
    let bad = Config {
        election_timeout_min: Micros::from_ms(10),
        ..Config::default()
    };
    assert!(bad.validate().is_err());
}
