//! Membership changes on the leader (paper §6, thesis §4).

use crate::entry::{Command, EntryPayload};
use crate::errors::ProposeError;
use crate::events::{Event, StepDownReason};
use crate::ids::{LogIndex, NodeId, Term};
use crate::membership::ConfChange;
use crate::message::MessageBody;
use crate::raw_node::RawNode;
use crate::role::Role;

impl<C: Command> RawNode<C> {
    /// Validates and appends a configuration change. It takes effect as soon as it is in the
    /// log (thesis §4.1), so the checks here are what keeps two majorities from disagreeing.
    pub(crate) fn propose_conf(
        &mut self,
        cc: ConfChange,
    ) -> Result<(Term, LogIndex), ProposeError> {
        self.check_can_propose()?;
        // Thesis §4.1: one change at a time, so any two consecutive configurations overlap.
        if self.pending_conf_index > self.commit {
            return Err(ProposeError::ConfChangePending);
        }
        // The 2015 single-server bug (Ongaro, raft-dev): a new leader must first commit an
        // entry of its own term, or a change from a deposed leader's term may be lost.
        if self.log.term_at(self.commit) != Some(self.term) {
            return Err(ProposeError::NotReady(
                "the leader has not yet committed an entry of its term".into(),
            ));
        }
        if let Err(why) = self.log.membership().apply(&cc) {
            return Err(ProposeError::InvalidConfChange(why));
        }
        let index = self.append_local(EntryPayload::ConfChange(cc));
        self.pending_conf_index = index;
        self.sync_progress();
        self.broadcast_append();
        Ok((self.term, index))
    }

    /// Reactions to the leader's commit index moving: leave joint consensus automatically,
    /// step down if removed, and serve reads waiting for the first commit of our term.
    pub(crate) fn on_leader_commit(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let config_index = self.log.membership_index();
        if config_index <= self.commit {
            if self.log.membership().is_joint() {
                // Paper §6: once C_old,new is committed, the leader moves on to C_new.
                let index = self.append_local(EntryPayload::ConfChange(ConfChange::LeaveJoint));
                self.pending_conf_index = index;
                self.sync_progress();
                self.broadcast_append();
            } else if !self.log.membership().is_voter(self.id) {
                // Thesis §4.2.2: a leader not in C_new steps down once C_new is committed.
                // Hand over to an up-to-date voter at once (thesis §3.10) rather than leave the
                // cluster waiting for an election timeout.
                let successor = self.most_caught_up_voter();
                let term = self.term;
                self.become_follower(term, None, StepDownReason::RemovedFromConfig);
                self.set_leader(None);
                if let Some(to) = successor {
                    self.send(to, MessageBody::TimeoutNow);
                    self.events.push(Event::TimeoutNowSent { to });
                }
                return;
            }
        }
        self.on_commit_for_reads();
    }

    /// A voter of the current configuration whose log matches ours completely, if any.
    fn most_caught_up_voter(&self) -> Option<NodeId> {
        let last = self.log.last_index();
        let membership = self.log.membership();
        self.progress
            .iter()
            .filter(|(id, pr)| {
                **id != self.id && membership.is_voter(**id) && pr.match_index >= last
            })
            .map(|(id, _)| *id)
            .next()
    }
}
