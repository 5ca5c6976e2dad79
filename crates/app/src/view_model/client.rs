//! The client panel: the user's own operations, step by step.

use raftlab_core::{Micros, NodeId};
use raftlab_sim::client::{ClientEvent, ClientEventKind, USER_CLIENT};
use raftlab_sim::kv::KvOp;
use raftlab_sim::{NodeStatus, WorldSnapshot};

use crate::i18n::{Lang, K};

/// How many of the user's client events the panel lists.
pub const CLIENT_LINES: usize = 10;

/// One line of the client panel.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientLine {
    /// Stable key: time and text.
    pub key: String,
    /// The sentence.
    pub text: String,
    /// `ev-sent`, `ev-redirect`, `ev-timeout`, `ev-done`, `ev-failed`.
    pub class: &'static str,
}

/// One event as a sentence.
pub fn describe(ev: &ClientEvent, lang: Lang) -> (String, &'static str) {
    let op: &dyn std::fmt::Display = &ev.op;
    match &ev.kind {
        ClientEventKind::Sent { node, attempt } => (
            lang.f(
                K::ClientSent,
                &[("op", op), ("node", node), ("attempt", attempt)],
            ),
            "ev-sent",
        ),
        ClientEventKind::Redirected {
            from,
            hint: Some(h),
        } => (
            lang.f(
                K::ClientRedirected,
                &[("op", op), ("from", from), ("hint", h)],
            ),
            "ev-redirect",
        ),
        ClientEventKind::Redirected { from, hint: None } => (
            lang.f(K::ClientRedirectedNone, &[("op", op), ("from", from)]),
            "ev-redirect",
        ),
        ClientEventKind::Rejected { from, reason } => (
            lang.f(
                K::ClientRejected,
                &[
                    ("op", op),
                    ("from", from),
                    ("reason", &super::words::propose_error(lang, reason)),
                ],
            ),
            "ev-redirect",
        ),
        ClientEventKind::TimedOut { node, attempt } => (
            lang.f(
                K::ClientTimedOut,
                &[("op", op), ("node", node), ("attempt", attempt)],
            ),
            "ev-timeout",
        ),
        ClientEventKind::Completed {
            node,
            result,
            latency,
        } => (
            lang.f(
                K::ClientCompleted,
                &[
                    ("op", op),
                    ("result", &super::words::kv_result(lang, result)),
                    ("node", node),
                    ("ms", &format!("{:.0}", latency.as_ms_f64())),
                ],
            ),
            "ev-done",
        ),
        ClientEventKind::GaveUp { attempts } => (
            lang.f(K::ClientGaveUp, &[("op", op), ("attempts", attempts)]),
            "ev-failed",
        ),
    }
}

/// How many of the user's client events the page remembers.
pub const USER_LOG_MAX: usize = 50;

/// Merges the user's events from the world's (bounded, shared) client log
/// into the page's own list, so a busy background workload cannot push
/// them out of view. Events after `now` are forgotten: after a seek back
/// they are replayed (or, in a forked future, never happen). Returns
/// `None` when nothing changed.
pub fn merge_user_log(
    kept: &[ClientEvent],
    world_log: &[ClientEvent],
    now: Micros,
) -> Option<Vec<ClientEvent>> {
    let mut out: Vec<ClientEvent> = kept.iter().filter(|e| e.at <= now).cloned().collect();
    for e in world_log.iter().filter(|e| e.client == USER_CLIENT) {
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    out.sort_by_key(|e| e.at);
    if out.len() > USER_LOG_MAX {
        out.drain(..out.len() - USER_LOG_MAX);
    }
    (out.as_slice() != kept).then_some(out)
}

/// The user's newest client events, newest first.
pub fn user_lines(events: &[ClientEvent], lang: Lang) -> Vec<ClientLine> {
    events
        .iter()
        .rev()
        .filter(|e| e.client == USER_CLIENT)
        .take(CLIENT_LINES)
        .map(|e| {
            let (text, class) = describe(e, lang);
            ClientLine {
                key: format!("{}-{}-{}", e.at.0, e.seq, text),
                text,
                class,
            }
        })
        .collect()
}

/// The operation the client form describes, or `None` while the key is empty.
pub fn form_op(op: &str, key: &str, value: &str, from: &str) -> Option<KvOp> {
    let key = key.trim().to_string();
    if key.is_empty() {
        return None;
    }
    let value = value.to_string();
    Some(match op {
        "get" => KvOp::Get { key },
        "append" => KvOp::Append { key, value },
        "cas" => KvOp::Cas {
            key,
            from: from.to_string(),
            to: value,
        },
        _ => KvOp::Put { key, value },
    })
}

/// Why the user's command has no answer yet, read from the snapshot: the
/// client panel says it in words instead of leaving a silent wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// The node the command went to is crashed or paused: the client will
    /// time out and try another.
    TargetDown(NodeId),
    /// No node leads: an election has to finish first (paper §5.2).
    NoLeader,
    /// Sent to a node that is not the leader: it redirects the client.
    NotLeader {
        /// Where the command went.
        target: NodeId,
        /// Who leads.
        leader: NodeId,
    },
    /// The leader holds the command but cannot reach a majority, so the
    /// entry cannot commit (paper §5.3).
    NoMajority {
        /// The leader.
        leader: NodeId,
        /// Voters the leader can exchange messages with, itself included.
        reachable: usize,
        /// Voters in the configuration.
        voters: usize,
    },
    /// The leader reaches a majority: the entry commits once they store it.
    Replicating {
        /// Voters the leader can exchange messages with, itself included.
        reachable: usize,
        /// Voters in the configuration.
        voters: usize,
    },
}

/// Why the user's pending command waits, or `None` when nothing waits.
pub fn waiting(snap: &WorldSnapshot) -> Option<Waiting> {
    let c = snap.clients.iter().find(|c| c.is_user)?;
    c.pending.as_ref()?;
    let target = c.target?;
    let up = |id: NodeId| {
        snap.nodes
            .iter()
            .any(|n| n.id == id && n.status == NodeStatus::Up)
    };
    if !up(target) {
        return Some(Waiting::TargetDown(target));
    }
    let Some(leader) = snap.leader.filter(|l| up(*l)) else {
        return Some(Waiting::NoLeader);
    };
    if target != leader {
        return Some(Waiting::NotLeader { target, leader });
    }
    let config = &snap.nodes.iter().find(|n| n.id == leader)?.membership;
    let cut = |a: NodeId, b: NodeId| snap.cuts.contains(&(a, b)) || snap.cuts.contains(&(b, a));
    let voters = config.voters.len();
    let reachable = config
        .voters
        .iter()
        .filter(|&&v| v == leader || (up(v) && !cut(leader, v)))
        .count();
    Some(if reachable * 2 > voters {
        Waiting::Replicating { reachable, voters }
    } else {
        Waiting::NoMajority {
            leader,
            reachable,
            voters,
        }
    })
}

/// The wait in words.
pub fn describe_waiting(w: &Waiting, lang: Lang) -> String {
    match w {
        Waiting::TargetDown(node) => lang.f(K::WaitTargetDown, &[("node", node)]),
        Waiting::NoLeader => lang.t(K::WaitNoLeader).to_string(),
        Waiting::NotLeader { target, leader } => {
            lang.f(K::WaitNotLeader, &[("target", target), ("leader", leader)])
        }
        Waiting::NoMajority {
            leader,
            reachable,
            voters,
        } => lang.f(
            K::WaitNoMajority,
            &[
                ("leader", leader),
                ("reachable", reachable),
                ("voters", voters),
                ("need", &(voters / 2 + 1)),
            ],
        ),
        Waiting::Replicating { reachable, voters } => lang.f(
            K::WaitReplicating,
            &[
                ("reachable", reachable),
                ("voters", voters),
                ("need", &(voters / 2 + 1)),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::words::tests::english_words;
    use raftlab_core::{NodeId, ProposeError};
    use raftlab_sim::kv::{KvError, KvResult};

    fn client_events() -> Vec<ClientEvent> {
        let kinds = vec![
            ClientEventKind::Sent {
                node: NodeId(1),
                attempt: 1,
            },
            ClientEventKind::Redirected {
                from: NodeId(1),
                hint: Some(NodeId(2)),
            },
            ClientEventKind::Redirected {
                from: NodeId(1),
                hint: None,
            },
            ClientEventKind::TimedOut {
                node: NodeId(2),
                attempt: 2,
            },
            ClientEventKind::GaveUp { attempts: 5 },
        ]
        .into_iter()
        .chain(
            [
                ProposeError::NotLeader { leader_hint: None },
                ProposeError::TransferInProgress,
                ProposeError::ConfChangePending,
                ProposeError::InvalidConfChange("n9 is not a member".into()),
                ProposeError::NotReady("the leader has not yet committed".into()),
            ]
            .into_iter()
            .map(|reason| ClientEventKind::Rejected {
                from: NodeId(2),
                reason,
            }),
        )
        .chain(
            [
                KvResult::Ok,
                KvResult::Value("1".into()),
                KvResult::Error(KvError::KeyDoesNotExist),
                KvResult::Error(KvError::PreconditionFailed {
                    current: "2".into(),
                }),
            ]
            .into_iter()
            .map(|result| ClientEventKind::Completed {
                node: NodeId(2),
                result,
                latency: Micros(41_000),
            }),
        );
        kinds
            .map(|kind| ClientEvent {
                at: Micros(1),
                client: USER_CLIENT,
                seq: 1,
                op: "put x 1".into(),
                kind,
            })
            .collect()
    }

    /// The Chinese sentences keep no English word but the commands as
    /// typed; the check itself catches the English ones.
    #[test]
    fn chinese_client_events_have_no_english_words() {
        let events = client_events();
        let bad: Vec<(String, Vec<String>)> = events
            .iter()
            .map(|e| describe(e, Lang::Zh).0)
            .map(|s| (s.clone(), english_words(&s)))
            .filter(|(_, w)| !w.is_empty())
            .collect();
        assert!(bad.is_empty(), "English words in Chinese text: {bad:#?}");
        let caught = events
            .iter()
            .filter(|e| !english_words(&describe(e, Lang::En).0).is_empty())
            .count();
        assert_eq!(caught, events.len(), "every English sentence is flagged");
    }

    #[test]
    fn the_form_builds_each_operation() {
        assert_eq!(
            form_op("put", " x ", "1", ""),
            Some(KvOp::Put {
                key: "x".into(),
                value: "1".into()
            })
        );
        assert_eq!(
            form_op("get", "x", "", ""),
            Some(KvOp::Get { key: "x".into() })
        );
        assert_eq!(
            form_op("cas", "x", "2", "1"),
            Some(KvOp::Cas {
                key: "x".into(),
                from: "1".into(),
                to: "2".into()
            })
        );
        assert_eq!(
            form_op("append", "x", "z", ""),
            Some(KvOp::Append {
                key: "x".into(),
                value: "z".into()
            })
        );
        assert_eq!(form_op("put", "  ", "1", ""), None);
    }

    #[test]
    fn events_read_as_sentences_in_both_languages() {
        let ev = ClientEvent {
            at: Micros(1),
            client: USER_CLIENT,
            seq: 1,
            op: "put x 1".into(),
            kind: ClientEventKind::Redirected {
                from: NodeId(2),
                hint: Some(NodeId(3)),
            },
        };
        assert_eq!(
            describe(&ev, Lang::En).0,
            "put x 1: n2 is not the leader, redirected to n3"
        );
        let done = ClientEvent {
            kind: ClientEventKind::Completed {
                node: NodeId(3),
                result: KvResult::Ok,
                latency: Micros(41_000),
            },
            ..ev
        };
        let (text, class) = describe(&done, Lang::Zh);
        assert!(text.contains("n3") && text.contains("41"));
        assert_eq!(class, "ev-done");
    }

    #[test]
    fn a_user_put_completes_in_a_running_world() {
        let mut w = raftlab_sim::World::new(raftlab_sim::WorldConfig::default()).unwrap();
        w.run_until(Micros::from_ms(1_000));
        w.apply(raftlab_sim::Action::ClientRequest {
            op: KvOp::Put {
                key: "x".into(),
                value: "1".into(),
            },
            via: None,
        })
        .unwrap();
        w.run_until(Micros::from_ms(3_000));
        let s = w.snapshot();
        let log: Vec<ClientEvent> = s.client_log.to_vec();
        let kept = merge_user_log(&[], &log, s.now).expect("the user's events are new");
        assert_eq!(merge_user_log(&kept, &log, s.now), None);
        // Seeking back forgets what has not happened yet.
        assert!(merge_user_log(&kept, &[], Micros(0)).unwrap().is_empty());
        let lines = user_lines(&kept, Lang::En);
        assert!(lines.iter().any(|l| l.class == "ev-done"), "{lines:?}");
    }

    /// A leader cut off with one follower cannot commit: the panel says
    /// so with the count. Reference: Raft paper §5.3 (commit by majority).
    #[test]
    fn a_put_to_a_cut_off_leader_waits_for_a_majority() {
        use raftlab_sim::{Action, World, WorldConfig};
        use std::collections::BTreeSet;
        let mut w = World::new(WorldConfig::default()).expect("default config is valid");
        w.run_until(Micros::from_ms(2_000));
        let leader = w.leader().expect("a leader within 2 s");
        let snap = w.snapshot();
        let other = snap.nodes.iter().find(|n| n.id != leader).unwrap().id;
        let minority: BTreeSet<NodeId> = [leader, other].into();
        let rest: BTreeSet<NodeId> = snap
            .nodes
            .iter()
            .map(|n| n.id)
            .filter(|n| !minority.contains(n))
            .collect();
        w.apply(Action::Partition(vec![minority, rest])).unwrap();
        let op = form_op("put", "k", "v", "").unwrap();
        w.apply(Action::ClientRequest {
            op,
            via: Some(leader),
        })
        .unwrap();
        let now = w.snapshot().now;
        w.run_until(Micros(now.0 + 1_000));
        let wait = waiting(&w.snapshot()).expect("the put waits");
        assert_eq!(
            wait,
            Waiting::NoMajority {
                leader,
                reachable: 2,
                voters: 5
            }
        );
        let en = describe_waiting(&wait, Lang::En);
        assert!(en.contains("2 of 5 reachable"), "{en}");
        assert!(describe_waiting(&wait, Lang::Zh).contains("5 个中只有 2 个"));
        // Once the leader crashes, the wait is for the node that is down.
        w.apply(Action::Crash(leader)).unwrap();
        assert_eq!(waiting(&w.snapshot()), Some(Waiting::TargetDown(leader)));
    }
}
