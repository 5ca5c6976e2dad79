//! What the tour card shows: the progress line and the rows of "what the
//! script did", with the checks (`expect ...`) marked as holding or not.

use raftlab_core::{Micros, ProposeError};
use raftlab_sim::invariants::Invariant;
use raftlab_sim::scenario::Reply;
use raftlab_sim::tour::{topic_of, Outcome, Phase, Topic, Tour, TOPICS};
use raftlab_sim::Violation;

use crate::i18n::{Lang, K};
use crate::view_model::words::{invariant_name, propose_error, violation_line};

/// How a row of the script's outcomes is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowStatus {
    /// A check that holds (✓).
    Holds,
    /// A check that does not hold, or a directive that failed (✗).
    Failed,
    /// An action or a wait: what it did.
    Did,
}

impl RowStatus {
    /// The CSS class and the symbol.
    pub fn class_and_mark(self) -> (&'static str, &'static str) {
        match self {
            RowStatus::Holds => ("holds", "✓"),
            RowStatus::Failed => ("failed", "✗"),
            RowStatus::Did => ("did", "›"),
        }
    }
}

/// One row: the directive as written and what it gave.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeRow {
    /// The directive (`crash leader`), shown as code.
    pub code: String,
    /// Its output (`crashed n3`), or the check's verdict in the page's
    /// language.
    pub result: String,
    /// How it is drawn.
    pub status: RowStatus,
}

/// The rows for a stop's outcomes, in order.
pub fn outcome_rows(outcomes: &[Outcome], lang: Lang) -> Vec<OutcomeRow> {
    outcomes
        .iter()
        .map(|o| {
            let check = o.text.starts_with("expect ");
            let (status, result) = match &o.result {
                Ok(Reply::Failed(why)) if check => (
                    RowStatus::Failed,
                    format!("{} ({why})", lang.t(K::TourCheckFailed)),
                ),
                // A wait that ran out or an action refused: only a broken
                // tour gets here (every built-in one is tested to pass), so
                // it is shown exactly as the script runner reports it.
                Ok(Reply::Failed(_)) | Err(_) => (RowStatus::Failed, o.output()),
                Ok(_) if check => (RowStatus::Holds, lang.t(K::TourCheckOk).to_string()),
                Ok(Reply::Did(out)) if lang != Lang::En && stopped(out).is_some() => (
                    RowStatus::Did,
                    stopped(out).map_or_else(String::new, |i| {
                        lang.f(K::TourOutStopped, &[("name", &invariant_name(lang, i))])
                    }),
                ),
                Ok(Reply::Did(out) | Reply::Held(out)) => (
                    RowStatus::Did,
                    out.lines()
                        .map(|line| output_in(line, lang))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
            };
            OutcomeRow {
                code: o.text.clone(),
                result,
                status,
            }
        })
        .collect()
}

/// The invariant a run stopped at, when `out` is a wait's report of it
/// (`stopped: Linearizability violated at event ...` and the detail lines
/// under it). The page's other languages show one translated line: the
/// violation itself is explained, in the page's language, where the page
/// shows violations.
fn stopped(out: &str) -> Option<Invariant> {
    let rest = out.strip_prefix("stopped: ")?;
    Invariant::ALL
        .into_iter()
        .find(|i| rest.starts_with(&format!("{i} violated")))
}

/// One line of a directive's output (`crashed n3`, `leader n3 (term 1)`)
/// in the page's language. The scripts' transcripts are English by design
/// (they are golden files); the page translates the lines it recognises and
/// leaves the rest — log dumps like `n1: 1:t1 no-op | ~2:t1 put x 1`, which
/// read as code in any language — as they are.
pub fn output_in(line: &str, lang: Lang) -> String {
    translated(line, lang).unwrap_or_else(|| line.to_string())
}

fn translated(line: &str, lang: Lang) -> Option<String> {
    if lang == Lang::En {
        return None; // the transcript is English already
    }
    // "leader n3 (term 1)"
    if let Some(rest) = line.strip_prefix("leader ") {
        let (n, term) = rest.strip_suffix(')')?.split_once(" (term ")?;
        let (n, term) = (node(n)?, number(term)?);
        return Some(lang.f(K::TourOutLeader, &[("node", &n), ("term", &term)]));
    }
    if let Some(n) = line.strip_suffix(" is already running") {
        return on_node(lang, K::TourOutAlreadyRunning, n);
    }
    // "put x 1: sent to n1 (attempt 1)" and the rest of `show client`.
    if let Some((op, event)) = line.split_once(": ") {
        let verb = op.split(' ').next()?;
        return ["get", "put", "append", "cas"]
            .contains(&verb)
            .then(|| client_event(op, event, lang))
            .flatten();
    }
    let (verb, arg) = line.split_once(' ')?;
    match verb {
        "committed" => number(arg).map(|i| lang.f(K::TourOutCommitted, &[("index", &i)])),
        "crashed" => on_node(lang, K::TourOutCrashed, arg),
        "restarted" => on_node(lang, K::TourOutRestarted, arg),
        "paused" => on_node(lang, K::TourOutPaused, arg),
        "resumed" => on_node(lang, K::TourOutResumed, arg),
        "isolated" => on_node(lang, K::TourOutIsolated, arg),
        _ => None,
    }
}

/// One client event as `show client` prints it (the simulator's
/// `ClientEventKind` display), in the words of the client panel.
fn client_event(op: &str, event: &str, lang: Lang) -> Option<String> {
    // "(attempt 2)" / "(attempt 2); retrying"
    let attempt = |rest: &str, tail: &str| -> Option<(String, String)> {
        let (n, a) = rest.strip_suffix(tail)?.split_once(" (attempt ")?;
        Some((node(n)?, number(a)?))
    };
    if let Some(rest) = event.strip_prefix("sent to ") {
        let (n, a) = attempt(rest, ")")?;
        return Some(lang.f(K::ClientSent, &[("op", &op), ("node", &n), ("attempt", &a)]));
    }
    if let Some(rest) = event.strip_prefix("no answer from ") {
        let (n, a) = attempt(rest, "); retrying")?;
        return Some(lang.f(
            K::ClientTimedOut,
            &[("op", &op), ("node", &n), ("attempt", &a)],
        ));
    }
    if let Some((from, hint)) = event.split_once(" is not the leader; redirected to ") {
        let (from, hint) = (node(from)?, node(hint)?);
        return Some(lang.f(
            K::ClientRedirected,
            &[("op", &op), ("from", &from), ("hint", &hint)],
        ));
    }
    // "n5 refused: leadership transfer in progress"
    if let Some((from, reason)) = event.split_once(" refused: ") {
        let from = node(from)?;
        let e = [
            ProposeError::TransferInProgress,
            ProposeError::ConfChangePending,
        ]
        .into_iter()
        .find(|e| e.to_string() == reason)?;
        return Some(lang.f(
            K::ClientRejected,
            &[
                ("op", &op),
                ("from", &from),
                ("reason", &propose_error(lang, &e)),
            ],
        ));
    }
    if let Some(from) = event.strip_suffix(" is not the leader and knows none; will retry") {
        let from = node(from)?;
        return Some(lang.f(K::ClientRedirectedNone, &[("op", &op), ("from", &from)]));
    }
    if let Some(rest) = event.strip_prefix("gave up after ") {
        let attempts = number(rest.strip_suffix(" attempts (outcome unknown)")?)?;
        return Some(lang.f(K::ClientGaveUp, &[("op", &op), ("attempts", &attempts)]));
    }
    // "ok from n3 after 94 ms", "value 1 from n3 after 94 ms"
    let (result, rest) = event.split_once(" from ")?;
    let (n, ms) = rest.strip_suffix(" ms")?.split_once(" after ")?;
    let (n, ms) = (node(n)?, number(ms)?);
    let result = match result.split_once(' ') {
        None if result == "ok" => lang.t(K::ResOk).to_string(),
        Some(("value", v)) => lang.f(K::ResValue, &[("value", &v)]),
        _ => return None,
    };
    Some(lang.f(
        K::ClientCompleted,
        &[("op", &op), ("result", &result), ("node", &n), ("ms", &ms)],
    ))
}

/// `n3`, as written in transcripts.
fn node(w: &str) -> Option<String> {
    let ok = w.len() > 1 && w.starts_with('n') && w[1..].bytes().all(|b| b.is_ascii_digit());
    ok.then(|| w.to_string())
}

fn number(w: &str) -> Option<String> {
    (!w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())).then(|| w.to_string())
}

fn on_node(lang: Lang, key: K, w: &str) -> Option<String> {
    node(w).map(|n| lang.f(key, &[("node", &n)]))
}

/// "Stop 2 of 5".
pub fn progress(lang: Lang, stop: usize, stops: usize) -> String {
    lang.f(K::TourStopOf, &[("stop", &(stop + 1)), ("stops", &stops)])
}

/// Reading speed for narration: words a minute in English, characters a
/// minute in Chinese. Slow on purpose: a reader learning a protocol reads
/// slower than one skimming, and looks back at the cluster as they go.
const ENGLISH_WORDS_PER_MIN: f64 = 150.0;
const CHINESE_CHARS_PER_MIN: f64 = 250.0;
/// Time to look at a stop's outcome and the cluster before going on.
const LOOK_S: f64 = 10.0;

/// Seconds to read a stop's narration in `lang`.
fn reading_s(paragraphs: &[String], lang: Lang) -> f64 {
    match lang {
        Lang::En => {
            let words = paragraphs
                .iter()
                .map(|p| p.split_whitespace().count())
                .sum::<usize>();
            words as f64 * 60.0 / ENGLISH_WORDS_PER_MIN
        }
        Lang::Zh => {
            let chars = paragraphs
                .iter()
                .flat_map(|p| p.chars())
                .filter(|c| !c.is_whitespace())
                .count();
            chars as f64 * 60.0 / CHINESE_CHARS_PER_MIN
        }
    }
}

/// Roughly how many minutes a tour takes to follow, at least one. The
/// cluster runs while the reader reads, so each stop lasts as long as its
/// narration takes to read or its simulated time takes at `speed`,
/// whichever is longer, plus a moment to look at what happened.
/// `durations` is each stop's simulated time
/// ([`raftlab_sim::tour::stop_durations`]).
pub fn minutes(tour: &Tour, durations: &[Micros], lang: Lang, speed: f64) -> u64 {
    let seconds: f64 = tour
        .stops
        .iter()
        .zip(durations)
        .map(|(stop, sim)| {
            let run = sim.as_ms_f64() / 1000.0 / speed.max(f64::MIN_POSITIVE);
            reading_s(stop.say(lang.tag()), lang).max(run) + LOOK_S
        })
        .sum();
    ((seconds / 60.0).round() as u64).max(1)
}

/// "5 stops · about 4 min", or only the stops while the length is unknown.
pub fn length_line(lang: Lang, stops: usize, minutes: Option<u64>) -> String {
    match minutes {
        Some(min) => lang.f(K::TourLength, &[("stops", &stops), ("min", &min)]),
        None => lang.f(K::TourStops, &[("n", &stops)]),
    }
}

/// The menu's groups in course order, each with the indexes (into
/// `tours`) of its tours in order; a tour no topic lists comes last, in a
/// group of its own, rather than being hidden.
pub fn menu_groups(tours: &[Tour]) -> Vec<(Option<Topic>, Vec<usize>)> {
    let mut groups: Vec<(Option<Topic>, Vec<usize>)> = TOPICS
        .iter()
        .map(|(topic, ids)| {
            let found = ids
                .iter()
                .filter_map(|id| tours.iter().position(|t| t.id == *id))
                .collect();
            (Some(*topic), found)
        })
        .collect();
    let other: Vec<usize> = (0..tours.len())
        .filter(|&i| topic_of(&tours[i].id).is_none())
        .collect();
    groups.push((None, other));
    groups.retain(|(_, g)| !g.is_empty());
    groups
}

/// A topic's heading in the menu.
pub fn topic_name(lang: Lang, topic: Option<Topic>) -> &'static str {
    lang.t(match topic {
        Some(Topic::Election) => K::TopicElection,
        Some(Topic::Replication) => K::TopicReplication,
        Some(Topic::Safety) => K::TopicSafety,
        Some(Topic::Membership) => K::TopicMembership,
        Some(Topic::Compaction) => K::TopicCompaction,
        Some(Topic::Clients) => K::TopicClients,
        None => K::TopicOther,
    })
}

/// A topic's stable name for tests and styles (`data-testid`).
pub fn topic_slug(topic: Option<Topic>) -> &'static str {
    match topic {
        Some(Topic::Election) => "election",
        Some(Topic::Replication) => "replication",
        Some(Topic::Safety) => "safety",
        Some(Topic::Membership) => "membership",
        Some(Topic::Compaction) => "compaction",
        Some(Topic::Clients) => "clients",
        None => "other",
    }
}

/// The narration of `stop` in the page's language.
pub fn narration(tour: &Tour, stop: usize, lang: Lang) -> Vec<String> {
    tour.stops
        .get(stop)
        .map(|s| s.say(lang.tag()).to_vec())
        .unwrap_or_default()
}

/// Which buttons the card offers in a phase: (skip, next, finish).
pub fn buttons(phase: Phase) -> (bool, bool, bool) {
    match phase {
        Phase::Running => (true, false, false),
        Phase::AtRest => (false, true, false),
        Phase::Finished => (false, false, true),
    }
}

/// The index of the built-in tour with this id.
pub fn find(tours: &[Tour], id: &str) -> Option<usize> {
    tours.iter().position(|t| t.id == id)
}

/// The card's last words: the cluster is the reader's now, unless the run
/// stopped at a violation (a tour ends there): then what broke, by name.
pub fn done_line(lang: Lang, violation: Option<&Violation>) -> String {
    match violation {
        Some(v) => lang.f(
            K::TourDoneViolation,
            &[("violation", &violation_line(lang, v))],
        ),
        None => lang.t(K::TourDone).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_sim::scenario::DirectiveError;
    use raftlab_sim::tour::builtin;

    fn outcome(text: &str, reply: Reply) -> Outcome {
        Outcome {
            text: text.into(),
            result: Ok(reply),
        }
    }

    #[test]
    fn checks_are_marked_and_translated() {
        let rows = outcome_rows(
            &[
                outcome("crash leader", Reply::Did("crashed n3".into())),
                outcome("expect leader in {n1 n2}", Reply::Held("ok".into())),
                outcome("expect no leader", Reply::Failed("n2 is leader".into())),
                outcome(
                    "run until leader within 2s",
                    Reply::Failed("no leader within 2000 ms".into()),
                ),
            ],
            Lang::Zh,
        );
        assert_eq!(rows[0].status, RowStatus::Did);
        assert_eq!(rows[0].result, "n3 已崩溃");
        assert_eq!(rows[1].status, RowStatus::Holds);
        assert_eq!(rows[1].result, "成立");
        assert_eq!(rows[2].status, RowStatus::Failed);
        assert_eq!(rows[2].result, "不成立 (n2 is leader)");
        assert_eq!(rows[3].status, RowStatus::Failed);
        assert_eq!(rows[3].result, "FAILED: no leader within 2000 ms");
        let refused = Outcome {
            text: "crash leader".into(),
            result: Err(DirectiveError::NoLeader),
        };
        let rows = outcome_rows(&[refused], Lang::Zh);
        assert_eq!(rows[0].status, RowStatus::Failed);
        assert_eq!(rows[0].result, "error: there is no leader right now");
    }

    #[test]
    fn known_output_lines_are_translated_and_the_rest_kept() {
        let cases = [
            ("leader n3 (term 1)", "领导者 n3（任期 1）"),
            ("committed 12", "索引 12 已提交"),
            ("crashed n3", "n3 已崩溃"),
            ("restarted n10", "n10 已重启"),
            ("paused n1", "n1 已暂停"),
            ("resumed n1", "n1 已恢复"),
            ("isolated n2", "n2 已被隔离"),
            ("n4 is already running", "n4 已在运行"),
            (
                "put x 1: sent to n2 (attempt 3)",
                "put x 1：发往 n2（第 3 次）",
            ),
            (
                "put x 1: n1 is not the leader; redirected to n3",
                "put x 1：n1 不是领导者，重定向到 n3",
            ),
            (
                "get x: n1 is not the leader and knows none; will retry",
                "get x：n1 不是领导者且不知道谁是；重试",
            ),
            (
                "append x 2: no answer from n3 (attempt 1); retrying",
                "append x 2：n3 无回应（第 1 次）；重试",
            ),
            (
                "append x 2: ok from n5 after 1083 ms",
                "append x 2：n5 返回 成功，耗时 1083 毫秒",
            ),
            (
                "get x: value 12 from n5 after 3 ms",
                "get x：n5 返回 值 12，耗时 3 毫秒",
            ),
            (
                "cas x 1 2: gave up after 5 attempts (outcome unknown)",
                "cas x 1 2：5 次后放弃（结果未知）",
            ),
        ];
        for (en, zh) in cases {
            // English is the transcript itself, unchanged.
            assert_eq!(output_in(en, Lang::En), en);
            assert_ne!(output_in(en, Lang::Zh), en);
            assert_eq!(output_in(en, Lang::Zh), zh, "{en}");
        }
        // Lines it does not know, or that only look alike, are kept as written.
        for line in [
            "n1: 1:t1 no-op | ~2:t1 put x 1",
            "leader nobody (term 1)",
            "committed lots",
            "put x 1: sent to nobody (attempt 1)",
            "x: sent to n1 (attempt 1)",
            "crashed everything",
            "stopped: election safety violated",
            "",
        ] {
            assert_eq!(output_in(line, Lang::Zh), line);
        }
    }

    #[test]
    fn every_builtin_tour_output_reads_in_chinese_or_as_code() {
        // Play every tour to its end and look at each row the page would
        // show: a result line is either translated or a log/state dump
        // ("n1: ..."), never English prose.
        for tour in builtin().unwrap() {
            let mut world = raftlab_sim::World::new(tour.config.clone()).unwrap();
            let mut run = raftlab_sim::tour::TourRun::new(tour.clone());
            loop {
                let limit = world.now() + raftlab_core::Micros::from_ms(10_000);
                let phase = run.advance(&mut world, limit);
                if phase == Phase::Running {
                    continue;
                }
                for row in outcome_rows(&run.outcomes, Lang::Zh) {
                    for line in row.result.lines() {
                        // "n1: ..." (a node's state or log) or "m12 n1 -> n2: ..."
                        // (a message in flight) read as code.
                        let id = |h: &str, c: char| {
                            h.len() > 1
                                && h.starts_with(c)
                                && h[1..].bytes().all(|b| b.is_ascii_digit())
                        };
                        let code = line.split(':').next().is_some_and(|h| {
                            id(h, 'n') || h.split(' ').next().is_some_and(|m| id(m, 'm'))
                        });
                        let latin = line.is_ascii();
                        assert!(
                            code || !latin || line.is_empty(),
                            "{}: {:?} gave {line:?}",
                            tour.id,
                            row.code
                        );
                    }
                }
                if phase == Phase::Finished {
                    break;
                }
                let next = run.stop + 1;
                run.go_to(next);
            }
        }
    }

    #[test]
    fn a_stopped_run_and_a_refused_request_read_in_chinese() {
        let out = "stopped: Linearizability violated at event 508 (4009.975 ms): history of key \"x\" is not linearizable\n  start: x = \"2\"";
        let rows = outcome_rows(&[outcome("run 200ms", Reply::Did(out.into()))], Lang::Zh);
        assert_eq!(rows[0].result, "运行已停止：线性一致性 被违反");
        // English shows the transcript as it is, detail included.
        let rows = outcome_rows(&[outcome("run 200ms", Reply::Did(out.into()))], Lang::En);
        assert_eq!(rows[0].result, out);
        assert_eq!(
            output_in(
                "put e 5: n5 refused: leadership transfer in progress",
                Lang::Zh
            ),
            "put e 5：n5 拒绝（正在转移领导权）"
        );
        assert_eq!(
            output_in("put e 5: n5 refused: something else", Lang::Zh),
            "put e 5: n5 refused: something else"
        );
    }

    #[test]
    fn the_menu_groups_tours_by_topic_in_course_order() {
        let tours = builtin().unwrap();
        let groups = menu_groups(&tours);
        let slugs: Vec<&str> = groups.iter().map(|(t, _)| topic_slug(*t)).collect();
        assert_eq!(
            slugs,
            [
                "election",
                "replication",
                "safety",
                "membership",
                "compaction",
                "clients"
            ]
        );
        let flat: Vec<usize> = groups.iter().flat_map(|(_, g)| g.clone()).collect();
        assert_eq!(
            flat,
            (0..tours.len()).collect::<Vec<_>>(),
            "each once, in order"
        );
        assert_eq!(tours[groups[0].1[0]].id, "election");
        assert_eq!(tours[groups[5].1[2]].id, "leases");
        for (t, _) in &groups {
            assert_ne!(topic_name(Lang::En, *t), topic_name(Lang::Zh, *t));
        }
        // A tour no topic lists is shown, last, rather than hidden.
        let mut extra = tours[0].clone();
        extra.id = "homemade".into();
        let mut more = tours.clone();
        more.push(extra);
        let groups = menu_groups(&more);
        assert_eq!(groups.last().unwrap(), &(None, vec![tours.len()]));
    }

    #[test]
    fn a_tours_length_is_its_reading_or_its_running_whichever_is_longer() {
        let tours = builtin().unwrap();
        let t = &tours[find(&tours, "backoff").unwrap()];
        let d = raftlab_sim::tour::stop_durations(t).unwrap();
        let en = minutes(t, &d, Lang::En, 0.1);
        let zh = minutes(t, &d, Lang::Zh, 0.1);
        assert!((2..=8).contains(&en), "{en} min");
        assert!((2..=8).contains(&zh), "{zh} min");
        // Slower play makes it longer; a stop's running time counts.
        assert!(minutes(t, &d, Lang::En, 0.01) > en);
        // Nothing to run: only reading and looking.
        let none = vec![Micros(0); d.len()];
        assert!(minutes(t, &none, Lang::En, 0.1) <= en);
        assert_eq!(length_line(Lang::En, 5, Some(4)), "5 stops · about 4 min");
        assert_eq!(length_line(Lang::Zh, 5, Some(4)), "共 5 步 · 约 4 分钟");
        assert_eq!(length_line(Lang::En, 5, None), "5 stops");
        for tour in &tours {
            let d = raftlab_sim::tour::stop_durations(tour).unwrap();
            let m = minutes(tour, &d, Lang::En, 0.1);
            assert!((1..=15).contains(&m), "{}: {m} min", tour.id);
        }
    }

    #[test]
    fn progress_counts_from_one() {
        assert_eq!(progress(Lang::En, 0, 5), "Stop 1 of 5");
        assert_eq!(progress(Lang::Zh, 4, 5), "第 5 步，共 5 步");
    }

    #[test]
    fn narration_follows_the_language_and_tours_are_found_by_id() {
        let tours = builtin().unwrap();
        let i = find(&tours, "election").unwrap();
        let en = narration(&tours[i], 0, Lang::En);
        let zh = narration(&tours[i], 0, Lang::Zh);
        assert!(en[0].starts_with("Five servers"), "{en:?}");
        assert!(zh[0].contains("跟随者"), "{zh:?}");
        assert!(narration(&tours[i], 99, Lang::En).is_empty());
        assert_eq!(find(&tours, "nope"), None);
    }

    #[test]
    fn each_phase_offers_one_way_on() {
        assert_eq!(buttons(Phase::Running), (true, false, false));
        assert_eq!(buttons(Phase::AtRest), (false, true, false));
        assert_eq!(buttons(Phase::Finished), (false, false, true));
    }

    #[test]
    fn a_tour_that_stopped_at_a_violation_names_it_instead_of_handing_over() {
        use raftlab_sim::invariants::Detail;
        assert!(done_line(Lang::En, None).contains("yours"));
        let v = Violation {
            invariant: Invariant::Linearizability,
            detail: Detail::NotLinearizable {
                key: "x".into(),
                explanation: String::new(),
                why: None,
            },
            nodes: Vec::new(),
            index: None,
            term: None,
            event: 9,
            at: Micros(1),
        };
        let en = done_line(Lang::En, Some(&v));
        assert!(
            en.contains("Linearizability") && en.contains("violation") && !en.contains("yours"),
            "{en}"
        );
        let zh = done_line(Lang::Zh, Some(&v));
        assert!(
            zh.contains(invariant_name(Lang::Zh, Invariant::Linearizability)),
            "{zh}"
        );
    }
}
