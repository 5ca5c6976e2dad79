//! Why the simulator refuses an action or a setting.

use crate::ids::MsgId;
use raftlab_core::NodeId;

/// Why the simulator refused something.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// A setting is out of range or inconsistent.
    #[error("invalid settings: {0}")]
    Config(String),
    /// The named node does not exist.
    #[error("there is no node {0}")]
    NoSuchNode(NodeId),
    /// The action needs a leader and there is none right now.
    #[error("there is no leader right now; try again once one is elected")]
    NoLeader,
    /// The action makes no sense in the current state.
    #[error("{0}")]
    Invalid(Refusal),
}

/// Why an action makes no sense in the current state. `Display` gives the
/// English sentence; the page words it from the variant.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Crashing a crashed node.
    #[error("{0} is already crashed")]
    AlreadyCrashed(NodeId),
    /// Restarting a node that runs.
    #[error("{0} is not crashed")]
    NotCrashed(NodeId),
    /// The node's process is not running (crashed, or paused where that matters).
    #[error("{0} is not running")]
    NotRunning(NodeId),
    /// Resuming a node that is not paused.
    #[error("{0} is not paused")]
    NotPaused(NodeId),
    /// The node could not restart from its durable state.
    #[error("{node} cannot restart: {error}")]
    CannotRestart {
        /// The node.
        node: NodeId,
        /// The core's reason.
        error: raftlab_core::ConfigError,
    },
    /// The node's snapshot could not be decoded on restart.
    #[error("{node}'s snapshot is unreadable: {error}")]
    SnapshotUnreadable {
        /// The node.
        node: NodeId,
        /// The decoder's reason.
        error: String,
    },
    /// The leader refused to transfer leadership.
    #[error("transfer to {to}: {error}")]
    TransferRefused {
        /// The intended new leader.
        to: NodeId,
        /// The leader's reason.
        error: raftlab_core::ProposeError,
    },
    /// The node refused to compact its log.
    #[error("{node} cannot compact: {error}")]
    CompactRefused {
        /// The node.
        node: NodeId,
        /// Its reason.
        error: raftlab_core::CompactError,
    },
    /// The leader refused a configuration change.
    #[error("configuration change refused: {0}")]
    ConfChangeRefused(raftlab_core::ProposeError),
    /// The message is no longer in the air.
    #[error("{0} is not in flight")]
    NotInFlight(MsgId),
    /// Releasing a message that is not held.
    #[error("{0} is not held")]
    NotHeld(MsgId),
    /// Firing the timer of a node that has none running (crashed, or a
    /// learner).
    #[error("{0} has no timer running")]
    NoTimer(NodeId),
    /// An action that needs hand-driven delivery while it is off.
    #[error("hand-driven delivery is off")]
    HandDeliveryOff,
    /// Holding or releasing while hand-driven delivery holds every message.
    #[error("hand-driven delivery is on: deliver, drop or duplicate the message instead")]
    HandDeliveryOn,
    /// A classroom exercise does not allow this kind of action.
    #[error("this exercise does not allow `{}`", .0.name())]
    NotAllowed(crate::script::Tool),
    /// Adding a node to a world that already holds its most (`max_nodes`;
    /// removed nodes count too, since ids are never reused).
    #[error("this world holds at most {limit} nodes (max_nodes; removed ones count too), so no node can be added")]
    NodeLimit {
        /// The world's `max_nodes`.
        limit: usize,
    },
    /// An action past the most a run records ([`crate::action::MAX_ACTIONS`]):
    /// replay needs every one, so they are capped rather than thinned.
    #[error("a run records at most {limit} actions (so that it can be replayed); start a new run to go on")]
    ActionLimit {
        /// The most actions a run records.
        limit: usize,
    },
    /// A clock skew beyond the simulator's limit.
    #[error("clock skew is limited to ±{max_s} s")]
    SkewTooLarge {
        /// The limit, in seconds.
        max_s: u64,
    },
}
