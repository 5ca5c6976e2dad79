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
    pub fn apply(&mut self, ready: &Ready<C>) {
        if let Some(m) = &ready.bootstrap {
            self.bootstrap = m.clone();
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
                self.entries.retain(|e| e.index > snap.last_index);
                self.snapshot = Some(snap.clone());
            }
        }
        if let Some(from) = ready.truncate_from {
            self.entries.retain(|e| e.index < from);
        }
        if let Some(first) = ready.entries.first() {
            // Defensive: the append must start right after what we keep.
            self.entries.retain(|e| e.index < first.index);
            self.entries.extend(ready.entries.iter().cloned());
        }
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
