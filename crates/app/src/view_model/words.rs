//! The simulator's data in the page's language: message summaries and
//! fields, log entry labels, drop reasons, invariants and their violations,
//! actions, client results and refused actions. Every sentence is built
//! from the data's enum variants and numbers through [`crate::i18n`], never
//! by translating the simulator's English text.
//!
//! What stays as it is: node ids (`n3`), message ids (`m12`), numbers, the
//! RPC and field names of the paper (`AppendEntries`, `prevLogIndex`), and
//! the key-value commands as the user types them (`put x 1`).

use std::collections::BTreeSet;

use raftlab_core::{ConfChange, MessageKind, Micros, NodeId, ProgressState, ProposeError};
use raftlab_sim::invariants::{Detail, Invariant};
use raftlab_sim::kv::{KvError, KvResult};
use raftlab_sim::linearizability::{Limit, Undecided};
use raftlab_sim::network::DropReason;
use raftlab_sim::script::Tool;
use raftlab_sim::snapshot::{BodyView, EntryKind, LogEntryView, MessageSnapshot};
use raftlab_sim::{Action, Refusal, SimError, Violation};

use crate::i18n::{Lang, K};

fn set(ids: &BTreeSet<NodeId>) -> String {
    let v: Vec<String> = ids.iter().map(|n| n.to_string()).collect();
    format!("{{{}}}", v.join(" "))
}

fn yes_no(lang: Lang, b: bool) -> &'static str {
    lang.t(if b { K::Yes } else { K::No })
}

/// `12.345 s`.
pub fn time_label(t: Micros) -> String {
    format!("{:.3} s", t.0 as f64 / 1e6)
}

/// A configuration change in words.
pub fn conf_change(lang: Lang, cc: &ConfChange) -> String {
    match cc {
        ConfChange::AddVoter(n) => lang.f(K::ConfAddVoter, &[("node", n)]),
        ConfChange::AddLearner(n) => lang.f(K::ConfAddLearner, &[("node", n)]),
        ConfChange::RemoveNode(n) => lang.f(K::ConfRemove, &[("node", n)]),
        ConfChange::EnterJoint { voters, learners } => lang.f(
            K::ConfEnterJoint,
            &[("voters", &set(voters)), ("learners", &set(learners))],
        ),
        ConfChange::LeaveJoint => lang.t(K::ConfLeaveJoint).to_string(),
    }
}

/// A log entry's short label: the command as typed, `no-op`, or the change.
pub fn entry_label(lang: Lang, e: &LogEntryView) -> String {
    match (e.kind, &e.op, &e.conf) {
        (EntryKind::Noop, _, _) => lang.t(K::EntryNoop).to_string(),
        (_, Some(op), _) => op.to_string(),
        (_, _, Some(cc)) => conf_change(lang, cc),
        // An entry view built without its data: its label is all there is.
        _ => e.label.clone(),
    }
}

/// Localized name of a message kind (legend, aria labels).
pub fn kind_name(lang: Lang, kind: MessageKind) -> &'static str {
    lang.t(match kind {
        MessageKind::PreVote => K::MsgPreVote,
        MessageKind::PreVoteResponse => K::MsgPreVoteResponse,
        MessageKind::RequestVote => K::MsgRequestVote,
        MessageKind::RequestVoteResponse => K::MsgRequestVoteResponse,
        MessageKind::Heartbeat => K::MsgHeartbeat,
        MessageKind::AppendEntries => K::MsgAppendEntries,
        MessageKind::AppendEntriesResponse => K::MsgAppendEntriesResponse,
        MessageKind::InstallSnapshot => K::MsgInstallSnapshot,
        MessageKind::InstallSnapshotResponse => K::MsgInstallSnapshotResponse,
        MessageKind::TimeoutNow => K::MsgTimeoutNow,
    })
}

/// One line about a message, from its contents.
pub fn message_summary(lang: Lang, m: &MessageSnapshot) -> String {
    match &m.body {
        BodyView::PreVote {
            last_log_index,
            last_log_term,
        } => lang.f(
            K::SumPreVote,
            &[
                ("term", &m.term),
                ("index", last_log_index),
                ("lterm", last_log_term),
            ],
        ),
        BodyView::PreVoteResponse { granted } => lang
            .t(if *granted {
                K::SumPreVoteGranted
            } else {
                K::SumPreVoteDenied
            })
            .to_string(),
        BodyView::RequestVote {
            last_log_index,
            last_log_term,
            ..
        } => lang.f(
            K::SumRequestVote,
            &[
                ("term", &m.term),
                ("index", last_log_index),
                ("lterm", last_log_term),
            ],
        ),
        BodyView::RequestVoteResponse { granted } => lang
            .t(if *granted {
                K::SumVoteGranted
            } else {
                K::SumVoteDenied
            })
            .to_string(),
        BodyView::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            ..
        } => match entries.first() {
            None => lang.f(K::SumHeartbeat, &[("commit", leader_commit)]),
            Some(first) => lang.f(
                if entries.len() == 1 {
                    K::SumAppendOne
                } else {
                    K::SumAppendMany
                },
                &[
                    ("prev", prev_log_index),
                    ("pterm", prev_log_term),
                    ("n", &entries.len()),
                    ("first", &first.index),
                    ("commit", leader_commit),
                ],
            ),
        },
        BodyView::AppendEntriesResponse {
            success,
            match_index,
            conflict,
            ..
        } => match (success, conflict) {
            (true, _) => lang.f(K::SumAppendOk, &[("index", match_index)]),
            (false, Some(c)) => lang.f(
                K::SumAppendRejected,
                &[
                    ("index", &c.rejected_index),
                    ("hint", &c.hint_index),
                    ("hterm", &c.hint_term),
                ],
            ),
            (false, None) => lang.t(K::SumAppendRejectedBare).to_string(),
        },
        BodyView::InstallSnapshot {
            last_index,
            last_term,
            bytes,
        } => lang.f(
            K::SumSnapshot,
            &[("index", last_index), ("term", last_term), ("bytes", bytes)],
        ),
        BodyView::InstallSnapshotResponse { last_index } => {
            lang.f(K::SumSnapshotOk, &[("index", last_index)])
        }
        BodyView::TimeoutNow => lang.t(K::SumTimeoutNow).to_string(),
    }
}

/// Every field of a message, `(name, value)`, for the inspector. The
/// protocol's own field names (`prevLogIndex`, ...) stay as the paper
/// spells them.
pub fn message_fields(lang: Lang, m: &MessageSnapshot) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![
        (
            lang.t(K::MsgFieldType).to_string(),
            kind_name(lang, m.kind).to_string(),
        ),
        (lang.t(K::MsgFieldFrom).to_string(), m.from.to_string()),
        (lang.t(K::MsgFieldTo).to_string(), m.to.to_string()),
        (lang.t(K::MsgFieldTerm).to_string(), m.term.to_string()),
    ];
    let mut add = |k: &str, v: String| out.push((k.to_string(), v));
    match &m.body {
        BodyView::PreVote {
            last_log_index,
            last_log_term,
        } => {
            add("lastLogIndex", last_log_index.to_string());
            add("lastLogTerm", last_log_term.to_string());
        }
        BodyView::PreVoteResponse { granted } => add("granted", yes_no(lang, *granted).into()),
        BodyView::RequestVote {
            last_log_index,
            last_log_term,
            transfer,
        } => {
            add("lastLogIndex", last_log_index.to_string());
            add("lastLogTerm", last_log_term.to_string());
            add("leadershipTransfer", yes_no(lang, *transfer).into());
        }
        BodyView::RequestVoteResponse { granted } => {
            add("voteGranted", yes_no(lang, *granted).into())
        }
        BodyView::AppendEntries {
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            read_seq,
        } => {
            add("prevLogIndex", prev_log_index.to_string());
            add("prevLogTerm", prev_log_term.to_string());
            let list: Vec<String> = entries
                .iter()
                .map(|e| {
                    lang.f(
                        K::EntryShort,
                        &[
                            ("index", &e.index),
                            ("term", &e.term),
                            ("label", &entry_label(lang, e)),
                        ],
                    )
                })
                .collect();
            add("entries", format!("[{}]", list.join(", ")));
            add("leaderCommit", leader_commit.to_string());
            add("heartbeatRound", read_seq.to_string());
        }
        BodyView::AppendEntriesResponse {
            success,
            match_index,
            conflict,
            read_seq,
        } => {
            add("success", yes_no(lang, *success).into());
            add("matchIndex", match_index.to_string());
            if let Some(c) = conflict {
                add("conflictIndex", c.hint_index.to_string());
                add("conflictTerm", c.hint_term.to_string());
                add("rejectedIndex", c.rejected_index.to_string());
            }
            add("heartbeatRound", read_seq.to_string());
        }
        BodyView::InstallSnapshot {
            last_index,
            last_term,
            bytes,
        } => {
            add("lastIncludedIndex", last_index.to_string());
            add("lastIncludedTerm", last_term.to_string());
            add("bytes", bytes.to_string());
        }
        BodyView::InstallSnapshotResponse { last_index } => {
            add("lastIndex", last_index.to_string())
        }
        BodyView::TimeoutNow => {}
    }
    out
}

/// Why a message was lost.
pub fn drop_reason(lang: Lang, r: DropReason) -> &'static str {
    lang.t(match r {
        DropReason::Lost => K::DropLost,
        DropReason::LinkCut => K::DropLinkCut,
        DropReason::ReceiverDown => K::DropReceiverDown,
        DropReason::ByUser => K::DropByUser,
        DropReason::NoSuchNode => K::DropNoSuchNode,
    })
}

/// A follower's replication state as the leader tracks it.
pub fn progress_state(lang: Lang, s: ProgressState) -> &'static str {
    lang.t(match s {
        ProgressState::Probe => K::ProgProbe,
        ProgressState::Replicate => K::ProgReplicate,
        ProgressState::Snapshot => K::ProgSnapshot,
    })
}

/// The name of a checked invariant.
pub fn invariant_name(lang: Lang, invariant: Invariant) -> &'static str {
    lang.t(match invariant {
        Invariant::ElectionSafety => K::InvElectionSafety,
        Invariant::LeaderAppendOnly => K::InvLeaderAppendOnly,
        Invariant::LogMatching => K::InvLogMatching,
        Invariant::LeaderCompleteness => K::InvLeaderCompleteness,
        Invariant::StateMachineSafety => K::InvStateMachineSafety,
        Invariant::CommittedOnQuorum => K::InvCommittedOnQuorum,
        Invariant::MonotonicState => K::InvMonotonicState,
        Invariant::Linearizability => K::InvLinearizability,
    })
}

/// What exactly a violation broke.
pub fn violation_detail(lang: Lang, d: &Detail) -> String {
    match d {
        Detail::LeaderTruncated { node, from } => {
            lang.f(K::VLeaderTruncated, &[("node", node), ("from", from)])
        }
        Detail::DiffersFromCommitted { node, index, term } => lang.f(
            K::VDiffersFromCommitted,
            &[("node", node), ("index", index), ("term", term)],
        ),
        Detail::DiffersFromOther { node, index, term } => lang.f(
            K::VDiffersFromOther,
            &[("node", node), ("index", index), ("term", term)],
        ),
        Detail::PrevTermDiffers {
            node,
            index,
            term,
            prev_term,
            other_prev_term,
        } => lang.f(
            K::VPrevTermDiffers,
            &[
                ("node", node),
                ("index", index),
                ("term", term),
                ("prev", prev_term),
                ("other", other_prev_term),
            ],
        ),
        Detail::AppliedDiffers {
            node,
            index,
            term,
            committed_term,
        } => lang.f(
            K::VAppliedDiffers,
            &[
                ("node", node),
                ("index", index),
                ("term", term),
                ("committed", committed_term),
            ],
        ),
        Detail::SnapshotUnreadable { node, .. } => {
            lang.f(K::VSnapshotUnreadable, &[("node", node)])
        }
        Detail::NotOnQuorum {
            leader,
            index,
            term,
        } => lang.f(
            K::VNotOnQuorum,
            &[("node", leader), ("index", index), ("term", term)],
        ),
        Detail::DurableTermBack { node, from, to } => lang.f(
            K::VDurableTermBack,
            &[("node", node), ("from", from), ("to", to)],
        ),
        Detail::TermBack { node, from, to } => {
            lang.f(K::VTermBack, &[("node", node), ("from", from), ("to", to)])
        }
        Detail::CommitBack { node, from, to } => lang.f(
            K::VCommitBack,
            &[("node", node), ("from", from), ("to", to)],
        ),
        Detail::AppliedBack { node, from, to } => lang.f(
            K::VAppliedBack,
            &[("node", node), ("from", from), ("to", to)],
        ),
        Detail::TwoLeaders {
            first,
            second,
            term,
        } => lang.f(
            K::VTwoLeaders,
            &[("a", first), ("b", second), ("term", term)],
        ),
        Detail::LeaderIncomplete {
            node,
            term,
            index,
            want,
            have,
        } => {
            let have = match have {
                Some(t) => lang.f(K::VHaveTerm, &[("term", t)]),
                None => lang.t(K::VHaveNothing).to_string(),
            };
            lang.f(
                K::VLeaderIncomplete,
                &[
                    ("node", node),
                    ("term", term),
                    ("index", index),
                    ("want", want),
                    ("have", &have),
                ],
            )
        }
        Detail::NotLinearizable { key, why: None, .. } => {
            lang.f(K::VNotLinearizable, &[("key", key)])
        }
        Detail::NotLinearizable {
            key, why: Some(w), ..
        } => {
            let state = match &w.state {
                Some(v) => format!("{key} = {v}"),
                None => lang.f(K::VKeyUnset, &[("key", key)]),
            };
            let sent = time_label(Micros(w.invoke_us));
            match &w.complete {
                Some((done, result)) => lang.f(
                    K::VNotLinearizableWhy,
                    &[
                        ("key", key),
                        ("op", &w.op),
                        ("sent", &sent),
                        ("result", &kv_result(lang, result)),
                        ("done", &time_label(Micros(*done))),
                        ("placed", &w.placed),
                        ("state", &state),
                    ],
                ),
                None => lang.f(
                    K::VNotLinearizableWhyOpen,
                    &[
                        ("key", key),
                        ("op", &w.op),
                        ("sent", &sent),
                        ("placed", &w.placed),
                        ("state", &state),
                    ],
                ),
            }
        }
        Detail::HistoryBookkeeping { .. } => lang.t(K::VHistoryBookkeeping).to_string(),
    }
}

/// Why the linearizability checker could not decide the client history:
/// neither a violation nor a pass.
pub fn undecided_detail(lang: Lang, u: &Undecided) -> String {
    let t = super::timeline::time_label(Micros(u.at_us));
    let (k, n) = match u.limit {
        Limit::Steps(n) => (K::UndecidedSteps, ("steps", n)),
        Limit::Configurations(n) => (K::UndecidedConfigs, ("n", n as u64)),
        Limit::InFlight(n) => (K::UndecidedInFlight, ("n", n as u64)),
    };
    lang.f(k, &[("key", &u.key), ("t", &t), (n.0, &n.1)])
}

/// A violation for the timeline: `Log Matching violated: ...`.
pub fn violation_line(lang: Lang, v: &Violation) -> String {
    lang.f(
        K::MarkViolation,
        &[
            ("name", &invariant_name(lang, v.invariant)),
            ("detail", &violation_detail(lang, &v.detail)),
        ],
    )
}

/// A user action, for the timeline and the "what just happened" list.
pub fn action(lang: Lang, a: &Action) -> String {
    let node = |k: K, n: &NodeId| lang.f(k, &[("node", n)]);
    match a {
        Action::Crash(n) => node(K::DoCrash, n),
        Action::Restart(n) => node(K::DoRestart, n),
        Action::Pause(n) => node(K::DoPause, n),
        Action::Resume(n) => node(K::DoResume, n),
        Action::Campaign(n) => node(K::DoCampaign, n),
        Action::TransferLeadership(n) => node(K::DoTransfer, n),
        Action::AddNode { learner: false } => lang.t(K::DoAddVoter).to_string(),
        Action::AddNode { learner: true } => lang.t(K::DoAddLearner).to_string(),
        Action::Promote(n) => node(K::DoPromote, n),
        Action::RemoveNode(n) => node(K::DoRemove, n),
        Action::ChangeMembership { voters, .. } => lang.f(K::DoJoint, &[("voters", &set(voters))]),
        Action::Compact(n) => node(K::DoCompact, n),
        Action::Partition(groups) => {
            let g: Vec<String> = groups.iter().map(set).collect();
            lang.f(K::DoPartition, &[("groups", &g.join(" "))])
        }
        Action::Cut { source, target } => lang.f(K::DoCut, &[("from", source), ("to", target)]),
        Action::HealLink { source, target } => {
            lang.f(K::DoHeal, &[("from", source), ("to", target)])
        }
        Action::HealAll => lang.t(K::DoHealAll).to_string(),
        Action::Hold(m) => lang.f(K::DoHold, &[("msg", m)]),
        Action::Release(m) => lang.f(K::DoRelease, &[("msg", m)]),
        Action::Drop(m) => lang.f(K::DoDrop, &[("msg", m)]),
        Action::HandDelivery(true) => lang.t(K::DoHandOn).to_string(),
        Action::HandDelivery(false) => lang.t(K::DoHandOff).to_string(),
        Action::Deliver(m) => lang.f(K::DoDeliver, &[("msg", m)]),
        Action::Duplicate(m) => lang.f(K::DoDuplicate, &[("msg", m)]),
        Action::FireTimer(n) => node(K::DoFireTimer, n),
        Action::SetNetwork(_) => lang.t(K::DoNetwork).to_string(),
        Action::SetLink { source, target, .. } => {
            lang.f(K::DoLink, &[("from", source), ("to", target)])
        }
        Action::SetWorkload(w) => lang.f(K::DoWorkload, &[("ops", &w.ops_per_sec)]),
        Action::SetSwitches(_) => lang.t(K::DoSwitches).to_string(),
        Action::ClientRequest { op, via: None } => lang.f(K::DoClient, &[("op", op)]),
        Action::ClientRequest { op, via: Some(v) } => {
            lang.f(K::DoClientVia, &[("op", op), ("node", v)])
        }
        Action::ClockSkew { node, offset_us } => lang.f(
            K::DoSkew,
            &[
                ("node", node),
                ("ms", &format!("{:+}", *offset_us as f64 / 1000.0)),
            ],
        ),
    }
}

/// The page's words for a tool an exercise allows.
pub fn tool_name(lang: Lang, t: Tool) -> &'static str {
    lang.t(match t {
        Tool::Crash => K::ToolCrash,
        Tool::Restart => K::ToolRestart,
        Tool::Pause => K::ToolPause,
        Tool::Timeout => K::ToolTimeout,
        Tool::Transfer => K::ToolTransfer,
        Tool::Membership => K::ToolMembership,
        Tool::Compact => K::ToolCompact,
        Tool::Partition => K::ToolPartition,
        Tool::Skew => K::ToolSkew,
        Tool::Client => K::ToolClient,
        Tool::Workload => K::ToolWorkload,
        Tool::Network => K::ToolNetwork,
        Tool::Hold => K::ToolHold,
        Tool::Drop => K::ToolDrop,
        Tool::Deliver => K::ToolDeliver,
        Tool::Duplicate => K::ToolDuplicate,
        Tool::Fire => K::ToolFire,
        Tool::Hand => K::ToolHand,
        Tool::Bugs => K::ToolBugs,
    })
}

/// The answer to a key-value operation.
pub fn kv_result(lang: Lang, r: &KvResult) -> String {
    match r {
        KvResult::Ok => lang.t(K::ResOk).to_string(),
        KvResult::Value(v) => lang.f(K::ResValue, &[("value", v)]),
        KvResult::Error(KvError::KeyDoesNotExist) => lang.t(K::ResNoKey).to_string(),
        KvResult::Error(KvError::PreconditionFailed { current }) => {
            lang.f(K::ResPrecondition, &[("value", current)])
        }
    }
}

/// Why a leader refused a proposal, transfer or change.
pub fn propose_error(lang: Lang, e: &ProposeError) -> &'static str {
    lang.t(match e {
        ProposeError::NotLeader { .. } => K::PeNotLeader,
        ProposeError::TransferInProgress => K::PeTransfer,
        ProposeError::ConfChangePending => K::PeConfPending,
        ProposeError::InvalidConfChange(_) => K::PeInvalidConf,
        ProposeError::NotReady(_) => K::PeNotReady,
    })
}

/// Why the simulator refused an action.
pub fn sim_error(lang: Lang, e: &SimError) -> String {
    match e {
        // The settings' own checks are worded by the simulator (English);
        // the page's settings form keeps most values in range before that.
        SimError::Config(detail) => lang.f(K::ErrConfig, &[("detail", detail)]),
        SimError::NoSuchNode(n) => lang.f(K::ErrNoSuchNode, &[("node", n)]),
        SimError::NoLeader => lang.t(K::ErrNoLeader).to_string(),
        SimError::Invalid(r) => refusal(lang, r),
    }
}

fn refusal(lang: Lang, r: &Refusal) -> String {
    let node = |k: K, n: &NodeId| lang.f(k, &[("node", n)]);
    match r {
        Refusal::AlreadyCrashed(n) => node(K::RefAlreadyCrashed, n),
        Refusal::NotCrashed(n) => node(K::RefNotCrashed, n),
        Refusal::NotRunning(n) => node(K::RefNotRunning, n),
        Refusal::NotPaused(n) => node(K::RefNotPaused, n),
        Refusal::CannotRestart { node: n, .. } => node(K::RefCannotRestart, n),
        Refusal::SnapshotUnreadable { node: n, .. } => node(K::RefSnapshotUnreadable, n),
        Refusal::TransferRefused { to, error } => lang.f(
            K::RefTransfer,
            &[("node", to), ("why", &propose_error(lang, error))],
        ),
        Refusal::CompactRefused { node: n, .. } => node(K::RefCompact, n),
        Refusal::ConfChangeRefused(e) => lang.f(K::RefConf, &[("why", &propose_error(lang, e))]),
        Refusal::NotInFlight(m) => lang.f(K::RefNotInFlight, &[("msg", m)]),
        Refusal::NotHeld(m) => lang.f(K::RefNotHeld, &[("msg", m)]),
        Refusal::SkewTooLarge { max_s } => lang.f(K::RefSkew, &[("max", max_s)]),
        Refusal::NodeLimit { limit } => lang.f(K::RefNodeLimit, &[("limit", limit)]),
        Refusal::ActionLimit { limit } => lang.f(K::RefActionLimit, &[("limit", limit)]),
        Refusal::NoTimer(n) => node(K::RefNoTimer, n),
        Refusal::HandDeliveryOff => lang.t(K::RefHandOff).to_string(),
        Refusal::HandDeliveryOn => lang.t(K::RefHandOn).to_string(),
        Refusal::NotAllowed(t) => lang.f(K::RefNotAllowed, &[("tool", &tool_name(lang, *t))]),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use raftlab_core::{ConflictHint, LogIndex, Term};
    use raftlab_sim::kv::KvOp;
    use raftlab_sim::linearizability::Unexplained;
    use raftlab_sim::{MsgId, World, WorldConfig};

    /// Words a Chinese sentence may keep in Latin letters: the RPC and field
    /// names of the paper (the Chinese explainers use them too) and the
    /// key-value commands as typed. Keys (`x`, the workload's `a`, `b`, ...)
    /// are single letters.
    const KEPT: &[&str] = &[
        "PreVote",
        "RequestVote",
        "AppendEntries",
        "InstallSnapshot",
        "TimeoutNow",
        "lastLogIndex",
        "lastLogTerm",
        "leadershipTransfer",
        "granted",
        "voteGranted",
        "prevLogIndex",
        "prevLogTerm",
        "entries",
        "leaderCommit",
        "heartbeatRound",
        "success",
        "matchIndex",
        "conflictIndex",
        "conflictTerm",
        "rejectedIndex",
        "lastIncludedIndex",
        "lastIncludedTerm",
        "bytes",
        "lastIndex",
        "put",
        "get",
        "append",
        "cas",
    ];

    /// The Latin-letter words of `s` that are neither identifiers (`n3`,
    /// `m12`) nor in [`KEPT`].
    pub(crate) fn english_words(s: &str) -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
            .filter(|w| {
                let id = (w.starts_with('n') || w.starts_with('m'))
                    && w.len() > 1
                    && w[1..].chars().all(|c| c.is_ascii_digit());
                !id && w.len() > 1 && !KEPT.contains(w)
            })
            .map(str::to_string)
            .collect()
    }

    fn entry(
        index: u64,
        kind: EntryKind,
        op: Option<KvOp>,
        conf: Option<ConfChange>,
    ) -> LogEntryView {
        LogEntryView {
            index: LogIndex(index),
            term: Term(2),
            label: "English label".into(),
            op,
            conf,
            kind,
            committed: false,
        }
    }

    fn put() -> KvOp {
        KvOp::Put {
            key: "x".into(),
            value: "1".into(),
        }
    }

    fn bodies() -> Vec<(MessageKind, BodyView)> {
        let ids: BTreeSet<NodeId> = [NodeId(1), NodeId(2)].into();
        let hint = ConflictHint {
            rejected_index: LogIndex(5),
            hint_index: LogIndex(3),
            hint_term: Term(1),
        };
        let append = |entries: Vec<LogEntryView>| BodyView::AppendEntries {
            prev_log_index: LogIndex(4),
            prev_log_term: Term(2),
            entries,
            leader_commit: LogIndex(4),
            read_seq: 7,
        };
        let reply = |success, conflict| BodyView::AppendEntriesResponse {
            success,
            match_index: LogIndex(4),
            conflict,
            read_seq: 7,
        };
        vec![
            (
                MessageKind::PreVote,
                BodyView::PreVote {
                    last_log_index: LogIndex(4),
                    last_log_term: Term(2),
                },
            ),
            (
                MessageKind::PreVoteResponse,
                BodyView::PreVoteResponse { granted: true },
            ),
            (
                MessageKind::PreVoteResponse,
                BodyView::PreVoteResponse { granted: false },
            ),
            (
                MessageKind::RequestVote,
                BodyView::RequestVote {
                    last_log_index: LogIndex(4),
                    last_log_term: Term(2),
                    transfer: true,
                },
            ),
            (
                MessageKind::RequestVoteResponse,
                BodyView::RequestVoteResponse { granted: true },
            ),
            (
                MessageKind::RequestVoteResponse,
                BodyView::RequestVoteResponse { granted: false },
            ),
            (MessageKind::Heartbeat, append(Vec::new())),
            (
                MessageKind::AppendEntries,
                append(vec![entry(5, EntryKind::Command, Some(put()), None)]),
            ),
            (
                MessageKind::AppendEntries,
                append(vec![
                    entry(5, EntryKind::Noop, None, None),
                    entry(
                        6,
                        EntryKind::Command,
                        Some(KvOp::Cas {
                            key: "x".into(),
                            from: "1".into(),
                            to: "2".into(),
                        }),
                        None,
                    ),
                    entry(
                        7,
                        EntryKind::Config,
                        None,
                        Some(ConfChange::AddVoter(NodeId(6))),
                    ),
                    entry(
                        8,
                        EntryKind::Config,
                        None,
                        Some(ConfChange::AddLearner(NodeId(7))),
                    ),
                    entry(
                        9,
                        EntryKind::Config,
                        None,
                        Some(ConfChange::RemoveNode(NodeId(7))),
                    ),
                    entry(
                        10,
                        EntryKind::Config,
                        None,
                        Some(ConfChange::EnterJoint {
                            voters: ids.clone(),
                            learners: BTreeSet::new(),
                        }),
                    ),
                    entry(11, EntryKind::Config, None, Some(ConfChange::LeaveJoint)),
                ]),
            ),
            (MessageKind::AppendEntriesResponse, reply(true, None)),
            (MessageKind::AppendEntriesResponse, reply(false, Some(hint))),
            (MessageKind::AppendEntriesResponse, reply(false, None)),
            (
                MessageKind::InstallSnapshot,
                BodyView::InstallSnapshot {
                    last_index: LogIndex(9),
                    last_term: Term(2),
                    bytes: 120,
                },
            ),
            (
                MessageKind::InstallSnapshotResponse,
                BodyView::InstallSnapshotResponse {
                    last_index: LogIndex(9),
                },
            ),
            (MessageKind::TimeoutNow, BodyView::TimeoutNow),
        ]
    }

    fn message(kind: MessageKind, body: BodyView) -> MessageSnapshot {
        MessageSnapshot {
            id: MsgId(12),
            from: NodeId(1),
            to: NodeId(2),
            kind,
            term: Term(3),
            sent_at: Micros(0),
            deliver_at: Micros(1_000),
            held_at: None,
            doomed: false,
            ok: None,
            entries: 0,
            body,
        }
    }

    fn details() -> Vec<Detail> {
        let (node, index, term) = (NodeId(2), LogIndex(5), Term(3));
        vec![
            Detail::LeaderTruncated { node, from: index },
            Detail::DiffersFromCommitted { node, index, term },
            Detail::DiffersFromOther { node, index, term },
            Detail::PrevTermDiffers {
                node,
                index,
                term,
                prev_term: Term(1),
                other_prev_term: Term(2),
            },
            Detail::AppliedDiffers {
                node,
                index,
                term,
                committed_term: Term(2),
            },
            Detail::SnapshotUnreadable {
                node,
                error: "unexpected end of input".into(),
            },
            Detail::NotOnQuorum {
                leader: node,
                index,
                term,
            },
            Detail::DurableTermBack {
                node,
                from: Term(3),
                to: Term(2),
            },
            Detail::TermBack {
                node,
                from: Term(3),
                to: Term(2),
            },
            Detail::CommitBack {
                node,
                from: index,
                to: LogIndex(4),
            },
            Detail::AppliedBack {
                node,
                from: index,
                to: LogIndex(4),
            },
            Detail::TwoLeaders {
                first: NodeId(1),
                second: node,
                term,
            },
            Detail::LeaderIncomplete {
                node,
                term,
                index,
                want: Term(2),
                have: Some(Term(1)),
            },
            Detail::LeaderIncomplete {
                node,
                term,
                index,
                want: Term(2),
                have: None,
            },
            Detail::NotLinearizable {
                key: "x".into(),
                explanation: "get x returned 1 before put x 1".into(),
                why: None,
            },
            Detail::NotLinearizable {
                key: "x".into(),
                explanation: "no order places #4 get x".into(),
                why: Some(Box::new(Unexplained {
                    op: KvOp::Get { key: "x".into() },
                    invoke_us: 1_200_000,
                    complete: Some((1_350_000, KvResult::Value("1".into()))),
                    placed: 3,
                    state: Some("2".into()),
                    id: None,
                    prefix_tail: Vec::new(),
                    concurrent: Vec::new(),
                })),
            },
            Detail::NotLinearizable {
                key: "y".into(),
                explanation: "no order places #5 put y 3".into(),
                why: Some(Box::new(Unexplained {
                    op: KvOp::Put {
                        key: "y".into(),
                        value: "3".into(),
                    },
                    invoke_us: 2_000_000,
                    complete: None,
                    placed: 0,
                    state: None,
                    id: None,
                    prefix_tail: Vec::new(),
                    concurrent: Vec::new(),
                })),
            },
            Detail::HistoryBookkeeping {
                error: "op completed twice".into(),
            },
        ]
    }

    fn actions() -> Vec<Action> {
        let n = NodeId(3);
        let ids: BTreeSet<NodeId> = [NodeId(1), NodeId(2)].into();
        vec![
            Action::Crash(n),
            Action::Restart(n),
            Action::Pause(n),
            Action::Resume(n),
            Action::Campaign(n),
            Action::TransferLeadership(n),
            Action::AddNode { learner: false },
            Action::AddNode { learner: true },
            Action::Promote(n),
            Action::RemoveNode(n),
            Action::ChangeMembership {
                voters: ids.clone(),
                learners: BTreeSet::new(),
            },
            Action::Compact(n),
            Action::Partition(vec![ids, [n].into()]),
            Action::Cut {
                source: n,
                target: NodeId(1),
            },
            Action::HealLink {
                source: n,
                target: NodeId(1),
            },
            Action::HealAll,
            Action::ClockSkew {
                node: n,
                offset_us: -50_000,
            },
            Action::Hold(MsgId(12)),
            Action::Release(MsgId(12)),
            Action::Drop(MsgId(12)),
            Action::HandDelivery(true),
            Action::HandDelivery(false),
            Action::Deliver(MsgId(12)),
            Action::Duplicate(MsgId(12)),
            Action::FireTimer(n),
            Action::SetNetwork(raftlab_sim::LinkConfig::default()),
            Action::SetLink {
                source: n,
                target: NodeId(1),
                config: None,
            },
            Action::SetWorkload(raftlab_sim::WorkloadConfig::default()),
            Action::SetSwitches(raftlab_sim::Switches::default()),
            Action::ClientRequest {
                op: put(),
                via: None,
            },
            Action::ClientRequest {
                op: put(),
                via: Some(n),
            },
        ]
    }

    fn errors() -> Vec<SimError> {
        let n = NodeId(3);
        let m = MsgId(12);
        vec![
            SimError::NoSuchNode(n),
            SimError::NoLeader,
            SimError::Invalid(Refusal::AlreadyCrashed(n)),
            SimError::Invalid(Refusal::NotCrashed(n)),
            SimError::Invalid(Refusal::NotRunning(n)),
            SimError::Invalid(Refusal::NotPaused(n)),
            SimError::Invalid(Refusal::CannotRestart {
                node: n,
                error: raftlab_core::ConfigError("bad".into()),
            }),
            SimError::Invalid(Refusal::SnapshotUnreadable {
                node: n,
                error: "bad".into(),
            }),
            SimError::Invalid(Refusal::TransferRefused {
                to: n,
                error: ProposeError::TransferInProgress,
            }),
            SimError::Invalid(Refusal::CompactRefused {
                node: n,
                error: raftlab_core::CompactError("index 9 is not applied yet".into()),
            }),
            SimError::Invalid(Refusal::ConfChangeRefused(ProposeError::ConfChangePending)),
            SimError::Invalid(Refusal::NotInFlight(m)),
            SimError::Invalid(Refusal::NotHeld(m)),
            SimError::Invalid(Refusal::SkewTooLarge { max_s: 60 }),
            SimError::Invalid(Refusal::NodeLimit { limit: 9 }),
            SimError::Invalid(Refusal::ActionLimit { limit: 100_000 }),
            SimError::Invalid(Refusal::NoTimer(n)),
            SimError::Invalid(Refusal::HandDeliveryOff),
            SimError::Invalid(Refusal::HandDeliveryOn),
            SimError::Invalid(Refusal::NotAllowed(Tool::Fire)),
        ]
    }

    /// Everything this module words, for a representative world: every
    /// message kind (and a running world's real traffic), every violation,
    /// every client outcome, every action and refusal, every drop reason.
    fn everything(lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        let mut w = World::new(WorldConfig::default()).expect("default config is valid");
        let mut t = 1_500;
        while w.snapshot().messages.is_empty() && t < 3_000 {
            t += 1;
            w.run_until(Micros::from_ms(t));
        }
        let snap = w.snapshot();
        assert!(!snap.messages.is_empty(), "a running world has traffic");
        let made: Vec<MessageSnapshot> = bodies().into_iter().map(|(k, b)| message(k, b)).collect();
        for m in snap.messages.iter().chain(&made) {
            out.push(message_summary(lang, m));
            for (k, v) in message_fields(lang, m) {
                out.push(format!("{k}: {v}"));
            }
        }
        for n in &snap.nodes {
            out.extend(n.log.iter().map(|e| entry_label(lang, e)));
        }
        for d in details() {
            let v = Violation {
                invariant: Invariant::LogMatching,
                detail: d,
                nodes: Vec::new(),
                index: None,
                term: None,
                event: 1,
                at: Micros(1),
            };
            out.push(violation_line(lang, &v));
        }
        out.extend(
            Invariant::ALL
                .iter()
                .map(|&i| invariant_name(lang, i).to_string()),
        );
        out.extend(undecideds().iter().map(|u| undecided_detail(lang, u)));
        out.extend(actions().iter().map(|a| action(lang, a)));
        out.extend(errors().iter().map(|e| sim_error(lang, e)));
        for r in [
            DropReason::Lost,
            DropReason::LinkCut,
            DropReason::ReceiverDown,
            DropReason::ByUser,
            DropReason::NoSuchNode,
        ] {
            out.push(drop_reason(lang, r).to_string());
        }
        for s in [
            ProgressState::Probe,
            ProgressState::Replicate,
            ProgressState::Snapshot,
        ] {
            out.push(progress_state(lang, s).to_string());
        }
        out
    }

    #[test]
    fn chinese_wording_of_the_simulators_data_has_no_english_words() {
        let zh = everything(Lang::Zh);
        let bad: Vec<(String, Vec<String>)> = zh
            .iter()
            .map(|s| (s.clone(), english_words(s)))
            .filter(|(_, w)| !w.is_empty())
            .collect();
        assert!(bad.is_empty(), "English words in Chinese text: {bad:#?}");
        // The check itself can fail: the English wording is caught by it.
        let en = everything(Lang::En);
        assert_eq!(en.len(), zh.len());
        let caught = en.iter().filter(|s| !english_words(s).is_empty()).count();
        assert!(
            caught > en.len() / 2,
            "only {caught} of {} English lines flagged",
            en.len()
        );
    }

    #[test]
    fn a_linearizability_violation_names_the_answer_no_order_explains() {
        let d = details();
        let get = d
            .iter()
            .find(|d| matches!(d, Detail::NotLinearizable { why: Some(w), .. } if w.complete.is_some()))
            .unwrap();
        let en = violation_detail(Lang::En, get);
        let zh = violation_detail(Lang::Zh, get);
        for part in [
            "get x",
            "1.200 s",
            "1.350 s",
            "value 1",
            "3 operations",
            "x = 2",
        ] {
            assert!(en.contains(part), "{part:?} in {en}");
        }
        for part in ["get x", "1.200 s", "1.350 s", "值 1", "3 个操作", "x = 2"] {
            assert!(zh.contains(part), "{part:?} in {zh}");
        }
        let open = d
            .iter()
            .find(|d| matches!(d, Detail::NotLinearizable { why: Some(w), .. } if w.complete.is_none()))
            .unwrap();
        assert!(violation_detail(Lang::En, open).contains("never answered"));
        assert!(violation_detail(Lang::Zh, open).contains("y 未设置"));
    }

    #[test]
    fn english_wording_matches_the_simulators_own_text() {
        for d in details() {
            if !matches!(
                d,
                Detail::NotLinearizable { .. }
                    | Detail::HistoryBookkeeping { .. }
                    | Detail::SnapshotUnreadable { .. }
                    | Detail::LeaderIncomplete { .. }
            ) {
                assert_eq!(violation_detail(Lang::En, &d), d.to_string());
            }
        }
        let m = message(MessageKind::Heartbeat, bodies()[6].1.clone());
        assert_eq!(message_summary(Lang::En, &m), "Heartbeat (leader commit 4)");
        assert_eq!(action(Lang::Zh, &Action::Crash(NodeId(3))), "n3 崩溃");
        assert_eq!(
            kv_result(Lang::Zh, &KvResult::Error(KvError::KeyDoesNotExist)),
            "错误 20：键不存在"
        );
    }

    fn undecideds() -> Vec<Undecided> {
        [
            Limit::Steps(20_000),
            Limit::Configurations(4_096),
            Limit::InFlight(128),
        ]
        .into_iter()
        .map(|limit| Undecided {
            key: "b".into(),
            at_us: 161_645_753,
            limit,
        })
        .collect()
    }

    /// An undecided verdict says which key, when and which limit, and that
    /// the history is not proven: it reads as neither a pass nor a
    /// violation.
    #[test]
    fn an_undecided_check_says_what_ran_out_and_that_nothing_is_proven() {
        let u = &undecideds()[0];
        let en = undecided_detail(Lang::En, u);
        for part in ["key b", "161.646 s", "20000 steps", "not proven"] {
            assert!(en.contains(part), "{part:?} in {en}");
        }
        let zh = undecided_detail(Lang::Zh, u);
        for part in ["键 b", "161.646 s", "20000 步", "未能证明"] {
            assert!(zh.contains(part), "{part:?} in {zh}");
        }
        let configs = undecided_detail(Lang::En, &undecideds()[1]);
        assert!(configs.contains("4096 states"), "{configs}");
    }

    #[test]
    fn every_invariant_has_a_name_in_both_languages() {
        for lang in Lang::ALL {
            let names: BTreeSet<&str> = Invariant::ALL
                .iter()
                .map(|&i| invariant_name(lang, i))
                .collect();
            assert_eq!(names.len(), Invariant::ALL.len());
        }
        assert_eq!(
            invariant_name(Lang::En, Invariant::LogMatching),
            "Log Matching"
        );
        assert_ne!(
            invariant_name(Lang::Zh, Invariant::LogMatching),
            Invariant::LogMatching.name()
        );
    }

    #[test]
    fn entries_are_labelled_from_their_data() {
        let e = entry(1, EntryKind::Noop, None, None);
        assert_eq!(entry_label(Lang::Zh, &e), "空操作");
        let c = entry(
            2,
            EntryKind::Config,
            None,
            Some(ConfChange::AddVoter(NodeId(6))),
        );
        assert_eq!(entry_label(Lang::Zh, &c), "添加投票者 n6");
        let p = entry(3, EntryKind::Command, Some(put()), None);
        assert_eq!(entry_label(Lang::Zh, &p), "put x 1");
    }
}
