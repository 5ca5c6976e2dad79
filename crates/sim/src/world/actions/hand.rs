//! User actions of hand-driven delivery (DSLabs' visual debugger): turn it
//! on or off, deliver or duplicate a held message, fire a node's timer.
//!
//! While it is on, every message waits in its receiver's queue (held on
//! the wire) and no timer fires by itself. What follows from an action
//! without waiting for a time-out (disk writes finishing, client requests
//! arriving) runs at once in [`World::hand_follow_up`]; time moves only by
//! those, by [`HAND_STEP`] per action, and by firing a timer.

use raftlab_core::{Micros, NodeId};

use crate::action::Action;
use crate::queue::EventKind;
use crate::world::{skewed, Deferred, NodeStatus, World};
use crate::{Refusal, SimError};

/// How far the clock moves with each hand-driven action, so every action
/// has its own instant on the timeline (scrubbing back lands between
/// them) and a run's virtual time counts the student's steps.
pub const HAND_STEP: Micros = Micros(1_000);

/// Most events one action's consequences may run (a bound on the loop in
/// [`World::hand_follow_up`]; a handful is normal).
const SETTLE_EVENTS_MAX: usize = 10_000;

impl World {
    /// Applies one action of this family.
    pub(in crate::world) fn apply_hand(&mut self, action: &Action) -> Result<(), SimError> {
        let now = self.now;
        match action {
            Action::HandDelivery(on) => self.set_hand_delivery(*on),
            Action::Deliver(m) => {
                let msg = self
                    .network
                    .take_held(now, *m)
                    .map_err(|()| SimError::Invalid(Refusal::NotHeld(*m)))?;
                if let Some(msg) = msg {
                    self.hand_to_receiver(msg);
                }
            }
            Action::Duplicate(m) => {
                self.network
                    .duplicate_held(*m)
                    .ok_or(SimError::Invalid(Refusal::NotHeld(*m)))?;
            }
            Action::FireTimer(id) => {
                if !self.config.hand_delivery {
                    return Err(SimError::Invalid(Refusal::HandDeliveryOff));
                }
                if self.timer_due(*id)?.is_none() {
                    return Err(SimError::Invalid(Refusal::NoTimer(*id)));
                }
            }
            other => unreachable!("{other:?} is not among the hand-driven actions"),
        }
        Ok(())
    }

    /// When `id`'s next timer fires, in true time (`None`: no timer runs).
    fn timer_due(&self, id: NodeId) -> Result<Option<Micros>, SimError> {
        let h = self.nodes.get(&id).ok_or(SimError::NoSuchNode(id))?;
        if h.status == NodeStatus::Crashed {
            return Ok(None);
        }
        Ok(h.raft
            .as_ref()
            .and_then(|r| r.next_deadline())
            .map(|d| skewed(d, -h.clock_offset_us)))
    }

    fn set_hand_delivery(&mut self, on: bool) {
        if self.config.hand_delivery == on {
            return;
        }
        self.config.hand_delivery = on;
        let now = self.now;
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        if on {
            // Everything in the air waits in its receiver's queue; the
            // timers and arrivals scheduled for it are dropped, so nothing
            // happens until the user acts.
            let flying: Vec<_> = self.network.in_flight.keys().copied().collect();
            for m in flying {
                self.network.hold(now, m);
            }
            self.queue
                .retain(|k| !matches!(k, EventKind::Deliver(_) | EventKind::Timer { .. }));
            for h in self.nodes.values_mut() {
                h.timer_generation += 1;
                h.timer_at = None;
            }
        } else {
            let held: Vec<_> = self
                .network
                .in_flight
                .values()
                .filter(|f| f.held_at.is_some())
                .map(|f| f.id)
                .collect();
            for m in held {
                if let Some(at) = self.network.release(now, m) {
                    self.queue.push(at, EventKind::Deliver(m));
                }
            }
            for id in ids {
                self.after_node_change(id);
            }
        }
    }

    /// Hands a message taken off the wire to its receiver, as `deliver`
    /// does on arrival: lost if the receiver is down, queued if it is
    /// paused or writing.
    fn hand_to_receiver(&mut self, msg: raftlab_core::Message<crate::kv::LogCommand>) {
        let to = msg.to;
        match self.nodes.get_mut(&to) {
            None => {}
            Some(h) if h.status == NodeStatus::Crashed => {}
            Some(h) if h.status == NodeStatus::Paused || h.pending_write.is_some() => {
                h.inbox.push_back(Deferred::Message(msg));
            }
            Some(_) => {
                self.step_node(to, msg);
                self.pump(to);
            }
        }
    }

    /// After a hand-driven action: for `FireTimer`, run to the node's
    /// timer and fire it; then run what follows without a time-out (disk
    /// writes, client requests and answers), stopping before anything that
    /// waits for time to pass; the clock ends at least [`HAND_STEP`] on.
    pub(in crate::world) fn hand_follow_up(&mut self, fire: Option<NodeId>) {
        let start = self.now;
        if let Some(id) = fire {
            if let Ok(Some(due)) = self.timer_due(id) {
                self.run_until(due.max(start));
                let now = self.now;
                if self.violation.is_none()
                    && self
                        .nodes
                        .get_mut(&id)
                        .is_some_and(|h| h.tick_if_runnable(now))
                {
                    self.pump(id);
                }
            }
        }
        for _ in 0..SETTLE_EVENTS_MAX {
            if self.violation.is_some() {
                break;
            }
            let waits = match self.queue.peek() {
                None => true,
                Some((_, kind)) => matches!(
                    kind,
                    EventKind::ClientTimeout { .. }
                        | EventKind::ClientNext { .. }
                        | EventKind::Timer { .. }
                        | EventKind::Deliver(_)
                ),
            };
            if waits {
                break;
            }
            self.step();
        }
        // Time-outs due within the step fire: that much time did pass.
        self.run_until(start + HAND_STEP);
    }
}
