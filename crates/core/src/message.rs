//! Messages between servers. Everything here arrives from the network and is untrusted.

use crate::entry::Entry;
use crate::ids::{LogIndex, NodeId, Term};
use crate::storage::Snapshot;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One message on the wire. `term` is the sender's current term (paper §5.1), except for
/// pre-votes, which carry the term the sender *would* campaign in (thesis §9.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message<C> {
    /// Sender.
    pub from: NodeId,
    /// Recipient.
    pub to: NodeId,
    /// The sender's term (see the type's doc for pre-votes).
    pub term: Term,
    /// What the message says.
    pub body: MessageBody<C>,
}

/// Why a follower rejected AppendEntries, and where the leader should look next
/// (the fast backtracking of thesis §5.3, as in etcd's `findConflictByTerm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictHint {
    /// The `prev_log_index` that failed the consistency check (lets the leader drop stale rejections).
    pub rejected_index: LogIndex,
    /// The last index at which the follower's log might still match: the largest index
    /// `<= rejected_index` whose term is `<= prev_log_term`, or the follower's last index.
    pub hint_index: LogIndex,
    /// The follower's term at `hint_index`.
    pub hint_term: Term,
}

/// The RPCs of Figure 2 plus PreVote (thesis §9.6), InstallSnapshot (paper §7) and
/// TimeoutNow (thesis §3.10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageBody<C> {
    /// "Would you vote for me?" without disrupting anyone (thesis §9.6).
    PreVote {
        /// Candidate's last log index (for the up-to-date check, §5.4.1).
        last_log_index: LogIndex,
        /// Candidate's last log term.
        last_log_term: Term,
    },
    /// Answer to `PreVote`.
    PreVoteResponse {
        /// Whether the pre-vote was granted.
        granted: bool,
    },
    /// RequestVote RPC (paper §5.2).
    RequestVote {
        /// Candidate's last log index (§5.4.1).
        last_log_index: LogIndex,
        /// Candidate's last log term (§5.4.1).
        last_log_term: Term,
        /// Set by a leadership transfer: voters must not ignore it on lease grounds (thesis §3.10).
        transfer: bool,
    },
    /// Answer to `RequestVote`.
    RequestVoteResponse {
        /// Whether the vote was granted.
        granted: bool,
    },
    /// AppendEntries RPC (paper §5.3); empty `entries` is a heartbeat.
    AppendEntries {
        /// Index of the entry just before `entries`.
        prev_log_index: LogIndex,
        /// Term of that entry.
        prev_log_term: Term,
        /// Entries to store, contiguous from `prev_log_index + 1`.
        entries: Vec<Entry<C>>,
        /// The leader's commit index.
        leader_commit: LogIndex,
        /// The leader's heartbeat round, echoed back to confirm leadership for ReadIndex (thesis §6.4).
        read_seq: u64,
    },
    /// Answer to `AppendEntries`.
    AppendEntriesResponse {
        /// Whether the consistency check passed and the entries are stored.
        success: bool,
        /// On success, the last index known to match the leader's log.
        /// On failure, the follower's last index.
        match_index: LogIndex,
        /// On failure, where to retry.
        conflict: Option<ConflictHint>,
        /// Echo of the request's `read_seq`.
        read_seq: u64,
    },
    /// InstallSnapshot RPC (paper §7), sent in one piece.
    InstallSnapshot {
        /// The leader's latest snapshot, boxed: it is the largest body by
        /// far and the rarest, and every message is as large as its largest
        /// body (a message moves several times between send and arrival).
        snapshot: Box<Snapshot>,
    },
    /// Answer to `InstallSnapshot`.
    InstallSnapshotResponse {
        /// The follower's log now matches the leader's up to here.
        last_index: LogIndex,
    },
    /// "Start an election now": the last step of a leadership transfer (thesis §3.10).
    TimeoutNow,
}

/// One variant per glyph the UI draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// [`MessageBody::PreVote`].
    PreVote,
    /// [`MessageBody::PreVoteResponse`].
    PreVoteResponse,
    /// [`MessageBody::RequestVote`].
    RequestVote,
    /// [`MessageBody::RequestVoteResponse`].
    RequestVoteResponse,
    /// [`MessageBody::AppendEntries`] without entries.
    Heartbeat,
    /// [`MessageBody::AppendEntries`] with entries.
    AppendEntries,
    /// [`MessageBody::AppendEntriesResponse`].
    AppendEntriesResponse,
    /// [`MessageBody::InstallSnapshot`].
    InstallSnapshot,
    /// [`MessageBody::InstallSnapshotResponse`].
    InstallSnapshotResponse,
    /// [`MessageBody::TimeoutNow`].
    TimeoutNow,
}

impl MessageKind {
    /// Every kind, in declaration order.
    pub const ALL: [MessageKind; 10] = [
        MessageKind::PreVote,
        MessageKind::PreVoteResponse,
        MessageKind::RequestVote,
        MessageKind::RequestVoteResponse,
        MessageKind::Heartbeat,
        MessageKind::AppendEntries,
        MessageKind::AppendEntriesResponse,
        MessageKind::InstallSnapshot,
        MessageKind::InstallSnapshotResponse,
        MessageKind::TimeoutNow,
    ];

    /// Position in [`MessageKind::ALL`], for counters.
    pub fn ordinal(self) -> usize {
        self as usize
    }

    /// Whether this kind answers a request.
    pub fn is_response(self) -> bool {
        matches!(
            self,
            MessageKind::PreVoteResponse
                | MessageKind::RequestVoteResponse
                | MessageKind::AppendEntriesResponse
                | MessageKind::InstallSnapshotResponse
        )
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl<C> Message<C> {
    /// The glyph to draw: AppendEntries without entries is a heartbeat.
    pub fn kind(&self) -> MessageKind {
        match &self.body {
            MessageBody::PreVote { .. } => MessageKind::PreVote,
            MessageBody::PreVoteResponse { .. } => MessageKind::PreVoteResponse,
            MessageBody::RequestVote { .. } => MessageKind::RequestVote,
            MessageBody::RequestVoteResponse { .. } => MessageKind::RequestVoteResponse,
            MessageBody::AppendEntries { entries, .. } if entries.is_empty() => {
                MessageKind::Heartbeat
            }
            MessageBody::AppendEntries { .. } => MessageKind::AppendEntries,
            MessageBody::AppendEntriesResponse { .. } => MessageKind::AppendEntriesResponse,
            MessageBody::InstallSnapshot { .. } => MessageKind::InstallSnapshot,
            MessageBody::InstallSnapshotResponse { .. } => MessageKind::InstallSnapshotResponse,
            MessageBody::TimeoutNow => MessageKind::TimeoutNow,
        }
    }

    /// Whether this message answers a request.
    pub fn is_response(&self) -> bool {
        self.kind().is_response()
    }

    /// For vote and append responses, whether it was granted / successful.
    pub fn granted_or_success(&self) -> Option<bool> {
        match &self.body {
            MessageBody::PreVoteResponse { granted } => Some(*granted),
            MessageBody::RequestVoteResponse { granted } => Some(*granted),
            MessageBody::AppendEntriesResponse { success, .. } => Some(*success),
            _ => None,
        }
    }
}
