//! One node: its circle, role ring, crown, id, role, term and vote, and
//! the crash mark. Everything but its election timer (see `timer.rs`): the
//! node redraws only when its state changes, not every frame.

use leptos::prelude::*;
use raftlab_core::NodeId;

use super::svg::{num, on_activate};
use crate::driver::{Selection, Ui};
use crate::view_model::explain;
use crate::view_model::layout::{badge_at, term_label_y};
use crate::view_model::node::NodeView;

/// Node `id` as `nodes` has it; clicking it (or Enter/Space) selects it,
/// unless the press was a drag (`dragged`); G sets it apart or brings it
/// back (see `groups.rs`).
#[component]
pub fn Node(
    id: NodeId,
    nodes: Memo<Vec<NodeView>>,
    ui: Ui,
    dragged: StoredValue<bool>,
) -> impl IntoView {
    let v = Memo::new(move |_| {
        nodes.with(|ns| {
            ns.iter().find(|n| n.id == id).map(|n| NodeView {
                timer: None,
                ..n.clone()
            })
        })
    });
    let get =
        move |g: fn(&NodeView) -> String| move || v.with(|n| n.as_ref().map(g).unwrap_or_default());
    let select = move || ui.selection.set(Selection::Node(id));
    let explain = Memo::new(move |_| {
        let lang = ui.lang.get();
        v.with(|n| {
            n.as_ref()
                .map(|n| explain::node(lang, n.look.state, &n.term_label, &n.vote_label))
                .unwrap_or_default()
        })
    });
    // The button is the circles alone: its accessible name says what the
    // labels beside it show, and the labels (drawn over the circle, where
    // clicks pass through them) stay outside it, so a screen reader does not
    // hear them twice (WCAG 2.5.3, label in name).
    view! {
        <g class=get(|n| n.look.class("node"))>
            <g
                class="node-hit"
                data-testid="node"
                data-node=id.to_string()
                aria-label=get(|n| n.aria.clone())
                data-explain=move || explain.get()
                role="button"
                tabindex="0"
                aria-keyshortcuts="g"
                on:click=move |_| {
                    if !dragged.get_value() {
                        select()
                    }
                }
                on:keydown=move |ev| {
                    if on_activate(&ev) {
                        select()
                    } else if ev.key() == "g" && !(ev.ctrl_key() || ev.meta_key() || ev.alt_key()) {
                        // This node, not the selected one (the page's G).
                        ev.prevent_default();
                        ev.stop_propagation();
                        super::groups::toggle_node(ui, id);
                    }
                }
            >
                <circle class="timer-track" cx=get(|n| num(n.at.x)) cy=get(|n| num(n.at.y)) r=get(|n| num(n.r + 6.0))></circle>
                <circle class="body" cx=get(|n| num(n.at.x)) cy=get(|n| num(n.at.y)) r=get(|n| num(n.r))></circle>
                <circle class="leader-ring" cx=get(|n| num(n.at.x)) cy=get(|n| num(n.at.y)) r=get(|n| num(n.r - 5.0))></circle>
            </g>
            <g class="node-labels" aria-hidden="true">
                <text class="crown" x=get(|n| num(badge_at(n.at, n.r, true).x)) y=get(|n| num(badge_at(n.at, n.r, true).y)) text-anchor="middle">
                    {move || v.with(|n| if n.as_ref().is_some_and(|n| n.look.crown()) { "★" } else { "" })}
                </text>
                <text class="node-id" x=get(|n| num(n.at.x)) y=get(|n| num(n.at.y - 4.0)) text-anchor="middle">
                    {id.to_string()}
                </text>
                <text class="node-role" x=get(|n| num(n.at.x)) y=get(|n| num(n.at.y + 11.0)) text-anchor="middle">
                    {get(|n| n.role_label.clone())}
                </text>
                <text class="node-term" data-testid="node-term" data-explain=move || explain.get() x=get(|n| num(n.at.x)) y=get(|n| num(term_label_y(n.at, n.r))) text-anchor="middle">
                    {get(|n| if n.vote_label.is_empty() { n.term_label.clone() } else { format!("{} · {}", n.term_label, n.vote_label) })}
                </text>
                <text class="crash-mark" x=get(|n| num(badge_at(n.at, n.r, false).x)) y=get(|n| num(badge_at(n.at, n.r, false).y)) text-anchor="middle">
                    "✕"
                </text>
            </g>
        </g>
    }
}
