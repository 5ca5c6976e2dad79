//! The persistent state's parts (paper Figure 2, "Persistent state"): the hard state
//! and the snapshot. [`crate::Durable`] (`durable.rs`) keeps them with the log.

use crate::ids::{LogIndex, NodeId, Term};
use crate::membership::Membership;
use serde::{Deserialize, Serialize};

/// A compacted prefix of the log (paper §7): the state machine at `last_index`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The last entry the snapshot covers.
    pub last_index: LogIndex,
    /// That entry's term (needed for the consistency check of the next entry).
    pub last_term: Term,
    /// The configuration as of `last_index` (paper §7).
    pub membership: Membership,
    /// The application's state machine, opaque to Raft.
    pub data: Vec<u8>,
}

/// The persistent scalar state of Figure 2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardState {
    /// `currentTerm`.
    pub term: Term,
    /// `votedFor` in `term`. Forgetting it would allow two votes in one term (§5.2).
    pub voted_for: Option<NodeId>,
}
