//! The cluster drawing: nodes on a ring, links per direction, messages in
//! flight and messages fading where they were lost. Only draws: every
//! position, class and label comes from `view_model`.
//!
//! Pressing the pointer anywhere on the drawing freezes the run while it is
//! held, so a flying message can be picked at any speed: release over a
//! message to select it (the run stays paused to act on it); release
//! anywhere else and the run goes on.

use leptos::prelude::*;
use raftlab_core::NodeId;
use raftlab_sim::MsgId;

use crate::driver::{Pace, Selection, Ui};
use crate::i18n::K;
use crate::view_model::layout::{cut_pieces, lane, node_radius, Point, CANVAS};
use crate::view_model::message::{drop_views, message_views, Shape};
use crate::view_model::node::{arc_dasharray, node_views, positions, NodeView};

/// One direction of a link as drawn.
#[derive(Clone, Debug, PartialEq)]
struct LaneView {
    from: NodeId,
    to: NodeId,
    a: Point,
    b: Point,
    cut: bool,
}

fn f(x: f64) -> String {
    format!("{x:.1}")
}

/// Activates on Enter or Space, like a button.
fn on_activate(ev: &leptos::ev::KeyboardEvent) -> bool {
    let k = ev.key();
    if k == "Enter" || k == " " {
        ev.prevent_default();
        ev.stop_propagation();
        true
    } else {
        false
    }
}

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
        let r = node_radius(p.len());
        ui.snapshot.with(|s| {
            let mut out = Vec::new();
            for (i, (a, pa)) in p.iter().enumerate() {
                for (b, pb) in p.iter().skip(i + 1) {
                    for (from, to, pf, pt) in [(*a, *b, *pa, *pb), (*b, *a, *pb, *pa)] {
                        let (x, y) = lane(pf, pt, r);
                        out.push(LaneView {
                            from,
                            to,
                            a: x,
                            b: y,
                            cut: s.cuts.contains(&(from, to)),
                        });
                    }
                }
            }
            out
        })
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

    let links_view = move || {
        let lang = lang.get();
        lanes
            .get()
            .into_iter()
            .map(|l| {
                let (from, to) = (l.from, l.to);
                let pair = if from < to { (from, to) } else { (to, from) };
                let select = move || ui.selection.set(Selection::Link(pair.0, pair.1));
                let cut_suffix = if l.cut { lang.t(K::LinkCutSuffix) } else { "" };
                let aria = lang.f(K::LinkAria, &[("from", &from), ("to", &to), ("cut", &cut_suffix)]);
                let testid = format!("link-{from}-{to}");
                let drawn = if l.cut {
                    let [(a1, b1), (a2, b2)] = cut_pieces(l.a, l.b);
                    view! {
                        <line class="lane cut" x1=f(a1.x) y1=f(a1.y) x2=f(b1.x) y2=f(b1.y)></line>
                        <line class="lane cut" x1=f(a2.x) y1=f(a2.y) x2=f(b2.x) y2=f(b2.y)></line>
                    }
                    .into_any()
                } else {
                    view! { <line class="lane" x1=f(l.a.x) y1=f(l.a.y) x2=f(l.b.x) y2=f(l.b.y)></line> }
                        .into_any()
                };
                view! {
                    <g
                        class="link"
                        data-testid=testid
                        role="button"
                        aria-label=aria
                        on:click=move |_| select()
                    >
                        {drawn}
                        <line class="lane-hit" x1=f(l.a.x) y1=f(l.a.y) x2=f(l.b.x) y2=f(l.b.y)></line>
                    </g>
                }
            })
            .collect_view()
    };

    let node_view = move |id: NodeId| {
        // Everything but the timer, which moves every frame and is drawn
        // apart (see `arc_view`): the node itself redraws only when its
        // state changes.
        let v = Memo::new(move |_| {
            nodes.with(|ns| {
                ns.iter().find(|n| n.id == id).map(|n| NodeView {
                    timer: None,
                    ..n.clone()
                })
            })
        });
        let get = move |g: fn(&crate::view_model::node::NodeView) -> String| {
            move || v.with(|n| n.as_ref().map(g).unwrap_or_default())
        };
        let select = move || ui.selection.set(Selection::Node(id));
        view! {
            <g
                data-testid="node"
                data-node=id.to_string()
                class=get(|n| n.class.clone())
                aria-label=get(|n| n.aria.clone())
                role="button"
                tabindex="0"
                on:click=move |_| select()
                on:keydown=move |ev| {
                    if on_activate(&ev) {
                        select()
                    }
                }
            >
                <circle class="timer-track" cx=get(|n| f(n.at.x)) cy=get(|n| f(n.at.y)) r=get(|n| f(n.r + 6.0))></circle>
                <circle class="body" cx=get(|n| f(n.at.x)) cy=get(|n| f(n.at.y)) r=get(|n| f(n.r))></circle>
                <circle class="leader-ring" cx=get(|n| f(n.at.x)) cy=get(|n| f(n.at.y)) r=get(|n| f(n.r - 5.0))></circle>
                <text class="crown" x=get(|n| f(n.at.x)) y=get(|n| f(n.at.y - n.r - 10.0)) text-anchor="middle" aria-hidden="true">
                    {move || v.with(|n| if n.as_ref().is_some_and(|n| n.crown) { "★" } else { "" })}
                </text>
                <text class="node-id" x=get(|n| f(n.at.x)) y=get(|n| f(n.at.y - 4.0)) text-anchor="middle">
                    {id.to_string()}
                </text>
                <text class="node-role" x=get(|n| f(n.at.x)) y=get(|n| f(n.at.y + 11.0)) text-anchor="middle">
                    {get(|n| n.role_label.clone())}
                </text>
                <text class="node-term" x=get(|n| f(n.at.x)) y=get(|n| f(n.at.y + n.r + 19.0)) text-anchor="middle">
                    {get(|n| if n.vote_label.is_empty() { n.term_label.clone() } else { format!("{} · {}", n.term_label, n.vote_label) })}
                </text>
                <text class="crash-mark" x=get(|n| f(n.at.x)) y=get(|n| f(n.at.y + 12.0)) text-anchor="middle" aria-hidden="true">
                    "✕"
                </text>
            </g>
        }
    };

    // A node's election timer: an arc drawing down around it, redrawn every
    // frame. The arcs sit in their own composited group above the nodes,
    // so a frame repaints and rasterizes nine arcs rather than the whole
    // drawing (that raster was most of a frame's work without a GPU).
    let arc_view = move |id: NodeId| {
        let v = Memo::new(move |_| {
            nodes.with(|ns| {
                ns.iter()
                    .find(|n| n.id == id)
                    .map(|n| (n.at, n.r + 6.0, n.timer, n.class.replacen("node ", "", 1)))
            })
        });
        let place = Memo::new(move |_| v.with(|v| v.as_ref().map(|v| (v.0, v.1))));
        let at = move |g: fn(Point, f64) -> String| {
            move || place.with(|p| p.map(|(at, r)| g(at, r)).unwrap_or_default())
        };
        view! {
            <circle
                class=move || v.with(|v| format!("timer-arc {}", v.as_ref().map_or("", |v| v.3.as_str())))
                data-node=id.to_string()
                cx=at(|at, _| f(at.x))
                cy=at(|at, _| f(at.y))
                r=at(|_, r| f(r))
                transform=at(|at, _| format!("rotate(-90 {} {})", f(at.x), f(at.y)))
                stroke-dasharray=move || v.with(|v| v.as_ref().and_then(|v| v.2.map(|t| arc_dasharray(t, v.1))).unwrap_or_else(|| "0 999".into()))
                opacity=move || v.with(|v| match v {
                    Some(v) if v.2.is_some() && v.3.contains("removed") => "0.45",
                    Some(v) if v.2.is_some() => "1",
                    _ => "0",
                })
            ></circle>
        }
    };

    let message_view = move |id: MsgId| {
        let v = Memo::new(move |_| messages.with(|ms| ms.iter().find(|m| m.id == id).cloned()));
        let Some(first) = v.get_untracked() else {
            return ().into_any();
        };
        let g = first.glyph.clone();
        let shape = match g.shape {
            Shape::Dot => view! { <circle class="shape" r="5"></circle> }.into_any(),
            Shape::Pill => {
                view! { <rect class="shape" x="-11" y="-8" width="22" height="16" rx="8"></rect> }
                    .into_any()
            }
            Shape::Diamond => {
                view! { <polygon class="shape" points="0,-10 10,0 0,10 -10,0"></polygon> }
                    .into_any()
            }
            Shape::Square => {
                view! { <rect class="shape" x="-8" y="-8" width="16" height="16"></rect> }
                    .into_any()
            }
            Shape::Triangle => {
                view! { <polygon class="shape" points="0,-10 10,8 -10,8"></polygon> }.into_any()
            }
            Shape::Reply => view! { <circle class="shape" r="8"></circle> }.into_any(),
        };
        // Picking a message pauses the run, so it is still there to act on.
        let select = move || {
            frozen.set(false);
            ui.set_playing(false);
            ui.selection.set(Selection::Message(id));
        };
        view! {
            <g
                data-testid="message"
                data-kind=format!("{:?}", first.glyph.shape)
                class=move || v.with(|m| m.as_ref().map(|m| m.class.clone()).unwrap_or_default())
                transform=move || v.with(|m| m.as_ref().map(|m| format!("translate({} {})", f(m.at.x), f(m.at.y))).unwrap_or_default())
                data-msg=id.to_string()
                aria-label=first.aria.clone()
                role="button"
                tabindex="0"
                on:pointerup=move |_| select()
                on:click=move |_| select()
                on:keydown=move |ev| {
                    if on_activate(&ev) {
                        select()
                    }
                }
            >
                <title>{first.aria.clone()}</title>
                <circle class="msg-hit" r="15"></circle>
                {shape}
                <text class="glyph" text-anchor="middle" dominant-baseline="central">{g.text.clone()}</text>
            </g>
        }
        .into_any()
    };

    let drops_view = move || {
        drops
            .get()
            .into_iter()
            .map(|d| {
                view! {
                    <g
                        class="drop"
                        data-testid="dropped-message"
                        transform=format!("translate({} {})", f(d.at.x), f(d.at.y))
                        opacity=format!("{:.2}", d.opacity)
                    >
                        <title>{d.reason.clone()}</title>
                        <circle r="9"></circle>
                        <text text-anchor="middle" dominant-baseline="central">"✕"</text>
                    </g>
                }
            })
            .collect_view()
    };

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
            <g class="links">{links_view}</g>
            <g class="nodes">
                <For each=move || nodes.with(|ns| ns.iter().map(|n| n.id).collect::<Vec<_>>()) key=|id| *id children=node_view />
            </g>
            <text class="hidden-note" data-testid="hidden-messages-note" x=f(CANVAS / 2.0) y=f(CANVAS - 6.0) text-anchor="middle">
                {move || {
                    // Counted at reading pace; every frame it would flicker.
                    ui.glance(Pace::Lists).track();
                    let hidden = ui.snapshot.with_untracked(|s| s.messages.len()).saturating_sub(messages.with_untracked(Vec::len));
                    (hidden > 0).then(|| lang.get().f(K::MessagesTooFast, &[("n", &hidden)]))
                }}
            </text>
            // What moves every frame, last and in one composited layer.
            <g class="live">
                <g class="timers" aria-hidden="true">
                    <For each=move || nodes.with(|ns| ns.iter().map(|n| n.id).collect::<Vec<_>>()) key=|id| *id children=arc_view />
                </g>
                <g class="messages">
                    <For
                        each=move || messages.with(|ms| ms.iter().map(|m| m.id).collect::<Vec<_>>())
                        key=|id| *id
                        children=message_view
                    />
                </g>
                <g class="drops">{drops_view}</g>
            </g>
        </svg>
    }
}
