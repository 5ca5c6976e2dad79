//! The log view: one row per node, entries by index.

use leptos::prelude::*;

use crate::driver::{Selection, Ui};
use crate::i18n::K;
use crate::view_model::log::{log_rows, window, CellKind};

/// The logs panel.
#[component]
pub fn Logs(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    let rows = Memo::new(move |_| ui.snapshot.with(|s| log_rows(s, lang.get())));
    let win = Memo::new(move |_| ui.snapshot.with(|s| window(s)));
    let header = move || {
        let (lo, hi) = win.get();
        (lo..=hi)
            .map(|i| view! { <span class="idx">{i}</span> })
            .collect_view()
    };
    // Rows keyed by node and cells keyed by index, each behind its own
    // memo: replication changes a few cells a frame, and only those are
    // redrawn (a whole-table redraw every frame cost most of a frame).
    let cell = move |node: raftlab_core::NodeId, index: u64| {
        let c = Memo::new(move |_| {
            rows.with(|rs| {
                rs.iter()
                    .find(|r| r.node == node)
                    .and_then(|r| r.cells.iter().find(|c| c.index == index).cloned())
            })
        });
        move || {
            let lang = lang.get();
            let c = c.get()?;
            let title = c.title(lang);
            let inner = match &c.kind {
                CellKind::Entry { term, label, .. } => view! {
                    <span class="t">{format!("T{term}")}</span>
                    <span class="l">{label.clone()}</span>
                }
                .into_any(),
                CellKind::Compacted => view! { <span class="l">"▦"</span> }.into_any(),
                CellKind::Unknown => view! { <span class="l">"…"</span> }.into_any(),
                CellKind::Empty => ().into_any(),
            };
            let next = c.next.then(|| {
                view! { <span class="mark-next" title=lang.t(K::LogNextTitle)>{lang.t(K::LogNext)}</span> }
            });
            let matched = c.matched.then(|| {
                view! { <span class="mark-match" title=lang.t(K::LogMatchTitle)>{lang.t(K::LogMatch)}</span> }
            });
            Some(view! {
                <span class=c.class() title=title data-index=c.index>
                    {inner}
                    {(c.next || c.matched).then(|| view! { <span class="cell-marks">{next}{matched}</span> })}
                </span>
            })
        }
    };
    let row = move |node: raftlab_core::NodeId| {
        let head = Memo::new(move |_| {
            rows.with(|rs| {
                rs.iter()
                    .find(|r| r.node == node)
                    .map(|r| (r.class.clone(), r.commit, r.snapshot))
            })
        });
        let head_view = move || {
            let lang = lang.get();
            let (class, commit, snapshot) = head.get()?;
            let snap = snapshot.map(|(i, term)| {
                view! {
                    <span class="snap-tag" title=lang.f(K::LogSnapshotTitle, &[("index", &i), ("term", &term)])>
                        {lang.f(K::LogSnapshot, &[("index", &i)])}
                    </span>
                }
            });
            Some(view! {
                <button
                    class=format!("row-head {class}")
                    on:click=move |_| ui.selection.set(Selection::Node(node))
                >
                    {node.to_string()}
                    <small>{format!(" c{commit}")}</small>
                    {snap}
                </button>
            })
        };
        view! {
            <div class="log-row" data-testid="log-row" data-node=node.to_string()>
                {head_view}
                <For
                    each=move || win.with(|(lo, hi)| (*lo..=*hi).collect::<Vec<_>>())
                    key=|i| *i
                    children=move |i| cell(node, i)
                />
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
    view! {
        <section class="panel logs" data-testid="log-view" aria-labelledby="logs-h">
            <h2 id="logs-h">{move || t(K::LogHeading)}</h2>
            <p class="help">{move || t(K::LogHelp)}</p>
            <div class="log-scroll">
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
