//! The replicated log (paper §5.3): a snapshot-compacted prefix, the entries after it, the
//! configuration history derived from them, and how much of it is durable.

use crate::entry::Entry;
use crate::ids::{LogIndex, Term};
use crate::membership::Membership;
use crate::storage::Snapshot;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// A server's log. Read-only to users; the protocol mutates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftLog<C> {
    /// The latest snapshot (paper §7); entries up to its `last_index` are gone.
    snapshot: Option<Snapshot>,
    /// Entries `offset+1 ..= last`, contiguous.
    entries: Vec<Entry<C>>,
    /// The configuration as of the snapshot (or the bootstrap one), and its entry's index.
    base_config: (LogIndex, Membership),
    /// Configurations from configuration entries after the snapshot, in log order
    /// (thesis §4.1: the latest one is in effect, committed or not).
    configs: Vec<(LogIndex, Membership)>,
    /// Entries `<=` this were handed to the driver in a `Ready`.
    emitted_last: LogIndex,
    /// Entries `<=` this are durable (the driver called `advance`).
    persisted_last: LogIndex,
    /// The durable log must drop entries `>=` this (set when we truncate emitted entries).
    pending_truncate: Option<LogIndex>,
}

impl<C: Clone> RaftLog<C> {
    /// An empty log whose configuration is `bootstrap`.
    pub(crate) fn new(bootstrap: Membership) -> Self {
        RaftLog {
            snapshot: None,
            entries: Vec::new(),
            base_config: (LogIndex(0), bootstrap),
            configs: Vec::new(),
            emitted_last: LogIndex(0),
            persisted_last: LogIndex(0),
            pending_truncate: None,
        }
    }

    /// A log recovered from disk: everything in it is already durable.
    /// Configuration entries that fail to apply are reported in the second value.
    pub(crate) fn recover(
        bootstrap: Membership,
        snapshot: Option<Snapshot>,
        entries: Vec<Entry<C>>,
    ) -> (Self, Vec<(LogIndex, String)>) {
        let mut log = RaftLog::new(bootstrap);
        if let Some(snap) = snapshot {
            log.base_config = (snap.last_index, snap.membership.clone());
            log.emitted_last = snap.last_index;
            log.persisted_last = snap.last_index;
            log.snapshot = Some(snap);
        }
        let mut ignored = Vec::new();
        let mut expect = log.last_index().next();
        for e in entries {
            // A disk we wrote ourselves is contiguous; skip anything that is not.
            if e.index != expect {
                continue;
            }
            expect = expect.next();
            if let Err(why) = log.push(e) {
                ignored.push(why);
            }
        }
        log.emitted_last = log.last_index();
        log.persisted_last = log.last_index();
        (log, ignored)
    }

    fn offset(&self) -> LogIndex {
        self.snapshot.as_ref().map_or(LogIndex(0), |s| s.last_index)
    }

    /// The first index still held as an entry (one past the snapshot).
    pub fn first_index(&self) -> LogIndex {
        self.offset().next()
    }

    /// The last index in the log (the snapshot's if there are no entries after it).
    pub fn last_index(&self) -> LogIndex {
        self.entries
            .last()
            .map_or_else(|| self.offset(), |e| e.index)
    }

    /// The term of the last entry (0 for an empty log), used by the up-to-date check (§5.4.1).
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or_else(
            || self.snapshot.as_ref().map_or(Term(0), |s| s.last_term),
            |e| e.term,
        )
    }

    /// The term of the entry at `idx`; known for 0, the snapshot's index and held entries.
    pub fn term_at(&self, idx: LogIndex) -> Option<Term> {
        let offset = self.offset();
        if idx == offset {
            return Some(self.snapshot.as_ref().map_or(Term(0), |s| s.last_term));
        }
        self.entry(idx).map(|e| e.term)
    }

    /// The entry at `idx`, unless compacted or not yet appended.
    pub fn entry(&self, idx: LogIndex) -> Option<&Entry<C>> {
        let offset = self.offset();
        if idx <= offset {
            return None;
        }
        self.entries.get((idx.0 - offset.0 - 1) as usize)
    }

    /// The held entries within `range` (clamped to what the log holds).
    pub fn entries(&self, range: RangeInclusive<LogIndex>) -> &[Entry<C>] {
        let offset = self.offset().0;
        let lo = range.start().0.max(offset + 1);
        let hi = range.end().0.min(self.last_index().0);
        if lo > hi {
            return &[];
        }
        &self.entries[(lo - offset - 1) as usize..(hi - offset) as usize]
    }

    /// Every held entry.
    pub fn all_entries(&self) -> &[Entry<C>] {
        &self.entries
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }

    /// The configuration in effect: the latest in the log, committed or not (thesis §4.1).
    pub fn membership(&self) -> &Membership {
        self.configs.last().map_or(&self.base_config.1, |(_, m)| m)
    }

    /// The index of the configuration entry in effect (0 for the bootstrap configuration).
    pub fn membership_index(&self) -> LogIndex {
        self.configs.last().map_or(self.base_config.0, |(i, _)| *i)
    }

    /// The configuration as of `idx` (the latest configuration entry at or before it).
    pub fn membership_at(&self, idx: LogIndex) -> &Membership {
        self.configs
            .iter()
            .rev()
            .find(|(i, _)| *i <= idx)
            .map_or(&self.base_config.1, |(_, m)| m)
    }

    /// The configuration the log starts from: the bootstrap one, or the snapshot's.
    pub fn base_membership(&self) -> &Membership {
        &self.base_config.1
    }

    /// A node added later starts with no configuration; the leader tells it the bootstrap
    /// configuration its configuration entries build on (see `send_bootstrap`).
    pub(crate) fn adopt_bootstrap(&mut self, bootstrap: Membership) -> bool {
        let unknown = self.snapshot.is_none() && self.base_config.1.is_empty();
        if unknown {
            self.base_config = (LogIndex(0), bootstrap);
        }
        unknown
    }

    /// Entries `<=` this are durable.
    pub fn persisted_last_index(&self) -> LogIndex {
        self.persisted_last
    }

    /// Whether a log ending at (`last_index`, `last_term`) is at least as up-to-date as ours:
    /// compare last terms, then lengths (§5.4.1).
    pub fn is_up_to_date(&self, last_index: LogIndex, last_term: Term) -> bool {
        let (my_index, my_term) = (self.last_index(), self.last_term());
        last_term > my_term || (last_term == my_term && last_index >= my_index)
    }

    /// Whether we hold an entry at `idx` with term `term` (the consistency check of §5.3).
    pub fn matches(&self, idx: LogIndex, term: Term) -> bool {
        self.term_at(idx) == Some(term)
    }

    /// For fast backtracking (thesis §5.3, etcd's `findConflictByTerm`): the largest index
    /// `<= idx` whose term is `<= term`, with its term. Stops at the snapshot.
    pub fn find_conflict_by_term(&self, idx: LogIndex, term: Term) -> (LogIndex, Term) {
        let mut i = idx.min(self.last_index());
        loop {
            match self.term_at(i) {
                Some(t) if t <= term => return (i, t),
                Some(_) if i > self.offset() => i = i.prev(),
                _ => {
                    let off = self.offset();
                    return (off, self.term_at(off).unwrap_or(Term(0)));
                }
            }
        }
    }

    /// Appends one entry at `last_index + 1`, tracking configuration entries.
    /// A configuration entry that does not apply is kept in the log but ignored (Err says why).
    pub(crate) fn push(&mut self, entry: Entry<C>) -> Result<(), (LogIndex, String)> {
        assert_eq!(
            entry.index,
            self.last_index().next(),
            "log append must be contiguous"
        );
        let mut result = Ok(());
        if let crate::EntryPayload::ConfChange(cc) = &entry.payload {
            match self.membership().apply(cc) {
                Ok(next) => self.configs.push((entry.index, next)),
                Err(why) => result = Err((entry.index, why)),
            }
        }
        self.entries.push(entry);
        result
    }

    /// Drops entries `>= from` (a follower's conflicting suffix, §5.3), reverting to the
    /// previous configuration if a configuration entry goes (thesis §4.1).
    pub(crate) fn truncate(&mut self, from: LogIndex) {
        let offset = self.offset();
        if from <= offset || from > self.last_index() {
            return;
        }
        self.entries.truncate((from.0 - offset.0 - 1) as usize);
        self.configs.retain(|(i, _)| *i < from);
        if from <= self.emitted_last {
            self.pending_truncate = Some(self.pending_truncate.map_or(from, |p| p.min(from)));
            self.emitted_last = from.prev();
        }
        self.persisted_last = self.persisted_last.min(from.prev());
    }

    /// Replaces the whole log with a leader's snapshot (paper §7).
    pub(crate) fn restore(&mut self, snap: Snapshot) {
        if self.emitted_last > snap.last_index || self.last_index() > snap.last_index {
            let from = snap.last_index.next();
            self.pending_truncate = Some(self.pending_truncate.map_or(from, |p| p.min(from)));
        }
        self.entries.clear();
        self.configs.clear();
        self.base_config = (snap.last_index, snap.membership.clone());
        self.emitted_last = snap.last_index;
        self.persisted_last = snap.last_index;
        self.snapshot = Some(snap);
    }

    /// Discards entries `<= upto`, which the application snapshotted into `data` (paper §7).
    /// Returns the new snapshot.
    pub(crate) fn compact(&mut self, upto: LogIndex, data: Vec<u8>) -> Snapshot {
        let offset = self.offset();
        let term = self
            .term_at(upto)
            .expect("compact: index checked by caller");
        let membership = self.membership_at(upto).clone();
        let config_index = self
            .configs
            .iter()
            .rev()
            .find(|(i, _)| *i <= upto)
            .map_or(self.base_config.0, |(i, _)| *i);
        self.entries.drain(..(upto.0 - offset.0) as usize);
        self.configs.retain(|(i, _)| *i > upto);
        self.base_config = (config_index, membership.clone());
        let snap = Snapshot {
            last_index: upto,
            last_term: term,
            membership,
            data,
        };
        self.snapshot = Some(snap.clone());
        snap
    }

    /// Takes what the driver must persist: a truncation point and the entries not yet handed out.
    pub(crate) fn take_unstable(&mut self) -> (Option<LogIndex>, Vec<Entry<C>>) {
        let from = self.emitted_last.next();
        let entries = self.entries(from..=self.last_index()).to_vec();
        self.emitted_last = self.last_index();
        (self.pending_truncate.take(), entries)
    }

    /// Whether there are entries or a truncation not yet handed to the driver.
    pub(crate) fn has_unstable(&self) -> bool {
        self.pending_truncate.is_some() || self.emitted_last < self.last_index()
    }

    /// The driver persisted everything handed out up to `upto`.
    pub(crate) fn persisted_to(&mut self, upto: LogIndex) {
        let upto = upto.min(self.emitted_last);
        if upto > self.persisted_last {
            self.persisted_last = upto;
        }
    }
}
