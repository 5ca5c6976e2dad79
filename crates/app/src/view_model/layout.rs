//! Where things sit in the cluster drawing (SVG user units).

use raftlab_core::NodeId;

/// Side of the square SVG canvas.
pub const CANVAS: f64 = 420.0;
/// Centre of the canvas.
pub const CENTRE: f64 = CANVAS / 2.0;
/// Distance between the two lanes (one per direction) of a link.
pub const LANE_GAP: f64 = 7.0;

/// A point in the drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Horizontal, growing rightwards.
    pub x: f64,
    /// Vertical, growing downwards.
    pub y: f64,
}

impl Point {
    /// Linear interpolation from `self` (t = 0) to `other` (t = 1).
    pub fn lerp(self, other: Point, t: f64) -> Point {
        Point {
            x: self.x + (other.x - self.x) * t,
            y: self.y + (other.y - self.y) * t,
        }
    }
}

/// Radius of the ring the nodes sit on.
pub fn ring_radius(count: usize) -> f64 {
    if count <= 1 {
        0.0
    } else {
        150.0
    }
}

/// Radius of one node's circle: smaller when many nodes share the ring.
pub fn node_radius(count: usize) -> f64 {
    match count {
        0..=5 => 30.0,
        6..=7 => 27.0,
        _ => 24.0,
    }
}

/// Centre of node `index` of `count`: the first at the top, the rest clockwise.
pub fn ring_position(index: usize, count: usize) -> Point {
    let r = ring_radius(count);
    let angle =
        std::f64::consts::TAU * index as f64 / count.max(1) as f64 - std::f64::consts::FRAC_PI_2;
    Point {
        x: CENTRE + r * angle.cos(),
        y: CENTRE + r * angle.sin(),
    }
}

/// Baseline of a node's term label (`T3 · voted n2`): under the node in the
/// lower half of the ring and over it in the upper half, so the label always
/// points away from the lanes (which run inwards) and the messages on them.
pub fn term_label_y(at: Point, r: f64) -> f64 {
    if at.y < CENTRE - 1.0 {
        at.y - r - 12.0
    } else {
        at.y + r + 19.0
    }
}

/// Where a node's corner badges sit (the leader's crown on the right, the
/// crash mark on the left): beside the top of the circle, clear of the
/// node's name and of its term label.
pub fn badge_at(at: Point, r: f64, right: bool) -> Point {
    let dx = r + 3.0;
    Point {
        x: if right { at.x + dx } else { at.x - dx },
        y: at.y - r + 6.0,
    }
}

/// Whether segments `a1–a2` and `b1–b2` cross (touching ends do not count).
fn segments_cross(a1: Point, a2: Point, b1: Point, b2: Point) -> bool {
    let side = |p: Point, q: Point, r: Point| (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
    let (d1, d2) = (side(b1, b2, a1), side(b1, b2, a2));
    let (d3, d4) = (side(a1, a2, b1), side(a1, a2, b2));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// The links (pairs of nodes, lower id first) that a stroke from `from` to
/// `to` drawn across the picture crosses: the links a knife gesture cuts.
/// A stroke between two groups of nodes crosses exactly the links between
/// them, which is a partition (paper §5, "network partitions").
pub fn crossed_links(
    from: Point,
    to: Point,
    positions: &[(NodeId, Point)],
) -> Vec<(NodeId, NodeId)> {
    let mut out = Vec::new();
    for (i, (a, pa)) in positions.iter().enumerate() {
        for (b, pb) in positions.iter().skip(i + 1) {
            if segments_cross(from, to, *pa, *pb) {
                out.push(if a < b { (*a, *b) } else { (*b, *a) });
            }
        }
    }
    out
}

/// The lane a message from `from` to `to` travels along: from the edge of
/// the sender's circle to the edge of the receiver's, shifted to the right
/// of the direction of travel so the two directions never overlap.
pub fn lane(from: Point, to: Point, node_r: f64) -> (Point, Point) {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-9 {
        return (from, to);
    }
    let (ux, uy) = (dx / len, dy / len);
    // Right-hand normal in screen coordinates (y grows downwards).
    let (nx, ny) = (-uy, ux);
    let off = LANE_GAP / 2.0;
    let inset = node_r + 4.0;
    (
        Point {
            x: from.x + ux * inset + nx * off,
            y: from.y + uy * inset + ny * off,
        },
        Point {
            x: to.x - ux * inset + nx * off,
            y: to.y - uy * inset + ny * off,
        },
    )
}

/// A cut lane is drawn as two pieces with a gap in the middle.
pub fn cut_pieces(a: Point, b: Point) -> [(Point, Point); 2] {
    [(a, a.lerp(b, 0.4)), (a.lerp(b, 0.6), b)]
}

/// One direction of a link as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Start of the lane, at the sender's edge.
    pub a: Point,
    /// End of the lane, at the receiver's edge.
    pub b: Point,
    /// Messages from `from` to `to` are lost (a one-way cut or a partition).
    pub cut: bool,
}

/// Both directions of every link between the nodes at `positions`, pair by
/// pair in the order given; `cut(from, to)` says whether that direction is cut.
pub fn lane_views(
    positions: &[(NodeId, Point)],
    cut: impl Fn(NodeId, NodeId) -> bool,
) -> Vec<LaneView> {
    let r = node_radius(positions.len());
    let mut out = Vec::with_capacity(positions.len() * positions.len().saturating_sub(1));
    for (i, (a, pa)) in positions.iter().enumerate() {
        for (b, pb) in positions.iter().skip(i + 1) {
            for (from, to, pf, pt) in [(*a, *b, *pa, *pb), (*b, *a, *pb, *pa)] {
                let (x, y) = lane(pf, pt, r);
                out.push(LaneView {
                    from,
                    to,
                    a: x,
                    b: y,
                    cut: cut(from, to),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_node_is_at_the_top_and_the_rest_go_clockwise() {
        let p0 = ring_position(0, 4);
        assert!((p0.x - CENTRE).abs() < 1e-9 && (p0.y - (CENTRE - 150.0)).abs() < 1e-9);
        let p1 = ring_position(1, 4);
        assert!((p1.x - (CENTRE + 150.0)).abs() < 1e-9 && (p1.y - CENTRE).abs() < 1e-9);
    }

    #[test]
    fn every_node_lies_on_the_ring_and_inside_the_canvas() {
        for count in 1..=9 {
            for i in 0..count {
                let p = ring_position(i, count);
                let d = ((p.x - CENTRE).powi(2) + (p.y - CENTRE).powi(2)).sqrt();
                assert!((d - ring_radius(count)).abs() < 1e-9);
                let r = node_radius(count);
                assert!(p.x - r > 0.0 && p.x + r < CANVAS && p.y - r > 0.0 && p.y + r < CANVAS);
            }
        }
    }

    #[test]
    fn nine_nodes_do_not_overlap() {
        let (a, b) = (ring_position(0, 9), ring_position(1, 9));
        let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
        assert!(d > 2.0 * node_radius(9) + 20.0);
    }

    #[test]
    fn the_two_directions_of_a_link_use_separate_lanes() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 100.0, y: 0.0 });
        let (s1, e1) = lane(a, b, 10.0);
        let (s2, e2) = lane(b, a, 10.0);
        assert!((s1.y - e1.y).abs() < 1e-9 && (s2.y - e2.y).abs() < 1e-9);
        assert!((s1.y - s2.y).abs() - LANE_GAP < 1e-9);
        assert!((s1.x - 14.0).abs() < 1e-9 && (e1.x - 86.0).abs() < 1e-9);
    }

    #[test]
    fn every_pair_has_a_lane_each_way_and_a_cut_is_one_way() {
        let pos: Vec<(NodeId, Point)> = (0..3)
            .map(|i| (NodeId(i + 1), ring_position(i as usize, 3)))
            .collect();
        let lanes = lane_views(&pos, |from, to| (from, to) == (NodeId(1), NodeId(3)));
        let ends: Vec<(u64, u64, bool)> = lanes.iter().map(|l| (l.from.0, l.to.0, l.cut)).collect();
        assert_eq!(
            ends,
            vec![
                (1, 2, false),
                (2, 1, false),
                (1, 3, true),
                (3, 1, false),
                (2, 3, false),
                (3, 2, false)
            ]
        );
        let (a, b) = lane(pos[0].1, pos[1].1, node_radius(3));
        assert_eq!((lanes[0].a, lanes[0].b), (a, b));
    }

    #[test]
    fn lerp_goes_from_start_to_end() {
        let (a, b) = (Point { x: 0.0, y: 10.0 }, Point { x: 10.0, y: 30.0 });
        assert_eq!(a.lerp(b, 0.0), a);
        assert_eq!(a.lerp(b, 1.0), b);
        assert_eq!(a.lerp(b, 0.5), Point { x: 5.0, y: 20.0 });
    }

    #[test]
    fn term_labels_point_away_from_the_lanes() {
        for count in 2..=9 {
            let r = node_radius(count);
            for i in 0..count {
                let p = ring_position(i, count);
                let y = term_label_y(p, r);
                // Outward: farther from the centre than the node itself.
                assert!((y - CENTRE).abs() > (p.y - CENTRE).abs() || (p.y - CENTRE).abs() < 1.0);
                // And outside the circle and its timer ring.
                assert!((y - p.y).abs() > r + 6.0, "count {count} node {i}");
            }
        }
    }

    #[test]
    fn badges_sit_beside_the_circle_not_on_the_name() {
        let (p, r) = (ring_position(0, 5), node_radius(5));
        let (crown, crash) = (badge_at(p, r, true), badge_at(p, r, false));
        assert!(crown.x > p.x + r && crash.x < p.x - r);
        assert!(crown.y < p.y);
    }

    #[test]
    fn a_stroke_across_the_ring_cuts_the_links_between_its_sides() {
        let pos: Vec<(NodeId, Point)> = (0..5)
            .map(|i| (NodeId(i + 1), ring_position(i as usize, 5)))
            .collect();
        // A vertical stroke down the middle, just right of n1 (at the top):
        // n1, n4, n5 on the left; n2, n3 on the right.
        let cut = crossed_links(
            Point {
                x: CENTRE + 12.0,
                y: 0.0,
            },
            Point {
                x: CENTRE + 12.0,
                y: CANVAS,
            },
            &pos,
        );
        let ids: Vec<(u64, u64)> = cut.iter().map(|(a, b)| (a.0, b.0)).collect();
        assert_eq!(ids, vec![(1, 2), (1, 3), (2, 4), (2, 5), (3, 4), (3, 5)]);
        // A short stroke that crosses nothing cuts nothing.
        assert!(crossed_links(Point { x: 0.0, y: 0.0 }, Point { x: 5.0, y: 5.0 }, &pos).is_empty());
    }
}
