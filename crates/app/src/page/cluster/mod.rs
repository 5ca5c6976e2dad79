//! The cluster drawing: nodes on a ring, links per direction, messages in
//! flight and messages fading where they were lost. Only draws: every
//! position, class and label comes from `view_model`.
//!
//! Pressing the pointer anywhere on the drawing freezes the run while it is
//! held, so a flying message can be picked at any speed: release over a
//! message to select it (the run stays paused to act on it); release
//! anywhere else and the run goes on.
//!
//! Dragging a node out of the ring sets it apart (a partition: the nodes
//! set apart against the rest); dragging it back heals (`groups.rs`). A
//! press that moves less than `DRAG_MIN` is a click and selects the node.
//!
//! One component per part, each following its own memo so that a frame
//! redraws only what moved: [`Link`] (a lane each way), [`Node`],
//! [`TimerArc`], [`MessageGlyph`] and [`LostMessage`].

mod groups;
mod link;
mod lost;
mod message;
mod node;
mod svg;
mod timer;

use leptos::prelude::*;

use crate::driver::{Pace, Selection, Ui};
use crate::i18n::K;
use crate::view_model::layout::{badge_at, crossed_links, lane_views, Point, CANVAS};
use crate::view_model::node::NodeView;
use raftlab_sim::{Action, NodeStatus};

/// A stroke shorter than this (SVG units) is a click, not a knife.
const KNIFE_MIN: f64 = 20.0;
use crate::view_model::groups::{target_at, DRAG_MIN};
use crate::view_model::message::{drop_views, message_views, MessageView};
use crate::view_model::node::{node_views, positions};
pub(crate) use groups::toggle_node;
use groups::{move_node, DragLayer, GroupHalos, NodeDrag};
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
    // Knife: a stroke dragged across the drawing from empty space cuts
    // every link it crosses, both ways (a partition drawn by hand).
    let knife = RwSignal::new(None::<(Point, Point)>);
    // A node pressed, and perhaps dragged (see `groups.rs`).
    let drag = RwSignal::new(None::<NodeDrag>);
    // Set when a drag ends, so the click that may follow does not select.
    let dragged = StoredValue::new(false);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let to_canvas = move |x: i32, y: i32| -> Option<Point> {
        let el = svg_ref.get_untracked()?;
        let r = el.get_bounding_client_rect();
        // viewBox with the default `xMidYMid meet`: one scale, centred.
        let scale = (r.width() / CANVAS).min(r.height() / CANVAS);
        if scale <= 0.0 {
            return None;
        }
        let (ox, oy) = (
            r.left() + (r.width() - CANVAS * scale) / 2.0,
            r.top() + (r.height() - CANVAS * scale) / 2.0,
        );
        Some(Point {
            x: (f64::from(x) - ox) / scale,
            y: (f64::from(y) - oy) / scale,
        })
    };
    let cut_along = move || {
        let Some((a, b)) = knife.get_untracked() else {
            return;
        };
        knife.set(None);
        if (a.x - b.x).hypot(a.y - b.y) < KNIFE_MIN {
            return;
        }
        for (x, y) in crossed_links(a, b, &pos.get_untracked()) {
            ui.act(Action::Cut {
                source: x,
                target: y,
            });
            ui.act(Action::Cut {
                source: y,
                target: x,
            });
        }
    };
    // A node dropped: into the group its place means.
    let drop_node = move || {
        let Some(d) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        if d.moving {
            dragged.set_value(true);
            move_node(ui, d.id, target_at(d.at, d.id, &pos.get_untracked()));
        }
    };
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
            node_ref=svg_ref
            on:pointerdown=move |ev| {
                if ev.is_primary() && ui.playing.get_untracked() {
                    ui.set_playing(false);
                    frozen.set(true);
                }
                let on_part = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .and_then(|e| e.closest(".node-hit, .msg, .node-power, .node-term").ok().flatten())
                    .is_some();
                if ev.is_primary() && !on_part {
                    knife.set(to_canvas(ev.client_x(), ev.client_y()).map(|p| (p, p)));
                }
                dragged.set_value(false);
                let pressed = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .and_then(|e| e.closest(".node-hit").ok().flatten())
                    .and_then(|e| e.get_attribute("data-node"))
                    .and_then(|name| node_ids().into_iter().find(|id| id.to_string() == name));
                if let (true, Some(id), Some(p)) = (ev.is_primary(), pressed, to_canvas(ev.client_x(), ev.client_y())) {
                    drag.set(Some(NodeDrag { id, from: p, at: p, moving: false }));
                }
            }
            on:pointermove=move |ev| {
                if let Some(d) = drag.get_untracked() {
                    if let Some(p) = to_canvas(ev.client_x(), ev.client_y()) {
                        let moving = d.moving || (p.x - d.from.x).hypot(p.y - d.from.y) >= DRAG_MIN;
                        if moving && !d.moving {
                            // From here the drawing follows the pointer even
                            // past its edge, and the node's click is not fired.
                            // (Should capture fail, the drag still ends
                            // where the pointer leaves the drawing.)
                            if let Some(el) = svg_ref.get_untracked() {
                                let _ = el.set_pointer_capture(ev.pointer_id());
                            }
                        }
                        drag.set(Some(NodeDrag { at: p, moving, ..d }));
                    }
                }
                if knife.with_untracked(Option::is_some) {
                    if let Some(p) = to_canvas(ev.client_x(), ev.client_y()) {
                        knife.update(|k| if let Some(k) = k { k.1 = p });
                    }
                }
            }
            on:touchmove=move |ev: leptos::ev::TouchEvent| {
                // A finger on a node drags the node, never scrolls the page:
                // CSS `touch-action` does not reach inside an SVG, so the
                // move is refused here (a listener on the drawing itself,
                // not the document, so it is not passive). A tap still clicks.
                if drag.with_untracked(Option::is_some) {
                    ev.prevent_default();
                }
            }
            on:pointerup=move |_| {
                drop_node();
                cut_along();
                thaw();
            }
            on:pointercancel=move |_| {
                drag.set(None);
                knife.set(None);
                thaw();
            }
            on:pointerleave=move |_| {
                drop_node();
                cut_along();
                thaw();
            }
            viewBox=format!("0 0 {CANVAS} {CANVAS}")
            role="group"
            aria-label=move || lang.get().f(K::ClusterAria, &[("n", &count())])
        >
            <GroupHalos ui pos />
            <g class="links">
                {move || {
                    let lang = lang.get();
                    lanes.get().into_iter().map(|lane| view! { <Link lane lang ui /> }).collect_view()
                }}
            </g>
            <g class="nodes">
                <For each=node_ids key=|id| *id children=move |id| view! { <Node id nodes ui dragged /> } />
            </g>
            <NodePower ui nodes />
            <DragLayer ui drag pos />
            <HiddenNote ui messages />
            {move || knife.get().map(|(a, b)| view! {
                <line class="knife" data-testid="knife" x1=num(a.x) y1=num(a.y) x2=num(b.x) y2=num(b.y)></line>
            })}
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

/// On the selected node, a button that crashes it (or restarts it when
/// down): the commonest fault, acted out on the node itself.
#[component]
fn NodePower(ui: Ui, nodes: Memo<Vec<NodeView>>) -> impl IntoView {
    let target = Memo::new(move |_| {
        nodes.with(|ns| {
            ns.iter()
                .find(|n| n.look.selected)
                .map(|n| (n.id, n.at, n.r))
        })
    });
    // Whether it is down, as a memo: the button is redrawn when that
    // changes, not on every frame, so keyboard focus stays on it.
    let down = Memo::new(move |_| {
        let (id, _, _) = target.get()?;
        Some(ui.snapshot.with(|s| {
            s.nodes
                .iter()
                .find(|n| n.id == id)
                .is_some_and(|n| n.status == NodeStatus::Crashed)
        }))
    });
    move || {
        let (id, at, r) = target.get()?;
        let down = down.get()?;
        let lang = ui.lang.get();
        let (label, mark, class) = if down {
            (
                lang.f(K::PowerRestart, &[("node", &id)]),
                "↻",
                "node-power restart",
            )
        } else {
            (
                lang.f(K::PowerCrash, &[("node", &id)]),
                "✕",
                "node-power crash",
            )
        };
        let p = badge_at(
            Point {
                x: at.x,
                y: at.y + 2.0 * r - 12.0,
            },
            r,
            true,
        );
        let act = move || {
            ui.act(if down {
                Action::Restart(id)
            } else {
                Action::Crash(id)
            });
        };
        Some(view! {
            <g
                class=class
                data-testid="node-power"
                role="button"
                tabindex="0"
                aria-label=label.clone()
                data-explain=label
                transform=format!("translate({} {})", num(p.x), num(p.y))
                on:click=move |ev| {
                    ev.stop_propagation();
                    act();
                }
                on:keydown=move |ev| {
                    if svg::on_activate(&ev) {
                        act();
                    }
                }
            >
                <circle r="12"></circle>
                <text text-anchor="middle" dominant-baseline="central" aria-hidden="true">{mark}</text>
            </g>
        })
    }
}
