//! A plain, serializable picture of the world at one instant: what the page
//! draws and what `window.raftlab.snapshot()` returns. It is computed on
//! demand from the world and owns no references into it.
//!
//! Long because it is the page's whole view of the world — a typed view of
//! each part (nodes, logs, progress, messages, clients) and how it is built.

use std::collections::BTreeMap;
use std::fmt;

use raftlab_core::{
    ConfChange, ConflictHint, EntryPayload, LogIndex, Membership, MessageBody, MessageKind, Micros,
    NodeId, ProgressState, Role, Term,
};
use serde::{Deserialize, Serialize};

use crate::client::{ClientEvent, USER_CLIENT};
use crate::config::LinkConfig;
use crate::invariants::{Invariant, Violation};
use crate::kv::KvOp;
use crate::kv::LogCommand;
use crate::linearizability::Undecided;
use crate::network::{DropReason, InFlight, MsgId};
use crate::world::{NodeStatus, World};

/// How many of a node's newest log entries a snapshot carries.
pub const LOG_WINDOW: usize = 48;

/// The world at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorldSnapshot {
    /// Virtual time.
    pub now: Micros,
    /// Events processed.
    pub event_count: u64,
    /// The run's seed.
    pub seed: u64,
    /// Every server, by id.
    pub nodes: Vec<NodeSnapshot>,
    /// Messages in the air.
    pub messages: Vec<MessageSnapshot>,
    /// Messages lost recently (for the vanish animation).
    pub drops: Vec<DropSnapshot>,
    /// Directed links that are cut, `(source, target)`, partitions included.
    pub cuts: Vec<(NodeId, NodeId)>,
    /// The current partition groups, if any.
    pub partition: Option<Vec<Vec<NodeId>>>,
    /// The default link behaviour.
    pub network: LinkConfig,
    /// The leader in the highest term among running nodes.
    pub leader: Option<NodeId>,
    /// Clients and their current operation.
    pub clients: Vec<ClientSnapshot>,
    /// Recent client events, oldest first.
    pub client_log: Vec<ClientEvent>,
    /// The checked invariants.
    pub invariants: Vec<Invariant>,
    /// The first violation, if any.
    pub violation: Option<Violation>,
    /// Why the linearizability checker could not decide the client history,
    /// if it could not: neither a violation nor a pass.
    #[serde(default)]
    pub linearizability_undecided: Option<Undecided>,
    /// Length of the canonical committed history.
    pub committed: u64,
    /// Hand-driven delivery, when it is on: each node's queue of incoming
    /// messages and its next timer.
    #[serde(default)]
    pub hand: Option<HandSnapshot>,
    /// The recent past for the time views (messages that ended, lane
    /// events, client operation steps): bounded, its chunks shared with
    /// the world. Not serialized: `window.raftlab.snapshot()` stays small.
    #[serde(skip)]
    pub recording: crate::recorder::Recording,
}

/// Hand-driven delivery as the page draws it (DSLabs' per-node queues).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandSnapshot {
    /// One queue per node, by id.
    pub queues: Vec<HandQueue>,
}

/// One node's incoming messages and timer under hand-driven delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandQueue {
    /// The receiver.
    pub node: NodeId,
    /// The held messages addressed to it, oldest first (their details are
    /// in [`WorldSnapshot::messages`]).
    pub incoming: Vec<MsgId>,
    /// When its next timer would fire (true time); `None` when it has
    /// none running (crashed, or a learner).
    pub timer_at: Option<Micros>,
}

/// One server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeSnapshot {
    /// Id.
    pub id: NodeId,
    /// Up, crashed or paused.
    pub status: NodeStatus,
    /// Role (followers while crashed).
    pub role: Role,
    /// Current term (durable term while crashed).
    pub term: Term,
    /// Whom it voted for in this term.
    pub voted_for: Option<NodeId>,
    /// The leader it knows of.
    pub leader: Option<NodeId>,
    /// Highest index known committed (volatile).
    pub commit_index: LogIndex,
    /// Highest index applied to its key-value store (volatile).
    pub applied_index: LogIndex,
    /// Last index in its log.
    pub last_index: LogIndex,
    /// Index and term covered by its snapshot, if compacted.
    pub snapshot: Option<(LogIndex, Term)>,
    /// When its election timer started and when it fires.
    pub election_started: Option<Micros>,
    /// When its election timer fires.
    pub election_deadline: Option<Micros>,
    /// When the leader's next heartbeat is due.
    pub heartbeat_deadline: Option<Micros>,
    /// The newest entries of its log (at most [`LOG_WINDOW`]).
    pub log: Vec<LogEntryView>,
    /// Leader only: each follower's replication progress.
    pub progress: Vec<PeerProgress>,
    /// The configuration it uses.
    pub membership: Membership,
    /// Its key-value store.
    pub kv: BTreeMap<String, String>,
    /// Durable state: term, vote and last log index on disk.
    pub durable_term: Term,
    /// Durable vote.
    pub durable_vote: Option<NodeId>,
    /// Durable last index.
    pub durable_last_index: LogIndex,
    /// Votes received while (pre-)candidate.
    pub votes: Vec<(NodeId, bool)>,
    /// A disk write is in progress.
    pub writing: bool,
    /// Inputs queued while paused or writing.
    pub queued_inputs: usize,
    /// Restarts so far.
    pub incarnation: u64,
    /// Leadership transfer target, while transferring.
    pub transfer_target: Option<NodeId>,
}

/// One log entry as drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntryView {
    /// Index.
    pub index: LogIndex,
    /// Term.
    pub term: Term,
    /// Short text: `put x 1`, `no-op`, `add n6`.
    pub label: String,
    /// The command, for a client command (the page words it itself).
    pub op: Option<KvOp>,
    /// The change, for a configuration change.
    pub conf: Option<ConfChange>,
    /// Entry kind.
    pub kind: EntryKind,
    /// At or below this node's commit index.
    pub committed: bool,
}

/// Kinds of log entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    /// The leader's no-op.
    Noop,
    /// A client command.
    Command,
    /// A configuration change.
    Config,
}

/// A follower's replication progress as seen by the leader.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeerProgress {
    /// The follower.
    pub peer: NodeId,
    /// Next index to send.
    pub next_index: LogIndex,
    /// Highest index known replicated.
    pub match_index: LogIndex,
    /// Probe, replicate or snapshot.
    pub state: ProgressState,
}

/// A message in the air.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageSnapshot {
    /// Id (to hold, release, drop or inspect).
    pub id: MsgId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Glyph kind.
    pub kind: MessageKind,
    /// Sender's term.
    pub term: Term,
    /// Departure time.
    pub sent_at: Micros,
    /// Arrival (or vanish) time.
    pub deliver_at: Micros,
    /// Frozen by the user since.
    pub held_at: Option<Micros>,
    /// The network will lose it half-way.
    pub doomed: bool,
    /// Granted / success, for responses.
    pub ok: Option<bool>,
    /// Number of entries carried.
    pub entries: usize,
    /// The message's contents (snapshot data left out). Its English line is
    /// the `Display` impl; the page words it in `words.rs`.
    pub body: BodyView,
}

/// A recently lost message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DropSnapshot {
    /// The message as it was.
    pub message: MessageSnapshot,
    /// When it vanished.
    pub dropped_at: Micros,
    /// Why.
    pub cause: DropReason,
}

/// One client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientSnapshot {
    /// Id.
    pub id: u64,
    /// The user's own client.
    pub is_user: bool,
    /// Current operation.
    pub pending: Option<KvOp>,
    /// Node the current attempt went to.
    pub target: Option<NodeId>,
    /// Attempt number of the current operation.
    pub attempt: u32,
    /// Operations completed.
    pub completed: u64,
    /// Operations given up on.
    pub given_up: u64,
}

fn entry_view(e: &raftlab_core::Entry<LogCommand>, commit: LogIndex) -> LogEntryView {
    let (label, kind) = match &e.payload {
        EntryPayload::Noop => ("no-op".to_string(), EntryKind::Noop),
        EntryPayload::Command(c) => (c.op.to_string(), EntryKind::Command),
        EntryPayload::ConfChange(cc) => (cc.to_string(), EntryKind::Config),
    };
    let (op, conf) = match &e.payload {
        EntryPayload::Noop => (None, None),
        EntryPayload::Command(c) => (Some(c.op.clone()), None),
        EntryPayload::ConfChange(cc) => (None, Some(cc.clone())),
    };
    LogEntryView {
        index: e.index,
        term: e.term,
        label,
        op,
        conf,
        kind,
        committed: e.index <= commit,
    }
}

/// One English line for the CLI and transcripts (`show messages`):
/// `AppendEntries prev 4/t2, 1 entry from 5, commit 4`. The page words
/// messages itself, from [`MessageSnapshot::body`] (app `words.rs`).
impl fmt::Display for MessageSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let term = self.term;
        match &self.body {
            BodyView::PreVote {
                last_log_index,
                last_log_term,
            } => write!(
                f,
                "PreVote for term {term} (last log {last_log_index}/t{last_log_term})"
            ),
            BodyView::PreVoteResponse { granted } => {
                write!(f, "PreVote {}", if *granted { "granted" } else { "denied" })
            }
            BodyView::RequestVote {
                last_log_index,
                last_log_term,
                ..
            } => write!(
                f,
                "RequestVote term {term} (last log {last_log_index}/t{last_log_term})"
            ),
            BodyView::RequestVoteResponse { granted } => {
                write!(f, "Vote {}", if *granted { "granted" } else { "denied" })
            }
            BodyView::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                ..
            } => match entries.first() {
                None => write!(f, "Heartbeat (commit {leader_commit})"),
                Some(first) => write!(
                    f,
                    "AppendEntries prev {}/t{}, {} entr{} from {}, commit {}",
                    prev_log_index,
                    prev_log_term,
                    entries.len(),
                    if entries.len() == 1 { "y" } else { "ies" },
                    first.index,
                    leader_commit
                ),
            },
            BodyView::AppendEntriesResponse {
                success,
                match_index,
                conflict,
                ..
            } => match (success, conflict) {
                (true, _) => write!(f, "Append ok, match {match_index}"),
                (false, Some(c)) => write!(
                    f,
                    "Append rejected at {} (hint {}/t{})",
                    c.rejected_index, c.hint_index, c.hint_term
                ),
                (false, None) => f.write_str("Append rejected"),
            },
            BodyView::InstallSnapshot {
                last_index,
                last_term,
                ..
            } => write!(f, "InstallSnapshot up to {last_index}/t{last_term}"),
            BodyView::InstallSnapshotResponse { last_index } => {
                write!(f, "Snapshot installed up to {last_index}")
            }
            BodyView::TimeoutNow => f.write_str("TimeoutNow: start an election at once"),
        }
    }
}

/// A message's contents as data: the body without snapshot bytes, log
/// entries as [`LogEntryView`]s.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BodyView {
    /// PreVote request (thesis §9.6).
    PreVote {
        /// Candidate's last log index.
        last_log_index: LogIndex,
        /// Candidate's last log term.
        last_log_term: Term,
    },
    /// PreVote reply.
    PreVoteResponse {
        /// Granted.
        granted: bool,
    },
    /// RequestVote.
    RequestVote {
        /// Candidate's last log index.
        last_log_index: LogIndex,
        /// Candidate's last log term.
        last_log_term: Term,
        /// Sent because of a leadership transfer.
        transfer: bool,
    },
    /// RequestVote reply.
    RequestVoteResponse {
        /// Granted.
        granted: bool,
    },
    /// AppendEntries (a heartbeat when `entries` is empty).
    AppendEntries {
        /// Index before the first entry.
        prev_log_index: LogIndex,
        /// Its term.
        prev_log_term: Term,
        /// The entries carried.
        entries: Vec<LogEntryView>,
        /// Leader's commit index.
        leader_commit: LogIndex,
        /// Heartbeat round (ReadIndex).
        read_seq: u64,
    },
    /// AppendEntries reply.
    AppendEntriesResponse {
        /// Success.
        success: bool,
        /// Highest index known to match.
        match_index: LogIndex,
        /// Where the logs disagree, on failure.
        conflict: Option<ConflictHint>,
        /// Heartbeat round echoed.
        read_seq: u64,
    },
    /// InstallSnapshot.
    InstallSnapshot {
        /// Last index the snapshot covers.
        last_index: LogIndex,
        /// Its term.
        last_term: Term,
        /// Size of the state machine data.
        bytes: usize,
    },
    /// InstallSnapshot reply.
    InstallSnapshotResponse {
        /// Last index now covered.
        last_index: LogIndex,
    },
    /// TimeoutNow (thesis §3.10).
    TimeoutNow,
}

fn body_view(b: &MessageBody<LogCommand>) -> BodyView {
    match b {
        MessageBody::PreVote {
            last_log_index,
            last_log_term,
        } => BodyView::PreVote {
            last_log_index: *last_log_index,
            last_log_term: *last_log_term,
        },
        MessageBody::PreVoteResponse { granted } => BodyView::PreVoteResponse { granted: *granted },
        MessageBody::RequestVote {
            last_log_index,
            last_log_term,
            transfer,
        } => BodyView::RequestVote {
            last_log_index: *last_log_index,
            last_log_term: *last_log_term,
            transfer: *transfer,
        },
        MessageBody::RequestVoteResponse { granted } => {
            BodyView::RequestVoteResponse { granted: *granted }
        }
        MessageBody::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            read_seq,
        } => BodyView::AppendEntries {
            prev_log_index: *prev_log_index,
            prev_log_term: *prev_log_term,
            entries: entries.iter().map(|e| entry_view(e, LogIndex(0))).collect(),
            leader_commit: *leader_commit,
            read_seq: *read_seq,
        },
        MessageBody::AppendEntriesResponse {
            success,
            match_index,
            conflict,
            read_seq,
        } => BodyView::AppendEntriesResponse {
            success: *success,
            match_index: *match_index,
            conflict: *conflict,
            read_seq: *read_seq,
        },
        MessageBody::InstallSnapshot { snapshot } => BodyView::InstallSnapshot {
            last_index: snapshot.last_index,
            last_term: snapshot.last_term,
            bytes: snapshot.data.len(),
        },
        MessageBody::InstallSnapshotResponse { last_index } => BodyView::InstallSnapshotResponse {
            last_index: *last_index,
        },
        MessageBody::TimeoutNow => BodyView::TimeoutNow,
    }
}

fn message_view(f: &InFlight) -> MessageSnapshot {
    let (ok, entries) = match &f.msg.body {
        MessageBody::PreVoteResponse { granted } | MessageBody::RequestVoteResponse { granted } => {
            (Some(*granted), 0)
        }
        MessageBody::AppendEntriesResponse { success, .. } => (Some(*success), 0),
        MessageBody::AppendEntries { entries, .. } => (None, entries.len()),
        _ => (None, 0),
    };
    MessageSnapshot {
        id: f.id,
        from: f.msg.from,
        to: f.msg.to,
        kind: f.msg.kind(),
        term: f.msg.term,
        sent_at: f.sent_at,
        deliver_at: f.deliver_at,
        held_at: f.held_at,
        doomed: f.doomed.is_some(),
        ok,
        entries,
        body: body_view(&f.msg.body),
    }
}

impl World {
    /// A picture of the world now.
    pub fn snapshot(&self) -> WorldSnapshot {
        let nodes = self.nodes().values().map(|h| {
            let d = &h.durable;
            let base = NodeSnapshot {
                id: h.id,
                status: h.status,
                role: Role::Follower,
                term: d.term,
                voted_for: d.voted_for,
                leader: None,
                commit_index: LogIndex(0),
                applied_index: LogIndex(0),
                last_index: d.last_index(),
                snapshot: d.snapshot.as_ref().map(|s| (s.last_index, s.last_term)),
                election_started: None,
                election_deadline: None,
                heartbeat_deadline: None,
                log: Vec::new(),
                progress: Vec::new(),
                membership: d
                    .snapshot
                    .as_ref()
                    .map_or_else(|| d.bootstrap.clone(), |s| s.membership.clone()),
                kv: h.kv.data.clone(),
                durable_term: d.term,
                durable_vote: d.voted_for,
                durable_last_index: d.last_index(),
                votes: Vec::new(),
                writing: h.is_writing(),
                queued_inputs: h.queued_inputs(),
                incarnation: h.incarnation,
                transfer_target: None,
            };
            let Some(r) = h.raft.as_ref() else {
                // Crashed: show what is on disk.
                let skip = d.entries.len().saturating_sub(LOG_WINDOW);
                let log = d.entries[skip..]
                    .iter()
                    .map(|e| entry_view(e, LogIndex(0)))
                    .collect();
                return NodeSnapshot { log, ..base };
            };
            let commit = r.commit_index();
            let last = r.log().last_index();
            let first = r.log().first_index();
            let lo = LogIndex(
                first
                    .0
                    .max(last.0.saturating_sub(LOG_WINDOW as u64 - 1))
                    .max(1),
            );
            let mut log = Vec::new();
            let mut i = lo;
            while i <= last {
                if let Some(e) = r.entry(i) {
                    log.push(entry_view(e, commit));
                }
                i = LogIndex(i.0 + 1);
            }
            let timers = r.timers();
            NodeSnapshot {
                role: r.role(),
                term: r.term(),
                voted_for: r.voted_for(),
                leader: r.leader(),
                commit_index: commit,
                applied_index: r.applied_index(),
                last_index: last,
                snapshot: r.snapshot().map(|s| (s.last_index, s.last_term)),
                election_started: timers.election_started,
                election_deadline: timers.election_deadline,
                heartbeat_deadline: timers.heartbeat_deadline,
                log,
                progress: r
                    .progress()
                    .map(|p| {
                        p.iter()
                            .filter(|(peer, _)| **peer != h.id)
                            .map(|(peer, pr)| PeerProgress {
                                peer: *peer,
                                next_index: pr.next_index,
                                match_index: pr.match_index,
                                state: pr.state,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                membership: r.membership().clone(),
                votes: r.votes().iter().map(|(k, v)| (*k, *v)).collect(),
                transfer_target: r.transfer_target(),
                ..base
            }
        });
        let net = self.network();
        let ids: Vec<NodeId> = self.nodes().keys().copied().collect();
        let mut cuts = Vec::new();
        for a in &ids {
            for b in &ids {
                if a != b && net.is_cut(*a, *b) {
                    cuts.push((*a, *b));
                }
            }
        }
        WorldSnapshot {
            now: self.now(),
            event_count: self.event_count(),
            seed: self.config().seed,
            nodes: nodes.collect(),
            messages: net.in_flight.values().map(message_view).collect(),
            drops: net
                .recent_drops
                .iter()
                .map(|d| DropSnapshot {
                    message: message_view(&d.flight),
                    dropped_at: d.dropped_at,
                    cause: d.reason,
                })
                .collect(),
            cuts,
            partition: net
                .partition
                .as_ref()
                .map(|g| g.iter().map(|s| s.iter().copied().collect()).collect()),
            network: net.default.clone(),
            leader: self.leader(),
            clients: self
                .clients()
                .values()
                .map(|c| ClientSnapshot {
                    id: c.id.0,
                    is_user: c.id == USER_CLIENT,
                    pending: c.pending.as_ref().map(|p| p.op.clone()),
                    target: c.pending.as_ref().map(|p| p.target),
                    attempt: c.pending.as_ref().map_or(0, |p| p.attempt),
                    completed: c.completed,
                    given_up: c.given_up,
                })
                .collect(),
            client_log: self.client_log().iter().cloned().collect(),
            invariants: Invariant::ALL.to_vec(),
            violation: self.violation().cloned(),
            linearizability_undecided: self.linearizability().undecided().cloned(),
            committed: self.invariants().committed_len(),
            hand: self.config().hand_delivery.then(|| hand_view(self)),
            recording: self.recording(),
        }
    }
}

fn hand_view(w: &World) -> HandSnapshot {
    let queues = w
        .nodes()
        .values()
        .map(|h| HandQueue {
            node: h.id,
            incoming: w
                .network()
                .in_flight
                .values()
                .filter(|f| f.msg.to == h.id && f.held_at.is_some())
                .map(|f| f.id)
                .collect(),
            timer_at: (h.status != NodeStatus::Crashed)
                .then(|| h.raft.as_ref().and_then(|r| r.next_deadline()))
                .flatten()
                .map(|d| Micros(d.0.saturating_add_signed(-h.clock_offset_us))),
        })
        .collect();
    HandSnapshot { queues }
}
