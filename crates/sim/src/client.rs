//! Simulated clients (thesis §6): they find the leader through redirect
//! hints, time out and retry elsewhere, and number their commands so the
//! replicated state machine applies a retried command exactly once
//! (thesis §6.3).
//!
//! Client-to-node requests travel with the default link latency but are not
//! subject to partitions: the model is a client that can reach every
//! server, which is the case the thesis discusses. A request to a crashed
//! or paused node gets no answer, and the client times out.

use std::collections::VecDeque;

use raftlab_core::{Micros, NodeId, ProposeError};
use serde::{Deserialize, Serialize};

use crate::kv::{ClientId, KvOp, KvResult};
use crate::linearizability::OpId;

/// The id of the client the user drives from the page.
pub const USER_CLIENT: ClientId = ClientId(0);

/// What a node answers a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClientReply {
    /// The operation was applied (or read) with this result.
    Done {
        /// Who answered.
        node: NodeId,
        /// The operation's sequence number.
        seq: u64,
        /// The state machine's answer.
        result: KvResult,
    },
    /// Not the leader; try the hinted one (thesis §6.2).
    NotLeader {
        /// Who answered.
        node: NodeId,
        /// The operation's sequence number.
        seq: u64,
        /// The leader this node believes in, if any.
        hint: Option<NodeId>,
    },
    /// The leader cannot take it now (transfer in progress, ...).
    Busy {
        /// Who answered.
        node: NodeId,
        /// The operation's sequence number.
        seq: u64,
        /// Why.
        reason: ProposeError,
    },
}

impl ClientReply {
    /// The sequence number the reply is for.
    pub fn seq(&self) -> u64 {
        match self {
            ClientReply::Done { seq, .. }
            | ClientReply::NotLeader { seq, .. }
            | ClientReply::Busy { seq, .. } => *seq,
        }
    }
}

/// The operation a client is working on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingOp {
    /// Sequence number (session id is the client id).
    pub seq: u64,
    /// The operation.
    pub op: KvOp,
    /// Its entry in the linearizability history.
    pub history: OpId,
    /// When the client first sent it.
    pub invoked_at: Micros,
    /// Attempts so far (each send counts).
    pub attempt: u32,
    /// The node the current attempt went to.
    pub target: NodeId,
    /// The user asked to send it via this node (first attempt only).
    pub via: Option<NodeId>,
}

/// One client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Client {
    /// Its id (and session id).
    pub id: ClientId,
    /// Driven by the background workload (false for the user's client).
    pub workload: bool,
    /// Next sequence number to use.
    pub next_seq: u64,
    /// The operation in progress.
    pub pending: Option<PendingOp>,
    /// Operations the user queued while one was in progress.
    pub queued: VecDeque<(KvOp, Option<NodeId>)>,
    /// Where the client thinks the leader is.
    pub leader_guess: Option<NodeId>,
    /// Bumped when the workload changes, to cancel stale wake-ups.
    pub generation: u64,
    /// Operations completed.
    pub completed: u64,
    /// Operations given up on.
    pub given_up: u64,
}

impl Client {
    /// A new idle client.
    pub fn new(id: ClientId, workload: bool) -> Self {
        Client {
            id,
            workload,
            next_seq: 1,
            pending: None,
            queued: VecDeque::new(),
            leader_guess: None,
            generation: 0,
            completed: 0,
            given_up: 0,
        }
    }
}

/// Something a client did, for the page's client panel and transcripts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientEvent {
    /// When.
    pub at: Micros,
    /// Which client.
    pub client: ClientId,
    /// Which operation.
    pub seq: u64,
    /// The operation, as text (`put x 1`).
    pub op: String,
    /// What happened.
    pub kind: ClientEventKind,
}

/// The steps of a client operation's life.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClientEventKind {
    /// Sent to a node.
    Sent {
        /// The node.
        node: NodeId,
        /// Attempt number, from 1.
        attempt: u32,
    },
    /// A node said it is not the leader.
    Redirected {
        /// The node that answered.
        from: NodeId,
        /// Its hint, if any.
        hint: Option<NodeId>,
    },
    /// A node could not take it now.
    Rejected {
        /// The node.
        from: NodeId,
        /// Why.
        reason: ProposeError,
    },
    /// No answer in time.
    TimedOut {
        /// The node that did not answer.
        node: NodeId,
        /// Attempt number.
        attempt: u32,
    },
    /// Done.
    Completed {
        /// The node that answered.
        node: NodeId,
        /// The result.
        result: KvResult,
        /// Time from first send to the answer.
        latency: Micros,
    },
    /// Out of attempts: the outcome is unknown.
    GaveUp {
        /// Attempts made.
        attempts: u32,
    },
}

impl std::fmt::Display for ClientEventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientEventKind::Sent { node, attempt } => {
                write!(f, "sent to {node} (attempt {attempt})")
            }
            ClientEventKind::Redirected {
                from,
                hint: Some(h),
            } => {
                write!(f, "{from} is not the leader; redirected to {h}")
            }
            ClientEventKind::Redirected { from, hint: None } => {
                write!(f, "{from} is not the leader and knows none; will retry")
            }
            ClientEventKind::Rejected { from, reason } => write!(f, "{from} refused: {reason}"),
            ClientEventKind::TimedOut { node, attempt } => {
                write!(f, "no answer from {node} (attempt {attempt}); retrying")
            }
            ClientEventKind::Completed {
                node,
                result,
                latency,
            } => write!(
                f,
                "{result} from {node} after {:.0} ms",
                latency.as_ms_f64()
            ),
            ClientEventKind::GaveUp { attempts } => {
                write!(f, "gave up after {attempts} attempts (outcome unknown)")
            }
        }
    }
}

/// How many client events the world keeps for display.
pub const CLIENT_LOG_MAX: usize = 200;

/// Appends to a bounded log.
pub fn push_bounded<T>(log: &mut VecDeque<T>, item: T, max: usize) {
    if log.len() == max {
        log.pop_front();
    }
    log.push_back(item);
}
