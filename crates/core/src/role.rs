//! The four roles a server can be in (paper §5.1 plus pre-candidate, thesis §9.6).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A server's role.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Role {
    /// Passive: answers leaders and candidates (§5.1).
    #[default]
    Follower,
    /// Polling with PreVote before disrupting the cluster with a new term (thesis §9.6).
    PreCandidate,
    /// Campaigning for votes in a new term (§5.2).
    Candidate,
    /// Handles all client requests and replicates the log (§5.3).
    Leader,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        })
    }
}
