//! User actions: partitions, one-way cuts, healing, and the network's settings.

use raftlab_core::NodeId;

use crate::action::Action;
use crate::world::World;
use crate::SimError;

impl World {
    /// Applies one action of this family: partitions, one-way cuts, healing, and the network's settings.
    pub(in crate::world) fn apply_network(&mut self, action: &Action) -> Result<(), SimError> {
        match action {
            Action::Partition(groups) => {
                for g in groups {
                    for id in g {
                        if !self.nodes.contains_key(id) {
                            return Err(SimError::NoSuchNode(*id));
                        }
                    }
                }
                self.network.partition = Some(groups.clone());
            }
            Action::Cut { source, target } => {
                self.host(*source)?;
                self.host(*target)?;
                self.network.cuts.insert((*source, *target));
            }
            Action::HealLink { source, target } => {
                let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
                self.network.heal_link(*source, *target, &ids);
            }
            Action::HealAll => self.network.heal_all(),
            Action::SetNetwork(cfg) => {
                cfg.validate()?;
                self.network.default = cfg.clone();
                self.config.network = cfg.clone();
            }
            Action::SetLink {
                source,
                target,
                config,
            } => {
                self.host(*source)?;
                self.host(*target)?;
                match config {
                    Some(c) => {
                        c.validate()?;
                        self.network.overrides.insert((*source, *target), c.clone());
                    }
                    None => {
                        self.network.overrides.remove(&(*source, *target));
                    }
                }
            }
            other => unreachable!("{other:?} is not among the network actions"),
        }
        Ok(())
    }
}
