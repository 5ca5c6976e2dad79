//! Timers (paper §5.2): the randomized election timeout, heartbeats, CheckQuorum and the
//! transfer deadline. Time only moves when the driver says so.

use crate::entry::Command;
use crate::ids::Micros;
use crate::raw_node::RawNode;
use crate::role::Role;

impl<C: Command> RawNode<C> {
    /// Restarts the election timeout with a fresh random duration (§5.2). Non-voters have none.
    pub(crate) fn reset_election_timer(&mut self) {
        self.election_started = Some(self.now);
        if self.role == Role::Leader || !self.promotable() {
            self.election_deadline = None;
            return;
        }
        let timeout = self.randomized_election_timeout();
        self.election_deadline = Some(self.now.saturating_add(timeout));
    }

    /// A uniform timeout in `[min, min + (max - min) * 2^k]`, `k` = failed elections since we
    /// last heard a leader (capped at 3, i.e. 8x) when back-off is on.
    fn randomized_election_timeout(&mut self) -> Micros {
        let min = self.config.election_timeout_min.0;
        let span = self.config.election_timeout_max.0 - min;
        let factor = if self.config.election_backoff {
            1u64 << self.elections_since_leader.saturating_sub(1).min(3)
        } else {
            1
        };
        Micros(min.saturating_add(self.rng.gen_range(0..=span.saturating_mul(factor))))
    }

    /// Fires due timers.
    pub(crate) fn on_tick(&mut self) {
        let now = self.now;
        if self.role == Role::Leader {
            if let Some(t) = self.transfer {
                if t.deadline <= now {
                    self.abort_transfer("timed out");
                }
            }
            if self.check_quorum_deadline.is_some_and(|d| d <= now) {
                self.check_quorum();
            }
            if self.role == Role::Leader && self.heartbeat_deadline.is_some_and(|d| d <= now) {
                self.heartbeat_deadline = Some(now.saturating_add(self.config.heartbeat_interval));
                self.broadcast_heartbeat();
            }
        } else if self.election_deadline.is_some_and(|d| d <= now) {
            if self.promotable() {
                self.start_election(false);
            } else {
                self.reset_election_timer();
            }
        }
    }
}
