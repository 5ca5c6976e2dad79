//! Pure majority arithmetic (paper §5.3, §5.2; joint consensus §6), as etcd's `quorum/`.

use crate::ids::NodeId;
use crate::membership::Membership;
use std::collections::BTreeSet;

/// The outcome of counting votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum VoteResult {
    /// A majority granted.
    Won,
    /// A majority can no longer be reached.
    Lost,
    /// Neither yet.
    Pending,
}

/// The largest value (e.g. a match index) reached by a majority of `voters`, given each voter's match index
/// (`None` = unknown, counted as 0). `None` for an empty voter set.
pub fn majority_index<T: Ord + Copy + Default>(
    voters: &BTreeSet<NodeId>,
    match_of: impl Fn(NodeId) -> Option<T>,
) -> Option<T> {
    if voters.is_empty() {
        return None;
    }
    // Small clusters: a stack buffer avoids an allocation on the hot path.
    let mut buf = [T::default(); 16];
    let mut heap;
    let matched: &mut [T] = if voters.len() <= buf.len() {
        &mut buf[..voters.len()]
    } else {
        heap = vec![T::default(); voters.len()];
        &mut heap
    };
    for (slot, id) in matched.iter_mut().zip(voters) {
        *slot = match_of(*id).unwrap_or_default();
    }
    matched.sort_unstable_by(|a, b| b.cmp(a));
    Some(matched[voters.len() / 2])
}

/// The index committed by `membership`'s voters: with joint consensus, the smaller of the
/// two majorities' indexes, since both must agree (paper §6).
/// Generic over the value so the same arithmetic serves heartbeat rounds (ReadIndex).
pub fn committed_index<T: Ord + Copy + Default>(
    membership: &Membership,
    match_of: impl Fn(NodeId) -> Option<T>,
) -> T {
    let incoming = majority_index(&membership.voters, &match_of);
    let outgoing = membership
        .outgoing_voters
        .as_ref()
        .and_then(|old| majority_index(old, &match_of));
    match (incoming, outgoing) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => T::default(),
    }
}

/// Counts yes/no answers of a single voter set. Missing answers are pending.
pub fn vote_result_of(
    voters: &BTreeSet<NodeId>,
    vote_of: impl Fn(NodeId) -> Option<bool>,
) -> VoteResult {
    if voters.is_empty() {
        // An empty half never blocks (only reachable for a degenerate config).
        return VoteResult::Won;
    }
    let (mut yes, mut no) = (0, 0);
    for id in voters {
        match vote_of(*id) {
            Some(true) => yes += 1,
            Some(false) => no += 1,
            None => {}
        }
    }
    let quorum = voters.len() / 2 + 1;
    if yes >= quorum {
        VoteResult::Won
    } else if voters.len() - no < quorum {
        VoteResult::Lost
    } else {
        VoteResult::Pending
    }
}

/// Counts votes across a possibly joint configuration: won only if both halves are won,
/// lost if either is lost (paper §6).
pub fn vote_result(
    membership: &Membership,
    vote_of: impl Fn(NodeId) -> Option<bool>,
) -> VoteResult {
    let incoming = vote_result_of(&membership.voters, &vote_of);
    let outgoing = membership
        .outgoing_voters
        .as_ref()
        .map_or(VoteResult::Won, |old| vote_result_of(old, &vote_of));
    match (incoming, outgoing) {
        (VoteResult::Won, VoteResult::Won) => VoteResult::Won,
        (VoteResult::Lost, _) | (_, VoteResult::Lost) => VoteResult::Lost,
        _ => VoteResult::Pending,
    }
}

/// Whether the nodes for which `active` holds form a quorum of `membership`.
pub fn has_quorum(membership: &Membership, active: impl Fn(NodeId) -> bool) -> bool {
    vote_result(membership, |id| Some(active(id))) == VoteResult::Won
}
