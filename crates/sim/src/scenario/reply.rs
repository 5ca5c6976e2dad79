//! What one directive gives: a [`Reply`], or a [`DirectiveError`] when it
//! could not run at all. Both print exactly as the golden transcripts spell
//! them, so callers match on the type and only the transcript reads text.

use std::fmt;

use raftlab_core::NodeId;

use crate::limits::OutOfRange;
use crate::SimError;

/// What one directive gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// An action or a setting carried out, or time let pass: its transcript
    /// line (often empty).
    Did(String),
    /// An expectation held, a timed wait was satisfied, or a `show` output.
    Held(String),
    /// An expectation did not hold, or a timed wait ran out: the reason.
    Failed(String),
}

impl Reply {
    /// Whether it is a [`Reply::Failed`].
    pub fn failed(&self) -> bool {
        matches!(self, Reply::Failed(_))
    }

    /// An expectation's verdict: `ok` when it holds, else the reason.
    pub(super) fn verdict(ok: bool, why: impl FnOnce() -> String) -> Reply {
        if ok {
            Reply::Held("ok".into())
        } else {
            Reply::Failed(why())
        }
    }
}

/// The transcript text: `FAILED: <reason>` for a failure.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Did(s) | Reply::Held(s) => f.write_str(s),
            Reply::Failed(why) => write!(f, "FAILED: {why}"),
        }
    }
}

/// Why a directive could not run. `Display` gives the message a transcript
/// shows after `error: `.
#[derive(Clone, Debug, PartialEq)]
pub enum DirectiveError {
    /// The world refused an action or its settings.
    Refused(SimError),
    /// A number outside its limit ([`crate::limits`]).
    OutOfRange(OutOfRange),
    /// A node id the cluster does not have.
    NoSuchNode {
        /// The id named.
        id: NodeId,
        /// The nodes the cluster has.
        known: Vec<NodeId>,
    },
    /// `leader` named while there is none.
    NoLeader,
    /// `follower` named while no follower runs.
    NoFollower,
    /// Anything else the script asked that cannot be done now.
    Script(String),
}

impl fmt::Display for DirectiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DirectiveError::Refused(e) => write!(f, "{e}"),
            DirectiveError::OutOfRange(e) => write!(f, "{e}"),
            DirectiveError::NoSuchNode { id, known } => {
                let known: Vec<String> = known.iter().map(|n| n.to_string()).collect();
                write!(
                    f,
                    "there is no node {id} in the cluster (it has {})",
                    known.join(" ")
                )
            }
            DirectiveError::NoLeader => f.write_str("there is no leader right now"),
            DirectiveError::NoFollower => f.write_str("there is no running follower"),
            DirectiveError::Script(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for DirectiveError {}

impl From<SimError> for DirectiveError {
    fn from(e: SimError) -> Self {
        DirectiveError::Refused(e)
    }
}

impl From<OutOfRange> for DirectiveError {
    fn from(e: OutOfRange) -> Self {
        DirectiveError::OutOfRange(e)
    }
}
