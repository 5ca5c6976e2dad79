//! What the tour card shows: the progress line and the rows of "what the
//! script did", with the checks (`expect ...`) marked as holding or not.

use raftlab_sim::tour::{Outcome, Phase, Tour};

use crate::i18n::{Lang, K};

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
            let status = if o.failed {
                RowStatus::Failed
            } else if check {
                RowStatus::Holds
            } else {
                RowStatus::Did
            };
            let result = match status {
                RowStatus::Holds => lang.t(K::TourCheckOk).to_string(),
                RowStatus::Failed if check => {
                    let why = o.output.trim_start_matches("FAILED:").trim();
                    format!("{} ({why})", lang.t(K::TourCheckFailed))
                }
                _ => o.output.clone(),
            };
            OutcomeRow {
                code: o.text.clone(),
                result,
                status,
            }
        })
        .collect()
}

/// "Stop 2 of 5".
pub fn progress(lang: Lang, stop: usize, stops: usize) -> String {
    lang.f(K::TourStopOf, &[("stop", &(stop + 1)), ("stops", &stops)])
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

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_sim::tour::builtin;

    fn outcome(text: &str, output: &str, failed: bool) -> Outcome {
        Outcome {
            text: text.into(),
            output: output.into(),
            failed,
        }
    }

    #[test]
    fn checks_are_marked_and_translated() {
        let rows = outcome_rows(
            &[
                outcome("crash leader", "crashed n3", false),
                outcome("expect leader in {n1 n2}", "ok", false),
                outcome("expect no leader", "FAILED: n2 is leader", true),
                outcome(
                    "run until leader within 2s",
                    "FAILED: no leader within 2000 ms",
                    true,
                ),
            ],
            Lang::Zh,
        );
        assert_eq!(rows[0].status, RowStatus::Did);
        assert_eq!(rows[0].result, "crashed n3");
        assert_eq!(rows[1].status, RowStatus::Holds);
        assert_eq!(rows[1].result, "成立");
        assert_eq!(rows[2].status, RowStatus::Failed);
        assert_eq!(rows[2].result, "不成立 (n2 is leader)");
        assert_eq!(rows[3].status, RowStatus::Failed);
        assert!(rows[3].result.starts_with("FAILED"));
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
}
