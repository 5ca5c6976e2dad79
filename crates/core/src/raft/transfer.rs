//! Leadership transfer (thesis §3.10): catch the target up, then tell it to campaign at once.

use crate::entry::Command;
use crate::errors::ProposeError;
use crate::events::Event;
use crate::ids::NodeId;
use crate::message::MessageBody;
use crate::raw_node::{RawNode, Transfer};
use crate::role::Role;

impl<C: Command> RawNode<C> {
    /// Begins a transfer. The leader stops accepting proposals until it ends, and gives up
    /// after an election timeout (the target may be down).
    pub(crate) fn start_transfer(&mut self, to: NodeId) -> Result<(), ProposeError> {
        if self.role != Role::Leader {
            return Err(ProposeError::NotLeader {
                leader_hint: self.leader,
            });
        }
        if to == self.id {
            return Ok(());
        }
        if !self.log.membership().is_voter(to) {
            return Err(ProposeError::InvalidConfChange(format!(
                "{to} is not a voter and cannot lead"
            )));
        }
        if let Some(t) = self.transfer {
            if t.to == to {
                return Ok(());
            }
            self.abort_transfer("superseded by another transfer");
        }
        self.transfer = Some(Transfer {
            to,
            deadline: self.now.saturating_add(self.config.election_timeout_min),
        });
        self.events.push(Event::TransferStarted { to });
        if !self.on_follower_caught_up(to) {
            self.maybe_send_append(to, true);
        }
        Ok(())
    }

    /// If `node` is the transfer target and has our whole log, send TimeoutNow.
    pub(crate) fn on_follower_caught_up(&mut self, node: NodeId) -> bool {
        let Some(t) = self.transfer else {
            return false;
        };
        let last = self.log.last_index();
        let caught_up = self
            .progress
            .get(&node)
            .is_some_and(|p| p.match_index >= last);
        if t.to != node || !caught_up {
            return false;
        }
        self.send(node, MessageBody::TimeoutNow);
        self.events.push(Event::TimeoutNowSent { to: node });
        true
    }

    /// Gives up on the transfer and accepts proposals again.
    pub(crate) fn abort_transfer(&mut self, reason: &str) {
        if let Some(t) = self.transfer.take() {
            self.events.push(Event::TransferAborted {
                to: t.to,
                reason: reason.to_string(),
            });
        }
    }

    /// The leader asks us to campaign now, skipping PreVote and the leader lease (thesis §3.10).
    pub(crate) fn handle_timeout_now(&mut self, from: NodeId) {
        if !self.promotable() || self.leader != Some(from) {
            self.stats.stale_dropped += 1;
            return;
        }
        self.start_election(true);
    }
}
