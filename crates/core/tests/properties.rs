//! Property tests: the log (§5.3 Log Matching), quorum arithmetic (§5.3, §6), and robustness
//! against arbitrary network input.

mod common;
use common::*;
use proptest::prelude::*;
use raftlab_core::quorum::{committed_index, majority_index, vote_result, VoteResult};
use raftlab_core::*;
use std::collections::BTreeSet;

/// Non-decreasing term sequences, as every Raft log has.
fn term_seq(max_len: usize) -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(0u64..3, 0..max_len).prop_map(|steps| {
        let mut t = 1;
        steps
            .into_iter()
            .map(|s| {
                t += s;
                t
            })
            .collect()
    })
}

fn to_entries(terms: &[u64]) -> Vec<Entry<u64>> {
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| entry(*t, i as u64 + 1, *t * 1000 + i as u64))
        .collect()
}

fn append_from(leader: &[Entry<u64>], prev: usize, len: usize, commit: u64) -> MessageBody<u64> {
    let prev_term = if prev == 0 {
        0
    } else {
        leader[prev - 1].term.0
    };
    MessageBody::AppendEntries {
        prev_log_index: LogIndex(prev as u64),
        prev_log_term: Term(prev_term),
        entries: leader[prev..(prev + len).min(leader.len())].to_vec(),
        leader_commit: LogIndex(commit),
        read_seq: 0,
    }
}

fn follower_with(entries: Vec<Entry<u64>>, term: u64) -> RawNode<u64> {
    let disk = Durable {
        term: Term(term),
        voted_for: None,
        snapshot: None,
        entries,
        bootstrap: Membership::voters(ids(3)),
    };
    RawNode::restart(
        NodeId(1),
        Config::default(),
        disk,
        DetRng::new(1),
        Micros::ZERO,
    )
    .unwrap()
}

proptest! {
    /// Log Matching: after any sequence of (reordered, duplicated) AppendEntries, if the
    /// follower and leader agree on an entry they agree on every entry before it; and one full
    /// append makes the logs identical.
    /// Reference: Raft paper §5.3
    #[test]
    fn log_matching_holds_under_any_append_order(
        leader_terms in term_seq(30),
        shared in 0usize..31,
        suffix_terms in term_seq(30),
        slices in prop::collection::vec((0usize..31, 0usize..8), 0..20),
    ) {
        // Leader terms are odd, a follower's divergent suffix even: the two logs satisfy Log
        // Matching to begin with (equal index and term only in the shared prefix).
        let leader_terms: Vec<u64> = leader_terms.iter().map(|t| 2 * t + 1).collect();
        let shared = shared.min(leader_terms.len());
        let base = leader_terms[..shared].last().copied().unwrap_or(0);
        let mut follower_terms = leader_terms[..shared].to_vec();
        follower_terms.extend(suffix_terms.iter().map(|t| 2 * t + base + 1 - (base + 1) % 2));
        let leader_term = leader_terms.iter().chain(&follower_terms).max().copied().unwrap_or(1) + 1;
        let leader = to_entries(&leader_terms);
        let mut f = follower_with(to_entries(&follower_terms), 1);
        for (prev, len) in slices {
            let prev = prev.min(leader.len());
            f.step(Micros::ZERO, msg(2, 1, leader_term, append_from(&leader, prev, len, 0))).unwrap();
            let log = f.log();
            let mut agreed_after = false;
            for i in (1..=log.last_index().0.min(leader.len() as u64)).rev() {
                let same = log.term_at(LogIndex(i)) == Some(leader[i as usize - 1].term);
                if agreed_after {
                    prop_assert!(same, "log matching broken at {i}");
                }
                if same {
                    agreed_after = true;
                }
            }
        }
        f.step(Micros::ZERO, msg(2, 1, leader_term, append_from(&leader, 0, leader.len(), 0))).unwrap();
        let got: Vec<Entry<u64>> = f.log().entries(LogIndex(1)..=LogIndex(1000)).to_vec();
        // Extra follower entries beyond the leader's log may remain only if they did not conflict.
        prop_assert_eq!(&got[..leader.len()], &leader[..]);
    }

    /// The majority index is the largest value reached by more than half the voters.
    /// Reference: Raft paper §5.3
    #[test]
    fn majority_index_matches_brute_force(matches in prop::collection::vec(0u64..20, 1..9)) {
        let voters: BTreeSet<NodeId> = (1..=matches.len() as u64).map(NodeId).collect();
        let got = majority_index(&voters, |id| Some(LogIndex(matches[id.0 as usize - 1]))).unwrap();
        let brute = (0..20u64)
            .filter(|v| matches.iter().filter(|m| **m >= *v).count() * 2 > matches.len())
            .max()
            .unwrap();
        prop_assert_eq!(got, LogIndex(brute));
    }

    /// With joint consensus, the committed index is the smaller of the two halves' indexes,
    /// and a vote is won only if both halves are won.
    /// Reference: Raft paper §6
    #[test]
    fn joint_quorum_needs_both_halves(
        matches in prop::collection::vec(0u64..10, 6),
        votes in prop::collection::vec(prop::option::of(any::<bool>()), 6),
        split in 1usize..5,
    ) {
        let all: Vec<NodeId> = (1..=6).map(NodeId).collect();
        let old: BTreeSet<NodeId> = all[..split + 1].iter().copied().collect();
        let new: BTreeSet<NodeId> = all[split..].iter().copied().collect();
        let joint = Membership { voters: new.clone(), outgoing_voters: Some(old.clone()), learners: BTreeSet::new() };
        let m = |id: NodeId| Some(LogIndex(matches[id.0 as usize - 1]));
        let a = majority_index(&new, m).unwrap();
        let b = majority_index(&old, m).unwrap();
        prop_assert_eq!(committed_index(&joint, m), a.min(b));
        let v = |id: NodeId| votes[id.0 as usize - 1];
        let r = vote_result(&joint, v);
        let rn = vote_result(&Membership { voters: new, outgoing_voters: None, learners: BTreeSet::new() }, v);
        let ro = vote_result(&Membership { voters: old, outgoing_voters: None, learners: BTreeSet::new() }, v);
        prop_assert_eq!(r == VoteResult::Won, rn == VoteResult::Won && ro == VoteResult::Won);
        prop_assert_eq!(r == VoteResult::Lost, rn == VoteResult::Lost || ro == VoteResult::Lost);
    }
}

fn arb_entry() -> impl Strategy<Value = Entry<u64>> {
    (
        prop_oneof![9 => 0u64..6, 1 => any::<u64>()],
        prop_oneof![9 => 0u64..12, 1 => any::<u64>()],
        any::<u64>(),
        0u8..4,
    )
        .prop_map(|(t, i, c, kind)| Entry {
            term: Term(t),
            index: LogIndex(i),
            payload: match kind {
                0 => EntryPayload::Noop,
                1 => EntryPayload::ConfChange(ConfChange::AddVoter(NodeId(c % 5))),
                2 => EntryPayload::ConfChange(ConfChange::RemoveNode(NodeId(c % 5))),
                _ => EntryPayload::Command(c),
            },
        })
}

fn arb_body() -> impl Strategy<Value = MessageBody<u64>> {
    // Mostly plausible numbers, sometimes absurd ones.
    let idx = || prop_oneof![8 => 0u64..12, 1 => any::<u64>()].prop_map(LogIndex);
    let term = || prop_oneof![8 => 0u64..6, 1 => any::<u64>()].prop_map(Term);
    prop_oneof![
        (idx(), term()).prop_map(|(i, t)| MessageBody::PreVote {
            last_log_index: i,
            last_log_term: t
        }),
        any::<bool>().prop_map(|g| MessageBody::PreVoteResponse { granted: g }),
        (idx(), term(), any::<bool>()).prop_map(|(i, t, x)| MessageBody::RequestVote {
            last_log_index: i,
            last_log_term: t,
            transfer: x
        }),
        any::<bool>().prop_map(|g| MessageBody::RequestVoteResponse { granted: g }),
        (
            idx(),
            term(),
            prop::collection::vec(arb_entry(), 0..4),
            idx(),
            0u64..4
        )
            .prop_map(|(p, pt, e, c, r)| MessageBody::AppendEntries {
                prev_log_index: p,
                prev_log_term: pt,
                entries: e,
                leader_commit: c,
                read_seq: r
            }),
        (
            any::<bool>(),
            idx(),
            prop::option::of((idx(), idx(), term())),
            0u64..4
        )
            .prop_map(|(s, m, h, r)| MessageBody::AppendEntriesResponse {
                success: s,
                match_index: m,
                conflict: h.map(|(a, b, t)| ConflictHint {
                    rejected_index: a,
                    hint_index: b,
                    hint_term: t
                }),
                read_seq: r
            }),
        (idx(), term(), 0u64..5).prop_map(|(i, t, v)| MessageBody::InstallSnapshot {
            snapshot: Box::new(Snapshot {
                last_index: i,
                last_term: t,
                membership: Membership::voters((1..=v).map(NodeId)),
                data: vec![]
            })
        }),
        idx().prop_map(|i| MessageBody::InstallSnapshotResponse { last_index: i }),
        Just(MessageBody::TimeoutNow),
    ]
}

fn arb_input() -> impl Strategy<Value = (u8, u64, u64, u64, MessageBody<u64>)> {
    (
        0u8..10,
        0u64..5,
        0u64..5,
        prop_oneof![9 => 0u64..7, 1 => any::<u64>()],
        arb_body(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// No input panics: random messages, ticks and requests, fed to a node in every role,
    /// are handled (or refused with a typed error).
    /// Reference: `RawNode::step` docs ("never panics on any input")
    #[test]
    fn no_input_panics(inputs in prop::collection::vec(arb_input(), 1..60), cq in any::<bool>(), pv in any::<bool>()) {
        let config = Config { check_quorum: cq, pre_vote: pv, max_entries_per_msg: 2, ..Config::default() };
        let mut net = Net::with_config(3, config);
        net.elect(1);
        net.propose(1, 1).unwrap();
        let mut now = net.now;
        for (op, from, to, term, body) in inputs {
            now = now.saturating_add(Micros::from_ms(7));
            let target = 1 + to % 3;
            let node = net.node_mut(target);
            match op {
                0 => node.tick(now),
                1 => { node.propose(now, term).ok(); }
                2 => { node.read_index(now, term).ok(); }
                3 => { node.transfer_leadership(now, NodeId(from)).ok(); }
                4 => { node.propose_conf_change(now, ConfChange::AddVoter(NodeId(from + 3))).ok(); }
                5 => { let a = node.applied_index(); node.compact(a, vec![]).ok(); }
                6 => node.campaign(now),
                _ => { node.step(now, Message { from: NodeId(from), to: NodeId(target), term: Term(term), body }).ok(); }
            }
            net.flush();
            // Deliver a few real messages too, so roles keep changing.
            for _ in 0..3 { net.deliver_one(); net.flush(); }
        }
    }
}
