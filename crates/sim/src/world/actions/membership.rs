//! User actions: add a server (as a learner or voter), promote, remove, or change the whole configuration (joint consensus, thesis §4).

use raftlab_core::{ConfChange, Membership, NodeId};

use crate::action::Action;
use crate::world::World;
use crate::{Refusal, SimError};

impl World {
    /// Applies one action of this family: add a server (as a learner or voter), promote, remove, or change the whole configuration (joint consensus, thesis §4).
    pub(in crate::world) fn apply_membership(&mut self, action: &Action) -> Result<(), SimError> {
        match action {
            Action::AddNode { learner } => {
                let limit = self.config.max_nodes;
                if self.nodes.len() >= limit {
                    return Err(SimError::Invalid(Refusal::NodeLimit { limit }));
                }
                let leader = self.leader_or_err()?;
                let id = NodeId(self.next_node);
                let cc = if *learner {
                    ConfChange::AddLearner(id)
                } else {
                    ConfChange::AddVoter(id)
                };
                self.propose_conf(leader, cc)?;
                self.next_node += 1;
                self.start_node(id, Membership::default())?;
                self.pump(id);
            }
            Action::Promote(id) => {
                // A voter that does not exist could never vote: the quorum
                // would grow past what the cluster can reach (commits stall).
                self.host(*id)?;
                let leader = self.leader_or_err()?;
                self.propose_conf(leader, ConfChange::AddVoter(*id))?;
            }
            Action::RemoveNode(id) => {
                let leader = self.leader_or_err()?;
                self.propose_conf(leader, ConfChange::RemoveNode(*id))?;
            }
            Action::ChangeMembership { voters, learners } => {
                let leader = self.leader_or_err()?;
                for id in voters.iter().chain(learners) {
                    if !self.nodes.contains_key(id) {
                        return Err(SimError::NoSuchNode(*id));
                    }
                }
                self.propose_conf(
                    leader,
                    ConfChange::EnterJoint {
                        voters: voters.clone(),
                        learners: learners.clone(),
                    },
                )?;
            }
            other => unreachable!("{other:?} is not among the membership actions"),
        }
        Ok(())
    }

    pub(in crate::world) fn propose_conf(
        &mut self,
        leader: NodeId,
        cc: ConfChange,
    ) -> Result<(), SimError> {
        let now = self.local_time(leader);
        let r = self.host(leader)?.raft.as_mut().expect("leader runs");
        r.propose_conf_change(now, cc)
            .map_err(|e| SimError::Invalid(Refusal::ConfChangeRefused(e)))?;
        self.pump(leader);
        Ok(())
    }
}
