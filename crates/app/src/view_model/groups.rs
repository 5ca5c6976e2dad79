//! Partitions drawn by dragging nodes (issue 11): which group a drop on
//! the drawing means, the partition that follows from it, and the groups
//! as drawn (a halo per node).
//!
//! One representation: the world's partition (`Action::Partition`, the
//! same action the Network panel's tool sends). Its first group is "the
//! rest", the cluster the nodes were dragged out of; the others are the
//! groups set apart (paper §5: a partition splits the servers into groups
//! that cannot reach one another). Nodes a partition does not name form one
//! more group, as in the simulator.

use std::collections::BTreeSet;

use raftlab_core::NodeId;
use raftlab_sim::Action;

use super::layout::{node_radius, ring_radius, Point, CENTRE};
use crate::i18n::{Lang, K};

/// How far (SVG units) the pointer must travel from where it pressed a node
/// before the press is a drag and not a click (which selects the node).
pub const DRAG_MIN: f64 = 12.0;

/// Radius of the cluster's disc: the ring and the circles on it. A node
/// dropped outside it is set apart from the others.
pub fn cluster_radius(count: usize) -> f64 {
    ring_radius(count) + node_radius(count)
}

/// What dropping a dragged node at a point means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Inside the cluster's disc: back with the rest (the first group).
    Rest,
    /// Outside the disc: set apart, with the nodes already set apart.
    Apart,
    /// On another node: into that node's group.
    Join(NodeId),
}

/// What a drop of node `dragged` at `at` means, with the nodes at
/// `positions`: on another node's circle joins its group; outside the
/// cluster's disc sets it apart; anywhere else brings it back.
pub fn target_at(at: Point, dragged: NodeId, positions: &[(NodeId, Point)]) -> Target {
    let count = positions.len();
    let r = node_radius(count);
    if let Some((id, _)) = positions
        .iter()
        .filter(|(id, _)| *id != dragged)
        .find(|(_, p)| (p.x - at.x).hypot(p.y - at.y) <= r)
    {
        return Target::Join(*id);
    }
    if (at.x - CENTRE).hypot(at.y - CENTRE) > cluster_radius(count) {
        Target::Apart
    } else {
        Target::Rest
    }
}

/// Every node in exactly one group, in the partition's order (nodes it
/// does not name last, together), empty groups left out. Fewer than two
/// groups means the network is whole: the answer is then empty.
pub fn groups(ids: &[NodeId], partition: Option<&[Vec<NodeId>]>) -> Vec<Vec<NodeId>> {
    let named: Vec<Vec<NodeId>> = partition
        .unwrap_or_default()
        .iter()
        .map(|g| g.iter().copied().filter(|n| ids.contains(n)).collect())
        .collect();
    let unnamed: Vec<NodeId> = ids
        .iter()
        .copied()
        .filter(|n| !named.iter().any(|g| g.contains(n)))
        .collect();
    let out: Vec<Vec<NodeId>> = named
        .into_iter()
        .chain(std::iter::once(unnamed))
        .filter(|g| !g.is_empty())
        .collect();
    if out.len() < 2 {
        Vec::new()
    } else {
        out
    }
}

/// Which group (index into [`groups`]) each node is drawn in, for its halo;
/// nothing when the network is whole.
pub fn halos(ids: &[NodeId], partition: Option<&[Vec<NodeId>]>) -> Vec<(NodeId, usize)> {
    let gs = groups(ids, partition);
    ids.iter()
        .filter_map(|n| gs.iter().position(|g| g.contains(n)).map(|i| (*n, i)))
        .collect()
}

/// The groups after `node` is dropped as `target` says: `None` when nothing
/// changes. An empty answer means the network becomes whole.
pub fn regrouped(
    ids: &[NodeId],
    partition: Option<&[Vec<NodeId>]>,
    node: NodeId,
    target: Target,
) -> Option<Vec<Vec<NodeId>>> {
    let mut gs = groups(ids, partition);
    if gs.is_empty() {
        gs = vec![ids.to_vec()];
    }
    let from = gs.iter().position(|g| g.contains(&node))?;
    let to = match target {
        Target::Rest => 0,
        Target::Apart if from > 0 => from,
        Target::Apart => 1,
        Target::Join(other) => gs.iter().position(|g| g.contains(&other))?,
    };
    if to == from {
        return None;
    }
    gs[from].retain(|n| *n != node);
    if to == gs.len() {
        gs.push(Vec::new());
    }
    gs[to].push(node);
    gs[to].sort();
    gs.retain(|g| !g.is_empty());
    if gs.len() < 2 {
        gs.clear();
    }
    Some(gs)
}

/// The action that makes the network `after` (from [`regrouped`]): a
/// partition into those groups, or, when it becomes whole, a heal. The heal
/// is `HealAll` unless some cut was made by hand inside a group (the knife,
/// a one-way cut): those stay, and the partition becomes one group.
pub fn action_for(
    ids: &[NodeId],
    partition: Option<&[Vec<NodeId>]>,
    cuts: &[(NodeId, NodeId)],
    after: Vec<Vec<NodeId>>,
) -> Action {
    if !after.is_empty() {
        return Action::Partition(
            after
                .into_iter()
                .map(|g| g.into_iter().collect::<BTreeSet<_>>())
                .collect(),
        );
    }
    let before = groups(ids, partition);
    let group_of = |n: &NodeId| before.iter().position(|g| g.contains(n));
    let hand_cuts = cuts.iter().any(|(a, b)| group_of(a) == group_of(b));
    if hand_cuts {
        Action::Partition(vec![ids.iter().copied().collect()])
    } else {
        Action::HealAll
    }
}

/// What dropping `node` now would do, said while it is dragged: `after` is
/// [`regrouped`]'s answer for the pointer's place.
pub fn drag_hint(
    lang: Lang,
    ids: &[NodeId],
    partition: Option<&[Vec<NodeId>]>,
    node: NodeId,
    after: Option<&[Vec<NodeId>]>,
) -> String {
    let list = |g: &[NodeId]| {
        g.iter()
            .map(NodeId::to_string)
            .collect::<Vec<_>>()
            .join(lang.t(K::ExListSep))
    };
    match after {
        None => {
            let apart = groups(ids, partition)
                .iter()
                .position(|g| g.contains(&node))
                .is_some_and(|i| i > 0);
            let k = if apart {
                K::DragNodeBackHint
            } else {
                K::DragNodeOutHint
            };
            lang.f(k, &[("node", &node)])
        }
        Some([]) => lang.f(K::DragNodeHeals, &[("node", &node)]),
        Some(gs) => match gs.iter().position(|g| g.contains(&node)) {
            Some(0) | None => {
                let others: Vec<NodeId> = gs[0].iter().copied().filter(|n| *n != node).collect();
                lang.f(
                    K::DragNodeRejoins,
                    &[("node", &node), ("group", &list(&others))],
                )
            }
            Some(i) => lang.f(K::DragNodeCuts, &[("group", &list(&gs[i]))]),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::layout::ring_position;

    fn ids(n: u64) -> Vec<NodeId> {
        (1..=n).map(NodeId).collect()
    }

    fn ring(n: usize) -> Vec<(NodeId, Point)> {
        (0..n)
            .map(|i| (NodeId(i as u64 + 1), ring_position(i, n)))
            .collect()
    }

    fn g(v: &[&[u64]]) -> Vec<Vec<NodeId>> {
        v.iter()
            .map(|g| g.iter().map(|n| NodeId(*n)).collect())
            .collect()
    }

    #[test]
    fn a_drop_outside_the_ring_sets_apart_inside_brings_back_on_a_node_joins() {
        let pos = ring(5);
        let n1 = pos[0].1;
        // n1 sits at the top: dragged up past the ring's edge, it is apart.
        let up = Point {
            x: n1.x,
            y: n1.y - node_radius(5) - 5.0,
        };
        assert_eq!(target_at(up, NodeId(1), &pos), Target::Apart);
        // Its own spot, or the middle of the ring: back with the rest.
        assert_eq!(target_at(n1, NodeId(1), &pos), Target::Rest);
        let mid = Point {
            x: CENTRE,
            y: CENTRE,
        };
        assert_eq!(target_at(mid, NodeId(1), &pos), Target::Rest);
        // On n3's circle: n3's group.
        let n3 = pos[2].1;
        let near = Point {
            x: n3.x + 5.0,
            y: n3.y - 5.0,
        };
        assert_eq!(target_at(near, NodeId(1), &pos), Target::Join(NodeId(3)));
        // A corner of the drawing is outside the ring.
        assert_eq!(
            target_at(Point { x: 5.0, y: 5.0 }, NodeId(1), &pos),
            Target::Apart
        );
    }

    #[test]
    fn the_groups_cover_every_node_and_a_whole_network_has_none() {
        let all = ids(5);
        assert!(groups(&all, None).is_empty());
        assert!(groups(&all, Some(&g(&[&[1, 2, 3, 4, 5]]))).is_empty());
        // Unnamed nodes form one more group, last.
        assert_eq!(groups(&all, Some(&g(&[&[3]]))), g(&[&[3], &[1, 2, 4, 5]]));
        // A named node that is not in the cluster is left out.
        assert_eq!(
            groups(&all, Some(&g(&[&[1, 9], &[2, 3, 4, 5]]))),
            g(&[&[1], &[2, 3, 4, 5]])
        );
        assert_eq!(
            halos(&ids(3), Some(&g(&[&[1, 2], &[3]]))),
            vec![(NodeId(1), 0), (NodeId(2), 0), (NodeId(3), 1)]
        );
        assert!(halos(&ids(3), None).is_empty());
    }

    /// Dragging n3 out, then n4 after it, then both back: a minority of
    /// two cut off from a majority of three, then the network heals.
    /// Reference: Raft paper §5 (network partitions).
    #[test]
    fn dragging_nodes_out_and_back_partitions_and_heals() {
        let all = ids(5);
        let one = regrouped(&all, None, NodeId(3), Target::Apart).unwrap();
        assert_eq!(one, g(&[&[1, 2, 4, 5], &[3]]));
        let two = regrouped(&all, Some(&one), NodeId(4), Target::Apart).unwrap();
        assert_eq!(two, g(&[&[1, 2, 5], &[3, 4]]));
        // Out again: nothing changes.
        assert_eq!(regrouped(&all, Some(&two), NodeId(4), Target::Apart), None);
        assert_eq!(regrouped(&all, Some(&two), NodeId(1), Target::Rest), None);
        // Dropped on n4: into n4's group.
        assert_eq!(
            regrouped(&all, Some(&two), NodeId(5), Target::Join(NodeId(4))).unwrap(),
            g(&[&[1, 2], &[3, 4, 5]])
        );
        let back = regrouped(&all, Some(&two), NodeId(3), Target::Rest).unwrap();
        assert_eq!(back, g(&[&[1, 2, 3, 5], &[4]]));
        let whole = regrouped(&all, Some(&back), NodeId(4), Target::Join(NodeId(1))).unwrap();
        assert!(whole.is_empty());
        // A node not in the cluster moves nowhere.
        assert_eq!(regrouped(&all, None, NodeId(9), Target::Apart), None);
    }

    #[test]
    fn the_action_is_a_partition_or_a_heal_that_keeps_hand_cuts() {
        let all = ids(3);
        let two = g(&[&[1, 2], &[3]]);
        let cut = |a: u64, b: u64| (NodeId(a), NodeId(b));
        assert_eq!(
            action_for(&all, None, &[], two.clone()),
            Action::Partition(vec![
                [NodeId(1), NodeId(2)].into_iter().collect(),
                [NodeId(3)].into_iter().collect()
            ])
        );
        // The partition's own cuts go with it.
        let partition_cuts = [cut(1, 3), cut(3, 1), cut(2, 3), cut(3, 2)];
        assert_eq!(
            action_for(&all, Some(&two), &partition_cuts, Vec::new()),
            Action::HealAll
        );
        // A cut by hand between n1 and n2 (one group) stays.
        let mut with_hand = partition_cuts.to_vec();
        with_hand.push(cut(1, 2));
        assert_eq!(
            action_for(&all, Some(&two), &with_hand, Vec::new()),
            Action::Partition(vec![all.iter().copied().collect()])
        );
    }

    #[test]
    fn the_hint_says_what_the_drop_would_do_in_both_languages() {
        let all = ids(5);
        let out = regrouped(&all, None, NodeId(3), Target::Apart);
        let en = drag_hint(Lang::En, &all, None, NodeId(3), out.as_deref());
        assert_eq!(en, "Drop to cut n3 off from the others");
        let zh = drag_hint(Lang::Zh, &all, None, NodeId(3), out.as_deref());
        assert!(zh.contains("n3") && !zh.contains("Drop"), "{zh}");
        let two = g(&[&[1, 2, 5], &[3, 4]]);
        let joined = regrouped(&all, Some(&two), NodeId(5), Target::Apart);
        assert_eq!(
            drag_hint(Lang::En, &all, Some(&two), NodeId(5), joined.as_deref()),
            "Drop to cut n3, n4, n5 off from the others"
        );
        let back = regrouped(&all, Some(&two), NodeId(3), Target::Rest);
        assert_eq!(
            drag_hint(Lang::En, &all, Some(&two), NodeId(3), back.as_deref()),
            "Drop to bring n3 back to n1, n2, n5"
        );
        let one = g(&[&[1, 2, 4, 5], &[3]]);
        let heal = regrouped(&all, Some(&one), NodeId(3), Target::Rest);
        assert!(drag_hint(Lang::En, &all, Some(&one), NodeId(3), heal.as_deref()).contains("heal"));
        // Nothing would change: the hint says how to drag.
        assert!(drag_hint(Lang::En, &all, None, NodeId(3), None).contains("out of the ring"));
        assert!(
            drag_hint(Lang::En, &all, Some(&one), NodeId(3), None).contains("back into the ring")
        );
    }
}
