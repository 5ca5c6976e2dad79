//! The clients' history (as Porcupine draws it): a lane per client, each
//! operation a bar from invocation to completion with its attempts marked,
//! and the linearizability checker's verdict. When the checker finds no
//! order, the operation it cannot place, the last operations of the
//! longest order that works (its prefix) and the state the operation
//! would need are shown, each with a way to seek there.
//!
//! Built from the world's bounded recording of client operation steps
//! (which carry the checker's operation ids), so it follows the scrubber.

use std::collections::BTreeMap;

use raftlab_core::{Micros, NodeId};
use raftlab_sim::invariants::{Detail, Invariant};
use raftlab_sim::kv::{ClientId, KvError, KvOp, KvResult};
use raftlab_sim::linearizability::{OpId, Undecided, Unexplained};
use raftlab_sim::recorder::OpStep;
use raftlab_sim::WorldSnapshot;

use super::words::{kv_result, time_label};
use crate::i18n::{Lang, K};

/// How an operation ended, as far as its client knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BarEnd {
    /// Still waiting at the present.
    Pending,
    /// Answered: the result (an error result is a failed operation).
    Returned(KvResult),
    /// The client gave up after its attempts timed out: unknown.
    GaveUp,
}

/// What the checker's verdict says about an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blame {
    /// Nothing.
    None,
    /// No order of the history can place it.
    Blocked,
    /// Among the last operations of the longest order that works
    /// (1: the last placed).
    Prefix(usize),
    /// Concurrent with the blocked one and not placed: it could have gone
    /// first.
    Concurrent,
}

/// One operation, from invocation to end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpBar {
    /// The checker's id for it.
    pub id: OpId,
    /// Its client.
    pub client: ClientId,
    /// The operation.
    pub op: KvOp,
    /// Invoked.
    pub invoke: Micros,
    /// Answered or given up (`None`: pending).
    pub end_at: Option<Micros>,
    /// How it ended.
    pub end: BarEnd,
    /// Each attempt: when, to which node.
    pub attempts: Vec<(Micros, NodeId)>,
    /// What the verdict says about it.
    pub blame: Blame,
}

impl OpBar {
    /// CSS classes: outcome, and blame.
    pub fn class(&self) -> String {
        let outcome = match &self.end {
            BarEnd::Pending => "op-pending",
            BarEnd::Returned(KvResult::Error(_)) => "op-failed",
            BarEnd::Returned(_) => "op-ok",
            BarEnd::GaveUp => "op-unknown",
        };
        let blame = match self.blame {
            Blame::None => "",
            Blame::Blocked => " op-blocked",
            Blame::Prefix(_) => " op-prefix",
            Blame::Concurrent => " op-concurrent",
        };
        format!("op-bar {outcome}{blame}")
    }

    /// Where "seek here" goes: the answer, or the call if there is none.
    pub fn seek_target(&self) -> Micros {
        self.end_at.unwrap_or(self.invoke)
    }

    /// Its text: `put x 1 → ok`.
    pub fn text(&self, lang: Lang) -> String {
        match &self.end {
            BarEnd::Pending => lang.f(K::HiOpPending, &[("op", &self.op)]),
            BarEnd::Returned(r) => lang.f(
                K::HiOpReturned,
                &[("op", &self.op), ("result", &kv_result(lang, r))],
            ),
            BarEnd::GaveUp => lang.f(K::HiOpGaveUp, &[("op", &self.op)]),
        }
    }

    /// Its full name for hover and screen readers.
    pub fn title(&self, lang: Lang) -> String {
        let end = self.end_at.map_or_else(|| "…".to_string(), time_label);
        lang.f(
            K::HiOpTitle,
            &[
                ("id", &self.id),
                ("client", &client_name(lang, self.client)),
                ("text", &self.text(lang)),
                ("from", &time_label(self.invoke)),
                ("to", &end),
                ("attempts", &self.attempts.len()),
            ],
        )
    }
}

/// A client's name: `you` for the user's, `client 3` for the others.
pub fn client_name(lang: Lang, c: ClientId) -> String {
    if c == raftlab_sim::client::USER_CLIENT {
        lang.t(K::HiYou).to_string()
    } else {
        lang.f(K::HiClient, &[("id", &c.0)])
    }
}

/// Every operation whose invocation is in the recording, in id order:
/// its attempts and end joined to it.
pub fn op_bars(snap: &WorldSnapshot) -> Vec<OpBar> {
    let mut bars: BTreeMap<OpId, OpBar> = BTreeMap::new();
    for r in snap.recording.ops.iter() {
        match &r.step {
            OpStep::Invoke(op) => {
                bars.insert(
                    r.id,
                    OpBar {
                        id: r.id,
                        client: r.client,
                        op: op.clone(),
                        invoke: r.at,
                        end_at: None,
                        end: BarEnd::Pending,
                        attempts: Vec::new(),
                        blame: Blame::None,
                    },
                );
            }
            // Steps of an operation invoked before the window are left out.
            OpStep::Attempt { node, .. } => {
                if let Some(b) = bars.get_mut(&r.id) {
                    b.attempts.push((r.at, *node));
                }
            }
            OpStep::Return(result) => {
                if let Some(b) = bars.get_mut(&r.id) {
                    b.end_at = Some(r.at);
                    b.end = BarEnd::Returned(result.clone());
                }
            }
            OpStep::GaveUp => {
                if let Some(b) = bars.get_mut(&r.id) {
                    b.end_at = Some(r.at);
                    b.end = BarEnd::GaveUp;
                }
            }
        }
    }
    let mut bars: Vec<OpBar> = bars.into_values().collect();
    if let Verdict::Violated { why, .. } = verdict(snap) {
        blame(&mut bars, &why);
    }
    bars
}

fn blame(bars: &mut [OpBar], why: &Unexplained) {
    let n = why.prefix_tail.len();
    for b in bars {
        b.blame = if why.id == Some(b.id) {
            Blame::Blocked
        } else if let Some(i) = why.prefix_tail.iter().position(|id| *id == b.id) {
            Blame::Prefix(n - i)
        } else if why.concurrent.contains(&b.id) {
            Blame::Concurrent
        } else {
            Blame::None
        };
    }
}

/// The linearizability verdict at the present.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Every operation so far has a place in one order.
    Holds,
    /// A search ran out of budget: neither a pass nor a violation.
    Undecided(Undecided),
    /// No order explains the history of `key`.
    Violated {
        /// The key.
        key: String,
        /// What the checker found, as data.
        why: Box<Unexplained>,
    },
}

/// The verdict the snapshot carries.
pub fn verdict(snap: &WorldSnapshot) -> Verdict {
    if let Some(v) = &snap.violation {
        if v.invariant == Invariant::Linearizability {
            if let Detail::NotLinearizable {
                key,
                why: Some(why),
                ..
            } = &v.detail
            {
                return Verdict::Violated {
                    key: key.clone(),
                    why: why.clone(),
                };
            }
        }
    }
    if let Some(u) = &snap.linearizability_undecided {
        return Verdict::Undecided(u.clone());
    }
    Verdict::Holds
}

/// The value the key would have to hold for the operation's answer to be
/// right (Porcupine shows the state a placement needs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Needs {
    /// This value.
    Value(String),
    /// No value: the key unset.
    Unset,
    /// Any value but this one.
    Not(String),
    /// Any state would do: the operation cannot be placed because of when
    /// it ran, not what it answered.
    Anything,
}

/// What `op` needed to answer `result`.
pub fn needs(op: &KvOp, result: Option<&KvResult>) -> Needs {
    match (op, result) {
        (KvOp::Get { .. }, Some(KvResult::Value(v))) => Needs::Value(v.clone()),
        (_, Some(KvResult::Error(KvError::KeyDoesNotExist))) => Needs::Unset,
        (KvOp::Cas { from, .. }, Some(KvResult::Ok)) => Needs::Value(from.clone()),
        (
            KvOp::Cas { from, .. },
            Some(KvResult::Error(KvError::PreconditionFailed { current })),
        ) => {
            if current == from {
                Needs::Not(from.clone())
            } else {
                Needs::Value(current.clone())
            }
        }
        _ => Needs::Anything,
    }
}

/// The lines of a violation's explanation, worded.
pub fn explain(lang: Lang, key: &str, why: &Unexplained) -> Vec<String> {
    let result = why.complete.as_ref().map(|(_, r)| r);
    let op = match result {
        Some(r) => lang.f(
            K::HiOpReturned,
            &[("op", &why.op), ("result", &kv_result(lang, r))],
        ),
        None => lang.f(K::HiOpGaveUp, &[("op", &why.op)]),
    };
    let id = why.id.map_or_else(String::new, |i| i.to_string());
    let state = match &why.state {
        Some(v) => lang.f(K::HiStateValue, &[("key", &key), ("value", v)]),
        None => lang.f(K::HiStateUnset, &[("key", &key)]),
    };
    let needed = match needs(&why.op, result) {
        Needs::Value(v) => lang.f(K::HiStateValue, &[("key", &key), ("value", &v)]),
        Needs::Unset => lang.f(K::HiStateUnset, &[("key", &key)]),
        Needs::Not(v) => lang.f(K::HiStateNot, &[("key", &key), ("value", &v)]),
        Needs::Anything => lang.t(K::HiStateAnything).to_string(),
    };
    vec![
        lang.f(K::HiBlocked, &[("id", &id), ("op", &op), ("key", &key)]),
        lang.f(K::HiPrefix, &[("placed", &why.placed)]),
        lang.f(K::HiStateThere, &[("state", &state)]),
        lang.f(K::HiStateNeeded, &[("state", &needed)]),
    ]
}

/// A client lane: its operations in invocation order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientLane {
    /// The client.
    pub client: ClientId,
    /// Its operations that overlap the window.
    pub bars: Vec<OpBar>,
}

/// The operations overlapping `from..=to`, one lane per client (the
/// user's first).
pub fn lanes(bars: &[OpBar], from: Micros, to: Micros) -> Vec<ClientLane> {
    let mut by: BTreeMap<ClientId, Vec<OpBar>> = BTreeMap::new();
    for b in bars {
        let end = b.end_at.unwrap_or(to);
        if b.invoke <= to && end >= from {
            by.entry(b.client).or_default().push(b.clone());
        }
    }
    by.into_iter()
        .map(|(client, bars)| ClientLane { client, bars })
        .collect()
}

/// The screen-reader summary of what the history window shows.
pub fn summary(
    lang: Lang,
    lanes: &[ClientLane],
    verdict: &Verdict,
    from: Micros,
    to: Micros,
) -> String {
    let all = lanes.iter().flat_map(|l| l.bars.iter());
    let (mut ok, mut failed, mut unknown, mut pending) = (0, 0, 0, 0);
    for b in all {
        match &b.end {
            BarEnd::Returned(KvResult::Error(_)) => failed += 1,
            BarEnd::Returned(_) => ok += 1,
            BarEnd::GaveUp => unknown += 1,
            BarEnd::Pending => pending += 1,
        }
    }
    let verdict = verdict_text(lang, verdict);
    lang.f(
        K::HiSummary,
        &[
            ("from", &time_label(from)),
            ("to", &time_label(to)),
            ("clients", &lanes.len()),
            ("ok", &ok),
            ("failed", &failed),
            ("unknown", &unknown),
            ("pending", &pending),
            ("verdict", &verdict),
        ],
    )
}

/// The verdict in one line.
pub fn verdict_text(lang: Lang, v: &Verdict) -> String {
    match v {
        Verdict::Holds => lang.t(K::HiHolds).to_string(),
        Verdict::Undecided(u) => lang.f(
            K::HiUndecided,
            &[("key", &u.key), ("at", &time_label(Micros(u.at_us)))],
        ),
        Verdict::Violated { key, .. } => lang.f(K::HiViolated, &[("key", key)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_sim::linearizability::Outcome;
    use raftlab_sim::{Action, World, WorldConfig};
    use std::collections::BTreeSet;

    /// The bars are the checker's operations: same id, client, operation,
    /// call time and outcome, every one of them.
    #[test]
    fn bars_match_the_checkers_operations() {
        let mut config = WorldConfig {
            seed: 11,
            ..WorldConfig::default()
        };
        config.workload.ops_per_sec = 30.0;
        config.client_timeout = Micros::from_ms(150);
        let mut w = World::new(config).unwrap();
        assert!(w.set_keep_history(true));
        w.run_until(Micros::from_ms(1_500));
        let leader = w.leader().unwrap();
        w.apply(Action::Crash(leader)).unwrap();
        w.run_until(Micros::from_ms(3_000));
        let snap = w.snapshot();
        let bars = op_bars(&snap);
        let history = w.kept_history().unwrap();
        assert_eq!(bars.len(), history.len());
        let (mut gave_up, mut pending) = (0, 0);
        for b in &bars {
            let op = history.op(b.id).unwrap();
            assert_eq!(
                (b.client, &b.op, b.invoke.0),
                (op.client, &op.op, op.invoke_us)
            );
            match (&op.outcome, &b.end, b.end_at) {
                (
                    Outcome::Ok {
                        result,
                        complete_us,
                    },
                    BarEnd::Returned(r),
                    Some(t),
                ) => {
                    assert_eq!((result, *complete_us), (r, t.0))
                }
                (Outcome::Unknown, BarEnd::GaveUp, Some(_)) => gave_up += 1,
                (Outcome::Pending, BarEnd::Pending, None) => pending += 1,
                other => panic!("{}: {other:?}", b.id),
            }
            assert!(!b.attempts.is_empty() && b.attempts[0].0 == b.invoke);
            assert_eq!(b.blame, Blame::None);
        }
        assert!(
            gave_up + pending > 0,
            "the crash left no operation unanswered"
        );
        let lanes = lanes(&bars, Micros(0), snap.now);
        assert_eq!(
            lanes.iter().map(|l| l.bars.len()).sum::<usize>(),
            bars.len()
        );
        assert_eq!(verdict(&snap), Verdict::Holds);
    }

    /// A leader cut off from the others keeps serving ReadIndex reads
    /// without a quorum (bug switch `read_index_without_quorum`): after a
    /// new leader commits `put x 2`, the old one answers `get x` with 1.
    /// The history view names the read the checker could not place, the
    /// state the longest order reaches and the state the read needed.
    /// Reference: Raft thesis §6.4.
    #[test]
    fn a_stale_read_shows_the_operation_the_checker_names() {
        let mut config = WorldConfig {
            seed: 5,
            ..WorldConfig::default()
        };
        config.raft.bugs.read_index_without_quorum = true;
        config.workload.ops_per_sec = 0.0;
        let mut w = World::new(config).unwrap();
        w.run_until(Micros::from_ms(1_500));
        let old = w.leader().unwrap();
        let put = |v: &str| Action::ClientRequest {
            op: KvOp::Put {
                key: "x".into(),
                value: v.into(),
            },
            via: None,
        };
        w.apply(put("1")).unwrap();
        w.run_until(Micros::from_ms(2_000));
        w.apply(Action::Partition(vec![BTreeSet::from([old])]))
            .unwrap();
        w.run_until(Micros::from_ms(4_000));
        let new = w.leader().unwrap();
        assert_ne!(new, old);
        w.apply(Action::ClientRequest {
            op: KvOp::Put {
                key: "x".into(),
                value: "2".into(),
            },
            via: Some(new),
        })
        .unwrap();
        w.run_until(Micros::from_ms(4_500));
        w.apply(Action::ClientRequest {
            op: KvOp::Get { key: "x".into() },
            via: Some(old),
        })
        .unwrap();
        w.run_until(Micros::from_ms(5_000));
        let snap = w.snapshot();
        let Verdict::Violated { key, why } = verdict(&snap) else {
            panic!("no violation: {:?}", snap.violation);
        };
        assert_eq!(key, "x");
        let named = why.id.expect("the checker names the operation");
        let bars = op_bars(&snap);
        let blocked: Vec<&OpBar> = bars.iter().filter(|b| b.blame == Blame::Blocked).collect();
        assert_eq!(blocked.len(), 1);
        assert_eq!(blocked[0].id, named);
        assert_eq!(blocked[0].op, KvOp::Get { key: "x".into() });
        assert_eq!(
            blocked[0].end,
            BarEnd::Returned(KvResult::Value("1".into()))
        );
        assert!(blocked[0].class().contains("op-blocked"));
        // The prefix ends with the put of 2; the read needed x = 1.
        let last = bars.iter().find(|b| b.blame == Blame::Prefix(1)).unwrap();
        assert_eq!(
            last.op,
            KvOp::Put {
                key: "x".into(),
                value: "2".into()
            }
        );
        let lines = explain(Lang::En, &key, &why);
        assert!(
            lines[0].contains(&named.to_string()) && lines[0].contains("get x"),
            "{lines:?}"
        );
        assert_eq!(lines[2], "State there: x = 2");
        assert_eq!(lines[3], "It would need: x = 1");
        let zh = explain(Lang::Zh, &key, &why);
        assert!(zh[3].contains("x 的值为 1"), "{zh:?}");
    }

    /// The panel's Chinese text keeps no English word but the commands;
    /// the check itself catches the English text.
    #[test]
    fn chinese_history_text_has_no_english_words() {
        use crate::view_model::words::tests::english_words;
        let why = Unexplained {
            op: KvOp::Get { key: "x".into() },
            invoke_us: 1_000,
            complete: Some((2_000, KvResult::Value("1".into()))),
            placed: 3,
            state: Some("2".into()),
            id: Some(OpId(7)),
            prefix_tail: vec![OpId(5), OpId(6)],
            concurrent: vec![OpId(8)],
        };
        let bars = [
            BarEnd::Pending,
            BarEnd::GaveUp,
            BarEnd::Returned(KvResult::Ok),
        ]
        .map(|end| OpBar {
            id: OpId(1),
            client: ClientId(2),
            op: KvOp::Put {
                key: "x".into(),
                value: "1".into(),
            },
            invoke: Micros(5),
            end_at: None,
            end,
            attempts: vec![(Micros(5), NodeId(1))],
            blame: Blame::None,
        });
        let lanes = vec![ClientLane {
            client: ClientId(0),
            bars: bars.to_vec(),
        }];
        let verdicts = [
            Verdict::Holds,
            Verdict::Violated {
                key: "x".into(),
                why: Box::new(why.clone()),
            },
        ];
        let text = |lang: Lang| {
            let mut out = explain(lang, "x", &why);
            out.extend(bars.iter().map(|b| b.title(lang)));
            out.extend(
                verdicts
                    .iter()
                    .map(|v| summary(lang, &lanes, v, Micros(0), Micros(9))),
            );
            out
        };
        let bad: Vec<_> = text(Lang::Zh)
            .into_iter()
            .filter(|s| !english_words(s).is_empty())
            .collect();
        assert!(bad.is_empty(), "English words in Chinese text: {bad:#?}");
        assert!(text(Lang::En).iter().all(|s| !english_words(s).is_empty()));
    }

    #[test]
    fn what_an_answer_needs() {
        let cas = KvOp::Cas {
            key: "k".into(),
            from: "a".into(),
            to: "b".into(),
        };
        assert_eq!(needs(&cas, Some(&KvResult::Ok)), Needs::Value("a".into()));
        let failed = KvResult::Error(KvError::PreconditionFailed {
            current: "c".into(),
        });
        assert_eq!(needs(&cas, Some(&failed)), Needs::Value("c".into()));
        let get = KvOp::Get { key: "k".into() };
        let none = KvResult::Error(KvError::KeyDoesNotExist);
        assert_eq!(needs(&get, Some(&none)), Needs::Unset);
        assert_eq!(needs(&get, None), Needs::Anything);
    }
}
