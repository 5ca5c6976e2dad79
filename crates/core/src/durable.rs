//! The driver's disk: what survives a crash — the hard state, the snapshot and the
//! log (paper Figure 2, "Persistent state") — and the one correct order to persist
//! a [`Ready`] in.

use crate::entry::Entry;
use crate::ids::{LogIndex, NodeId, Term};
use crate::membership::Membership;
use crate::ready::Ready;
use crate::storage::Snapshot;
use serde::{Deserialize, Serialize};

/// The driver's "disk": everything [`crate::RawNode::restart`] needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durable<C> {
    /// `currentTerm`.
    pub term: Term,
    /// `votedFor`.
    pub voted_for: Option<NodeId>,
    /// The latest snapshot, if the log was ever compacted.
    pub snapshot: Option<Snapshot>,
    /// The log after the snapshot, contiguous.
    pub entries: Vec<Entry<C>>,
    /// The bootstrap configuration given to [`crate::RawNode::new`] (from [`Ready::bootstrap`]).
    /// The log holds only later changes, so a restarted node needs this to know its peers.
    /// Build a `Durable` with `Durable::new()` and [`Durable::apply`] and this is handled.
    #[serde(default)]
    pub bootstrap: Membership,
}

impl<C> Default for Durable<C> {
    fn default() -> Self {
        Durable {
            term: Term(0),
            voted_for: None,
            snapshot: None,
            entries: Vec::new(),
            bootstrap: Membership::default(),
        }
    }
}

impl<C: Clone> Durable<C> {
    /// An empty disk.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies the persist fields of one [`Ready`], in the only correct order:
    /// hard state; snapshot (drops the entries it covers); truncation; append.
    ///
    /// The stored log is sorted by index (contiguous), so each cut is a binary
    /// search, and an append that follows the stored log touches nothing else:
    /// appending costs O(entries appended), not O(entries stored).
    pub fn apply(&mut self, ready: &Ready<C>) {
        if let Some(m) = &ready.bootstrap {
            self.bootstrap = (**m).clone();
        }
        if let Some(hs) = ready.hard_state {
            self.term = hs.term;
            self.voted_for = hs.voted_for;
        }
        for snap in ready.snapshot.iter().chain(ready.compacted.iter()) {
            let newer = self
                .snapshot
                .as_ref()
                .is_none_or(|old| old.last_index < snap.last_index);
            if newer {
                let covered = self.count(|i| i <= snap.last_index);
                self.entries.drain(..covered);
                self.snapshot = Some((**snap).clone());
            }
        }
        if let Some(from) = ready.truncate_from {
            self.truncate(from);
        }
        if let Some(first) = ready.entries.first() {
            // Defensive: the append must start right after what we keep.
            self.truncate(first.index);
            self.entries.extend(ready.entries.iter().cloned());
        }
    }

    /// Drops the stored entries at `from` and after; nothing to look at when
    /// the log already ends before `from` (the common case: an append).
    fn truncate(&mut self, from: LogIndex) {
        if self.entries.last().is_some_and(|e| e.index >= from) {
            let keep = self.count(|i| i < from);
            self.entries.truncate(keep);
        }
    }

    /// How many stored entries, from the first, have an index satisfying
    /// `before` (a binary search: `before` holds for a prefix of the sorted log).
    fn count(&self, before: impl Fn(LogIndex) -> bool) -> usize {
        self.entries.partition_point(|e| {
            #[cfg(test)]
            tests::VISITED.with(|v| v.set(v.get() + 1));
            before(e.index)
        })
    }

    /// The last index on disk (snapshot included).
    pub fn last_index(&self) -> LogIndex {
        match (self.entries.last(), &self.snapshot) {
            (Some(e), _) => e.index,
            (None, Some(s)) => s.last_index,
            (None, None) => LogIndex(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryPayload;
    use crate::storage::HardState;
    use proptest::prelude::*;
    use std::cell::Cell;

    thread_local! {
        /// Stored entries [`Durable::apply`] looked at: the work it does.
        pub(super) static VISITED: Cell<u64> = const { Cell::new(0) };
    }

    fn visited() -> u64 {
        VISITED.with(Cell::get)
    }

    fn entries(first: u64, len: u64, term: u64) -> Vec<Entry<u64>> {
        (first..first + len)
            .map(|i| Entry {
                term: Term(term),
                index: LogIndex(i),
                payload: EntryPayload::Command(i),
            })
            .collect()
    }

    fn append(first: u64, len: u64, term: u64) -> Ready<u64> {
        Ready {
            entries: entries(first, len, term),
            ..Ready::default()
        }
    }

    fn snapshot(last: u64) -> Snapshot {
        Snapshot {
            last_index: LogIndex(last),
            last_term: Term(1),
            ..Snapshot::default()
        }
    }

    /// The previous `apply`, which rescanned the whole stored log on every
    /// append: the semantics the new one must keep.
    fn apply_by_rescanning(d: &mut Durable<u64>, ready: &Ready<u64>) {
        if let Some(m) = &ready.bootstrap {
            d.bootstrap = (**m).clone();
        }
        if let Some(hs) = ready.hard_state {
            d.term = hs.term;
            d.voted_for = hs.voted_for;
        }
        for snap in ready.snapshot.iter().chain(ready.compacted.iter()) {
            let newer = d
                .snapshot
                .as_ref()
                .is_none_or(|old| old.last_index < snap.last_index);
            if newer {
                d.entries.retain(|e| e.index > snap.last_index);
                d.snapshot = Some((**snap).clone());
            }
        }
        if let Some(from) = ready.truncate_from {
            d.entries.retain(|e| e.index < from);
        }
        if let Some(first) = ready.entries.first() {
            d.entries.retain(|e| e.index < first.index);
            d.entries.extend(ready.entries.iter().cloned());
        }
    }

    #[test]
    fn appending_after_the_stored_log_looks_at_no_stored_entry() {
        let mut d = Durable::new();
        let before = visited();
        let n = 20_000;
        for i in 1..=n {
            d.apply(&append(i, 1, 1));
        }
        assert_eq!(d.entries.len(), n as usize);
        // The rescanning version looked at n(n-1)/2 = 199,990,000 entries here.
        assert_eq!(
            visited() - before,
            0,
            "a plain append is O(entries appended)"
        );

        // A conflicting append (a new leader overwrites a suffix, §5.3) and a
        // compaction each cost a binary search: at most ⌈log2(n)⌉ + 1 looks.
        let before = visited();
        d.apply(&append(n - 2, 3, 2));
        assert!(visited() - before <= 16, "{} looks", visited() - before);
        assert_eq!(d.last_index(), LogIndex(n));
        assert_eq!(d.entries.last().map(|e| e.term), Some(Term(2)));
        let before = visited();
        d.apply(&Ready {
            compacted: Some(Box::new(snapshot(n / 2))),
            ..Ready::default()
        });
        assert!(visited() - before <= 16, "{} looks", visited() - before);
        assert_eq!(
            d.entries.first().map(|e| e.index),
            Some(LogIndex(n / 2 + 1))
        );
    }

    /// One persist request, drawn at random: indexes anywhere in 0..=40, so
    /// appends that follow the log, overlap it, leave a gap or fall under
    /// the snapshot, and truncations and snapshots before, inside and past it.
    fn ready_strategy() -> impl Strategy<Value = Ready<u64>> {
        (
            prop::option::of((1u64..=40, 0u64..=6, 1u64..=5)),
            prop::option::of(1u64..=40),
            prop::option::of(0u64..=40),
            prop::option::of(0u64..=40),
            prop::option::of(1u64..=9),
        )
            .prop_map(|(app, trunc, snap, compacted, term)| Ready {
                entries: app.map_or_else(Vec::new, |(f, n, t)| entries(f, n, t)),
                truncate_from: trunc.map(LogIndex),
                snapshot: snap.map(snapshot).map(Box::new),
                compacted: compacted.map(snapshot).map(Box::new),
                hard_state: term.map(|t| HardState {
                    term: Term(t),
                    voted_for: None,
                }),
                ..Ready::default()
            })
    }

    proptest! {
        #[test]
        fn apply_keeps_the_rescanning_semantics(
            readies in prop::collection::vec(ready_strategy(), 0..40)
        ) {
            let (mut new, mut old) = (Durable::new(), Durable::new());
            for rd in &readies {
                new.apply(rd);
                apply_by_rescanning(&mut old, rd);
                prop_assert_eq!(&new, &old);
            }
        }
    }
}
