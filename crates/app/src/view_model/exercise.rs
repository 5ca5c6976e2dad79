//! Classroom exercises and hand-driven delivery as the page shows them:
//! problems of an exercise file worded in both languages, the goal rows,
//! the score lines, each node's queue of held messages, the solved set kept
//! in the browser, and the base64url text that carries a teacher's file in
//! a link. Pure functions, tested natively.

use std::collections::BTreeSet;

use raftlab_core::{Micros, NodeId};
use raftlab_sim::exercise::{ExerciseError, Problem, Score};
use raftlab_sim::script::kind_name as script_kind;
#[cfg(test)]
use raftlab_sim::script::Tool;
use raftlab_sim::{MsgId, WorldSnapshot};

use crate::i18n::{Lang, K};
use crate::view_model::words::message_summary;
pub use crate::view_model::words::tool_name;

/// Milliseconds as the panel shows them (`1083.8`).
pub fn ms(t: Micros) -> String {
    let v = t.as_ms_f64();
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn lang_name(lang: Lang, tag: &str) -> &'static str {
    lang.t(if tag == "zh" {
        K::ExLangZh
    } else {
        K::ExLangEn
    })
}

/// One problem of an exercise file, with its line, in `lang`.
pub fn problem_text(lang: Lang, e: &ExerciseError) -> String {
    let what = match &e.problem {
        Problem::Script(m) => lang.f(K::ExPScript, &[("detail", m)]),
        Problem::NoTitle(tag) => lang.f(
            K::ExPNoTitle,
            &[("lang", &lang_name(lang, tag)), ("tag", tag)],
        ),
        Problem::NoText(tag) => lang.f(
            K::ExPNoText,
            &[("lang", &lang_name(lang, tag)), ("tag", tag)],
        ),
        Problem::HintsUnpaired { en, zh } => lang.f(K::ExPHints, &[("en", en), ("zh", zh)]),
        Problem::NoTrack => lang.t(K::ExPNoTrack).to_string(),
        Problem::Twice(what) => lang.f(K::ExPTwice, &[("what", what)]),
        Problem::NoTools => lang.t(K::ExPNoTools).to_string(),
        Problem::NoLimit(what) => lang.f(K::ExPNoLimit, &[("what", what)]),
        Problem::NoGoal => lang.t(K::ExPNoGoal).to_string(),
        Problem::NoSolution => lang.t(K::ExPNoSolution).to_string(),
        Problem::SetupTooLate => lang.t(K::ExPSetupLate).to_string(),
        Problem::Narration => lang.t(K::ExPNarration).to_string(),
        Problem::Config(d) => lang.f(K::ExPConfig, &[("detail", d)]),
        Problem::StartFailed(d) => lang.f(K::ExPStartFailed, &[("detail", d)]),
        Problem::StartReachesGoal => lang.t(K::ExPStartReaches).to_string(),
        Problem::SolutionFailed(d) => lang.f(K::ExPSolutionFailed, &[("detail", d)]),
        Problem::SolutionNotAllowed(t) => {
            lang.f(K::ExPSolutionTool, &[("tool", &tool_name(lang, *t))])
        }
        Problem::SolutionMissesGoal => lang.t(K::ExPSolutionMisses).to_string(),
        Problem::SolutionTooManyActions { used, limit } => {
            lang.f(K::ExPSolutionActions, &[("used", used), ("limit", limit)])
        }
        Problem::SolutionTooSlow { used, limit } => lang.f(
            K::ExPSolutionSlow,
            &[("used", &ms(*used)), ("limit", &ms(*limit))],
        ),
    };
    match (e.line, e.column) {
        (0, _) => what,
        (line, 0) => lang.f(K::ExLine, &[("line", &line), ("what", &what)]),
        (line, col) => lang.f(
            K::ExLineCol,
            &[("line", &line), ("col", &col), ("what", &what)],
        ),
    }
}

/// The score line once the goal holds.
pub fn solved_line(lang: Lang, s: Score, reference: Score) -> String {
    lang.f(
        K::ExSolvedBanner,
        &[
            ("actions", &s.actions),
            ("ms", &ms(s.time)),
            ("ref_actions", &reference.actions),
            ("ref_ms", &ms(reference.time)),
        ],
    )
}

/// One held message in a node's queue.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldRow {
    /// Its id (the buttons act on it).
    pub id: MsgId,
    /// The sender.
    pub from: NodeId,
    /// The script's name of its kind (`vote`, `append-reply`), for tests
    /// and for teachers writing solutions.
    pub kind: &'static str,
    /// What it says, in the page's language.
    pub text: String,
}

/// One node's queue under hand-driven delivery.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueView {
    /// The receiver.
    pub node: NodeId,
    /// When its timer fires, worded; `None` without a timer.
    pub timer: Option<String>,
    /// Its held messages, oldest first.
    pub held: Vec<HeldRow>,
}

/// Each node's queue, from the snapshot (empty when hand-driven delivery
/// is off).
pub fn queues(snap: &WorldSnapshot, lang: Lang) -> Vec<QueueView> {
    let Some(hand) = &snap.hand else {
        return Vec::new();
    };
    hand.queues
        .iter()
        .map(|q| QueueView {
            node: q.node,
            timer: q
                .timer_at
                .map(|t| lang.f(K::HandTimerAt, &[("ms", &ms(t))])),
            held: q
                .incoming
                .iter()
                .filter_map(|id| snap.messages.iter().find(|m| m.id == *id))
                .map(|m| HeldRow {
                    id: m.id,
                    from: m.from,
                    kind: script_kind(m.kind),
                    text: message_summary(lang, m),
                })
                .collect(),
        })
        .collect()
}

/// The solved set as stored in the browser (a JSON list of ids).
pub fn solved_to_json(ids: &BTreeSet<String>) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

/// The solved set read back; anything unreadable counts as none solved.
pub fn solved_from_json(s: &str) -> BTreeSet<String> {
    serde_json::from_str::<Vec<String>>(s)
        .map(|v| v.into_iter().filter(|id| id.len() <= 64).collect())
        .unwrap_or_default()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Most bytes of exercise file a link may carry (a long exercise is a few
/// kilobytes).
pub const LINK_FILE_MAX_BYTES: usize = 64 * 1024;

/// Text as unpadded base64url (RFC 4648 §5), to carry a file in a link.
pub fn base64url_encode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Base64url (padding optional) back to UTF-8 text; `None` if it is not
/// base64url, not UTF-8, or longer than [`LINK_FILE_MAX_BYTES`].
pub fn base64url_decode(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('=');
    if s.len() / 4 * 3 > LINK_FILE_MAX_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::words::tests::english_words;
    use raftlab_sim::exercise::{builtin, parse_exercise, BUILTIN};
    use raftlab_sim::{Action, World};

    #[test]
    fn a_file_survives_the_link() {
        for (_, text) in BUILTIN {
            let enc = base64url_encode(text);
            assert!(enc.bytes().all(|c| B64.contains(&c)));
            assert_eq!(base64url_decode(&enc).as_deref(), Some(*text));
        }
        assert_eq!(base64url_encode("ab"), "YWI");
        assert_eq!(base64url_decode("YWI=").as_deref(), Some("ab"));
        assert_eq!(base64url_decode("not base64!"), None);
        assert_eq!(base64url_decode(&"A".repeat(200_000)), None);
    }

    #[test]
    fn problems_are_worded_in_both_languages_with_their_line() {
        let good = BUILTIN[0].1;
        let bad = good.replace("allow client crash restart", "allow client crahs");
        let e = parse_exercise("x", &bad).unwrap_err();
        assert!(
            problem_text(Lang::En, &e).starts_with("Line 7, column 14: this line cannot be read")
        );
        assert!(problem_text(Lang::Zh, &e).starts_with("第 7 行第 14 列：这一行无法解析"));
        let no_zh = good.replace("exercise zh 两台服务器宕机时提交\n", "");
        let e = parse_exercise("x", &no_zh).unwrap_err();
        assert_eq!(problem_text(Lang::Zh, &e), "缺少中文标题（exercise zh …）");
        // Every problem has Chinese words of its own.
        let all = [
            Problem::NoTitle("en".into()),
            Problem::NoText("zh".into()),
            Problem::HintsUnpaired { en: 2, zh: 1 },
            Problem::NoTrack,
            Problem::Twice("track".into()),
            Problem::NoTools,
            Problem::NoLimit("time".into()),
            Problem::NoGoal,
            Problem::NoSolution,
            Problem::SetupTooLate,
            Problem::Narration,
            Problem::StartReachesGoal,
            Problem::SolutionNotAllowed(Tool::Crash),
            Problem::SolutionMissesGoal,
            Problem::SolutionTooManyActions { used: 9, limit: 3 },
            Problem::SolutionTooSlow {
                used: Micros(9_000),
                limit: Micros(3_000),
            },
        ];
        let kept = [
            "exercise", "text", "track", "allow", "limit", "goal", "solution", "nodes", "seed",
            "set", "say", "tour", "make", "it", "work", "break", "time", "zh", "en",
        ];
        for p in all {
            let e = ExerciseError {
                line: 3,
                column: 0,
                problem: p,
            };
            let zh = problem_text(Lang::Zh, &e);
            let bad: Vec<String> = english_words(&zh)
                .into_iter()
                .filter(|w| !kept.contains(&w.as_str()))
                .collect();
            assert!(bad.is_empty(), "{zh}: {bad:?}");
            assert!(zh.starts_with("第 3 行："), "{zh}");
            assert_ne!(zh, problem_text(Lang::En, &e));
        }
    }

    #[test]
    fn every_tool_has_words_in_both_languages() {
        for t in Tool::ALL {
            let (en, zh) = (tool_name(Lang::En, t), tool_name(Lang::Zh, t));
            assert_ne!(en, zh);
            assert!(english_words(zh).is_empty(), "{zh}");
        }
    }

    #[test]
    fn queues_list_held_messages_per_receiver() {
        let ex = builtin()
            .unwrap()
            .into_iter()
            .find(|e| e.id == "vote-by-hand")
            .unwrap();
        let mut w = World::new(ex.config.clone()).unwrap();
        assert!(queues(&w.snapshot(), Lang::En)
            .iter()
            .all(|q| q.held.is_empty()));
        w.apply(Action::FireTimer(NodeId(3))).unwrap();
        let qs = queues(&w.snapshot(), Lang::Zh);
        assert_eq!(qs.len(), 5);
        let q1 = qs.iter().find(|q| q.node == NodeId(1)).unwrap();
        assert_eq!(q1.held.len(), 1);
        assert_eq!((q1.held[0].from, q1.held[0].kind), (NodeId(3), "vote"));
        assert!(q1.timer.as_deref().unwrap().contains("毫秒"));
        assert!(qs
            .iter()
            .find(|q| q.node == NodeId(3))
            .unwrap()
            .held
            .is_empty());
    }

    #[test]
    fn the_solved_set_round_trips_and_shrugs_off_junk() {
        let ids: BTreeSet<String> = ["two-down".to_string(), "figure8".to_string()].into();
        assert_eq!(solved_from_json(&solved_to_json(&ids)), ids);
        assert!(solved_from_json("{not json").is_empty());
    }

    #[test]
    fn the_solved_line_compares_with_the_reference() {
        let s = Score {
            actions: 7,
            time: Micros(12_500),
        };
        let r = Score {
            actions: 5,
            time: Micros(9_000),
        };
        assert_eq!(
            solved_line(Lang::En, s, r),
            "Goal reached with 7 actions and 12.5 ms. The reference solution takes 5 actions and 9 ms."
        );
        assert!(solved_line(Lang::Zh, s, r).contains("参考解法"));
    }
}
