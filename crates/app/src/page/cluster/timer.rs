//! A node's election timer: an arc drawing down around it, redrawn every
//! frame. The arcs sit in their own composited group above the nodes, so a
//! frame repaints and rasterizes nine arcs rather than the whole drawing
//! (that raster was most of a frame's work without a GPU).

use leptos::prelude::*;
use raftlab_core::NodeId;

use super::svg::num;
use crate::view_model::layout::Point;
use crate::view_model::node::{arc_dasharray, NodeLook, NodeView};

/// The timer of node `id`. Per frame only its dash array changes; the rest
/// is `Copy` data, so following the timer allocates nothing but that string.
#[component]
pub fn TimerArc(id: NodeId, nodes: Memo<Vec<NodeView>>) -> impl IntoView {
    let v = Memo::new(move |_| {
        nodes.with(|ns| {
            ns.iter()
                .find(|n| n.id == id)
                .map(|n| (n.at, n.r + 6.0, n.timer, n.look))
        })
    });
    let place = Memo::new(move |_| v.with(|v| v.map(|v| (v.0, v.1))));
    let look = Memo::new(move |_| v.with(|v| v.map(|v| v.3)));
    let at = move |g: fn(Point, f64) -> String| {
        move || place.with(|p| p.map(|(at, r)| g(at, r)).unwrap_or_default())
    };
    view! {
        <circle
            class=move || look.with(|l| l.map_or_else(|| "timer-arc".into(), |l: NodeLook| l.class("timer-arc")))
            data-node=id.to_string()
            cx=at(|at, _| num(at.x))
            cy=at(|at, _| num(at.y))
            r=at(|_, r| num(r))
            transform=at(|at, _| format!("rotate(-90 {} {})", num(at.x), num(at.y)))
            stroke-dasharray=move || v.with(|v| v.and_then(|v| v.2.map(|t| arc_dasharray(t, v.1))).unwrap_or_else(|| "0 999".into()))
            opacity=move || v.with(|v| v.map_or("0", |v| v.3.timer_opacity(v.2)))
        ></circle>
    }
}
