//! The cluster drawing: nodes on a ring, links per direction, messages in
//! flight and messages fading where they were lost. Only draws: every
//! position, class and label comes from `view_model`.
//!
//! Pressing the pointer anywhere on the drawing freezes the run while it is
//! held, so a flying message can be picked at any speed: release over a
//! message to select it (the run stays paused to act on it); release
//! anywhere else and the run goes on.
//!
//! One component per part, each following its own memo so that a frame
//! redraws only what moved: [`Link`] (a lane each way), [`Node`],
//! [`TimerArc`], [`MessageGlyph`] and [`LostMessage`].

mod link;
mod lost;
mod message;
mod node;
mod svg;
mod timer;

use leptos::prelude::*;

use crate::driver::{Pace, Selection, Ui};
use crate::i18n::K;
use crate::view_model::layout::{lane_views, CANVAS};
use crate::view_model::message::{drop_views, message_views, MessageView};
use crate::view_model::node::{node_views, positions};
use link::Link;
use lost::LostMessage;
use message::MessageGlyph;
use node::Node;
use svg::num;
use timer::TimerArc;

/// The drawing.
#[component]
pub fn Cluster(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let frozen = RwSignal::new(false);
    let selected_node = move || match ui.selection.get() {
        Selection::Node(n) => Some(n),
        _ => None,
    };
    let selected_msg = move || match ui.selection.get() {
        Selection::Message(m) => Some(m),
        _ => None,
    };
    let nodes = Memo::new(move |_| {
        let sel = selected_node();
        ui.snapshot.with(|s| node_views(s, lang.get(), sel))
    });
    let pos = Memo::new(move |_| ui.snapshot.with(|s| positions(s)));
    let lanes = Memo::new(move |_| {
        let p = pos.get();
        ui.snapshot
            .with(|s| lane_views(&p, |from, to| s.cuts.contains(&(from, to))))
    });
    let messages = Memo::new(move |_| {
        let p = pos.get();
        let sel = selected_msg();
        let speed = ui.speed.get();
        ui.snapshot
            .with(|s| message_views(s, &p, lang.get(), sel, speed))
    });
    let drops = Memo::new(move |_| {
        let p = pos.get();
        ui.snapshot.with(|s| drop_views(s, &p, lang.get()))
    });
    let node_ids = move || nodes.with(|ns| ns.iter().map(|n| n.id).collect::<Vec<_>>());

    let count = move || ui.snapshot.with(|s| s.nodes.len());
    // Held press: the run froze on pointer-down and resumes on release
    // unless the release picked a message.
    let thaw = move || {
        if frozen.get_untracked() {
            frozen.set(false);
            ui.set_playing(true);
        }
    };
    view! {
        <svg
            class=move || if frozen.get() { "cluster frozen" } else { "cluster" }
            data-testid="cluster"
            on:pointerdown=move |ev| {
                if ev.is_primary() && ui.playing.get_untracked() {
                    ui.set_playing(false);
                    frozen.set(true);
                }
            }
            on:pointerup=move |_| thaw()
            on:pointercancel=move |_| thaw()
            on:pointerleave=move |_| thaw()
            viewBox=format!("0 0 {CANVAS} {CANVAS}")
            role="group"
            aria-label=move || lang.get().f(K::ClusterAria, &[("n", &count())])
        >
            <g class="links">
                {move || {
                    let lang = lang.get();
                    lanes.get().into_iter().map(|lane| view! { <Link lane lang ui /> }).collect_view()
                }}
            </g>
            <g class="nodes">
                <For each=node_ids key=|id| *id children=move |id| view! { <Node id nodes ui /> } />
            </g>
            <HiddenNote ui messages />
            // What moves every frame, last and in one composited layer.
            <g class="live">
                <g class="timers" aria-hidden="true">
                    <For each=node_ids key=|id| *id children=move |id| view! { <TimerArc id nodes /> } />
                </g>
                <g class="messages">
                    <For
                        each=move || messages.with(|ms| ms.iter().map(|m| m.id).collect::<Vec<_>>())
                        key=|id| *id
                        children=move |id| view! { <MessageGlyph id messages frozen ui /> }
                    />
                </g>
                <g class="drops">
                    {move || drops.get().into_iter().map(|drop| view! { <LostMessage drop /> }).collect_view()}
                </g>
            </g>
        </svg>
    }
}

/// How many messages in the air are too fast to draw at this speed.
#[component]
fn HiddenNote(ui: Ui, messages: Memo<Vec<MessageView>>) -> impl IntoView {
    view! {
        <text class="hidden-note" data-testid="hidden-messages-note" x=num(CANVAS / 2.0) y=num(CANVAS - 6.0) text-anchor="middle">
            {move || {
                // Counted at reading pace; every frame it would flicker.
                ui.glance(Pace::Lists).track();
                let hidden = ui.snapshot.with_untracked(|s| s.messages.len()).saturating_sub(messages.with_untracked(Vec::len));
                (hidden > 0).then(|| ui.lang.get().f(K::MessagesTooFast, &[("n", &hidden)]))
            }}
        </text>
    }
}
