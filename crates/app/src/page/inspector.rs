//! The inspector: the selected node's full state and the actions on it, a
//! selected message's fields, or a selected link's two directions.

use leptos::prelude::*;
use raftlab_core::{Micros, NodeId, Role};
use raftlab_sim::snapshot::NodeSnapshot;
use raftlab_sim::{Action, MsgId, NodeStatus};

use crate::driver::{Pace, Selection, Ui};
use crate::i18n::{Lang, K};
use crate::view_model::message::kind_name;
use crate::view_model::node::role_word;
use crate::view_model::words;

fn list(ids: impl IntoIterator<Item = NodeId>) -> String {
    let v: Vec<String> = ids.into_iter().map(|n| n.to_string()).collect();
    format!("{{{}}}", v.join(", "))
}

fn opt(lang: Lang, n: Option<NodeId>) -> String {
    n.map(|n| n.to_string())
        .unwrap_or_else(|| lang.t(K::FieldNone).to_string())
}

/// The panel.
#[component]
pub fn Inspector(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    let body = move || match ui.selection.get() {
        Selection::None => view! { <p class="help">{t(K::InspectorEmpty)}</p> }.into_any(),
        Selection::Node(id) => view! { <NodePane ui=ui id=id /> }.into_any(),
        Selection::Message(id) => view! { <MessagePane ui=ui id=id /> }.into_any(),
        Selection::Link(a, b) => view! { <LinkPane ui=ui a=a b=b /> }.into_any(),
    };
    view! {
        <section class="panel inspector" data-testid="inspector" aria-labelledby="insp-h">
            <h2 id="insp-h">
                {move || t(K::InspectorHeading)}
                <Show when=move || ui.selection.get() != Selection::None>
                    <button class="close" aria-label=move || t(K::Close) on:click=move |_| ui.selection.set(Selection::None)>"×"</button>
                </Show>
            </h2>
            {body}
        </section>
    }
}

#[component]
fn NodePane(ui: Ui, id: NodeId) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    // At reading pace (see `Ui::glances`).
    let node = Memo::new(move |_| {
        ui.glance(Pace::Tables)
            .with(|s| s.nodes.iter().find(|n| n.id == id).cloned())
    });
    let status = move || node.with(|n| n.as_ref().map(|n| n.status));
    let is_learner = move || {
        node.with(|n| {
            n.as_ref()
                .is_some_and(|n| n.membership.learners.contains(&id))
        })
    };
    let btn = move |label: K, testid: &'static str, action: Action| {
        view! {
            <button data-testid=testid on:click=move |_| ui.act(action.clone())>
                {move || t(label)}
            </button>
        }
    };
    let menu = move || {
        let mut items = Vec::new();
        match status() {
            Some(NodeStatus::Crashed) => {
                items.push(btn(K::ActRestart, "act-restart", Action::Restart(id)))
            }
            Some(NodeStatus::Paused) => {
                items.push(btn(K::ActCrash, "act-crash", Action::Crash(id)));
                items.push(btn(K::ActResume, "act-resume", Action::Resume(id)));
            }
            _ => {
                items.push(btn(K::ActCrash, "act-crash", Action::Crash(id)));
                items.push(btn(K::ActPause, "act-pause", Action::Pause(id)));
                items.push(btn(K::ActCampaign, "act-campaign", Action::Campaign(id)));
                items.push(btn(
                    K::ActTransfer,
                    "act-transfer",
                    Action::TransferLeadership(id),
                ));
            }
        }
        if is_learner() {
            items.push(btn(K::ActPromote, "act-promote", Action::Promote(id)));
        }
        items.push(btn(K::ActCompact, "act-compact", Action::Compact(id)));
        items.push(btn(K::ActRemove, "act-remove", Action::RemoveNode(id)));
        items.collect_view()
    };
    let fields = move || {
        let lang = lang.get();
        let Some(n) = node.get() else {
            return ().into_any();
        };
        node_fields(lang, &n, ui.glance(Pace::Tables).with_untracked(|s| s.now)).into_any()
    };
    view! {
        <div class="node-pane" data-testid="node-inspector">
            <h3>{move || lang.get().f(K::ActionsFor, &[("node", &id)])}</h3>
            <div class="menu" role="group" data-testid="node-menu">{menu}</div>
            {fields}
        </div>
    }
}

fn node_fields(lang: Lang, n: &NodeSnapshot, now: Micros) -> impl IntoView {
    let t = |k| lang.t(k);
    let durable = t(K::FieldDurable);
    let volatile = t(K::FieldVolatile);
    let status = match n.status {
        NodeStatus::Up => t(K::FieldUp),
        NodeStatus::Crashed => t(K::StatusCrashed),
        NodeStatus::Paused => t(K::StatusPaused),
    };
    let m = &n.membership;
    let mut config = lang.f(K::FieldVoters, &[("list", &list(m.voters.iter().copied()))]);
    if !m.learners.is_empty() {
        config.push_str(&format!(
            "; {}",
            lang.f(
                K::FieldLearners,
                &[("list", &list(m.learners.iter().copied()))]
            )
        ));
    }
    if let Some(o) = &m.outgoing_voters {
        config.push_str(&format!(
            "; {}",
            lang.f(K::FieldJoint, &[("list", &list(o.iter().copied()))])
        ));
    }
    let timer = match n.election_deadline {
        Some(d) if n.status != NodeStatus::Crashed => lang.f(
            K::TimerIn,
            &[(
                "ms",
                &format!("{:.1}", d.0.saturating_sub(now.0) as f64 / 1000.0),
            )],
        ),
        _ => t(K::FieldNone).to_string(),
    };
    let votes = if n.votes.is_empty() {
        t(K::FieldNone).to_string()
    } else {
        n.votes
            .iter()
            .map(|(v, ok)| format!("{v}{}", if *ok { "✓" } else { "✗" }))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // (label, value, durable?)
    let rows: Vec<(&str, String, bool)> = vec![
        (t(K::FieldStatus), status.to_string(), false),
        (t(K::FieldRole), role_word(lang, n.role).to_string(), false),
        (t(K::FieldTerm), n.durable_term.to_string(), true),
        (t(K::FieldVote), opt(lang, n.durable_vote), true),
        (t(K::FieldLast), n.durable_last_index.to_string(), true),
        (
            t(K::FieldSnapshot),
            n.snapshot
                .map(|(i, tm)| format!("≤{i} (T{tm})"))
                .unwrap_or_else(|| t(K::FieldNone).to_string()),
            true,
        ),
        (t(K::FieldLeader), opt(lang, n.leader), false),
        (t(K::FieldCommit), n.commit_index.to_string(), false),
        (t(K::FieldApplied), n.applied_index.to_string(), false),
        (t(K::FieldConfig), config, false),
        (t(K::FieldVotes), votes, false),
        (t(K::FieldTimer), timer, false),
        (t(K::FieldIncarnation), n.incarnation.to_string(), false),
    ];
    let progress = (n.role == Role::Leader && !n.progress.is_empty()).then(|| {
        let body = n
            .progress
            .iter()
            .map(|p| {
                view! {
                    <tr>
                        <td>{p.peer.to_string()}</td>
                        <td>{p.next_index.to_string()}</td>
                        <td>{p.match_index.to_string()}</td>
                        <td>{words::progress_state(lang, p.state)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="progress" data-testid="progress-table">
                <thead>
                    <tr>
                        <th>{t(K::FieldPeer)}</th>
                        <th>{t(K::FieldNext)}</th>
                        <th>{t(K::FieldMatch)}</th>
                        <th>{t(K::FieldState)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        }
    });
    let rows = rows
        .into_iter()
        .map(|(k, v, d)| {
            let (class, title, mark) = if d {
                ("durable", durable, "💾")
            } else {
                ("volatile", volatile, "")
            };
            view! {
                <tr class=class title=title>
                    <th scope="row">{k}</th>
                    <td>{v} " " <span class="dmark" role="img" aria-label=title>{mark}</span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="fields" data-testid="node-fields">
            <tbody>{rows}</tbody>
        </table>
        <p class="help legend-line"><span class="dmark">"💾"</span> {durable} " · " {volatile}</p>
        {progress}
    }
}

#[component]
fn MessagePane(ui: Ui, id: MsgId) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    let msg = Memo::new(move |_| {
        ui.snapshot
            .with(|s| s.messages.iter().find(|m| m.id == id).cloned())
    });
    move || {
        let lang = lang.get();
        match msg.get() {
            None => view! {
                <h3>{lang.f(K::MessageHeading, &[("id", &id)])}</h3>
                <p class="help">{t(K::MessageGone)}</p>
            }
            .into_any(),
            Some(m) => {
                let held = m.held_at.is_some();
                let rows = words::message_fields(lang, &m)
                    .into_iter()
                    .map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> })
                    .collect_view();
                view! {
                    <div data-testid="message-inspector" data-msg=id.to_string()>
                        <h3>{lang.f(K::MessageHeading, &[("id", &id)])} " · " {kind_name(lang, m.kind)}</h3>
                        <p class="summary" data-testid="message-summary">{words::message_summary(lang, &m)}</p>
                        <div class="menu" role="group">
                            <button data-testid="act-drop" on:click=move |_| ui.act(Action::Drop(id))>{t(K::ActDrop)}</button>
                            {if held {
                                view! { <button data-testid="act-release" on:click=move |_| ui.act(Action::Release(id))>{t(K::ActRelease)}</button> }.into_any()
                            } else {
                                view! { <button data-testid="act-hold" on:click=move |_| ui.act(Action::Hold(id))>{t(K::ActHold)}</button> }.into_any()
                            }}
                        </div>
                        <table class="fields"><tbody>{rows}</tbody></table>
                    </div>
                }
                .into_any()
            }
        }
    }
}

#[component]
fn LinkPane(ui: Ui, a: NodeId, b: NodeId) -> impl IntoView {
    let lang = ui.lang;
    let dir = move |from: NodeId, to: NodeId| {
        let cut = move || ui.snapshot.with(|s| s.cuts.contains(&(from, to)));
        view! {
            <button
                data-testid=format!("toggle-{from}-{to}")
                class=move || if cut() { "cut-on" } else { "" }
                aria-pressed=move || cut().to_string()
                on:click=move |_| {
                    if cut() {
                        ui.act(Action::HealLink { source: from, target: to })
                    } else {
                        ui.act(Action::Cut { source: from, target: to })
                    }
                }
            >
                {move || {
                    let l = lang.get();
                    if cut() {
                        l.f(K::ActHeal, &[("from", &from), ("to", &to)])
                    } else {
                        l.f(K::ActCut, &[("from", &from), ("to", &to)])
                    }
                }}
            </button>
        }
    };
    view! {
        <div data-testid="link-inspector">
            <h3>{move || lang.get().f(K::LinkHeading, &[("a", &a), ("b", &b)])}</h3>
            <p class="help">{move || lang.get().t(K::LinkHelp)}</p>
            <div class="menu" role="group">{dir(a, b)} {dir(b, a)}</div>
        </div>
    }
}
