//! Log replication (paper §5.3), commitment (§5.4.2, Figure 8) and flow control.

use super::validate;
use crate::entry::{Command, Entry, EntryPayload};
use crate::errors::ProposeError;
use crate::events::{Event, RejectReason};
use crate::ids::{LogIndex, NodeId, Term};
use crate::message::{ConflictHint, Message, MessageBody};
use crate::progress::ProgressState;
use crate::quorum;
use crate::raw_node::RawNode;
use crate::role::Role;

impl<C: Command> RawNode<C> {
    /// Client request on the leader (§5.3): append, then replicate.
    pub(crate) fn propose_command(&mut self, cmd: C) -> Result<(Term, LogIndex), ProposeError> {
        self.check_can_propose()?;
        let index = self.append_local(EntryPayload::Command(cmd));
        self.stats.proposals += 1;
        self.broadcast_append();
        Ok((self.term, index))
    }

    pub(crate) fn check_can_propose(&self) -> Result<(), ProposeError> {
        if self.role != Role::Leader {
            return Err(ProposeError::NotLeader {
                leader_hint: self.leader,
            });
        }
        if self.transfer.is_some() {
            return Err(ProposeError::TransferInProgress);
        }
        Ok(())
    }

    /// Appends an entry of our term to the leader's own log. It counts toward commitment
    /// only once persisted (see `advance`).
    pub(crate) fn append_local(&mut self, payload: EntryPayload<C>) -> LogIndex {
        let index = self.log.last_index().next();
        let entry = Entry {
            term: self.term,
            index,
            payload,
        };
        self.push_entry(entry);
        index
    }

    /// Appends to the log, reporting configuration entries that do not apply.
    pub(crate) fn push_entry(&mut self, entry: Entry<C>) {
        if let Err((index, reason)) = self.log.push(entry) {
            self.events.push(Event::ConfChangeIgnored { index, reason });
        }
    }

    /// Sends new entries to every follower that is not paused.
    pub(crate) fn broadcast_append(&mut self) {
        let peers: Vec<NodeId> = self.peers();
        for to in peers {
            self.maybe_send_append(to, false);
        }
    }

    /// Every member but us, in id order.
    pub(crate) fn peers(&self) -> Vec<NodeId> {
        let id = self.id;
        self.progress.keys().copied().filter(|n| *n != id).collect()
    }

    /// Sends `to` the entries from its `next_index` (or a snapshot if they are compacted),
    /// unless flow control pauses it. `allow_empty` sends even with nothing new (a probe or
    /// a commit update). Returns whether something was sent.
    pub(crate) fn maybe_send_append(&mut self, to: NodeId, allow_empty: bool) -> bool {
        let max_inflight = self.config.max_inflight_msgs;
        let Some(pr) = self.progress.get(&to) else {
            return false;
        };
        if pr.is_paused(max_inflight) {
            return false;
        }
        let next = pr.next_index;
        let last = self.log.last_index();
        // Fast path: nothing new for a follower that is already up to date.
        if next > last && !allow_empty && pr.state == ProgressState::Replicate {
            if pr.commit_sent < self.commit.min(pr.match_index) {
                self.send_heartbeat(to);
            }
            return false;
        }
        let prev = next.prev();
        if prev == LogIndex(0)
            && !pr.bootstrapped
            && self.log.snapshot().is_none()
            && !self.log.base_membership().contains(to)
        {
            // A node added after bootstrap does not know the configuration our log starts from.
            return self.send_bootstrap(to);
        }
        let Some(prev_term) = self.log.term_at(prev) else {
            return self.send_snapshot(to);
        };
        // A probe goes out even without new entries while the follower may lag: that is how
        // the leader finds where its log ends (e.g. a node that was just added).
        let allow_empty =
            allow_empty || (pr.state == ProgressState::Probe && pr.match_index < last);
        let hi = LogIndex((next.0 + self.config.max_entries_per_msg as u64 - 1).min(last.0));
        let entries = if next <= last {
            self.log.entries(next..=hi).to_vec()
        } else {
            Vec::new()
        };
        if entries.is_empty() && !allow_empty {
            // Nothing new. If the follower lacks our commit index, tell it with a heartbeat,
            // which (unlike an empty append at `next_index`) cannot race in-flight entries.
            if pr.commit_sent < self.commit.min(pr.match_index) {
                self.send_heartbeat(to);
            }
            return false;
        }
        let (commit, read_seq) = (self.commit, self.read_seq);
        if let Some(pr) = self.progress.get_mut(&to) {
            match entries.last() {
                Some(e) => pr.sent_entries(e.index),
                None if pr.state == ProgressState::Probe => pr.probe_sent = true,
                None => {}
            }
            pr.commit_sent = commit;
        }
        self.send(
            to,
            MessageBody::AppendEntries {
                prev_log_index: prev,
                prev_log_term: prev_term,
                entries,
                leader_commit: commit,
                read_seq,
            },
        );
        true
    }

    /// §5.2: heartbeats assert leadership and carry the commit index. Each round is a new
    /// `read_seq`, so acknowledgements confirm leadership for reads (thesis §6.4).
    pub(crate) fn broadcast_heartbeat(&mut self) {
        self.read_seq += 1;
        self.round_sent_at.push_back((self.read_seq, self.now));
        while self.round_sent_at.len() > 64 {
            self.round_sent_at.pop_front();
        }
        for to in self.peers() {
            let stalled = self
                .progress
                .get_mut(&to)
                .is_some_and(|pr| pr.check_stalled());
            if !stalled || !self.maybe_send_append(to, true) {
                self.send_heartbeat(to);
            }
        }
    }

    /// An empty AppendEntries anchored at the follower's match index, which always passes the
    /// consistency check (so a heartbeat never causes a spurious rejection).
    fn send_heartbeat(&mut self, to: NodeId) {
        let Some(pr) = self.progress.get_mut(&to) else {
            return;
        };
        let (prev, prev_term) = match self.log.term_at(pr.match_index) {
            Some(t) => (pr.match_index, t),
            None => (LogIndex(0), Term(0)),
        };
        // The follower learns at most min(commit, prev) from this; later appends carry the rest.
        pr.commit_sent = self.commit;
        let body = MessageBody::AppendEntries {
            prev_log_index: prev,
            prev_log_term: prev_term,
            entries: Vec::new(),
            leader_commit: self.commit,
            read_seq: self.read_seq,
        };
        self.send(to, body);
    }

    /// Follower side of AppendEntries (§5.3, Figure 2 receiver rules 1–5).
    pub(crate) fn handle_append_entries(&mut self, m: Message<C>) {
        let MessageBody::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            read_seq,
        } = m.body
        else {
            return;
        };
        if !validate::well_formed(m.term, prev_log_index, prev_log_term, &entries) {
            self.stats.malformed += 1;
            return;
        }
        self.set_leader(Some(m.from));
        self.heard_from_leader();
        self.reset_election_timer();

        // Entries up to our commit index already match the leader's (Leader Completeness),
        // so re-anchor a stale message there instead of checking compacted history.
        let (mut prev, mut prev_term, mut entries) = (prev_log_index, prev_log_term, entries);
        if prev < self.commit {
            match self.log.term_at(self.commit) {
                Some(t) => {
                    entries.retain(|e| e.index > self.commit);
                    prev = self.commit;
                    prev_term = t;
                }
                None => {
                    let match_index = self.commit;
                    self.reply_append(m.from, true, match_index, None, read_seq);
                    return;
                }
            }
        }
        if !self.log.matches(prev, prev_term) {
            let reason = if prev > self.log.last_index() {
                RejectReason::MissingEntries
            } else {
                RejectReason::TermMismatch
            };
            let (hint_index, hint_term) = if prev > self.log.last_index() {
                (self.log.last_index(), self.log.last_term())
            } else {
                self.log.find_conflict_by_term(prev, prev_term)
            };
            self.events.push(Event::AppendRejected {
                leader: m.from,
                prev_log_index,
                reason,
            });
            self.stats.appends_rejected += 1;
            let conflict = ConflictHint {
                rejected_index: prev_log_index,
                hint_index,
                hint_term,
            };
            let last = self.log.last_index();
            self.reply_append(m.from, false, last, Some(conflict), read_seq);
            return;
        }
        let last_new = prev.plus(entries.len() as u64);
        self.append_from_leader(prev, entries);
        // Rule 5: commit what the leader committed, but never past what we know matches.
        self.commit_to(leader_commit.min(last_new));
        self.reply_append(m.from, true, last_new, None, read_seq);
    }

    fn reply_append(
        &mut self,
        to: NodeId,
        success: bool,
        match_index: LogIndex,
        conflict: Option<ConflictHint>,
        read_seq: u64,
    ) {
        self.send(
            to,
            MessageBody::AppendEntriesResponse {
                success,
                match_index,
                conflict,
                read_seq,
            },
        );
    }

    /// Rules 3–4: delete an existing entry only if it conflicts, then append what is new.
    fn append_from_leader(&mut self, prev: LogIndex, entries: Vec<Entry<C>>) {
        // Bug switch `truncate_on_append_without_conflict`: the one place rule 3 is applied.
        if self.config.bugs.truncate_on_append_without_conflict {
            self.truncate_log(prev.next());
        }
        for e in entries {
            if e.index < self.log.first_index() {
                // Compacted: committed, so it already matches.
                continue;
            }
            match self.log.term_at(e.index) {
                Some(t) if t == e.term => continue,
                Some(_) => {
                    // A real conflict: drop it and everything after (§5.3).
                    self.truncate_log(e.index);
                    self.push_entry(e);
                }
                None if e.index == self.log.last_index().next() => self.push_entry(e),
                // Not contiguous with our log (cannot happen after the consistency check).
                None => continue,
            }
        }
    }

    /// Deletes entries `>= from`, reporting it.
    fn truncate_log(&mut self, from: LogIndex) {
        let last = self.log.last_index();
        if from >= self.log.first_index() && from <= last {
            self.log.truncate(from);
            let count = last.0 - from.0 + 1;
            self.events.push(Event::EntriesTruncated { from, count });
        }
    }

    /// Leader side of an AppendEntries answer: advance or back off, then keep the pipe full.
    pub(crate) fn handle_append_response(&mut self, m: Message<C>) {
        let MessageBody::AppendEntriesResponse {
            success,
            match_index,
            conflict,
            read_seq,
        } = m.body
        else {
            return;
        };
        let now = self.now;
        let Some(pr) = self.progress.get_mut(&m.from) else {
            self.stats.stale_dropped += 1;
            return;
        };
        pr.recent_active = true;
        pr.last_heard = Some(now);
        if read_seq > pr.read_ack {
            pr.read_ack = read_seq;
        }
        if success {
            // A success can only claim entries we have; anything else is corrupt input.
            let match_index = match_index.min(self.log.last_index());
            let updated = pr.maybe_update(match_index);
            match pr.state {
                ProgressState::Probe if updated => pr.become_replicate(),
                // A heartbeat answer: the probe may have been lost, so allow another.
                ProgressState::Probe => pr.probe_sent = false,
                ProgressState::Snapshot
                    if pr.pending_snapshot.is_some_and(|s| pr.match_index >= s) =>
                {
                    pr.become_probe();
                }
                _ => {}
            }
            // Only a match beyond the commit index can move it.
            if updated && match_index > self.commit {
                self.maybe_commit();
            }
            if self.transfer.is_some() {
                self.on_follower_caught_up(m.from);
            }
            while self.maybe_send_append(m.from, false) {}
        } else if let Some(hint) = conflict {
            // Thesis §5.3: skip every entry of a conflicting term in one round trip.
            let probe_to = self
                .log
                .find_conflict_by_term(hint.hint_index, hint.hint_term)
                .0;
            if pr.maybe_decr_to(hint.rejected_index, probe_to) {
                self.maybe_send_append(m.from, true);
            } else {
                self.stats.stale_dropped += 1;
            }
        } else {
            self.stats.stale_dropped += 1;
        }
        self.advance_reads();
    }

    /// §5.3/§5.4.2: commit the highest index stored on a majority (of both halves when joint,
    /// §6) — but only by counting replicas of an entry of the current term (Figure 8).
    pub(crate) fn maybe_commit(&mut self) {
        let progress = &self.progress;
        let idx = quorum::committed_index(self.log.membership(), |id| {
            progress.get(&id).map(|p| p.match_index)
        });
        if idx <= self.commit {
            return;
        }
        // Bug switch `commit_prior_term_by_counting`: the one place Figure 8's rule is applied.
        let own_term = self.log.term_at(idx) == Some(self.term);
        if !own_term && !self.config.bugs.commit_prior_term_by_counting {
            return;
        }
        self.commit_to(idx);
        // Tell followers promptly (etcd's bcastAppend after commit), before anything below
        // may make us step down.
        for to in self.peers() {
            self.maybe_send_append(to, false);
        }
        self.on_leader_commit();
    }
}
