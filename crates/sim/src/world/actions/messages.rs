//! User actions: hold, release or drop one message in flight.

use crate::action::Action;
use crate::queue::EventKind;
use crate::world::World;
use crate::{Refusal, SimError};

impl World {
    /// Applies one action of this family: hold, release or drop one message in flight.
    pub(in crate::world) fn apply_messages(&mut self, action: &Action) -> Result<(), SimError> {
        let now = self.now;
        if self.config.hand_delivery && matches!(action, Action::Hold(_) | Action::Release(_)) {
            return Err(SimError::Invalid(Refusal::HandDeliveryOn));
        }
        match action {
            Action::Hold(m) => {
                if !self.network.hold(now, *m) {
                    return Err(SimError::Invalid(Refusal::NotInFlight(*m)));
                }
            }
            Action::Release(m) => {
                let at = self
                    .network
                    .release(now, *m)
                    .ok_or(SimError::Invalid(Refusal::NotHeld(*m)))?;
                self.queue.push(at, EventKind::Deliver(*m));
            }
            Action::Drop(m) => {
                if !self.network.drop_by_user(now, *m) {
                    return Err(SimError::Invalid(Refusal::NotInFlight(*m)));
                }
            }
            other => unreachable!("{other:?} is not among the messages actions"),
        }
        Ok(())
    }
}
