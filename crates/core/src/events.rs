//! Observations for the UI and the trace: every externally visible state change.

use crate::ids::{LogIndex, NodeId, Term};
use crate::membership::{ConfChange, Membership};
use crate::role::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Something that happened inside a node, reported through [`crate::Ready::events`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// The node adopted a newer term (§5.1).
    TermChanged {
        /// The old term.
        from: Term,
        /// The new term.
        to: Term,
    },
    /// The node changed role.
    RoleChanged {
        /// The term of the new role.
        term: Term,
        /// The previous role.
        from: Role,
        /// The new role.
        to: Role,
    },
    /// The node learned of (or lost track of) a leader.
    LeaderChanged {
        /// The term the leader leads.
        term: Term,
        /// The leader, if known.
        leader: Option<NodeId>,
    },
    /// A (pre-)election began (§5.2, thesis §9.6).
    ElectionStarted {
        /// The term campaigned for.
        term: Term,
        /// Whether this is a pre-vote round (the term is not yet bumped).
        pre_vote: bool,
        /// Whether a leadership transfer triggered it.
        transfer: bool,
    },
    /// This node granted its vote.
    VoteGranted {
        /// Who asked.
        candidate: NodeId,
        /// The term asked for.
        term: Term,
        /// Whether it was a pre-vote.
        pre_vote: bool,
    },
    /// This node refused its vote.
    VoteDenied {
        /// Who asked.
        candidate: NodeId,
        /// The term asked for.
        term: Term,
        /// Whether it was a pre-vote.
        pre_vote: bool,
        /// Why.
        reason: VoteDenyReason,
    },
    /// This follower rejected an AppendEntries (§5.3).
    AppendRejected {
        /// The leader.
        leader: NodeId,
        /// The `prev_log_index` that failed.
        prev_log_index: LogIndex,
        /// Why.
        reason: RejectReason,
    },
    /// A follower deleted a conflicting suffix of its log (§5.3): entries a deposed leader
    /// never committed.
    EntriesTruncated {
        /// The first index deleted.
        from: LogIndex,
        /// How many entries were deleted.
        count: u64,
    },
    /// The commit index moved forward.
    CommitAdvanced {
        /// The old commit index.
        from: LogIndex,
        /// The new commit index.
        to: LogIndex,
    },
    /// The configuration in use changed: a configuration entry was appended, or truncated away
    /// (a server uses the latest configuration in its log, thesis §4.1).
    MembershipChanged {
        /// The index of the configuration entry now in effect (0 for the bootstrap one).
        index: LogIndex,
        /// The configuration now in effect.
        membership: Membership,
    },
    /// A configuration entry committed.
    ConfChangeCommitted {
        /// Its index.
        index: LogIndex,
        /// The change.
        change: ConfChange,
    },
    /// A configuration entry in the log could not be applied and was ignored.
    ConfChangeIgnored {
        /// Its index.
        index: LogIndex,
        /// Why.
        reason: String,
    },
    /// The leader sent its snapshot to a follower that needs compacted entries (§7).
    SnapshotSent {
        /// The follower.
        to: NodeId,
        /// The snapshot's last index.
        last_index: LogIndex,
    },
    /// This node replaced its log with a leader's snapshot (§7).
    SnapshotInstalled {
        /// The snapshot's last index.
        last_index: LogIndex,
        /// The snapshot's last term.
        last_term: Term,
    },
    /// The application compacted the log.
    LogCompacted {
        /// The new snapshot's last index.
        upto: LogIndex,
    },
    /// This node stopped being leader or candidate, and why.
    SteppedDown {
        /// The term it stepped down in.
        term: Term,
        /// Why.
        reason: StepDownReason,
    },
    /// Leadership transfer began (thesis §3.10).
    TransferStarted {
        /// The target.
        to: NodeId,
    },
    /// The target was caught up and told to campaign.
    TimeoutNowSent {
        /// The target.
        to: NodeId,
    },
    /// Leadership transfer ended without the target winning.
    TransferAborted {
        /// The target.
        to: NodeId,
        /// Why.
        reason: String,
    },
    /// A linearizable read got its read index (thesis §6.4).
    ReadIndexReady {
        /// The caller's context.
        ctx: u64,
        /// The read index.
        index: LogIndex,
    },
}

/// Why a vote was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoteDenyReason {
    /// Already voted for someone else this term (§5.2).
    AlreadyVoted(NodeId),
    /// A leader is known for this term.
    LeaderKnown(NodeId),
    /// The candidate's log is less up-to-date (§5.4.1).
    LogNotUpToDate,
    /// The candidate's term is stale (§5.1).
    StaleTerm,
    /// We heard from a leader within the minimum election timeout (thesis §4.2.3).
    LeaderLease,
}

/// Why an AppendEntries was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RejectReason {
    /// The leader's term is stale (§5.1).
    StaleTerm,
    /// We have no entry at `prev_log_index` (§5.3).
    MissingEntries,
    /// Our entry at `prev_log_index` has another term (§5.3).
    TermMismatch,
}

/// Why a leader or candidate gave up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepDownReason {
    /// A message carried a higher term (§5.1).
    HigherTerm {
        /// The node it came from.
        from: NodeId,
    },
    /// A candidate heard from the leader of its own term (§5.2).
    LeaderDiscovered {
        /// The leader.
        leader: NodeId,
    },
    /// The leader did not hear from a quorum within an election timeout (thesis §6.2).
    CheckQuorumFailed,
    /// The leader committed a configuration that excludes it (thesis §4.2.2).
    RemovedFromConfig,
    /// A (pre-)candidate lost its election.
    LostElection,
}

impl fmt::Display for StepDownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepDownReason::HigherTerm { from } => write!(f, "higher term from {from}"),
            StepDownReason::LeaderDiscovered { leader } => write!(f, "discovered leader {leader}"),
            StepDownReason::CheckQuorumFailed => write!(f, "lost contact with a quorum"),
            StepDownReason::RemovedFromConfig => write!(f, "removed from the configuration"),
            StepDownReason::LostElection => write!(f, "lost the election"),
        }
    }
}

impl fmt::Display for Event {
    /// One human-readable line, for traces and the UI's event log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::TermChanged { from, to } => write!(f, "term {from} -> {to}"),
            Event::RoleChanged { term, from, to } => {
                write!(f, "{from} -> {to} in term {term}")
            }
            Event::LeaderChanged { term, leader } => match leader {
                Some(l) => write!(f, "leader of term {term} is {l}"),
                None => write!(f, "no known leader in term {term}"),
            },
            Event::ElectionStarted {
                term,
                pre_vote,
                transfer,
            } => {
                let kind = if *pre_vote { "pre-vote" } else { "election" };
                let why = if *transfer { " (transfer)" } else { "" };
                write!(f, "{kind} for term {term} started{why}")
            }
            Event::VoteGranted {
                candidate,
                term,
                pre_vote,
            } => {
                let kind = if *pre_vote { "pre-vote" } else { "vote" };
                write!(f, "granted {kind} to {candidate} for term {term}")
            }
            Event::VoteDenied {
                candidate,
                term,
                pre_vote,
                reason,
            } => {
                let kind = if *pre_vote { "pre-vote" } else { "vote" };
                write!(f, "denied {kind} to {candidate} for term {term}: {reason}")
            }
            Event::AppendRejected {
                leader,
                prev_log_index,
                reason,
            } => write!(
                f,
                "rejected append from {leader} at prev {prev_log_index}: {reason}"
            ),
            Event::EntriesTruncated { from, count } => {
                write!(f, "discarded {count} conflicting entries from {from}")
            }
            Event::CommitAdvanced { from, to } => write!(f, "commit {from} -> {to}"),
            Event::MembershipChanged { index, membership } => {
                write!(f, "configuration {membership} (entry {index})")
            }
            Event::ConfChangeCommitted { index, change } => {
                write!(f, "committed \"{change}\" at {index}")
            }
            Event::ConfChangeIgnored { index, reason } => {
                write!(f, "ignored configuration entry {index}: {reason}")
            }
            Event::SnapshotSent { to, last_index } => {
                write!(f, "sent snapshot up to {last_index} to {to}")
            }
            Event::SnapshotInstalled {
                last_index,
                last_term,
            } => write!(
                f,
                "installed snapshot up to {last_index} (term {last_term})"
            ),
            Event::LogCompacted { upto } => write!(f, "compacted log up to {upto}"),
            Event::SteppedDown { term, reason } => {
                write!(f, "stepped down in term {term}: {reason}")
            }
            Event::TransferStarted { to } => write!(f, "transferring leadership to {to}"),
            Event::TimeoutNowSent { to } => write!(f, "told {to} to campaign now"),
            Event::TransferAborted { to, reason } => {
                write!(f, "transfer to {to} aborted: {reason}")
            }
            Event::ReadIndexReady { ctx, index } => {
                write!(f, "read {ctx} may proceed at index {index}")
            }
        }
    }
}

impl fmt::Display for VoteDenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VoteDenyReason::AlreadyVoted(v) => write!(f, "already voted for {v}"),
            VoteDenyReason::LeaderKnown(l) => write!(f, "{l} already leads this term"),
            VoteDenyReason::LogNotUpToDate => f.write_str("candidate's log is not up to date"),
            VoteDenyReason::StaleTerm => f.write_str("stale term"),
            VoteDenyReason::LeaderLease => f.write_str("heard from a leader recently"),
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RejectReason::StaleTerm => "stale term",
            RejectReason::MissingEntries => "missing entries",
            RejectReason::TermMismatch => "term mismatch",
        })
    }
}
