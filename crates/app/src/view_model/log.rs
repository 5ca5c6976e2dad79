//! The log view: one row per node, one cell per index.

use raftlab_core::{NodeId, Role};
use raftlab_sim::snapshot::EntryKind;
use raftlab_sim::{NodeStatus, WorldSnapshot};

use crate::i18n::{Lang, K};

/// How many indexes the log view shows: a fixed page that fits a desktop
/// panel without scrolling.
pub const LOG_COLUMNS: u64 = 20;

/// How far the page turns when the newest entry passes its right edge: half
/// a page, so the entries just before the newest stay in view.
pub const LOG_PAGE_STEP: u64 = LOG_COLUMNS / 2;

/// What one cell shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// An entry.
    Entry {
        /// Its term.
        term: u64,
        /// `put a 3`, `no-op`, ...
        label: String,
        /// At or below the node's commit index.
        committed: bool,
        /// No-op, command or configuration change.
        kind: EntryKind,
    },
    /// Compacted into the snapshot.
    Compacted,
    /// Beyond the node's last index.
    Empty,
    /// In the log but older than what the snapshot carries.
    Unknown,
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellView {
    /// Log index.
    pub index: u64,
    /// Content.
    pub kind: CellKind,
    /// The leader's nextIndex for this row's node points here.
    pub next: bool,
    /// The leader's matchIndex for this row's node points here.
    pub matched: bool,
}

impl CellView {
    /// CSS classes.
    pub fn class(&self) -> String {
        let mut c = match &self.kind {
            CellKind::Entry {
                term,
                committed,
                kind,
                ..
            } => format!(
                "cell entry term-c{} {} {}",
                term % 8,
                if *committed {
                    "committed"
                } else {
                    "uncommitted"
                },
                match kind {
                    EntryKind::Noop => "noop",
                    EntryKind::Command => "command",
                    EntryKind::Config => "config",
                }
            ),
            CellKind::Compacted => "cell compacted".to_string(),
            CellKind::Empty => "cell empty".to_string(),
            CellKind::Unknown => "cell unknown".to_string(),
        };
        if self.next {
            c.push_str(" is-next");
        }
        if self.matched {
            c.push_str(" is-match");
        }
        c
    }

    /// Tooltip: the entry, then the leader's markers that point here.
    pub fn title(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let CellKind::Entry {
            term,
            label,
            committed,
            ..
        } = &self.kind
        {
            parts.push(lang.f(
                K::LogEntryTitle,
                &[
                    ("index", &self.index),
                    ("term", term),
                    ("label", label),
                    (
                        "state",
                        &lang.t(if *committed {
                            K::LogCommitted
                        } else {
                            K::LogUncommitted
                        }),
                    ),
                ],
            ));
        }
        if self.next {
            parts.push(lang.t(K::LogNextTitle).to_string());
        }
        if self.matched {
            parts.push(lang.t(K::LogMatchTitle).to_string());
        }
        parts.join("; ")
    }
}

/// How wide a cell's label may be, in half-width characters (a CJK
/// character counts two). Cells clip nothing themselves: a clip per cell
/// made the browser's compositing step cost a millisecond every frame.
pub const LABEL_UNITS: usize = 8;

/// `label` cut to `units` half-width characters, with `…` when cut.
pub fn clip_label(label: &str, units: usize) -> String {
    let width = |c: char| if c.is_ascii() { 1 } else { 2 };
    if label.chars().map(width).sum::<usize>() <= units {
        return label.to_string();
    }
    let mut out = String::new();
    let mut used = 1; // the ellipsis
    for c in label.chars() {
        if used + width(c) > units {
            break;
        }
        used += width(c);
        out.push(c);
    }
    out.trim_end().to_string() + "…"
}

/// One node's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRowView {
    /// Node.
    pub node: NodeId,
    /// CSS class of the node's role/state, for the row header.
    pub class: String,
    /// Snapshot boundary: `(index, term)`.
    pub snapshot: Option<(u64, u64)>,
    /// Commit index.
    pub commit: u64,
    /// Cells from `first` to `last` of the window.
    pub cells: Vec<CellView>,
}

/// The window of indexes shown: `LOG_COLUMNS` slots that hold the newest
/// entry over all nodes. The window turns a half page at a time rather than
/// sliding with every entry: cells keep their place while a person reads
/// them, and a new entry redraws one cell, not the whole grid.
pub fn window(snap: &WorldSnapshot) -> (u64, u64) {
    let hi = newest_index(snap);
    let lo = 1 + hi.saturating_sub(LOG_COLUMNS).div_ceil(LOG_PAGE_STEP) * LOG_PAGE_STEP;
    (lo, lo + LOG_COLUMNS - 1)
}

/// The newest index over all nodes (at least 1, the first slot).
fn newest_index(snap: &WorldSnapshot) -> u64 {
    snap.nodes
        .iter()
        .map(|n| n.last_index.0)
        .max()
        .unwrap_or(0)
        .max(1)
}

/// The slot (0-based, within [`window`]) of the newest entry over all nodes:
/// the one a narrow screen keeps in view.
pub fn newest_slot(snap: &WorldSnapshot) -> u64 {
    newest_index(snap) - window(snap).0
}

/// A horizontal span in the log view's scrolled content, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// Left edge.
    pub left: f64,
    /// Right edge.
    pub right: f64,
}

/// What of the content a sideways-scrolling log view shows: from its scroll
/// offset plus the (sticky) row headers, which cover the left of the rows,
/// to its right edge.
pub fn visible_span(scroll_left: f64, view_width: f64, head_width: f64) -> Span {
    Span {
        left: scroll_left + head_width,
        right: scroll_left + view_width,
    }
}

/// How much room to leave beside a cell scrolled into view, in pixels.
pub const FOLLOW_MARGIN: f64 = 8.0;

/// Where to scroll so that `cell` is in view, or `None` when it already is.
/// On a phone the page of [`LOG_COLUMNS`] slots is wider than the screen:
/// while the reader follows the newest entry, the view scrolls with it, by
/// as little as it can.
pub fn follow_scroll(
    scroll_left: f64,
    view_width: f64,
    head_width: f64,
    cell: Span,
) -> Option<f64> {
    let seen = visible_span(scroll_left, view_width, head_width);
    if cell.right > seen.right {
        Some(cell.right - view_width + FOLLOW_MARGIN)
    } else if cell.left < seen.left {
        Some((cell.left - head_width - FOLLOW_MARGIN).max(0.0))
    } else {
        None
    }
}

/// Whether a reader who scrolled to `scroll_left` still sees `cell`: then
/// the view goes on following the newest entry, else it stays where they
/// put it.
pub fn in_view(scroll_left: f64, view_width: f64, head_width: f64, cell: Span) -> bool {
    follow_scroll(scroll_left, view_width, head_width, cell).is_none()
}

/// All rows.
pub fn log_rows(snap: &WorldSnapshot, lang: Lang) -> Vec<LogRowView> {
    let (lo, hi) = window(snap);
    let leader = snap.leader.and_then(|l| {
        snap.nodes
            .iter()
            .find(|n| n.id == l && n.role == Role::Leader)
    });
    snap.nodes
        .iter()
        .map(|n| {
            let progress = leader.and_then(|l| l.progress.iter().find(|p| p.peer == n.id));
            let snap_idx = n.snapshot.map(|(i, _)| i.0).unwrap_or(0);
            let cells = (lo..=hi)
                .map(|index| {
                    let kind = if index <= snap_idx {
                        CellKind::Compacted
                    } else if index > n.last_index.0 {
                        CellKind::Empty
                    } else if let Some(e) = n.log.iter().find(|e| e.index.0 == index) {
                        CellKind::Entry {
                            term: e.term.0,
                            label: super::words::entry_label(lang, e),
                            committed: e.committed,
                            kind: e.kind,
                        }
                    } else {
                        CellKind::Unknown
                    };
                    CellView {
                        index,
                        kind,
                        next: progress.is_some_and(|p| p.next_index.0 == index),
                        matched: progress.is_some_and(|p| p.match_index.0 == index),
                    }
                })
                .collect();
            let class = match n.status {
                NodeStatus::Up => super::node::role_class(n.role).to_string(),
                s => super::node::status_class(s).to_string(),
            };
            LogRowView {
                node: n.id,
                class,
                snapshot: n.snapshot.map(|(i, t)| (i.0, t.0)),
                commit: n.commit_index.0,
                cells,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrow_view_scrolls_just_enough_to_show_the_newest_cell() {
        // 300 px of view, 50 px of sticky row header, cells 56 px apart.
        let cell = |slot: f64| Span {
            left: 100.0 + slot * 56.0,
            right: 153.0 + slot * 56.0,
        };
        // In view: no scroll.
        assert_eq!(follow_scroll(0.0, 300.0, 50.0, cell(0.0)), None);
        assert_eq!(follow_scroll(0.0, 300.0, 50.0, cell(2.0)), None);
        // Past the right edge: its right edge comes to the view's, plus the margin.
        let x = follow_scroll(0.0, 300.0, 50.0, cell(5.0)).unwrap();
        assert_eq!(x, cell(5.0).right - 300.0 + FOLLOW_MARGIN);
        assert!(in_view(x, 300.0, 50.0, cell(5.0)));
        // Hidden under the sticky header after a page turn: back to just after it.
        let x = follow_scroll(600.0, 300.0, 50.0, cell(3.0)).unwrap();
        assert_eq!(x, cell(3.0).left - 50.0 - FOLLOW_MARGIN);
        assert!(in_view(x, 300.0, 50.0, cell(3.0)));
        // Never before the start.
        assert_eq!(
            follow_scroll(
                30.0,
                300.0,
                50.0,
                Span {
                    left: 40.0,
                    right: 90.0
                }
            ),
            Some(0.0)
        );
        // A wide view (a desktop) holds the whole page: never scrolls.
        for slot in 0..LOG_COLUMNS {
            assert_eq!(follow_scroll(0.0, 1300.0, 50.0, cell(slot as f64)), None);
        }
    }

    #[test]
    fn long_labels_are_cut_to_fit_a_cell() {
        assert_eq!(clip_label("put a 60", LABEL_UNITS), "put a 60");
        assert_eq!(clip_label("cas c 56 90", LABEL_UNITS), "cas c 5…");
        assert_eq!(clip_label("append x 1", LABEL_UNITS), "append…");
        assert_eq!(clip_label("空操作", LABEL_UNITS), "空操作");
        assert_eq!(clip_label("加入 n6 n7 n8", LABEL_UNITS), "加入 n6…");
        assert_eq!(clip_label("", LABEL_UNITS), "");
    }
    use raftlab_core::Micros;
    use raftlab_sim::{World, WorldConfig};

    #[test]
    fn an_empty_log_shows_a_page_of_empty_slots() {
        let w = World::new(WorldConfig::default()).unwrap();
        let rows = log_rows(&w.snapshot(), Lang::En);
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].cells.len() as u64, LOG_COLUMNS);
        assert!(rows[0].cells.iter().all(|c| c.kind == CellKind::Empty));
        assert_eq!(rows[0].cells[0].index, 1);
    }

    #[test]
    fn the_window_turns_half_a_page_once_the_newest_entry_passes_its_edge() {
        let mut config = WorldConfig::default();
        config.workload.ops_per_sec = 10.0;
        let mut w = World::new(config).unwrap();
        let at = |w: &World| window(&w.snapshot());
        assert_eq!(at(&w), (1, LOG_COLUMNS));
        let mut seen = vec![at(&w)];
        for ms in (100..20_000).step_by(100) {
            w.run_until(Micros::from_ms(ms));
            let (lo, hi) = at(&w);
            let newest = w
                .snapshot()
                .nodes
                .iter()
                .map(|n| n.last_index.0)
                .max()
                .unwrap();
            assert_eq!(hi - lo + 1, LOG_COLUMNS, "a fixed number of slots");
            assert!(
                (lo..=hi).contains(&newest.max(1)),
                "the newest entry {newest} is in view"
            );
            assert_eq!(lo + newest_slot(&w.snapshot()), newest.max(1));
            if lo > 1 {
                assert!(
                    newest >= lo + LOG_PAGE_STEP,
                    "at least half a page of history stays in view"
                );
            }
            if seen.last() != Some(&(lo, hi)) {
                seen.push((lo, hi));
            }
        }
        assert!(seen.len() > 2, "the log grew past two pages: {seen:?}");
        for pair in seen.windows(2) {
            assert_eq!(
                pair[1].0 - pair[0].0,
                LOG_PAGE_STEP,
                "turns by half a page: {seen:?}"
            );
        }
    }

    #[test]
    fn after_a_while_the_leader_row_has_committed_entries_and_markers_point_at_followers() {
        let mut w = World::new(WorldConfig::default()).unwrap();
        w.run_until(Micros::from_ms(3_000));
        let s = w.snapshot();
        let rows = log_rows(&s, Lang::En);
        let leader = s.leader.expect("leader");
        let lrow = rows.iter().find(|r| r.node == leader).unwrap();
        assert!(lrow.cells.iter().any(|c| matches!(
            c.kind,
            CellKind::Entry {
                committed: true,
                ..
            }
        )));
        assert!(
            lrow.cells.iter().all(|c| !c.next),
            "no markers on the leader's own row"
        );
        assert!(rows.iter().any(|r| r.cells.iter().any(|c| c.matched)));
        assert!(rows.iter().all(|r| r.cells.len() as u64 <= LOG_COLUMNS));
        let class = lrow
            .cells
            .iter()
            .find(|c| matches!(c.kind, CellKind::Entry { .. }))
            .unwrap()
            .class();
        assert!(class.contains("entry") && class.contains("term-c"));
    }

    #[test]
    fn committed_and_uncommitted_cells_have_different_classes_and_titles() {
        let c = CellView {
            index: 3,
            kind: CellKind::Entry {
                term: 2,
                label: "put a 1".into(),
                committed: false,
                kind: EntryKind::Command,
            },
            next: false,
            matched: false,
        };
        assert!(c.class().contains("uncommitted") && !c.class().contains("is-next"));
        assert_eq!(
            c.title(Lang::En),
            "index 3, term 2: put a 1 (not committed yet)"
        );
        let marked = CellView { next: true, ..c };
        assert!(marked.class().contains("is-next"));
        assert_eq!(
            marked.title(Lang::En),
            "index 3, term 2: put a 1 (not committed yet); leader's nextIndex for this follower (the next entry it will send it)"
        );
    }
}
