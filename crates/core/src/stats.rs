//! Counters the UI shows and tests assert on.

use crate::message::MessageKind;
use serde::{Deserialize, Serialize};

/// A counter per [`MessageKind`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCounts(pub [u64; 10]);

impl KindCounts {
    /// The count for `kind`.
    pub fn get(&self, kind: MessageKind) -> u64 {
        self.0[kind.ordinal()]
    }

    /// Adds one for `kind`.
    pub fn bump(&mut self, kind: MessageKind) {
        self.0[kind.ordinal()] += 1;
    }

    /// The sum over all kinds.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

/// What a node has seen and done. Stale and malformed input is counted, never fatal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Messages received, by kind.
    pub messages_in: KindCounts,
    /// Messages sent, by kind.
    pub messages_out: KindCounts,
    /// Messages dropped because they were stale (lower term, old response, wrong role).
    pub stale_dropped: u64,
    /// Messages from a sender in no known configuration.
    pub unknown_sender: u64,
    /// Messages addressed to another node.
    pub wrong_recipient: u64,
    /// Messages that failed validation (e.g. non-contiguous entries) and were dropped.
    pub malformed: u64,
    /// Vote requests ignored because a leader was heard recently (thesis §4.2.3).
    pub ignored_in_lease: u64,
    /// Elections (real, not pre-vote) this node started.
    pub elections_started: u64,
    /// Pre-vote rounds this node started.
    pub pre_votes_started: u64,
    /// Times this node became leader.
    pub became_leader: u64,
    /// AppendEntries this node rejected.
    pub appends_rejected: u64,
    /// Snapshots this node sent.
    pub snapshots_sent: u64,
    /// Snapshots this node installed.
    pub snapshots_installed: u64,
    /// Entries proposed on this node while leader.
    pub proposals: u64,
    /// Calls to `step`.
    pub steps: u64,
}
