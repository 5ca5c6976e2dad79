//! What the leader knows about each follower's log, and flow control (etcd's `tracker/`).

use crate::ids::{LogIndex, Micros};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How the leader is replicating to a follower.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProgressState {
    /// Unsure where the logs diverge: one AppendEntries at a time until one succeeds.
    #[default]
    Probe,
    /// Logs match up to `match_index`: stream entries optimistically, up to the in-flight limit.
    Replicate,
    /// The follower needs compacted entries: a snapshot is on its way (paper §7).
    Snapshot,
}

/// The leader's view of one follower (Figure 2's `nextIndex[]` and `matchIndex[]`, plus flow control).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// The next entry to send (Figure 2 `nextIndex`).
    pub next_index: LogIndex,
    /// The highest entry known to be replicated there (Figure 2 `matchIndex`).
    pub match_index: LogIndex,
    /// Probe, Replicate or Snapshot.
    pub state: ProgressState,
    /// Last index of each AppendEntries in flight (Replicate), oldest first.
    pub inflight: VecDeque<LogIndex>,
    /// Heard from since the last CheckQuorum round (thesis §6.2).
    pub recent_active: bool,
    /// In Probe: an AppendEntries is outstanding, wait for an answer or the next heartbeat.
    pub probe_sent: bool,
    /// In Snapshot: the index of the snapshot sent.
    pub pending_snapshot: Option<LogIndex>,
    /// The highest `read_seq` this follower acknowledged in the current term (thesis §6.4).
    pub read_ack: u64,
    /// When the leader last heard from this follower (lease reads, thesis §6.4.1).
    pub last_heard: Option<Micros>,
    /// The highest commit index sent to this follower.
    pub commit_sent: LogIndex,
    /// In Replicate: `match_index` at the last heartbeat while entries were in flight. If a
    /// whole heartbeat interval later nothing was acknowledged, an append was lost: re-probe.
    pub stall_mark: Option<LogIndex>,
    /// The follower acknowledged the bootstrap configuration (only nodes added later need it).
    pub bootstrapped: bool,
    /// Heartbeat rounds spent waiting for the answer to a snapshot.
    pub snapshot_rounds: u32,
}

/// Heartbeat rounds without an answer after which a snapshot is considered lost.
const SNAPSHOT_RETRY_ROUNDS: u32 = 4;

impl Progress {
    /// A fresh tracker for a leader whose log ends at `last`: optimistic `next_index`, probe.
    pub fn new(last: LogIndex) -> Progress {
        Progress {
            next_index: last.next(),
            ..Progress::default()
        }
    }

    /// Whether the leader should hold back new AppendEntries.
    pub fn is_paused(&self, max_inflight: usize) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflight.len() >= max_inflight,
            ProgressState::Snapshot => true,
        }
    }

    /// Called once per heartbeat round: detects lost appends in Replicate state (the network
    /// may drop messages) and falls back to Probe, which retransmits from `match_index + 1`.
    /// Returns whether it fell back.
    pub fn check_stalled(&mut self) -> bool {
        if self.state == ProgressState::Snapshot {
            // A snapshot (or its answer) may be lost too: retry after a few silent rounds.
            self.snapshot_rounds += 1;
            if self.snapshot_rounds > SNAPSHOT_RETRY_ROUNDS {
                self.become_probe();
                return true;
            }
            return false;
        }
        if self.state != ProgressState::Replicate || self.inflight.is_empty() {
            self.stall_mark = None;
            return false;
        }
        if self.stall_mark == Some(self.match_index) {
            self.become_probe();
            return true;
        }
        self.stall_mark = Some(self.match_index);
        false
    }

    /// Switch to Probe, resuming after what is known to match.
    pub fn become_probe(&mut self) {
        self.stall_mark = None;
        let resume = match self.pending_snapshot.take() {
            Some(snap) => snap.max(self.match_index).next(),
            None => self.match_index.next(),
        };
        self.state = ProgressState::Probe;
        self.next_index = resume;
        self.probe_sent = false;
        self.inflight.clear();
    }

    /// Switch to Replicate: the logs match up to `match_index`.
    pub fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.next_index = self.match_index.next();
        self.probe_sent = false;
        self.pending_snapshot = None;
        self.inflight.clear();
    }

    /// Switch to Snapshot while snapshot `idx` is in flight.
    pub fn become_snapshot(&mut self, idx: LogIndex) {
        self.snapshot_rounds = 0;
        self.state = ProgressState::Snapshot;
        self.pending_snapshot = Some(idx);
        self.probe_sent = false;
        self.inflight.clear();
    }

    /// A success acknowledged `n`. Returns whether `match_index` moved (stale acks do not).
    pub fn maybe_update(&mut self, n: LogIndex) -> bool {
        let updated = n > self.match_index;
        if updated {
            self.match_index = n;
            self.probe_sent = false;
        }
        if self.next_index <= n {
            self.next_index = n.next();
        }
        while self.inflight.front().is_some_and(|&i| i <= n) {
            self.inflight.pop_front();
        }
        updated
    }

    /// An AppendEntries with entries up to `last` was sent.
    pub fn sent_entries(&mut self, last: LogIndex) {
        match self.state {
            ProgressState::Replicate => {
                self.next_index = last.next();
                self.inflight.push_back(last);
            }
            ProgressState::Probe => self.probe_sent = true,
            ProgressState::Snapshot => {}
        }
    }

    /// A rejection of `prev_log_index == rejected`; `probe_to` is where the hint says the
    /// logs may match. Returns false for stale rejections (thesis §5.3 fast backtracking).
    pub fn maybe_decr_to(&mut self, rejected: LogIndex, probe_to: LogIndex) -> bool {
        if self.state == ProgressState::Replicate {
            // Only a rejection of something after the match point is news.
            if rejected <= self.match_index {
                return false;
            }
            self.become_probe();
            return true;
        }
        // In Probe, only the rejection of the index we last probed is fresh; a rejection at
        // or below the match index contradicts an earlier success and is stale.
        if self.next_index.prev() != rejected || rejected <= self.match_index {
            return false;
        }
        self.next_index = rejected.min(probe_to.next()).max(self.match_index.next());
        self.probe_sent = false;
        true
    }
}
