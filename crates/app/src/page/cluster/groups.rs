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
    move || {
        let p = pos.get();
        let r = node_radius(p.len()) + 17.0;
        halos
            .get()
            .into_iter()
            .filter_map(|(id, group)| {
                let at = p.iter().find(|(n, _)| *n == id)?.1;
                Some(view! {
                    <circle
                        class=format!("group-halo g{}", group % 4)
                        data-testid="group-halo"
                        data-node=id.to_string()
                        data-group=group
                        cx=num(at.x)
                        cy=num(at.y)
                        r=num(r)
                    ></circle>
                })
            })
            .collect_view()
    }
}

/// While a node is dragged: the drop zone outside the ring (lit when the
/// pointer is in it), the node it would join, a ghost under the pointer
/// and what dropping it there would do.
#[component]
pub fn DragLayer(
    ui: Ui,
    drag: RwSignal<Option<NodeDrag>>,
    pos: Memo<Vec<(NodeId, Point)>>,
) -> impl IntoView {
    move || {
        let d = drag.get().filter(|d| d.moving)?;
        let p = pos.get_untracked();
        let count = p.len();
        let (r, big) = (node_radius(count), cluster_radius(count));
        let target = target_at(d.at, d.id, &p);
        let hint = ui.snapshot.with_untracked(|s| {
            let ids: Vec<NodeId> = s.nodes.iter().map(|n| n.id).collect();
            let after = regrouped(&ids, s.partition.as_deref(), d.id, target);
            drag_hint(
                ui.lang.get_untracked(),
                &ids,
                s.partition.as_deref(),
                d.id,
                after.as_deref(),
            )
        });
        // The canvas less the ring's disc (even-odd): the zone that sets apart.
        let zone = format!(
            "M0 0H{c}V{c}H0Z M{x} {t} A{R} {R} 0 1 0 {x} {b} A{R} {R} 0 1 0 {x} {t}Z",
            c = num(CANVAS),
            x = num(CENTRE),
            t = num(CENTRE - big),
            b = num(CENTRE + big),
            R = num(big),
        );
        let home = p
            .iter()
            .find(|(n, _)| *n == d.id)
            .map_or(d.from, |(_, at)| *at);
        let join = match target {
            Target::Join(other) => p.iter().find(|(n, _)| *n == other).map(|(_, at)| *at),
            _ => None,
        };
        let zone_class = if target == Target::Apart {
            "drop-zone hot"
        } else {
            "drop-zone"
        };
        Some(view! {
            <g class="drag-layer" data-testid="drag-layer" data-target=format!("{target:?}")>
                <path class=zone_class data-testid="drop-zone" d=zone fill-rule="evenodd"></path>
                <circle class="drop-ring" cx=num(CENTRE) cy=num(CENTRE) r=num(big)></circle>
                {join.map(|at| view! { <circle class="drop-join" cx=num(at.x) cy=num(at.y) r=num(r + 9.0)></circle> })}
                <line class="drag-tether" x1=num(home.x) y1=num(home.y) x2=num(d.at.x) y2=num(d.at.y)></line>
                <g class="drag-ghost" aria-hidden="true">
                    <circle cx=num(d.at.x) cy=num(d.at.y) r=num(r)></circle>
                    <text x=num(d.at.x) y=num(d.at.y + 5.0) text-anchor="middle">{d.id.to_string()}</text>
                </g>
                <text class="drag-hint" data-testid="drag-hint" role="status" x=num(CENTRE) y="16" text-anchor="middle">{hint}</text>
            </g>
        })
    }
}
