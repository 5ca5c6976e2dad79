//! The batch of effects the driver drains after each input (etcd's `Ready`).

use crate::entry::Entry;
use crate::events::Event;
use crate::ids::LogIndex;
use crate::message::Message;
use crate::storage::{HardState, Snapshot};
use serde::{Deserialize, Serialize};

/// The answer to a linearizable read (thesis §6.4): once the state machine has applied
/// `index`, reading it is linearizable for the request tagged `ctx`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadState {
    /// The caller's tag from `read_index`.
    pub ctx: u64,
    /// Apply at least up to here, then read.
    pub index: LogIndex,
}

/// Everything the node wants done. Handle the fields in this order:
/// persist (`hard_state`, `snapshot`, `compacted`, `truncate_from`, `entries` — use
/// [`crate::Durable::apply`]), THEN send `messages`, apply `committed_entries`, serve
/// `read_states`, and finally call `advance`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ready<C> {
    /// Term/vote changed: persist before sending any message (§5.2: one vote per term).
    pub hard_state: Option<HardState>,
    /// Persist (first Ready of a new node only): the bootstrap configuration, which a
    /// restarted node needs because it is not in the log. [`crate::Durable::apply`] stores it.
    pub bootstrap: Option<Box<crate::membership::Membership>>,
    /// Persist: a snapshot received from the leader (§7). Also restore it into the state
    /// machine before applying `committed_entries`.
    pub snapshot: Option<Box<Snapshot>>,
    /// Persist only: the application's own compaction (see `compact`). Do NOT restore it.
    pub compacted: Option<Box<Snapshot>>,
    /// The durable log must drop every entry `>=` this index before appending `entries`
    /// (a follower's conflicting suffix, §5.3).
    pub truncate_from: Option<LogIndex>,
    /// Append to the durable log before sending `messages`.
    pub entries: Vec<Entry<C>>,
    /// Send only after persisting the fields above: responses acknowledge durable state.
    pub messages: Vec<Message<C>>,
    /// Committed entries to apply to the state machine, in order.
    pub committed_entries: Vec<Entry<C>>,
    /// Completed linearizable reads.
    pub read_states: Vec<ReadState>,
    /// Observations for the UI and trace; no action required.
    pub events: Vec<Event>,
}

impl<C> Default for Ready<C> {
    fn default() -> Self {
        Ready {
            hard_state: None,
            bootstrap: None,
            snapshot: None,
            compacted: None,
            truncate_from: None,
            entries: Vec::new(),
            messages: Vec::new(),
            committed_entries: Vec::new(),
            read_states: Vec::new(),
            events: Vec::new(),
        }
    }
}

impl<C> Ready<C> {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.hard_state.is_none()
            && self.bootstrap.is_none()
            && self.snapshot.is_none()
            && self.compacted.is_none()
            && self.truncate_from.is_none()
            && self.entries.is_empty()
            && self.messages.is_empty()
            && self.committed_entries.is_empty()
            && self.read_states.is_empty()
            && self.events.is_empty()
    }

    /// Whether anything must be written to disk before `messages` may be sent.
    pub fn must_persist(&self) -> bool {
        self.hard_state.is_some()
            || self.bootstrap.is_some()
            || self.snapshot.is_some()
            || self.compacted.is_some()
            || self.truncate_from.is_some()
            || !self.entries.is_empty()
    }
}
