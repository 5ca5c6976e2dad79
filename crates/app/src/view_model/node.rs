//! How a node looks: shape, colour class, label, timer arc.

use raftlab_core::{Micros, NodeId, Role};
use raftlab_sim::snapshot::NodeSnapshot;
use raftlab_sim::{NodeStatus, WorldSnapshot};

use super::layout::{node_radius, ring_position, Point};
use crate::i18n::{Lang, K};

/// One node as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// Id.
    pub id: NodeId,
    /// Centre.
    pub at: Point,
    /// Circle radius.
    pub r: f64,
    /// CSS classes: `node role-leader status-up ...`.
    pub class: String,
    /// The role word under the id (or `crashed` / `paused`).
    pub role_label: String,
    /// `T3`.
    pub term_label: String,
    /// `voted n2`, or empty.
    pub vote_label: String,
    /// Remaining fraction of the election timer, `1.0` just reset, `0.0` firing.
    pub timer: Option<f64>,
    /// Accessible name.
    pub aria: String,
    /// Leader of the highest term (draw the crown).
    pub crown: bool,
}

/// The localized word for a role.
pub fn role_word(lang: Lang, role: Role) -> &'static str {
    lang.t(match role {
        Role::Follower => K::RoleFollower,
        Role::PreCandidate => K::RolePreCandidate,
        Role::Candidate => K::RoleCandidate,
        Role::Leader => K::RoleLeader,
    })
}

/// CSS class for a role; the stylesheet gives each a distinct shape
/// (stroke width and dash pattern) as well as a colour.
pub fn role_class(role: Role) -> &'static str {
    match role {
        Role::Follower => "role-follower",
        Role::PreCandidate => "role-precandidate",
        Role::Candidate => "role-candidate",
        Role::Leader => "role-leader",
    }
}

/// CSS class for a process state.
pub fn status_class(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Up => "status-up",
        NodeStatus::Crashed => "status-crashed",
        NodeStatus::Paused => "status-paused",
    }
}

/// Fraction of the timer still to run at `now`: 1 when just reset, 0 when it fires.
pub fn timer_fraction(
    now: Micros,
    started: Option<Micros>,
    deadline: Option<Micros>,
) -> Option<f64> {
    let (s, d) = (started?, deadline?);
    if d <= s {
        return Some(0.0);
    }
    let left = d.0.saturating_sub(now.0) as f64;
    Some((left / (d.0 - s.0) as f64).clamp(0.0, 1.0))
}

/// SVG `stroke-dasharray` that shows `fraction` of a circle of radius `r`.
pub fn arc_dasharray(fraction: f64, r: f64) -> String {
    let c = std::f64::consts::TAU * r;
    format!("{:.2} {:.2}", c * fraction.clamp(0.0, 1.0), c)
}

/// Whether `n` is a learner, or no longer in the configuration, as seen by
/// the cluster's leader (or, without one, by the node itself).
fn membership_note(snap: &WorldSnapshot, n: &NodeSnapshot) -> Option<K> {
    let reference = snap
        .leader
        .and_then(|l| snap.nodes.iter().find(|x| x.id == l))
        .unwrap_or(n);
    let m = &reference.membership;
    if m.learners.contains(&n.id) {
        Some(K::Learner)
    } else if !m.voters.contains(&n.id)
        && !m
            .outgoing_voters
            .as_ref()
            .is_some_and(|o| o.contains(&n.id))
    {
        Some(K::NotMember)
    } else {
        None
    }
}

/// Every node of the snapshot, placed on the ring in id order.
pub fn node_views(snap: &WorldSnapshot, lang: Lang, selected: Option<NodeId>) -> Vec<NodeView> {
    let count = snap.nodes.len();
    let r = node_radius(count);
    snap.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let up = n.status == NodeStatus::Up;
            let role_label = match n.status {
                NodeStatus::Crashed => lang.t(K::StatusCrashed).to_string(),
                NodeStatus::Paused => lang.t(K::StatusPaused).to_string(),
                NodeStatus::Up => role_word(lang, n.role).to_string(),
            };
            let note = membership_note(snap, n);
            let mut class = format!(
                "node {} {}",
                role_class(if up { n.role } else { Role::Follower }),
                status_class(n.status)
            );
            if note == Some(K::Learner) {
                class.push_str(" learner");
            }
            if note == Some(K::NotMember) {
                class.push_str(" removed");
            }
            if selected == Some(n.id) {
                class.push_str(" selected");
            }
            let timer = if n.status == NodeStatus::Crashed {
                None
            } else {
                timer_fraction(snap.now, n.election_started, n.election_deadline)
            };
            let vote_label = n
                .voted_for
                .map(|v| lang.f(K::VotedFor, &[("node", &v)]))
                .unwrap_or_default();
            let mut extra = String::new();
            if n.status != NodeStatus::Up {
                extra = format!(", {}", role_label);
            }
            if let Some(k) = note {
                extra.push_str(&format!(", {}", lang.t(k)));
            }
            let aria = lang.f(
                K::NodeAria,
                &[
                    ("id", &n.id),
                    ("role", &role_word(lang, n.role)),
                    ("term", &n.term),
                    ("extra", &extra),
                ],
            );
            NodeView {
                id: n.id,
                at: ring_position(i, count),
                r,
                class,
                role_label: match note {
                    Some(k) if up && n.role == Role::Follower => lang.t(k).to_string(),
                    _ => role_label,
                },
                term_label: lang.f(K::TermShort, &[("term", &n.term)]),
                vote_label,
                timer,
                aria,
                crown: up && n.role == Role::Leader,
            }
        })
        .collect()
}

/// Position of each node, by id (for links and messages).
pub fn positions(snap: &WorldSnapshot) -> Vec<(NodeId, Point)> {
    let count = snap.nodes.len();
    snap.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id, ring_position(i, count)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_sim::{World, WorldConfig};

    fn world() -> World {
        World::new(WorldConfig::default()).expect("default config is valid")
    }

    #[test]
    fn timer_drains_from_one_to_zero() {
        let s = Some(Micros(1_000));
        let d = Some(Micros(3_000));
        assert_eq!(timer_fraction(Micros(1_000), s, d), Some(1.0));
        assert_eq!(timer_fraction(Micros(2_000), s, d), Some(0.5));
        assert_eq!(timer_fraction(Micros(5_000), s, d), Some(0.0));
        assert_eq!(timer_fraction(Micros(0), s, d), Some(1.0));
        assert_eq!(timer_fraction(Micros(0), None, d), None);
    }

    #[test]
    fn arc_dasharray_covers_the_fraction_of_the_circumference() {
        let c = std::f64::consts::TAU * 10.0;
        assert_eq!(arc_dasharray(0.5, 10.0), format!("{:.2} {:.2}", c / 2.0, c));
        assert_eq!(arc_dasharray(2.0, 10.0), format!("{:.2} {:.2}", c, c));
    }

    #[test]
    fn each_role_has_its_own_class_and_word() {
        let roles = [
            Role::Follower,
            Role::PreCandidate,
            Role::Candidate,
            Role::Leader,
        ];
        let classes: std::collections::BTreeSet<_> = roles.iter().map(|r| role_class(*r)).collect();
        assert_eq!(classes.len(), 4);
        for lang in Lang::ALL {
            let words: std::collections::BTreeSet<_> =
                roles.iter().map(|r| role_word(lang, *r)).collect();
            assert_eq!(words.len(), 4);
        }
    }

    #[test]
    fn a_fresh_cluster_draws_five_followers_with_running_timers() {
        let w = world();
        let views = node_views(&w.snapshot(), Lang::En, None);
        assert_eq!(views.len(), 5);
        for v in &views {
            assert!(v.class.contains("role-follower"));
            assert!(v
                .aria
                .starts_with(&format!("node {}, follower, term 0", v.id)));
            assert!(!v.crown);
        }
    }

    #[test]
    fn the_elected_leader_wears_the_crown_and_a_crash_is_labelled() {
        let mut w = world();
        w.run_until(Micros::from_ms(2_000));
        let leader = w.leader().expect("a leader within 2 s");
        let v = node_views(&w.snapshot(), Lang::En, Some(leader));
        let lv = v.iter().find(|n| n.id == leader).unwrap();
        assert!(lv.crown && lv.class.contains("role-leader") && lv.class.contains("selected"));
        w.apply(raftlab_sim::Action::Crash(leader)).unwrap();
        let v = node_views(&w.snapshot(), Lang::En, None);
        let lv = v.iter().find(|n| n.id == leader).unwrap();
        assert!(!lv.crown && lv.class.contains("status-crashed"));
        assert_eq!(lv.role_label, "crashed");
        assert!(lv.aria.contains("crashed"));
        assert_eq!(lv.timer, None);
    }
}
