//! The state machines (each node's key-value store) and the user's client.

use leptos::prelude::*;
use raftlab_core::NodeId;
use raftlab_sim::Action;

use crate::driver::{Pace, Ui};
use crate::i18n::K;
use crate::view_model::client::{describe_waiting, form_op, user_lines, waiting};

/// Shortens a long value (appends grow) to its last characters.
fn short(v: &str) -> String {
    let n = v.chars().count();
    if n <= 12 {
        v.to_string()
    } else {
        format!("…{}", v.chars().skip(n - 11).collect::<String>())
    }
}

/// Each node's key-value store, keys as columns.
#[component]
pub fn StateMachines(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    // At reading pace (see `Ui::glances`).
    let table = Memo::new(move |_| {
        ui.glance(Pace::Tables).with(|s| {
            let mut keys: Vec<String> = s.nodes.iter().flat_map(|n| n.kv.keys().cloned()).collect();
            keys.sort();
            keys.dedup();
            let rows: Vec<(NodeId, u64, Vec<Option<String>>)> = s
                .nodes
                .iter()
                .map(|n| {
                    (
                        n.id,
                        n.applied_index.0,
                        keys.iter().map(|k| n.kv.get(k).cloned()).collect(),
                    )
                })
                .collect();
            (keys, rows)
        })
    });
    view! {
        <section class="panel kv" data-testid="kv-view" aria-labelledby="kv-h">
            <h2 id="kv-h">{move || t(K::KvHeading)}</h2>
            <div class="kv-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col"><span class="sr-only">{move || t(K::KvNodeColumn)}</span></th>
                            {move || table.with(|(keys, _)| keys.iter().map(|k| view! { <th scope="col">{k.clone()}</th> }).collect_view())}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let lang = lang.get();
                            table
                                .get()
                                .1
                                .into_iter()
                                .map(|(id, applied, vals)| {
                                    let cells = if vals.is_empty() {
                                        view! { <td class="empty">{lang.t(K::KvEmpty)}</td> }.into_any()
                                    } else {
                                        vals.into_iter()
                                            .map(|v| {
                                                let full = v.clone().unwrap_or_default();
                                                view! { <td title=full>{v.map(|v| short(&v)).unwrap_or_else(|| "—".into())}</td> }
                                            })
                                            .collect_view()
                                            .into_any()
                                    };
                                    view! {
                                        <tr data-testid="kv-row" data-node=id.to_string()>
                                            <th scope="row" title=lang.f(K::KvApplied, &[("index", &applied)])>
                                                {id.to_string()}
                                                <small>{format!(" ≤{applied}")}</small>
                                            </th>
                                            {cells}
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The client form and the user's operations, step by step.
#[component]
pub fn ClientPanel(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    let op = RwSignal::new("put".to_string());
    let key = RwSignal::new("x".to_string());
    let value = RwSignal::new("1".to_string());
    let from = RwSignal::new(String::new());
    let via = RwSignal::new(String::new());
    let lines = Memo::new(move |_| ui.user_log.with(|l| user_lines(l, lang.get())));
    // At reading pace (see `Ui::glances`).
    let wait = Memo::new(move |_| ui.glance(Pace::Tables).with(|s| waiting(s)));
    let node_ids = Memo::new(move |_| {
        ui.snapshot
            .with(|s| s.nodes.iter().map(|n| n.id).collect::<Vec<_>>())
    });
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(kv) = form_op(&op.get(), &key.get(), &value.get(), &from.get()) else {
            return;
        };
        let via = via
            .get()
            .trim_start_matches('n')
            .parse::<u64>()
            .ok()
            .map(NodeId);
        ui.act(Action::ClientRequest { op: kv, via });
    };
    view! {
        <section class="panel client" aria-labelledby="client-h">
            <h2 id="client-h">{move || t(K::ClientHeading)}</h2>
            <p class="help">{move || t(K::ClientHelp)}</p>
            <form data-testid="client-form" on:submit=send>
                <label>
                    <span>{move || t(K::ClientOp)}</span>
                    <select data-testid="client-op" prop:value=move || op.get() on:change=move |ev| op.set(event_target_value(&ev))>
                        <option value="put">"put"</option>
                        <option value="get">"get"</option>
                        <option value="append">"append"</option>
                        <option value="cas">"cas"</option>
                    </select>
                </label>
                <label>
                    <span>{move || t(K::ClientKey)}</span>
                    <input data-testid="client-key" size="6" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) />
                </label>
                <Show when=move || op.get() == "cas">
                    <label>
                        <span>{move || t(K::ClientFrom)}</span>
                        <input data-testid="client-from" size="6" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
                    </label>
                </Show>
                <Show when=move || op.get() != "get">
                    <label>
                        <span>{move || t(K::ClientValue)}</span>
                        <input data-testid="client-value" size="6" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                    </label>
                </Show>
                <label data-explain=move || t(K::ExplainVia)>
                    <span>{move || t(K::ClientVia)}</span>
                    <select data-testid="client-via" prop:value=move || via.get() on:change=move |ev| via.set(event_target_value(&ev))>
                        <option value="">{move || t(K::ClientViaAny)}</option>
                        {move || node_ids.get().into_iter().map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" data-testid="client-send">{move || t(K::ClientSend)}</button>
            </form>
            <p class="client-wait" data-testid="client-wait" role="status">
                {move || wait.with(|w| w.as_ref().map(|w| describe_waiting(w, lang.get())))}
            </p>
            <ol class="client-log" data-testid="client-result" aria-live="polite">
                {move || {
                    let l = lines.get();
                    if l.is_empty() {
                        view! { <li class="none">{t(K::ClientNone)}</li> }.into_any()
                    } else {
                        l.into_iter()
                            .map(|line| view! { <li class=line.class>{line.text}</li> })
                            .collect_view()
                            .into_any()
                    }
                }}
            </ol>
        </section>
    }
}
