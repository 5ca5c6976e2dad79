//! Typed errors for every call the driver makes.

use crate::ids::NodeId;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a proposal, read, transfer or configuration change was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum ProposeError {
    /// Only the leader accepts client requests (paper §8); here is who we think leads.
    #[error("not the leader (leader hint: {leader_hint:?})")]
    NotLeader {
        /// The leader we last heard from in the current term, if any.
        leader_hint: Option<NodeId>,
    },
    /// The leader stops accepting proposals while handing leadership over (thesis §3.10).
    #[error("leadership transfer in progress")]
    TransferInProgress,
    /// Only one configuration change may be uncommitted at a time (thesis §4.1).
    #[error("a configuration change is still pending")]
    ConfChangePending,
    /// The change does not apply to the current configuration.
    #[error("invalid configuration change: {0}")]
    InvalidConfChange(String),
    /// The leader cannot serve this yet (e.g. it has not committed an entry of its term).
    #[error("not ready: {0}")]
    NotReady(String),
}

/// Why `step` refused a message. Stale or duplicate messages are *not* errors.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum StepError {
    /// The message is addressed to another node.
    #[error("message addressed to another node")]
    WrongRecipient,
    /// The sender is in no configuration this node knows.
    #[error("unknown sender {0}")]
    UnknownSender(NodeId),
}

/// An invalid [`crate::Config`] or start-up state.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[error("invalid config: {0}")]
pub struct ConfigError(pub String);

/// Why `compact` was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[error("cannot compact: {0}")]
pub struct CompactError(pub String);
