//! The log view: one row per node, entries by index.

use std::collections::BTreeMap;

use leptos::prelude::*;
use raftlab_core::NodeId;

use crate::driver::{Pace, Selection, Ui};
use crate::i18n::K;
use crate::view_model::explain;
use crate::view_model::log::{
    clip_label, follow_scroll, in_view, log_rows, newest_slot, window, CellKind, CellView, Span,
    LABEL_UNITS, LOG_COLUMNS,
};

/// Each mounted cell's signal, by node and slot.
type Slots = BTreeMap<(NodeId, u64), RwSignal<Option<CellView>>>;

/// What following the newest slot needs to know of the scrolled view:
/// `(scroll_left, view_width, head_width, slot span)`, in CSS pixels, the
/// span in content coordinates. Read from the header row, whose index
/// labels line up with the cells.
fn geometry(el: &web_sys::HtmlElement, slot: u64) -> Option<(f64, f64, f64, Span)> {
    let header = el.query_selector(".log-row.header").ok()??;
    let head = header.first_element_child()?;
    let idx = header
        .query_selector(&format!(":scope > :nth-child({})", slot + 2))
        .ok()??;
    let scroll = f64::from(el.scroll_left());
    let origin = el.get_bounding_client_rect().left() + f64::from(el.client_left()) - scroll;
    let r = idx.get_bounding_client_rect();
    let span = Span {
        left: r.left() - origin,
        right: r.right() - origin,
    };
    let head_width = head.get_bounding_client_rect().width();
    Some((scroll, f64::from(el.client_width()), head_width, span))
}

/// The logs panel.
#[component]
pub fn Logs(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    // At reading pace (see `Ui::glances`).
    let rows = Memo::new(move |_| ui.glance(Pace::Logs).with(|s| log_rows(s, lang.get())));
    let win = Memo::new(move |_| ui.glance(Pace::Logs).with(|s| window(s)));
    let slots = || (0..LOG_COLUMNS).collect::<Vec<_>>();
    let header = move || {
        slots()
            .into_iter()
            .map(|slot| view! { <span class="idx">{move || win.get().0 + slot}</span> })
            .collect_view()
    };
    // Rows keyed by node, and a fixed row of `LOG_COLUMNS` slots in each:
    // turning the page changes what the slots hold, and no element is made
    // or dropped. Each attribute and text of a slot sits behind its own
    // closure, so replication touches a class or a marker on a few cells
    // (a whole-table redraw every frame cost most of a frame). Cells have a
    // fixed size, so a change never moves the grid.
    //
    // Each slot owns a signal, and one effect hands the rows out to the
    // slots whose content changed. (A memo per cell over all rows made
    // every one of them re-run, unsubscribe and resubscribe each frame.)
    let cells: StoredValue<Slots> = StoredValue::new(BTreeMap::new());
    Effect::new(move |_| {
        rows.with(|rs| {
            cells.with_value(|cells| {
                for r in rs {
                    for (slot, c) in (0..).zip(&r.cells) {
                        if let Some(sig) = cells.get(&(r.node, slot)) {
                            if sig.with_untracked(|old| old.as_ref() != Some(c)) {
                                sig.set(Some(c.clone()));
                            }
                        }
                    }
                }
            })
        })
    });
    let cell = move |node: NodeId, slot: u64| {
        let now = rows.with_untracked(|rs| {
            rs.iter()
                .find(|r| r.node == node)
                .and_then(|r| r.cells.get(slot as usize).cloned())
        });
        let c = RwSignal::new(now);
        cells.update_value(|m| {
            m.insert((node, slot), c);
        });
        on_cleanup(move || {
            cells.try_update_value(|m| {
                // A remount of the same row may already own the slot.
                if m.get(&(node, slot)) == Some(&c) {
                    m.remove(&(node, slot));
                }
            });
        });
        let index = move || c.with(|c| c.as_ref().map(|c| c.index));
        let class = move || c.with(|c| c.as_ref().map(CellView::class));
        let title = move || c.with(|c| c.as_ref().map(|c| c.title(lang.get())));
        let term = move || {
            c.with(|c| match c.as_ref().map(|c| &c.kind) {
                Some(CellKind::Entry { term, .. }) => format!("T{term}"),
                _ => String::new(),
            })
        };
        let label = move || {
            c.with(|c| match c.as_ref().map(|c| &c.kind) {
                Some(CellKind::Entry { label, .. }) => clip_label(label, LABEL_UNITS),
                Some(CellKind::Compacted) => "▦".to_string(),
                Some(CellKind::Unknown) => "…".to_string(),
                _ => String::new(),
            })
        };
        view! {
            <span class=class title=title data-index=index>
                <span class="t">{term}</span>
                <span class="l">{label}</span>
                <span class="cell-marks" aria-hidden="true">
                    <span class="mark-next" title=move || t(K::LogNextTitle)>{move || t(K::LogNext)}</span>
                    <span class="mark-match" title=move || t(K::LogMatchTitle)>{move || t(K::LogMatch)}</span>
                </span>
            </span>
        }
    };
    let row = move |node: NodeId| {
        let head = Memo::new(move |_| {
            rows.with(|rs| {
                rs.iter()
                    .find(|r| r.node == node)
                    .map(|r| (r.class.clone(), r.commit, r.snapshot))
            })
        });
        let snapshot = Memo::new(move |_| head.with(|h| h.as_ref().and_then(|h| h.2)));
        let snap = move || {
            let lang = lang.get();
            let (i, term) = snapshot.get()?;
            Some(view! {
                <span class="snap-tag" data-explain=lang.f(K::LogSnapshotTitle, &[("index", &i), ("term", &term)])>
                    {lang.f(K::LogSnapshot, &[("index", &i)])}
                </span>
            })
        };
        let head_view = view! {
            <button
                class=move || head.with(|h| format!("row-head {}", h.as_ref().map_or("", |h| h.0.as_str())))
                data-explain=move || head.with(|h| explain::row_head(lang.get(), &node, h.as_ref().map_or(0, |h| h.1)))
                on:click=move |_| ui.selection.set(Selection::Node(node))
            >
                {node.to_string()}
                <small>{move || head.with(|h| format!(" c{}", h.as_ref().map_or(0, |h| h.1)))}</small>
                {snap}
            </button>
        };
        view! {
            <div class="log-row" data-testid="log-row" data-node=node.to_string()>
                {head_view}
                {slots().into_iter().map(|slot| cell(node, slot)).collect_view()}
            </div>
        }
    };
    let body = move || {
        view! {
            <For
                each=move || rows.with(|rs| rs.iter().map(|r| r.node).collect::<Vec<_>>())
                key=|n| *n
                children=row
            />
        }
    };
    // On a narrow screen the page of slots scrolls sideways. While the
    // reader follows the newest entry the view scrolls with it; once they
    // scroll it out of view themselves, it stays where they put it until
    // they scroll the newest entry back into view. A wide screen never
    // scrolls (`follow_scroll` finds every slot in view).
    let scroller = NodeRef::<leptos::html::Div>::new();
    let newest = Memo::new(move |_| ui.glance(Pace::Logs).with(|s| newest_slot(s)));
    let follow = StoredValue::new(true);
    // The offset this view last scrolled to itself, to tell its own scroll
    // events from the reader's.
    let ours = StoredValue::new(None::<i32>);
    Effect::new(move |_| {
        let slot = newest.get();
        win.track(); // a page turn moves the newest slot back
        if !follow.get_value() {
            return;
        }
        // Measured in the next frame, once this one's changes are laid out.
        request_animation_frame(move || {
            let Some(el) = scroller.get_untracked() else {
                return;
            };
            if el.scroll_width() <= el.client_width() {
                return;
            }
            let Some((x, width, head, cell)) = geometry(&el, slot) else {
                return;
            };
            if let Some(to) = follow_scroll(x, width, head, cell) {
                el.set_scroll_left(to.round() as i32);
                ours.set_value(Some(el.scroll_left()));
            }
        });
    });
    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let x = el.scroll_left();
        if ours.get_value().is_some_and(|o| (o - x).abs() <= 1) {
            return;
        }
        ours.set_value(None);
        let slot = newest.get_untracked();
        if let Some((x, width, head, cell)) = geometry(&el, slot) {
            follow.set_value(in_view(x, width, head, cell));
        }
    };
    view! {
        <section class="panel logs" data-testid="log-view" aria-labelledby="logs-h">
            <h2 id="logs-h">{move || t(K::LogHeading)}</h2>
            <p class="help">{move || t(K::LogHelp)}</p>
            <div class="log-scroll" data-testid="log-scroll" node_ref=scroller on:scroll=on_scroll>
                <div class="log-grid">
                    <div class="log-row header" aria-hidden="true">
                        <span class="row-head"></span>
                        {header}
                    </div>
                    {body}
                </div>
            </div>
        </section>
    }
}
