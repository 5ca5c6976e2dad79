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
    let body = move || {
        let lang = lang.get();
        rows.get()
            .into_iter()
            .map(|row| {
                let node = row.node;
                let snap = row.snapshot.map(|(i, term)| {
                    view! {
                        <span class="snap-tag" title=lang.f(K::LogSnapshotTitle, &[("index", &i), ("term", &term)])>
                            {lang.f(K::LogSnapshot, &[("index", &i)])}
                        </span>
                    }
                });
                let cells = row
                    .cells
                    .iter()
                    .map(|c| {
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
                        view! {
                            <span class=c.class() title=title data-index=c.index>
                                {inner}
                                {(c.next || c.matched).then(|| view! { <span class="cell-marks">{next}{matched}</span> })}
                            </span>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="log-row" data-testid="log-row" data-node=node.to_string()>
                        <button
                            class=format!("row-head {}", row.class)
                            on:click=move |_| ui.selection.set(Selection::Node(node))
                        >
                            {node.to_string()}
                            <small>{format!(" c{}", row.commit)}</small>
                            {snap}
                        </button>
                        {cells}
                    </div>
                }
            })
            .collect_view()
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
