//! Partitions drawn by dragging nodes: the halo that shows each node's
//! group, and while a node is dragged, the drop zone (outside the ring),
//! a ghost under the pointer and a line saying what the drop will do.
//! What a drop means is `view_model::groups`; the partition is the world's
//! one `Action::Partition`, so the timeline, links and undo carry it.

use leptos::prelude::*;
use raftlab_core::NodeId;

use super::svg::num;
use crate::driver::Ui;
use crate::view_model::groups::{
    action_for, cluster_radius, drag_hint, halos, regrouped, target_at, Target,
};
use crate::view_model::layout::{node_radius, Point, CANVAS, CENTRE};

/// A node being dragged: which, where the press began and where the
/// pointer is (SVG units); `moving` once it went past `DRAG_MIN`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeDrag {
    /// The node.
    pub id: NodeId,
    /// Where the press began.
    pub from: Point,
    /// Where the pointer is now.
    pub at: Point,
    /// Past the click distance: a drag, not a click.
    pub moving: bool,
}

/// The groups after dropping `node` as `target` says (`None`: no change),
/// from the world as the page shows it.
fn after(ui: Ui, node: NodeId, target: Target) -> Option<Vec<Vec<NodeId>>> {
    ui.snapshot.with_untracked(|s| {
        let ids: Vec<NodeId> = s.nodes.iter().map(|n| n.id).collect();
        regrouped(&ids, s.partition.as_deref(), node, target)
    })
}

/// Moves `node` into the group `target` means, by one partition action
/// (or a heal when the network becomes whole); nothing if it is there.
pub fn move_node(ui: Ui, node: NodeId, target: Target) {
    let Some(groups) = after(ui, node, target) else {
        return;
    };
    let action = ui.snapshot.with_untracked(|s| {
        let ids: Vec<NodeId> = s.nodes.iter().map(|n| n.id).collect();
        action_for(&ids, s.partition.as_deref(), &s.cuts, groups)
    });
    ui.act(action);
}

/// The keyboard's way (G): sets `node` apart, or brings it back.
pub fn toggle_node(ui: Ui, node: NodeId) {
    let target = if after(ui, node, Target::Apart).is_some() {
        Target::Apart
    } else {
        Target::Rest
    };
    move_node(ui, node, target);
}

/// Text for SVG markup: `&`, `<`, `>` and `"` escaped.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The halos as SVG markup: one circle per node, in its group's colour.
/// (Markup, not one component per circle: what is drawn is decorative,
/// and a string costs the page far less code.)
fn halo_markup(halos: &[(NodeId, usize)], pos: &[(NodeId, Point)]) -> String {
    let r = num(node_radius(pos.len()) + 17.0);
    let mut out = String::new();
    for (id, group) in halos {
        if let Some((_, at)) = pos.iter().find(|(n, _)| n == id) {
            out += &format!(
                r#"<circle class="group-halo g{g4}" data-testid="group-halo" data-node="{id}" data-group="{group}" cx="{x}" cy="{y}" r="{r}"></circle>"#,
                g4 = group % 4,
                x = num(at.x),
                y = num(at.y),
            );
        }
    }
    out
}

/// A halo behind each node in its group's colour while the network is
/// partitioned (the first group, "the rest", in the quietest).
#[component]
pub fn GroupHalos(ui: Ui, pos: Memo<Vec<(NodeId, Point)>>) -> impl IntoView {
    let halos = Memo::new(move |_| {
        ui.snapshot.with(|s| {
            let ids: Vec<NodeId> = s.nodes.iter().map(|n| n.id).collect();
            halos(&ids, s.partition.as_deref())
        })
    });
    view! {
        <g class="groups" aria-hidden="true" inner_html=move || halos.with(|h| pos.with(|p| halo_markup(h, p)))></g>
    }
}

/// The drag layer's markup: the drop zone outside the ring (lit when the
/// pointer is in it), the node it would join, a tether from the node's
/// place, a ghost under the pointer and what dropping it there would do.
fn drag_markup(d: &NodeDrag, p: &[(NodeId, Point)], hint: &str) -> String {
    let count = p.len();
    let (r, big) = (node_radius(count), cluster_radius(count));
    let target = target_at(d.at, d.id, p);
    let home = p
        .iter()
        .find(|(n, _)| *n == d.id)
        .map_or(d.from, |(_, at)| *at);
    let (c, x) = (num(CANVAS), num(CENTRE));
    // The canvas less the ring's disc (even-odd): the zone that sets apart.
    let zone = format!(
        "M0 0H{c}V{c}H0Z M{x} {t} A{R} {R} 0 1 0 {x} {b} A{R} {R} 0 1 0 {x} {t}Z",
        t = num(CENTRE - big),
        b = num(CENTRE + big),
        R = num(big),
    );
    let hot = if target == Target::Apart { " hot" } else { "" };
    let join = match target {
        Target::Join(other) => p
            .iter()
            .find(|(n, _)| *n == other)
            .map(|(_, at)| {
                format!(
                    r#"<circle class="drop-join" cx="{}" cy="{}" r="{}"></circle>"#,
                    num(at.x),
                    num(at.y),
                    num(r + 9.0)
                )
            })
            .unwrap_or_default(),
        _ => String::new(),
    };
    let (ax, ay) = (num(d.at.x), num(d.at.y));
    // The hint at the foot of the picture, where no label is, unless the
    // ghost is there: then at the top.
    let hint_y = if d.at.y > CANVAS - 60.0 {
        16.0
    } else {
        CANVAS - 8.0
    };
    format!(
        concat!(
            r#"<g class="drag-layer" data-testid="drag-layer" data-target="{target:?}">"#,
            r#"<path class="drop-zone{hot}" data-testid="drop-zone" d="{zone}" fill-rule="evenodd"></path>"#,
            r#"<circle class="drop-ring" cx="{x}" cy="{x}" r="{big}"></circle>{join}"#,
            r#"<line class="drag-tether" x1="{hx}" y1="{hy}" x2="{ax}" y2="{ay}"></line>"#,
            r#"<g class="drag-ghost"><circle cx="{ax}" cy="{ay}" r="{r}"></circle>"#,
            r#"<text x="{ax}" y="{ty}" text-anchor="middle">{id}</text></g>"#,
            r#"<text class="drag-hint" data-testid="drag-hint" x="{x}" y="{hint_y}" text-anchor="middle">{hint}</text>"#,
            "</g>"
        ),
        target = target,
        hot = hot,
        zone = zone,
        x = x,
        big = num(big),
        join = join,
        hx = num(home.x),
        hy = num(home.y),
        ax = ax,
        ay = ay,
        r = num(r),
        ty = num(d.at.y + 5.0),
        id = d.id,
        hint = esc(hint),
        hint_y = num(hint_y),
    )
}

/// While a node is dragged, what a drop would do, drawn over the picture
/// (see [`drag_markup`]) and said to a screen reader.
#[component]
pub fn DragLayer(
    ui: Ui,
    drag: RwSignal<Option<NodeDrag>>,
    pos: Memo<Vec<(NodeId, Point)>>,
) -> impl IntoView {
    let markup = move || {
        let Some(d) = drag.get().filter(|d| d.moving) else {
            return String::new();
        };
        let p = pos.get_untracked();
        let hint = ui.snapshot.with_untracked(|s| {
            let ids: Vec<NodeId> = s.nodes.iter().map(|n| n.id).collect();
            let target = target_at(d.at, d.id, &p);
            let after = regrouped(&ids, s.partition.as_deref(), d.id, target);
            drag_hint(
                ui.lang.get_untracked(),
                &ids,
                s.partition.as_deref(),
                d.id,
                after.as_deref(),
            )
        });
        drag_markup(&d, &p, &hint)
    };
    view! { <g class="drag" aria-hidden="true" inner_html=markup></g> }
}
