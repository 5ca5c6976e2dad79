//! Log compaction and InstallSnapshot (paper §7).

use crate::entry::Command;
use crate::errors::CompactError;
use crate::events::Event;
use crate::ids::{LogIndex, NodeId, Term};
use crate::message::{Message, MessageBody};
use crate::progress::ProgressState;
use crate::raw_node::RawNode;
use crate::storage::Snapshot;

impl<C: Command> RawNode<C> {
    /// The application snapshotted its state at `upto`: drop the log prefix (paper §7).
    pub(crate) fn compact_log(
        &mut self,
        upto: LogIndex,
        data: Vec<u8>,
    ) -> Result<(), CompactError> {
        if upto > self.applied {
            return Err(CompactError(format!(
                "index {upto} is not applied yet (applied {})",
                self.applied
            )));
        }
        if upto > self.log.persisted_last_index() {
            return Err(CompactError(format!("index {upto} is not persisted yet")));
        }
        if upto < self.log.first_index() {
            return Err(CompactError(format!(
                "index {upto} is already compacted (first index {})",
                self.log.first_index()
            )));
        }
        let snap = self.log.compact(upto, data);
        self.pending_compacted = Some(Box::new(snap));
        self.events.push(Event::LogCompacted { upto });
        Ok(())
    }

    /// Sends our snapshot to a follower whose next entry is compacted away.
    pub(crate) fn send_snapshot(&mut self, to: NodeId) -> bool {
        let Some(snap) = self.log.snapshot().cloned() else {
            return false;
        };
        let Some(pr) = self.progress.get_mut(&to) else {
            return false;
        };
        pr.become_snapshot(snap.last_index);
        self.stats.snapshots_sent += 1;
        self.events.push(Event::SnapshotSent {
            to,
            last_index: snap.last_index,
        });
        self.send(
            to,
            MessageBody::InstallSnapshot {
                snapshot: Box::new(snap),
            },
        );
        true
    }

    /// A node added after bootstrap has an empty configuration, but the configuration entries
    /// in our log are changes relative to the bootstrap configuration. Before sending entries
    /// from index 1, send it that base as an empty "snapshot" at index 0 (no state, so the
    /// follower does not hand it to its state machine).
    pub(crate) fn send_bootstrap(&mut self, to: NodeId) -> bool {
        if self.log.snapshot().is_some() {
            return false;
        }
        let Some(pr) = self.progress.get_mut(&to) else {
            return false;
        };
        pr.become_snapshot(LogIndex(0));
        let snapshot = Snapshot {
            last_index: LogIndex(0),
            last_term: Term(0),
            membership: self.log.base_membership().clone(),
            data: Vec::new(),
        };
        self.send(
            to,
            MessageBody::InstallSnapshot {
                snapshot: Box::new(snapshot),
            },
        );
        true
    }

    /// Follower side of InstallSnapshot (paper §7 receiver rules).
    pub(crate) fn handle_install_snapshot(&mut self, m: Message<C>) {
        let MessageBody::InstallSnapshot { snapshot } = m.body else {
            return;
        };
        self.set_leader(Some(m.from));
        self.heard_from_leader();
        self.reset_election_timer();
        let last_index = snapshot.last_index;
        if last_index == LogIndex(0) {
            // The bootstrap configuration (see `send_bootstrap`); persist it for restarts.
            if self.log.adopt_bootstrap(snapshot.membership.clone()) {
                self.pending_bootstrap = Some(Box::new(snapshot.membership));
                // The configuration changed although its index did not: report it again.
                self.reported_membership_index = None;
            }
            self.send(m.from, MessageBody::InstallSnapshotResponse { last_index });
            return;
        }
        if last_index <= self.commit {
            // Old news: we already have (and committed) everything it covers.
            let commit = self.commit;
            self.send(
                m.from,
                MessageBody::InstallSnapshotResponse { last_index: commit },
            );
            return;
        }
        if self.log.matches(last_index, snapshot.last_term) {
            // Rule 6: our log already holds it; keep the entries that follow.
            self.commit_to(last_index);
        } else {
            // Rule 7: discard the entire log and restore from the snapshot.
            self.events.push(Event::SnapshotInstalled {
                last_index,
                last_term: snapshot.last_term,
            });
            self.stats.snapshots_installed += 1;
            let from = self.commit;
            self.log.restore((*snapshot).clone());
            self.commit = last_index;
            self.applied = last_index;
            self.events.push(Event::CommitAdvanced {
                from,
                to: last_index,
            });
            self.pending_snapshot = Some(snapshot);
        }
        self.send(m.from, MessageBody::InstallSnapshotResponse { last_index });
    }

    /// Leader side: the follower now has everything up to `last_index`.
    pub(crate) fn handle_snapshot_response(&mut self, from: NodeId, last_index: LogIndex) {
        let now = self.now;
        let last_index = last_index.min(self.log.last_index());
        let Some(pr) = self.progress.get_mut(&from) else {
            self.stats.stale_dropped += 1;
            return;
        };
        pr.recent_active = true;
        pr.last_heard = Some(now);
        pr.bootstrapped = true;
        let updated = pr.maybe_update(last_index);
        if pr.state == ProgressState::Snapshot {
            pr.become_probe();
        }
        if updated {
            self.maybe_commit();
        }
        self.on_follower_caught_up(from);
        self.maybe_send_append(from, true);
    }
}
