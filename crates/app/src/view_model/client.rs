//! The client panel: the user's own operations, step by step.

use raftlab_core::Micros;
use raftlab_sim::client::{ClientEvent, ClientEventKind, USER_CLIENT};
use raftlab_sim::kv::KvOp;

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
}
