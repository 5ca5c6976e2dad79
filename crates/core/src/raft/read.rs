//! Linearizable reads without writing to the log: ReadIndex and leases (thesis §6.4).

use crate::entry::Command;
use crate::errors::ProposeError;
use crate::events::Event;
use crate::ids::{LogIndex, Micros};
use crate::quorum;
use crate::raw_node::{PendingRead, RawNode};
use crate::ready::ReadState;
use crate::role::Role;

impl<C: Command> RawNode<C> {
    /// Thesis §6.4 ReadIndex: record the commit index, confirm we are still leader with a
    /// heartbeat round acknowledged by a quorum, then the read may proceed at that index.
    /// A leader that has not committed an entry of its term does not know the commit index
    /// yet (§6.4 step 1): the read waits for its no-op to commit.
    /// Followers answer `NotLeader` with a hint; the client retries at the leader.
    pub(crate) fn request_read(&mut self, ctx: u64) -> Result<(), ProposeError> {
        if self.role != Role::Leader {
            return Err(ProposeError::NotLeader {
                leader_hint: self.leader,
            });
        }
        // Bug switch `read_index_without_quorum`: the one place leadership confirmation is skipped.
        if self.config.bugs.read_index_without_quorum {
            self.serve_read(ctx, self.commit);
            return Ok(());
        }
        if !self.committed_in_current_term() {
            self.pending_reads.push(PendingRead {
                ctx,
                index: None,
                seq: 0,
            });
            return Ok(());
        }
        if self.lease_valid() || self.only_voter() {
            self.serve_read(ctx, self.commit);
            return Ok(());
        }
        self.start_read_round(ctx);
        Ok(())
    }

    fn committed_in_current_term(&self) -> bool {
        self.log.term_at(self.commit) == Some(self.term)
    }

    fn only_voter(&self) -> bool {
        let id = self.id;
        quorum::has_quorum(self.log.membership(), |n| n == id)
    }

    fn start_read_round(&mut self, ctx: u64) {
        self.broadcast_heartbeat();
        self.pending_reads.push(PendingRead {
            ctx,
            index: Some(self.commit),
            seq: self.read_seq,
        });
    }

    fn serve_read(&mut self, ctx: u64, index: LogIndex) {
        self.read_states.push(ReadState { ctx, index });
        self.events.push(Event::ReadIndexReady { ctx, index });
    }

    /// Our no-op (or any entry of our term) committed: reads that waited for it start their round.
    pub(crate) fn on_commit_for_reads(&mut self) {
        if !self.committed_in_current_term() || self.pending_reads.iter().all(|r| r.index.is_some())
        {
            return;
        }
        let waiting: Vec<u64> = self
            .pending_reads
            .iter()
            .filter(|r| r.index.is_none())
            .map(|r| r.ctx)
            .collect();
        self.pending_reads.retain(|r| r.index.is_some());
        if self.lease_valid() || self.only_voter() {
            for ctx in waiting {
                self.serve_read(ctx, self.commit);
            }
            return;
        }
        self.broadcast_heartbeat();
        for ctx in waiting {
            self.pending_reads.push(PendingRead {
                ctx,
                index: Some(self.commit),
                seq: self.read_seq,
            });
        }
    }

    /// The highest heartbeat round acknowledged by a quorum (we count as acknowledging all).
    fn quorum_acked_seq(&self) -> u64 {
        let id = self.id;
        let progress = &self.progress;
        quorum::committed_index(self.log.membership(), |n| {
            if n == id {
                Some(u64::MAX)
            } else {
                progress.get(&n).map(|p| p.read_ack)
            }
        })
    }

    /// Serves every pending read whose round a quorum acknowledged.
    pub(crate) fn advance_reads(&mut self) {
        if self.role != Role::Leader || self.pending_reads.is_empty() {
            return;
        }
        let acked = self.quorum_acked_seq();
        let mut ready = Vec::new();
        self.pending_reads.retain(|r| match r.index {
            Some(index) if r.seq <= acked => {
                ready.push((r.ctx, index));
                false
            }
            _ => true,
        });
        for (ctx, index) in ready {
            self.serve_read(ctx, index);
        }
    }

    /// Thesis §6.4.1 lease: followers that acknowledged a heartbeat round sent at `t` will not
    /// vote for anyone else before `t + election_timeout_min` (they ignore vote requests while
    /// in their leader lease, which CheckQuorum turns on). So until then no other leader can
    /// exist and the leader may read locally. Assumes clocks advance at the same rate (bounded
    /// drift; in the simulator virtual time has none — a real deployment must shorten the lease
    /// by the drift bound).
    pub(crate) fn lease_valid(&self) -> bool {
        // A transfer lets the target bypass follower leases (thesis §3.10), so no lease then.
        if !self.config.lease_reads_enabled()
            || !self.committed_in_current_term()
            || self.transfer.is_some()
        {
            return false;
        }
        let acked = self.quorum_acked_seq();
        let sent_at: Option<Micros> = self
            .round_sent_at
            .iter()
            .rev()
            .find(|(seq, _)| *seq <= acked)
            .map(|(_, t)| *t);
        sent_at.is_some_and(|t| self.now < t.saturating_add(self.config.election_timeout_min))
    }
}
