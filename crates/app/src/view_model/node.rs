//! How a node looks: shape, colour class, label, timer arc.

use raftlab_core::{Micros, NodeId, Role};
use raftlab_sim::snapshot::NodeSnapshot;
use raftlab_sim::{NodeStatus, WorldSnapshot};

use super::layout::{node_radius, ring_position, Point};
use crate::i18n::{Lang, K};

/// What a node's process is doing, as drawn. A node that is not running
/// shows no role: its volatile state is gone (crashed) or frozen (paused).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    /// Running, in this role.
    Up(Role),
    /// Crashed: only its persistent state survives (paper Figure 2).
    Crashed,
    /// Paused: alive but taking no steps.
    Paused,
}

/// Where a node stands in the configuration, as the cluster's leader (or,
/// without one, the node itself) sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership {
    /// A voter (of the old or the new configuration while joint, thesis §4.3).
    Voter,
    /// A learner: receives the log, does not vote (thesis §4.2.1).
    Learner,
    /// No longer in the configuration.
    Removed,
}

impl Membership {
    /// The word that says so, if it is anything but a voter.
    pub fn note(self) -> Option<K> {
        match self {
            Membership::Voter => None,
            Membership::Learner => Some(K::Learner),
            Membership::Removed => Some(K::NotMember),
        }
    }
}

/// Everything a node's CSS classes say, typed: the drawing reads these
/// fields, and [`NodeLook::class`] is the one place they become a class
/// string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeLook {
    /// Running in a role, crashed or paused.
    pub state: NodeState,
    /// Voter, learner or removed.
    pub membership: Membership,
    /// The user picked it.
    pub selected: bool,
}

impl NodeLook {
    /// `base` followed by the state's classes:
    /// `node role-leader status-up learner selected`. A node that is not
    /// running is drawn with the follower's role class.
    pub fn class(self, base: &str) -> String {
        let (role, status) = match self.state {
            NodeState::Up(r) => (r, NodeStatus::Up),
            NodeState::Crashed => (Role::Follower, NodeStatus::Crashed),
            NodeState::Paused => (Role::Follower, NodeStatus::Paused),
        };
        let mut class = format!("{base} {} {}", role_class(role), status_class(status));
        match self.membership {
            Membership::Voter => {}
            Membership::Learner => class.push_str(" learner"),
            Membership::Removed => class.push_str(" removed"),
        }
        if self.selected {
            class.push_str(" selected");
        }
        class
    }

    /// A running leader wears the crown.
    pub fn crown(self) -> bool {
        self.state == NodeState::Up(Role::Leader)
    }

    /// Opacity of the election timer's arc: hidden without a timer, faded
    /// like its node when the node is no longer a member.
    pub fn timer_opacity(self, timer: Option<f64>) -> &'static str {
        match (timer, self.membership) {
            (None, _) => "0",
            (Some(_), Membership::Removed) => "0.45",
            (Some(_), _) => "1",
        }
    }
}

/// One node as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// Id.
    pub id: NodeId,
    /// Centre.
    pub at: Point,
    /// Circle radius.
    pub r: f64,
    /// State, membership and selection (and from them, the CSS classes).
    pub look: NodeLook,
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
fn membership(snap: &WorldSnapshot, n: &NodeSnapshot) -> Membership {
    let reference = snap
        .leader
        .and_then(|l| snap.nodes.iter().find(|x| x.id == l))
        .unwrap_or(n);
    let m = &reference.membership;
    if m.learners.contains(&n.id) {
        Membership::Learner
    } else if !m.voters.contains(&n.id)
        && !m
            .outgoing_voters
            .as_ref()
            .is_some_and(|o| o.contains(&n.id))
    {
        Membership::Removed
    } else {
        Membership::Voter
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
            let role_label = match n.status {
                NodeStatus::Crashed => lang.t(K::StatusCrashed).to_string(),
                NodeStatus::Paused => lang.t(K::StatusPaused).to_string(),
                NodeStatus::Up => role_word(lang, n.role).to_string(),
            };
            let look = NodeLook {
                state: match n.status {
                    NodeStatus::Up => NodeState::Up(n.role),
                    NodeStatus::Crashed => NodeState::Crashed,
                    NodeStatus::Paused => NodeState::Paused,
                },
                membership: membership(snap, n),
                selected: selected == Some(n.id),
            };
            let note = look.membership.note();
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
                look,
                role_label: match note {
                    Some(k) if look.state == NodeState::Up(Role::Follower) => lang.t(k).to_string(),
                    _ => role_label,
                },
                term_label: lang.f(K::TermShort, &[("term", &n.term)]),
                vote_label,
                timer,
                aria,
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
    fn the_class_string_is_built_from_the_typed_look() {
        let look = |state, membership, selected| NodeLook {
            state,
            membership,
            selected,
        };
        let l = look(NodeState::Up(Role::Candidate), Membership::Learner, true);
        assert_eq!(
            l.class("node"),
            "node role-candidate status-up learner selected"
        );
        assert_eq!(
            l.class("timer-arc"),
            "timer-arc role-candidate status-up learner selected"
        );
        let p = look(NodeState::Paused, Membership::Removed, false);
        assert_eq!(p.class("node"), "node role-follower status-paused removed");
        assert!(!p.crown());
        assert!(look(NodeState::Up(Role::Leader), Membership::Voter, false).crown());
        assert_eq!(p.timer_opacity(Some(0.5)), "0.45");
        assert_eq!(p.timer_opacity(None), "0");
        assert_eq!(l.timer_opacity(Some(0.0)), "1");
    }

    #[test]
    fn a_fresh_cluster_draws_five_followers_with_running_timers() {
        let w = world();
        let views = node_views(&w.snapshot(), Lang::En, None);
        assert_eq!(views.len(), 5);
        for v in &views {
            assert_eq!(v.look.state, NodeState::Up(Role::Follower));
            assert_eq!(v.look.class("node"), "node role-follower status-up");
            assert!(v
                .aria
                .starts_with(&format!("node {}, follower, term 0", v.id)));
            assert!(!v.look.crown());
        }
    }

    #[test]
    fn the_elected_leader_wears_the_crown_and_a_crash_is_labelled() {
        let mut w = world();
        w.run_until(Micros::from_ms(2_000));
        let leader = w.leader().expect("a leader within 2 s");
        let v = node_views(&w.snapshot(), Lang::En, Some(leader));
        let lv = v.iter().find(|n| n.id == leader).unwrap();
        assert!(lv.look.crown() && lv.look.selected);
        assert_eq!(lv.look.class("node"), "node role-leader status-up selected");
        w.apply(raftlab_sim::Action::Crash(leader)).unwrap();
        let v = node_views(&w.snapshot(), Lang::En, None);
        let lv = v.iter().find(|n| n.id == leader).unwrap();
        assert!(!lv.look.crown() && lv.look.state == NodeState::Crashed);
        assert_eq!(
            lv.look.class("timer-arc"),
            "timer-arc role-follower status-crashed"
        );
        assert_eq!(lv.role_label, "crashed");
        assert!(lv.aria.contains("crashed"));
        assert_eq!(lv.timer, None);
    }

    /// A learner and a removed node are drawn as such, as the leader's
    /// configuration has them. Reference: thesis §4.2.1 (learners), §4.1
    /// (removing servers).
    #[test]
    fn learners_and_removed_nodes_are_marked_from_the_leaders_configuration() {
        let mut w = world();
        w.run_until(Micros::from_ms(2_000));
        w.apply(raftlab_sim::Action::AddNode { learner: true })
            .unwrap();
        w.run_until(Micros::from_ms(3_000));
        let s = w.snapshot();
        let new = s.nodes.last().unwrap().id;
        let v = node_views(&s, Lang::En, None);
        let nv = v.iter().find(|n| n.id == new).unwrap();
        assert_eq!(nv.look.membership, Membership::Learner);
        assert_eq!(nv.role_label, "learner");
        assert!(nv.look.class("node").ends_with(" learner"));
        let leader = w.leader().unwrap();
        let gone = s
            .nodes
            .iter()
            .map(|n| n.id)
            .find(|&n| n != leader && n != new)
            .unwrap();
        w.apply(raftlab_sim::Action::RemoveNode(gone)).unwrap();
        w.run_until(Micros::from_ms(4_000));
        let v = node_views(&w.snapshot(), Lang::En, None);
        let gv = v.iter().find(|n| n.id == gone).unwrap();
        assert_eq!(gv.look.membership, Membership::Removed);
        assert!(gv.aria.ends_with(", removed"), "{}", gv.aria);
    }
}
