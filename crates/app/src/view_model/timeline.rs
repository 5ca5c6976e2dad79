//! Marks on the time scrubber: elections, commits, faults, violations.

use raftlab_core::Micros;
use raftlab_sim::{Marker, MarkerKind};

use super::words;
/// The clock and the scrubber show times as the marks do.
pub use super::words::time_label;
use crate::i18n::{Lang, K};

/// How many distinct horizontal slots the scrubber has for marks; marks of
/// one kind in the same slot are merged so a long run stays readable.
pub const MARK_SLOTS: usize = 300;

/// One mark.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkView {
    /// `mark-election`, `mark-commit`, `mark-fault`, `mark-violation`.
    pub class: &'static str,
    /// Tooltip.
    pub title: String,
    /// The time to seek to when clicked.
    pub at: Micros,
}

/// Fraction of the run, in percent, for time `t` on a run that reached `head`.
pub fn pct(t: Micros, head: Micros) -> f64 {
    if head.0 == 0 {
        0.0
    } else {
        (t.0 as f64 / head.0 as f64 * 100.0).clamp(0.0, 100.0)
    }
}

/// The marks to draw, merged per slot and kind, elections and faults above commits.
pub fn mark_views(markers: &[Marker], head: Micros, lang: Lang) -> Vec<MarkView> {
    // Each mark with its kind's slot row (0 elections, 1 commits, 2 faults,
    // 3 violations), so the order below needs no class string.
    let mut out: Vec<(usize, MarkView)> = Vec::new();
    let mut last_slot: [Option<usize>; 4] = [None; 4];
    for m in markers {
        let (k, class, title) = match &m.kind {
            MarkerKind::LeaderElected { node, term } => (
                0,
                "mark-election",
                lang.f(K::MarkerElection, &[("node", node), ("term", term)]),
            ),
            MarkerKind::Commit { index } => (
                1,
                "mark-commit",
                lang.f(K::MarkerCommit, &[("index", index)]),
            ),
            MarkerKind::Fault(a) => (2, "mark-fault", words::action(lang, a)),
            MarkerKind::Violation(v) => (3, "mark-violation", words::violation_line(lang, v)),
        };
        let p = pct(m.at, head);
        let slot = (p / 100.0 * MARK_SLOTS as f64) as usize;
        if last_slot[k] == Some(slot) {
            continue;
        }
        last_slot[k] = Some(slot);
        out.push((
            k,
            MarkView {
                class,
                title,
                at: m.at,
            },
        ));
    }
    // Commits first so the rarer marks are drawn on top.
    out.sort_by_key(|(k, _)| *k != 1);
    out.into_iter().map(|(_, m)| m).collect()
}

/// One line of the "what just happened" list.
#[derive(Clone, Debug, PartialEq)]
pub struct RecentView {
    /// `1.234 s`.
    pub time: String,
    /// The sentence.
    pub text: String,
    /// Same classes as the marks.
    pub class: &'static str,
}

/// The newest `n` elections, faults and violations at or before `now`
/// (commits are too frequent to list), newest first.
pub fn recent(markers: &[Marker], now: Micros, lang: Lang, n: usize) -> Vec<RecentView> {
    markers
        .iter()
        .rev()
        .filter(|m| m.at <= now && !matches!(m.kind, MarkerKind::Commit { .. }))
        .take(n)
        .map(|m| {
            let (text, class) = match &m.kind {
                MarkerKind::LeaderElected { node, term } => (
                    lang.f(K::MarkerElection, &[("node", node), ("term", term)]),
                    "mark-election",
                ),
                MarkerKind::Fault(a) => (words::action(lang, a), "mark-fault"),
                MarkerKind::Violation(v) => (words::violation_line(lang, v), "mark-violation"),
                MarkerKind::Commit { index } => {
                    (lang.f(K::MarkerCommit, &[("index", index)]), "mark-commit")
                }
            };
            RecentView {
                time: time_label(m.at),
                text,
                class,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_core::{LogIndex, NodeId, Term};
    use raftlab_sim::Action;

    fn mark(at: u64, kind: MarkerKind) -> Marker {
        Marker {
            at: Micros(at),
            event: at,
            kind,
        }
    }

    #[test]
    fn pct_maps_the_run_onto_the_bar() {
        assert_eq!(pct(Micros(0), Micros(0)), 0.0);
        assert_eq!(pct(Micros(50), Micros(200)), 25.0);
        assert_eq!(pct(Micros(300), Micros(200)), 100.0);
    }

    #[test]
    fn marks_in_one_slot_merge_and_rare_kinds_are_drawn_last() {
        let ms = vec![
            mark(
                1_000,
                MarkerKind::LeaderElected {
                    node: NodeId(2),
                    term: Term(1),
                },
            ),
            mark(1_001, MarkerKind::Commit { index: LogIndex(1) }),
            mark(1_002, MarkerKind::Commit { index: LogIndex(2) }),
            mark(500_000, MarkerKind::Fault(Action::Crash(NodeId(2)))),
            mark(900_000, MarkerKind::Commit { index: LogIndex(3) }),
        ];
        let v = mark_views(&ms, Micros(1_000_000), Lang::En);
        assert_eq!(v.len(), 4);
        assert_eq!(v[0].class, "mark-commit");
        assert_eq!(v[0].title, "committed up to 1");
        assert_eq!(v.last().unwrap().class, "mark-fault");
        assert!(v.iter().any(|m| m.title == "n2 elected leader of term 1"));
    }

    #[test]
    fn recent_lists_newest_non_commit_events_up_to_now() {
        let ms = vec![
            mark(
                1_000,
                MarkerKind::LeaderElected {
                    node: NodeId(2),
                    term: Term(1),
                },
            ),
            mark(2_000, MarkerKind::Commit { index: LogIndex(1) }),
            mark(3_000, MarkerKind::Fault(Action::Crash(NodeId(2)))),
            mark(9_000, MarkerKind::Fault(Action::Restart(NodeId(2)))),
        ];
        let r = recent(&ms, Micros(5_000), Lang::En, 5);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text, "crash n2");
        assert_eq!(r[1].text, "n2 elected leader of term 1");
    }

    #[test]
    fn time_label_has_milliseconds() {
        assert_eq!(time_label(Micros(1_234_567)), "1.235 s");
    }
}
