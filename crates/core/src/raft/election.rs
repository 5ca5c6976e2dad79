//! Leader election (paper §5.2, §5.4.1), PreVote (thesis §9.6) and CheckQuorum (thesis §6.2).

use crate::entry::{Command, EntryPayload};
use crate::events::{Event, StepDownReason, VoteDenyReason};
use crate::ids::NodeId;
use crate::message::{Message, MessageBody};
use crate::progress::Progress;
use crate::quorum::{self, VoteResult};
use crate::raw_node::RawNode;
use crate::role::Role;

impl<C: Command> RawNode<C> {
    /// Starts a pre-vote round if PreVote is on (unless `transfer`), else a real election.
    pub(crate) fn start_election(&mut self, transfer: bool) {
        if !self.promotable() {
            return;
        }
        self.elections_since_leader = self.elections_since_leader.saturating_add(1);
        if self.config.pre_vote && !transfer {
            self.become_pre_candidate();
        } else {
            self.become_candidate(transfer);
        }
    }

    /// Thesis §9.6: ask whether we *could* win before disrupting anyone with a new term.
    fn become_pre_candidate(&mut self) {
        self.set_role(Role::PreCandidate);
        self.set_leader(None);
        self.votes.clear();
        self.stats.pre_votes_started += 1;
        let term = self.term.next();
        self.events.push(Event::ElectionStarted {
            term,
            pre_vote: true,
            transfer: false,
        });
        self.reset_election_timer();
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        self.solicit_votes(|_| {
            (
                term,
                MessageBody::PreVote {
                    last_log_index,
                    last_log_term,
                },
            )
        });
    }

    /// §5.2: increment the term, vote for ourselves, ask every voter.
    fn become_candidate(&mut self, transfer: bool) {
        let from = self.term;
        self.term = self.term.next();
        self.events.push(Event::TermChanged {
            from,
            to: self.term,
        });
        self.voted_for = Some(self.id);
        self.set_role(Role::Candidate);
        self.set_leader(None);
        self.votes.clear();
        self.stats.elections_started += 1;
        self.events.push(Event::ElectionStarted {
            term: self.term,
            pre_vote: false,
            transfer,
        });
        self.reset_election_timer();
        let term = self.term;
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        self.solicit_votes(|_| {
            (
                term,
                MessageBody::RequestVote {
                    last_log_index,
                    last_log_term,
                    transfer,
                },
            )
        });
    }

    /// Votes for ourselves, asks every other voter (of both halves when joint, §6), and
    /// settles at once if we are the only voter.
    fn solicit_votes(&mut self, request: impl Fn(NodeId) -> (crate::Term, MessageBody<C>)) {
        let voters = {
            let m = self.log.membership();
            let mut v = m.voters.clone();
            if let Some(old) = &m.outgoing_voters {
                v.extend(old.iter().copied());
            }
            v
        };
        let (id, role) = (self.id, self.role);
        self.handle_vote_response(id, true);
        for to in voters {
            // Our own vote may already have settled the election (a single voter).
            if to != id && self.role == role {
                let (term, body) = request(to);
                self.send_with_term(to, term, body);
            }
        }
    }

    /// Decides a vote or pre-vote request whose term is not stale (§5.2, §5.4.1, thesis §9.6).
    pub(crate) fn handle_vote_request(&mut self, m: Message<C>) {
        let (pre_vote, last_index, last_term) = match m.body {
            MessageBody::PreVote {
                last_log_index,
                last_log_term,
            } => (true, last_log_index, last_log_term),
            MessageBody::RequestVote {
                last_log_index,
                last_log_term,
                ..
            } => (false, last_log_index, last_log_term),
            _ => return,
        };
        // One vote per term (§5.2); a pre-vote for a future term promises nothing.
        let can_vote = self.voted_for == Some(m.from)
            || (self.voted_for.is_none() && self.leader.is_none())
            || (pre_vote && m.term > self.term);
        // Bug switch `vote_without_log_check`: the one place the §5.4.1 check is made.
        let up_to_date = self.config.bugs.vote_without_log_check
            || self.log.is_up_to_date(last_index, last_term);
        let denial = if !can_vote {
            Some(match (self.voted_for, self.leader) {
                (Some(v), _) => VoteDenyReason::AlreadyVoted(v),
                (None, Some(l)) => VoteDenyReason::LeaderKnown(l),
                (None, None) => VoteDenyReason::StaleTerm,
            })
        } else if !up_to_date {
            Some(VoteDenyReason::LogNotUpToDate)
        } else {
            None
        };
        match denial {
            None => {
                self.events.push(Event::VoteGranted {
                    candidate: m.from,
                    term: m.term,
                    pre_vote,
                });
                if pre_vote {
                    self.send_with_term(
                        m.from,
                        m.term,
                        MessageBody::PreVoteResponse { granted: true },
                    );
                } else {
                    self.voted_for = Some(m.from);
                    // §5.2: granting a vote resets the election timer.
                    self.reset_election_timer();
                    self.send(m.from, MessageBody::RequestVoteResponse { granted: true });
                }
            }
            Some(reason) => {
                self.events.push(Event::VoteDenied {
                    candidate: m.from,
                    term: m.term,
                    pre_vote,
                    reason,
                });
                let body = if pre_vote {
                    MessageBody::PreVoteResponse { granted: false }
                } else {
                    MessageBody::RequestVoteResponse { granted: false }
                };
                self.send(m.from, body);
            }
        }
    }

    /// Counts one answer; wins, loses or keeps waiting.
    pub(crate) fn handle_vote_response(&mut self, from: NodeId, granted: bool) {
        self.votes.insert(from, granted);
        let votes = &self.votes;
        match quorum::vote_result(self.log.membership(), |id| votes.get(&id).copied()) {
            VoteResult::Won if self.role == Role::PreCandidate => self.become_candidate(false),
            VoteResult::Won => self.become_leader(),
            VoteResult::Lost => {
                let term = self.term;
                self.become_follower(term, None, StepDownReason::LostElection)
            }
            VoteResult::Pending => {}
        }
    }

    /// §5.2/§5.4.2/§8: take office, append a no-op of our term, and assert authority.
    fn become_leader(&mut self) {
        assert_eq!(
            self.role,
            Role::Candidate,
            "invalid transition {} -> leader",
            self.role
        );
        self.set_role(Role::Leader);
        self.set_leader(Some(self.id));
        self.stats.became_leader += 1;
        self.elections_since_leader = 0;
        self.votes.clear();
        self.election_deadline = None;
        let last = self.log.last_index();
        self.progress.clear();
        self.sync_progress();
        let (id, persisted) = (self.id, self.log.persisted_last_index());
        for (node, pr) in self.progress.iter_mut() {
            *pr = Progress::new(last);
            pr.recent_active = *node == id;
            if *node == id {
                pr.match_index = persisted;
                pr.become_replicate();
                pr.next_index = last.next();
            }
        }
        // Conservatively treat every entry we hold as a possibly pending configuration change.
        self.pending_conf_index = last;
        self.read_seq = 0;
        self.pending_reads.clear();
        self.round_sent_at.clear();
        self.transfer = None;
        self.heartbeat_deadline = Some(self.now.saturating_add(self.config.heartbeat_interval));
        self.check_quorum_deadline = self
            .config
            .check_quorum
            .then(|| self.now.saturating_add(self.config.election_timeout_min));
        self.append_local(EntryPayload::Noop);
        self.broadcast_append();
    }

    /// Thesis §6.2: a leader that has not heard from a quorum within an election timeout steps
    /// down, so clients can find the real leader and lease reads stay safe.
    pub(crate) fn check_quorum(&mut self) {
        self.check_quorum_deadline =
            Some(self.now.saturating_add(self.config.election_timeout_min));
        let id = self.id;
        let progress = &self.progress;
        let alive = quorum::has_quorum(self.log.membership(), |n| {
            n == id || progress.get(&n).is_some_and(|p| p.recent_active)
        });
        for (node, pr) in self.progress.iter_mut() {
            pr.recent_active = *node == id;
        }
        if !alive {
            let term = self.term;
            self.become_follower(term, None, StepDownReason::CheckQuorumFailed);
            self.set_leader(None);
        }
    }
}
