//! What each label and badge of the page means, in words a newcomer can
//! read where the label stands (hover, focus or tap shows it): the node's
//! role, term and vote, the checker badge, a log row's commit index.

use raftlab_core::Role;

use super::node::NodeState;
use crate::i18n::{Lang, K};

/// A node explained: what its role means, what its term label (`T3`) and
/// vote label (`voted n2`, may be empty) say, and what clicking it and
/// dragging it (or its key, G) do.
pub fn node(lang: Lang, state: NodeState, term_label: &str, vote_label: &str) -> String {
    let role = lang.t(match state {
        NodeState::Up(Role::Follower) => K::ExplainFollower,
        NodeState::Up(Role::PreCandidate) => K::ExplainPreCandidate,
        NodeState::Up(Role::Candidate) => K::ExplainCandidate,
        NodeState::Up(Role::Leader) => K::ExplainLeader,
        NodeState::Crashed => K::ExplainCrashed,
        NodeState::Paused => K::ExplainPaused,
    });
    let mut out = vec![
        role.to_string(),
        lang.f(K::ExplainTerm, &[("label", &term_label)]),
    ];
    if !vote_label.is_empty() {
        out.push(lang.f(K::ExplainVote, &[("label", &vote_label)]));
    }
    out.push(lang.t(K::ExplainNodeAct).to_string());
    out.push(lang.t(K::ExplainNodeGroup).to_string());
    out.join(" ")
}

/// A log row's head: whose log it is and what its `c5` means.
pub fn row_head(lang: Lang, node: &dyn std::fmt::Display, commit: u64) -> String {
    lang.f(K::ExplainRowHead, &[("node", node), ("commit", &commit)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_explains_its_role_term_and_vote_in_both_languages() {
        let en = node(Lang::En, NodeState::Up(Role::Leader), "T1", "voted n5");
        assert!(
            en.contains("leader")
                && en.contains("“T1”")
                && en.contains("“voted n5”")
                && en.contains("press G"),
            "{en}"
        );
        let zh = node(Lang::Zh, NodeState::Up(Role::Leader), "任期1", "投给 n5");
        assert!(
            zh.contains("领导者") && zh.contains("“任期1”") && zh.contains("“投给 n5”"),
            "{zh}"
        );
        let crashed = node(Lang::En, NodeState::Crashed, "T2", "");
        assert!(
            crashed.contains("disk") && !crashed.contains("voted"),
            "{crashed}"
        );
    }

    #[test]
    fn a_row_head_explains_its_commit_index() {
        let s = row_head(Lang::En, &"n3", 5);
        assert!(s.contains("n3") && s.contains("“c5”"), "{s}");
        assert!(row_head(Lang::Zh, &"n3", 5).contains("“c5”"));
    }
}
