//! The page: the product name and the cluster drawn as a ring of nodes.
//!
//! The components only draw. What to draw comes from plain functions
//! (`ring_position`, `NodeView`) that know nothing of the DOM and are tested
//! natively. The nodes come from a `raftlab_sim::World` snapshot.

use leptos::prelude::*;
use raftlab_sim::snapshot::NodeSnapshot;
use raftlab_sim::{SimError, World, WorldConfig};

/// Side of the square SVG canvas, in SVG user units.
const CANVAS_SIZE: f64 = 360.0;
/// Distance from the canvas centre to each node's centre.
const RING_RADIUS: f64 = 130.0;
/// Radius of one node's circle.
const NODE_RADIUS: f64 = 30.0;

/// One node as the page draws it: display strings, no DOM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// Display name, e.g. `n1`.
    pub id: String,
    /// Display name of the role, e.g. `follower`.
    pub role: String,
    /// The node's current term, e.g. `0`.
    pub term: String,
}

impl NodeView {
    /// The accessible name of the node's drawing.
    pub fn aria_label(&self) -> String {
        format!("node {}, {}, term {}", self.id, self.role, self.term)
    }
}

impl From<&NodeSnapshot> for NodeView {
    fn from(node: &NodeSnapshot) -> Self {
        NodeView {
            id: node.id.to_string(),
            role: node.role.to_string(),
            term: node.term.to_string(),
        }
    }
}

/// Centre of node `index` of `count` on a ring of `radius` around (0, 0):
/// the first node at the top, the rest clockwise.
pub fn ring_position(index: usize, count: usize, radius: f64) -> (f64, f64) {
    let count = count.max(1) as f64;
    let angle = std::f64::consts::TAU * index as f64 / count - std::f64::consts::FRAC_PI_2;
    (radius * angle.cos(), radius * angle.sin())
}

/// The nodes of a fresh default world (five servers), before any event.
fn initial_nodes() -> Result<Vec<NodeView>, SimError> {
    let world = World::new(WorldConfig::default())?;
    Ok(world.snapshot().nodes.iter().map(NodeView::from).collect())
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let nodes = match initial_nodes() {
        Ok(nodes) => nodes,
        Err(error) => {
            return view! {
                <main class="app">
                    <h1 data-testid="app-title">"Raftlab"</h1>
                    <p class="error" role="alert">{format!("The simulator could not start: {error}")}</p>
                </main>
            }
            .into_any();
        }
    };
    let count = nodes.len();
    let centre = CANVAS_SIZE / 2.0;
    let drawn = nodes
        .into_iter()
        .enumerate()
        .map(|(index, node)| {
            let (dx, dy) = ring_position(index, count, RING_RADIUS);
            let (x, y) = (centre + dx, centre + dy);
            view! {
                <g
                    data-testid="node"
                    class=format!("node role-{}", node.role)
                    aria-label=node.aria_label()
                >
                    <circle cx=x cy=y r=NODE_RADIUS></circle>
                    <text x=x y=y class="node-id" text-anchor="middle" dominant-baseline="central">
                        {node.id.clone()}
                    </text>
                    <text x=x y=y + NODE_RADIUS + 16.0 class="node-term" text-anchor="middle">
                        {format!("{} · term {}", node.role, node.term)}
                    </text>
                </g>
            }
        })
        .collect_view();

    view! {
        <main class="app">
            <header class="app-header">
                <h1 data-testid="app-title">"Raftlab"</h1>
                <p class="tagline">"Raft consensus, live in your browser"</p>
            </header>
            <svg
                class="cluster"
                data-testid="cluster"
                viewBox=format!("0 0 {CANVAS_SIZE} {CANVAS_SIZE}")
                role="img"
                aria-label=format!("cluster of {count} nodes")
            >
                <circle class="ring" cx=centre cy=centre r=RING_RADIUS></circle>
                {drawn}
            </svg>
        </main>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_node_is_at_the_top_and_the_rest_go_clockwise() {
        let (x0, y0) = ring_position(0, 4, 10.0);
        assert!(x0.abs() < 1e-9 && (y0 + 10.0).abs() < 1e-9);
        let (x1, y1) = ring_position(1, 4, 10.0);
        assert!((x1 - 10.0).abs() < 1e-9 && y1.abs() < 1e-9);
    }

    #[test]
    fn every_node_lies_on_the_ring() {
        for i in 0..5 {
            let (x, y) = ring_position(i, 5, 130.0);
            assert!(((x * x + y * y).sqrt() - 130.0).abs() < 1e-9);
        }
    }

    #[test]
    fn aria_label_names_id_role_and_term() {
        let node = NodeView {
            id: "n1".into(),
            role: "follower".into(),
            term: "0".into(),
        };
        assert_eq!(node.aria_label(), "node n1, follower, term 0");
    }

    #[test]
    fn the_page_starts_with_five_followers_at_term_0() {
        let nodes = initial_nodes().expect("the default world starts");
        assert_eq!(nodes.len(), 5);
        assert_eq!(nodes[0].aria_label(), "node n1, follower, term 0");
        assert!(nodes.iter().all(|n| n.role == "follower" && n.term == "0"));
    }
}
