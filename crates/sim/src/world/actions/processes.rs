//! User actions: crash, restart, pause and resume a server, skew its clock, compact its log, make it campaign or hand leadership over; change the protocol's switches.

use raftlab_core::RawNode;

use crate::action::Action;
use crate::kv::KvStore;
use crate::world::{skewed, NodeStatus, World, MAX_CLOCK_SKEW};
use crate::{Refusal, SimError};

impl World {
    /// Applies one action of this family: crash, restart, pause and resume a server, skew its clock, compact its log, make it campaign or hand leadership over; change the protocol's switches.
    pub(in crate::world) fn apply_processes(&mut self, action: &Action) -> Result<(), SimError> {
        let now = self.now;
        match action {
            Action::Crash(id) => {
                let h = self.host(*id)?;
                if h.status == NodeStatus::Crashed {
                    return Err(SimError::Invalid(Refusal::AlreadyCrashed(*id)));
                }
                h.status = NodeStatus::Crashed;
                h.raft = None;
                h.pending_write = None; // not yet durable: lost
                h.write_generation += 1;
                h.timer_generation += 1;
                h.timer_at = None;
                h.inbox.clear();
                h.waiting_writes.clear();
                h.pending_reads.clear();
                h.kv = KvStore::default();
            }
            Action::Restart(id) => {
                let id = *id;
                let h = self.host(id)?;
                if h.status != NodeStatus::Crashed {
                    return Err(SimError::Invalid(Refusal::NotCrashed(id)));
                }
                let incarnation = h.incarnation + 1;
                let durable = h.durable.clone();
                let rng = self.node_rng(id, incarnation);
                let local = self.local_time(id);
                let raft =
                    RawNode::restart(id, self.config.raft.clone(), durable.clone(), rng, local)
                        .map_err(|error| {
                            SimError::Invalid(Refusal::CannotRestart { node: id, error })
                        })?;
                let h = self.host(id)?;
                h.kv = match &durable.snapshot {
                    Some(s) => KvStore::from_bytes(&s.data).map_err(|e| {
                        SimError::Invalid(Refusal::SnapshotUnreadable {
                            node: id,
                            error: e.to_string(),
                        })
                    })?,
                    None => KvStore::default(),
                };
                h.raft = Some(raft);
                h.status = NodeStatus::Up;
                h.incarnation = incarnation;
                self.pump(id);
            }
            Action::Pause(id) => {
                let h = self.host(*id)?;
                if h.status != NodeStatus::Up {
                    return Err(SimError::Invalid(Refusal::NotRunning(*id)));
                }
                h.status = NodeStatus::Paused;
            }
            Action::Resume(id) => {
                let id = *id;
                let h = self.host(id)?;
                if h.status != NodeStatus::Paused {
                    return Err(SimError::Invalid(Refusal::NotPaused(id)));
                }
                h.status = NodeStatus::Up;
                h.tick_if_runnable(now);
                self.drain_inbox(id);
                self.pump(id);
            }
            Action::Campaign(id) => {
                let id = *id;
                let h = self.host(id)?;
                let local = skewed(now, h.clock_offset_us);
                let Some(r) = h.raft.as_mut().filter(|_| h.status == NodeStatus::Up) else {
                    return Err(SimError::Invalid(Refusal::NotRunning(id)));
                };
                r.campaign(local);
                self.pump(id);
            }
            Action::TransferLeadership(to) => {
                let leader = self.leader_or_err()?;
                if !self.nodes.contains_key(to) {
                    return Err(SimError::NoSuchNode(*to));
                }
                let local = self.local_time(leader);
                let r = self.host(leader)?.raft.as_mut().expect("leader runs");
                r.transfer_leadership(local, *to).map_err(|error| {
                    SimError::Invalid(Refusal::TransferRefused { to: *to, error })
                })?;
                self.pump(leader);
            }
            Action::ClockSkew { node, offset_us } => {
                let (node, offset_us) = (*node, *offset_us);
                if offset_us.unsigned_abs() > MAX_CLOCK_SKEW.0 {
                    return Err(SimError::Invalid(Refusal::SkewTooLarge {
                        max_s: MAX_CLOCK_SKEW.0 / 1_000_000,
                    }));
                }
                self.host(node)?.clock_offset_us = offset_us;
                // Timers already queued were in the old clock's terms.
                if self.host(node)?.tick_if_runnable(now) {
                    self.pump(node);
                }
                self.after_node_change(node);
            }
            Action::Compact(id) => {
                let id = *id;
                let h = self.host(id)?;
                let Some(r) = h.raft.as_mut() else {
                    return Err(SimError::Invalid(Refusal::NotRunning(id)));
                };
                let applied = r.applied_index();
                r.compact(applied, h.kv.to_bytes()).map_err(|error| {
                    SimError::Invalid(Refusal::CompactRefused { node: id, error })
                })?;
                self.pump(id);
            }
            Action::SetSwitches(switches) => {
                let config = switches.applied_to(&self.config.raft);
                for h in self.nodes.values_mut() {
                    if let Some(r) = h.raft.as_mut() {
                        r.set_config(config.clone())
                            .map_err(|e| SimError::Config(e.to_string()))?;
                    }
                }
                self.config.raft = config;
                let ids: Vec<_> = self.nodes.keys().copied().collect();
                for id in ids {
                    self.after_node_change(id); // a timer may have been armed
                }
            }
            other => unreachable!("{other:?} is not among the processes actions"),
        }
        Ok(())
    }
}
