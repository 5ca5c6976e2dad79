//! User actions: [`World::apply`] checks and records one, and routes it to
//! the handler of its family, one file each.

mod clients;
mod hand;
mod membership;
mod messages;
mod network;
mod processes;

use raftlab_core::NodeId;

use crate::action::{Action, LoggedAction, MAX_ACTIONS};
use crate::world::{NodeHost, NoteKind, World};
use crate::{Refusal, SimError};

impl World {
    // ----- actions -----------------------------------------------------

    /// Applies a user action now and records it in the action log.
    /// An action that cannot be done (no such node, no leader, ...) changes
    /// nothing, is not logged, and says why.
    pub fn apply(&mut self, action: Action) -> Result<(), SimError> {
        if self.action_log.len() >= MAX_ACTIONS {
            return Err(SimError::Invalid(Refusal::ActionLimit {
                limit: MAX_ACTIONS,
            }));
        }
        self.apply_inner(&action)?;
        self.action_log.push(LoggedAction {
            at_event: self.events,
            at: self.now,
            action: action.clone(),
        });
        let fire = match action {
            Action::FireTimer(id) => Some(id),
            _ => None,
        };
        let node = crate::recorder::action_node(&action);
        self.record_lane(node, crate::recorder::LaneKind::Action(action.clone()));
        self.note(NoteKind::Action(action));
        if self.config.hand_delivery {
            // After it is logged: a replay re-applies it at this very
            // event, and this runs again from there.
            self.hand_follow_up(fire);
        }
        Ok(())
    }

    pub(in crate::world) fn host(&mut self, id: NodeId) -> Result<&mut NodeHost, SimError> {
        self.nodes.get_mut(&id).ok_or(SimError::NoSuchNode(id))
    }

    pub(in crate::world) fn leader_or_err(&self) -> Result<NodeId, SimError> {
        self.leader().ok_or(SimError::NoLeader)
    }

    /// Routes an action to the handler of its family (one file each).
    fn apply_inner(&mut self, action: &Action) -> Result<(), SimError> {
        match action {
            Action::Crash(..)
            | Action::Restart(..)
            | Action::Pause(..)
            | Action::Resume(..)
            | Action::Campaign(..)
            | Action::TransferLeadership(..)
            | Action::ClockSkew { .. }
            | Action::Compact(..)
            | Action::SetSwitches(..) => self.apply_processes(action),
            Action::AddNode { .. }
            | Action::Promote(..)
            | Action::RemoveNode(..)
            | Action::ChangeMembership { .. } => self.apply_membership(action),
            Action::Partition(..)
            | Action::Cut { .. }
            | Action::HealLink { .. }
            | Action::HealAll
            | Action::SetNetwork(..)
            | Action::SetLink { .. } => self.apply_network(action),
            Action::Hold(..) | Action::Release(..) | Action::Drop(..) => {
                self.apply_messages(action)
            }
            Action::SetWorkload(..) | Action::ClientRequest { .. } => self.apply_clients(action),
            Action::HandDelivery(..)
            | Action::Deliver(..)
            | Action::Duplicate(..)
            | Action::FireTimer(..) => self.apply_hand(action),
        }
    }
}
