//! The protocol: the term prelude, role dispatch and role transitions live here; each
//! sub-module holds one part of the paper.

mod conf;
mod election;
mod read;
mod replication;
mod snapshot;
mod timers;
mod transfer;
mod validate;

use crate::entry::Command;
use crate::events::{Event, RejectReason, StepDownReason, VoteDenyReason};
use crate::ids::{LogIndex, NodeId, Term};
use crate::message::{Message, MessageBody};
use crate::progress::Progress;
use crate::raw_node::RawNode;
use crate::role::Role;

impl<C: Command> RawNode<C> {
    /// One message: handle its term once, then dispatch on our role (etcd's `Step`).
    pub(crate) fn step_message(&mut self, m: Message<C>) {
        if m.from == self.id || !validate::numbers_in_range(&m) {
            self.stats.malformed += 1;
            return;
        }
        if m.term > self.term && !self.step_higher_term(&m) {
            return;
        }
        if m.term < self.term {
            self.step_lower_term(m);
            return;
        }
        match m.body {
            MessageBody::PreVote { .. } | MessageBody::RequestVote { .. } => {
                self.handle_vote_request(m)
            }
            _ => match self.role {
                Role::Leader => self.step_leader(m),
                Role::Candidate | Role::PreCandidate => self.step_candidate(m),
                Role::Follower => self.step_follower(m),
            },
        }
    }

    /// A message from a newer term (§5.1): usually we adopt the term and become a follower.
    /// Returns whether to go on processing the message.
    fn step_higher_term(&mut self, m: &Message<C>) -> bool {
        match &m.body {
            MessageBody::PreVote { .. } | MessageBody::RequestVote { .. } => {
                let transfer = matches!(m.body, MessageBody::RequestVote { transfer: true, .. });
                let pre_vote = matches!(m.body, MessageBody::PreVote { .. });
                // Thesis §4.2.3 / §9.6: while we hear from a leader, a vote request is a
                // disruption (a removed or partitioned server), not a failed leader.
                let lease_applies = self.config.check_quorum || (pre_vote && self.config.pre_vote);
                if lease_applies && !transfer && self.in_leader_lease() {
                    self.stats.ignored_in_lease += 1;
                    self.events.push(Event::VoteDenied {
                        candidate: m.from,
                        term: m.term,
                        pre_vote,
                        reason: VoteDenyReason::LeaderLease,
                    });
                    if pre_vote {
                        self.send(m.from, MessageBody::PreVoteResponse { granted: false });
                    }
                    return false;
                }
                if pre_vote {
                    // A pre-vote never changes our term (thesis §9.6).
                    return true;
                }
            }
            // A granted pre-vote carries the term our pre-candidacy would campaign in.
            MessageBody::PreVoteResponse { granted: true } => return true,
            _ => {}
        }
        // Bug switch `leader_ignores_higher_term`: the one place a leader could refuse to step down.
        if self.role == Role::Leader && self.config.bugs.leader_ignores_higher_term {
            self.stats.stale_dropped += 1;
            return false;
        }
        let leader = match m.body {
            MessageBody::AppendEntries { .. } | MessageBody::InstallSnapshot { .. } => Some(m.from),
            _ => None,
        };
        self.become_follower(m.term, leader, StepDownReason::HigherTerm { from: m.from });
        true
    }

    /// A message from an older term: tell requesters our term so stale leaders and candidates
    /// step down (§5.1); drop stale responses.
    fn step_lower_term(&mut self, m: Message<C>) {
        match m.body {
            MessageBody::AppendEntries {
                prev_log_index,
                read_seq,
                ..
            } => {
                self.events.push(Event::AppendRejected {
                    leader: m.from,
                    prev_log_index,
                    reason: RejectReason::StaleTerm,
                });
                self.stats.appends_rejected += 1;
                let match_index = self.log.last_index();
                self.send(
                    m.from,
                    MessageBody::AppendEntriesResponse {
                        success: false,
                        match_index,
                        conflict: None,
                        read_seq,
                    },
                );
            }
            MessageBody::InstallSnapshot { .. } => {
                let last_index = self.log.last_index();
                self.send(m.from, MessageBody::InstallSnapshotResponse { last_index });
            }
            MessageBody::RequestVote { .. } | MessageBody::PreVote { .. } => {
                let pre_vote = matches!(m.body, MessageBody::PreVote { .. });
                self.events.push(Event::VoteDenied {
                    candidate: m.from,
                    term: m.term,
                    pre_vote,
                    reason: VoteDenyReason::StaleTerm,
                });
                let body = if pre_vote {
                    MessageBody::PreVoteResponse { granted: false }
                } else {
                    MessageBody::RequestVoteResponse { granted: false }
                };
                self.send(m.from, body);
            }
            _ => self.stats.stale_dropped += 1,
        }
    }

    fn step_follower(&mut self, m: Message<C>) {
        match m.body {
            MessageBody::AppendEntries { .. } => self.handle_append_entries(m),
            MessageBody::InstallSnapshot { .. } => self.handle_install_snapshot(m),
            MessageBody::TimeoutNow => self.handle_timeout_now(m.from),
            _ => self.stats.stale_dropped += 1,
        }
    }

    fn step_candidate(&mut self, m: Message<C>) {
        match m.body {
            // §5.2: a candidate that hears from a leader of its term returns to follower.
            MessageBody::AppendEntries { .. } | MessageBody::InstallSnapshot { .. } => {
                self.become_follower(
                    m.term,
                    Some(m.from),
                    StepDownReason::LeaderDiscovered { leader: m.from },
                );
                self.step_follower(m);
            }
            MessageBody::PreVoteResponse { granted } if self.role == Role::PreCandidate => {
                self.handle_vote_response(m.from, granted)
            }
            MessageBody::RequestVoteResponse { granted } if self.role == Role::Candidate => {
                self.handle_vote_response(m.from, granted)
            }
            _ => self.stats.stale_dropped += 1,
        }
    }

    fn step_leader(&mut self, m: Message<C>) {
        match m.body {
            MessageBody::AppendEntriesResponse { .. } => self.handle_append_response(m),
            MessageBody::InstallSnapshotResponse { last_index } => {
                self.handle_snapshot_response(m.from, last_index)
            }
            _ => self.stats.stale_dropped += 1,
        }
    }

    /// Whether to process a message from `m.from` at all. Messages a leader sends (entries,
    /// snapshots) are always accepted: we may not yet have the entry that added it.
    pub(crate) fn accepts_sender(&self, m: &Message<C>) -> bool {
        if matches!(
            m.body,
            MessageBody::AppendEntries { .. }
                | MessageBody::InstallSnapshot { .. }
                | MessageBody::TimeoutNow
        ) {
            return true;
        }
        if self.progress.contains_key(&m.from) {
            return true;
        }
        let membership = self.log.membership();
        membership.is_empty()
            || membership.contains(m.from)
            || self.log.membership_at(self.commit).contains(m.from)
    }

    /// Whether we heard from a leader within the minimum election timeout (thesis §4.2.3), or
    /// restarted less than that ago (we may have acknowledged a lease we no longer remember).
    pub(crate) fn in_leader_lease(&self) -> bool {
        if self.role == Role::Leader || self.restart_quiet_until.is_some_and(|t| self.now < t) {
            return true;
        }
        match (self.leader, self.last_leader_contact) {
            (Some(_), Some(at)) => self.now < at.saturating_add(self.config.election_timeout_min),
            _ => false,
        }
    }

    /// Whether this node may campaign: voters of the latest configuration, and voters of the
    /// committed one whose removal is still uncommitted. The latter matters for liveness: a node
    /// holding an uncommitted entry that removes it may have the only up-to-date log, and
    /// without it nobody could win. Safety is unaffected, since votes are always counted in the
    /// candidate's latest configuration (thesis §4.1). Learners and nodes waiting to be added
    /// never campaign.
    pub(crate) fn promotable(&self) -> bool {
        self.log.membership().is_voter(self.id)
            || self.log.membership_at(self.commit).is_voter(self.id)
    }

    /// Queues a message in our current term.
    pub(crate) fn send(&mut self, to: NodeId, body: MessageBody<C>) {
        let term = self.term;
        self.send_with_term(to, term, body);
    }

    /// Queues a message with an explicit term (pre-votes, thesis §9.6).
    pub(crate) fn send_with_term(&mut self, to: NodeId, term: Term, body: MessageBody<C>) {
        let msg = Message {
            from: self.id,
            to,
            term,
            body,
        };
        self.stats.messages_out.bump(msg.kind());
        self.msgs.push(msg);
    }

    /// Adopts `term` (if newer) and becomes a follower of `leader`.
    pub(crate) fn become_follower(
        &mut self,
        term: Term,
        leader: Option<NodeId>,
        reason: StepDownReason,
    ) {
        if term > self.term {
            self.events.push(Event::TermChanged {
                from: self.term,
                to: term,
            });
            self.term = term;
            self.voted_for = None;
            self.set_leader(None);
        }
        let was = self.role;
        if was != Role::Follower {
            self.role = Role::Follower;
            self.events.push(Event::SteppedDown {
                term: self.term,
                reason,
            });
            self.events.push(Event::RoleChanged {
                term: self.term,
                from: was,
                to: Role::Follower,
            });
        }
        if was == Role::Leader {
            self.clear_leader_state();
        }
        self.votes.clear();
        if leader.is_some() {
            self.set_leader(leader);
            self.heard_from_leader();
        }
        // Figure 2: only hearing from the leader or granting a vote resets the timeout. A mere
        // higher term must not, or two candidates that cannot win (short logs) would keep
        // silencing the one that can. A former leader had no timeout running: start one.
        if leader.is_some() || was == Role::Leader || self.election_deadline.is_none() {
            self.reset_election_timer();
        }
    }

    fn clear_leader_state(&mut self) {
        self.progress.clear();
        self.progress_config_index = None;
        self.heartbeat_deadline = None;
        self.check_quorum_deadline = None;
        self.transfer = None;
        self.pending_reads.clear();
        self.round_sent_at.clear();
    }

    /// Records contact with the current leader: resets back-off and the leader lease.
    pub(crate) fn heard_from_leader(&mut self) {
        self.last_leader_contact = Some(self.now);
        self.elections_since_leader = 0;
    }

    pub(crate) fn set_leader(&mut self, leader: Option<NodeId>) {
        if self.leader != leader {
            self.leader = leader;
            self.events.push(Event::LeaderChanged {
                term: self.term,
                leader,
            });
        }
    }

    pub(crate) fn set_role(&mut self, to: Role) {
        let from = self.role;
        assert!(
            !(from == Role::Follower && to == Role::Leader),
            "invalid transition follower -> leader"
        );
        if from != to {
            self.role = to;
            self.events.push(Event::RoleChanged {
                term: self.term,
                from,
                to,
            });
        }
    }

    /// Bookkeeping after every input: keep derived state in step with the configuration.
    pub(crate) fn after_input(&mut self) {
        let config_index = self.log.membership_index();
        if self.reported_membership_index != Some(config_index) {
            self.reported_membership_index = Some(config_index);
            self.events.push(Event::MembershipChanged {
                index: config_index,
                membership: self.log.membership().clone(),
            });
        }
        if self.role == Role::Leader {
            if self.progress_config_index != Some(config_index) {
                self.sync_progress();
            }
        } else if self.election_deadline.is_none() == self.promotable() {
            // Our voting status changed (configuration entry or snapshot): start or stop the timer.
            self.reset_election_timer();
        }
    }

    /// Makes the leader's progress map match the configuration: new members start probing.
    pub(crate) fn sync_progress(&mut self) {
        self.progress_config_index = Some(self.log.membership_index());
        let members = self.log.membership().all_nodes();
        let last = self.log.last_index();
        let id = self.id;
        self.progress
            .retain(|node, _| *node == id || members.contains(node));
        for node in members {
            self.progress.entry(node).or_insert_with(|| {
                let mut pr = Progress::new(last);
                pr.recent_active = true;
                pr
            });
        }
    }

    /// Moves the commit index forward and reports it; committed configuration entries too.
    pub(crate) fn commit_to(&mut self, idx: LogIndex) {
        if idx <= self.commit {
            return;
        }
        let from = self.commit;
        self.commit = idx;
        self.events.push(Event::CommitAdvanced { from, to: idx });
        // The latest configuration entry is the highest one: if it is not after `from`, none is.
        if self.log.membership_index() > from {
            for e in self.log.entries(from.next()..=idx) {
                if let Some(cc) = e.conf_change() {
                    self.events.push(Event::ConfChangeCommitted {
                        index: e.index,
                        change: cc.clone(),
                    });
                }
            }
        }
    }
}
