//! Cluster membership and the changes that move it (paper §6, thesis §4).

use crate::ids::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A configuration change, replicated as a log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfChange {
    /// Add a voter, or promote a learner (single-server change, thesis §4.1).
    AddVoter(NodeId),
    /// Add a non-voting learner that receives the log (thesis §4.2.1); demotes a voter.
    AddLearner(NodeId),
    /// Remove a voter or learner (single-server change, thesis §4.1).
    RemoveNode(NodeId),
    /// Enter joint consensus C_old,new (paper §6): decisions need majorities of both
    /// the outgoing and the incoming voters.
    EnterJoint {
        /// The incoming voters, C_new.
        voters: BTreeSet<NodeId>,
        /// The learners of C_new.
        learners: BTreeSet<NodeId>,
    },
    /// Leave joint consensus, keeping only C_new. The leader appends this automatically
    /// once the `EnterJoint` entry commits.
    LeaveJoint,
}

impl fmt::Display for ConfChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfChange::AddVoter(id) => write!(f, "add voter {id}"),
            ConfChange::AddLearner(id) => write!(f, "add learner {id}"),
            ConfChange::RemoveNode(id) => write!(f, "remove {id}"),
            ConfChange::EnterJoint { voters, learners } => {
                let ids = |s: &BTreeSet<NodeId>| {
                    s.iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                write!(f, "enter joint {{{}}}", ids(voters))?;
                if !learners.is_empty() {
                    write!(f, " learners {{{}}}", ids(learners))?;
                }
                Ok(())
            }
            ConfChange::LeaveJoint => write!(f, "leave joint"),
        }
    }
}

/// A configuration: who votes, who only listens. A server always uses the latest
/// configuration in its log, committed or not (thesis §4.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    /// The (incoming) voters.
    pub voters: BTreeSet<NodeId>,
    /// While in joint consensus, the outgoing voters C_old (paper §6).
    pub outgoing_voters: Option<BTreeSet<NodeId>>,
    /// Non-voting members: they receive the log but never vote or count toward a quorum.
    pub learners: BTreeSet<NodeId>,
}

impl Membership {
    /// A configuration of just these voters.
    pub fn voters<I: IntoIterator<Item = NodeId>>(ids: I) -> Membership {
        Membership {
            voters: ids.into_iter().collect(),
            outgoing_voters: None,
            learners: BTreeSet::new(),
        }
    }

    /// Whether this is C_old,new (paper §6).
    pub fn is_joint(&self) -> bool {
        self.outgoing_voters.is_some()
    }

    /// Whether `id` is a member in any role.
    pub fn contains(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.learners.contains(&id)
    }

    /// Whether `id` votes in either half of the configuration.
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains(&id)
            || self
                .outgoing_voters
                .as_ref()
                .is_some_and(|old| old.contains(&id))
    }

    /// Whether nobody is a member (a node waiting to be added).
    pub fn is_empty(&self) -> bool {
        self.voters.is_empty() && self.outgoing_voters.is_none() && self.learners.is_empty()
    }

    /// Every member, voters of both halves and learners.
    pub fn all_nodes(&self) -> BTreeSet<NodeId> {
        let mut all = self.voters.clone();
        if let Some(old) = &self.outgoing_voters {
            all.extend(old.iter().copied());
        }
        all.extend(self.learners.iter().copied());
        all
    }

    /// The configuration after `cc`, or why `cc` does not apply here.
    /// Single-server changes are refused while joint; joint changes must alternate.
    pub fn apply(&self, cc: &ConfChange) -> Result<Membership, String> {
        let mut next = self.clone();
        match cc {
            ConfChange::AddVoter(id) | ConfChange::AddLearner(id) | ConfChange::RemoveNode(id)
                if self.is_joint() =>
            {
                return Err(format!(
                    "single-server change for {id} while in joint consensus"
                ));
            }
            ConfChange::AddVoter(id) => {
                if self.voters.contains(id) {
                    return Err(format!("{id} is already a voter"));
                }
                next.learners.remove(id);
                next.voters.insert(*id);
            }
            ConfChange::AddLearner(id) => {
                if self.learners.contains(id) {
                    return Err(format!("{id} is already a learner"));
                }
                next.voters.remove(id);
                next.learners.insert(*id);
            }
            ConfChange::RemoveNode(id) => {
                if !self.contains(*id) {
                    return Err(format!("{id} is not a member"));
                }
                next.voters.remove(id);
                next.learners.remove(id);
            }
            ConfChange::EnterJoint { voters, learners } => {
                if self.is_joint() {
                    return Err("already in joint consensus".to_string());
                }
                if let Some(both) = voters.intersection(learners).next() {
                    return Err(format!("{both} cannot be both voter and learner"));
                }
                next.outgoing_voters = Some(self.voters.clone());
                next.voters = voters.clone();
                next.learners = learners.clone();
            }
            ConfChange::LeaveJoint => {
                if !self.is_joint() {
                    return Err("not in joint consensus".to_string());
                }
                next.outgoing_voters = None;
            }
        }
        if next.voters.is_empty() {
            return Err("the configuration would have no voters".to_string());
        }
        Ok(next)
    }
}

impl fmt::Display for Membership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |s: &BTreeSet<NodeId>| {
            s.iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        write!(f, "voters={{{}}}", list(&self.voters))?;
        if let Some(old) = &self.outgoing_voters {
            write!(f, " outgoing={{{}}}", list(old))?;
        }
        if !self.learners.is_empty() {
            write!(f, " learners={{{}}}", list(&self.learners))?;
        }
        Ok(())
    }
}
