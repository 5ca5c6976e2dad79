//! User actions: the background workload's settings and the user's own client requests.

use crate::action::Action;
use crate::client::USER_CLIENT;
use crate::world::World;
use crate::SimError;

impl World {
    /// Applies one action of this family: the background workload's settings and the user's own client requests.
    pub(in crate::world) fn apply_clients(&mut self, action: &Action) -> Result<(), SimError> {
        match action {
            Action::SetWorkload(w) => {
                let mut cfg = self.config.clone();
                cfg.workload = w.clone();
                cfg.validate()?;
                self.config.workload = w.clone();
                self.reset_workload();
            }
            Action::ClientRequest { op, via } => {
                if let Some(v) = via {
                    self.host(*v)?;
                }
                self.client_start(USER_CLIENT, op.clone(), *via);
            }
            other => unreachable!("{other:?} is not among the clients actions"),
        }
        Ok(())
    }
}
