//! The drive API (etcd's `RawNode`): feed in time, messages and requests; drain a [`Ready`].

use crate::config::Config;
use crate::durable::Durable;
use crate::entry::{Command, Entry};
use crate::errors::{CompactError, ConfigError, ProposeError, StepError};
use crate::events::Event;
use crate::ids::{LogIndex, Micros, NodeId, Term};
use crate::log::RaftLog;
use crate::membership::{ConfChange, Membership};
use crate::message::Message;
use crate::progress::Progress;
use crate::ready::{ReadState, Ready};
use crate::rng::DetRng;
use crate::role::Role;
use crate::stats::Stats;
use crate::storage::{HardState, Snapshot};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// The timers a node is running, for the driver (to skip idle time) and the UI (to draw arcs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timers {
    /// When the current election timeout started counting (last reset).
    pub election_started: Option<Micros>,
    /// When a follower or candidate will start an election (§5.2). `None` for leaders and non-voters.
    pub election_deadline: Option<Micros>,
    /// When the leader will next send heartbeats (§5.2).
    pub heartbeat_deadline: Option<Micros>,
    /// When the leader next checks it still hears from a quorum (thesis §6.2), if CheckQuorum is on.
    pub check_quorum_deadline: Option<Micros>,
    /// When an unfinished leadership transfer is abandoned (thesis §3.10).
    pub transfer_deadline: Option<Micros>,
}

/// A leadership transfer in progress (thesis §3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Transfer {
    pub(crate) to: NodeId,
    pub(crate) deadline: Micros,
}

/// A ReadIndex request waiting for its heartbeat round (thesis §6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingRead {
    pub(crate) ctx: u64,
    /// `None` until the leader has committed an entry of its own term.
    pub(crate) index: Option<LogIndex>,
    /// The heartbeat round whose quorum acknowledgement confirms leadership.
    pub(crate) seq: u64,
}

/// One Raft server as a pure state machine: no I/O, no clock, no OS randomness.
/// See the crate docs for the drive loop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawNode<C> {
    pub(crate) id: NodeId,
    pub(crate) config: Config,
    pub(crate) rng: DetRng,
    /// The time passed with the latest input.
    pub(crate) now: Micros,

    // Persistent state (Figure 2).
    pub(crate) term: Term,
    pub(crate) voted_for: Option<NodeId>,
    pub(crate) log: RaftLog<C>,

    // Volatile state.
    pub(crate) role: Role,
    pub(crate) leader: Option<NodeId>,
    pub(crate) commit: LogIndex,
    pub(crate) applied: LogIndex,
    pub(crate) last_leader_contact: Option<Micros>,
    /// After a restart, ignore vote requests until then: we may have acknowledged a leader's
    /// lease just before crashing and cannot remember it (thesis §6.4.1).
    pub(crate) restart_quiet_until: Option<Micros>,
    pub(crate) elections_since_leader: u32,
    pub(crate) election_started: Option<Micros>,
    pub(crate) election_deadline: Option<Micros>,

    // Candidate state.
    pub(crate) votes: BTreeMap<NodeId, bool>,

    // Leader state.
    pub(crate) progress: BTreeMap<NodeId, Progress>,
    pub(crate) heartbeat_deadline: Option<Micros>,
    pub(crate) check_quorum_deadline: Option<Micros>,
    pub(crate) pending_conf_index: LogIndex,
    pub(crate) transfer: Option<Transfer>,
    pub(crate) read_seq: u64,
    pub(crate) pending_reads: Vec<PendingRead>,
    /// The configuration index `progress` was last synchronized with.
    pub(crate) progress_config_index: Option<LogIndex>,
    /// Send time of recent heartbeat rounds, for lease reads.
    pub(crate) round_sent_at: VecDeque<(u64, Micros)>,

    // Outputs not yet drained by `ready`.
    pub(crate) msgs: Vec<Message<C>>,
    pub(crate) events: Vec<Event>,
    pub(crate) read_states: Vec<ReadState>,
    // Boxed, as in `Ready`: rare and large, and a `Ready` moves whole.
    pub(crate) pending_bootstrap: Option<Box<Membership>>,
    pub(crate) pending_snapshot: Option<Box<Snapshot>>,
    pub(crate) pending_compacted: Option<Box<Snapshot>>,
    pub(crate) last_hard_state: HardState,
    /// The configuration index last reported in a `MembershipChanged` event.
    pub(crate) reported_membership_index: Option<LogIndex>,
    pub(crate) stats: Stats,
}

impl<C: Command> RawNode<C> {
    /// A brand-new server with an empty log. `initial` is the bootstrap configuration every
    /// initial member is given; a node to be added later gets `Membership::default()` and
    /// waits, never campaigning, until a leader contacts it.
    pub fn new(
        id: NodeId,
        config: Config,
        initial: Membership,
        rng: DetRng,
        now: Micros,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut node = RawNode::blank(id, config, RaftLog::new(initial.clone()), rng, now);
        node.pending_bootstrap = Some(Box::new(initial));
        node.reported_membership_index = Some(node.log.membership_index());
        node.reset_election_timer();
        Ok(node)
    }

    /// Recovers a server after a crash from what it persisted. Term, vote, log and snapshot
    /// survive; the commit index and all volatile state restart from the snapshot (Figure 2).
    /// The driver restores its state machine from `durable.snapshot`.
    pub fn restart(
        id: NodeId,
        config: Config,
        durable: Durable<C>,
        rng: DetRng,
        now: Micros,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let Durable {
            term,
            voted_for,
            snapshot,
            entries,
            bootstrap,
        } = durable;
        let (log, ignored) = RaftLog::recover(bootstrap, snapshot, entries);
        let mut node = RawNode::blank(id, config, log, rng, now);
        node.term = term;
        // Bug switch `forget_vote_on_restart`: the one place the persisted vote is read back.
        node.voted_for = if node.config.bugs.forget_vote_on_restart {
            None
        } else {
            voted_for
        };
        node.last_hard_state = HardState {
            term,
            voted_for: node.voted_for,
        };
        let snap_index = node.log.snapshot().map_or(LogIndex(0), |s| s.last_index);
        node.commit = snap_index;
        node.applied = snap_index;
        node.reported_membership_index = Some(node.log.membership_index());
        node.restart_quiet_until = Some(now.saturating_add(node.config.election_timeout_min));
        for (index, reason) in ignored {
            node.events.push(Event::ConfChangeIgnored { index, reason });
        }
        node.reset_election_timer();
        Ok(node)
    }

    fn blank(id: NodeId, config: Config, log: RaftLog<C>, rng: DetRng, now: Micros) -> Self {
        RawNode {
            id,
            config,
            rng,
            now,
            term: Term(0),
            voted_for: None,
            log,
            role: Role::Follower,
            leader: None,
            commit: LogIndex(0),
            applied: LogIndex(0),
            last_leader_contact: None,
            restart_quiet_until: None,
            elections_since_leader: 0,
            election_started: None,
            election_deadline: None,
            votes: BTreeMap::new(),
            progress: BTreeMap::new(),
            heartbeat_deadline: None,
            check_quorum_deadline: None,
            pending_conf_index: LogIndex(0),
            transfer: None,
            read_seq: 0,
            pending_reads: Vec::new(),
            round_sent_at: VecDeque::new(),
            progress_config_index: None,
            msgs: Vec::new(),
            events: Vec::new(),
            read_states: Vec::new(),
            pending_bootstrap: None,
            pending_snapshot: None,
            pending_compacted: None,
            last_hard_state: HardState::default(),
            reported_membership_index: None,
            stats: Stats::default(),
        }
    }

    /// Fires every timer whose deadline is `<= now`: election timeout (§5.2), heartbeat,
    /// CheckQuorum (thesis §6.2) and transfer abort (thesis §3.10).
    pub fn tick(&mut self, now: Micros) {
        self.now = self.now.max(now);
        self.on_tick();
        self.after_input();
    }

    /// The earliest pending timer, so the driver can skip idle time.
    pub fn next_deadline(&self) -> Option<Micros> {
        // Folded by hand: the driver asks after every input, and the
        // iterator chain cost three times as much (callgrind).
        let earlier = |a: Option<Micros>, b: Option<Micros>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, None) => a,
            (None, b) => b,
        };
        let d = earlier(self.election_deadline, self.heartbeat_deadline);
        let d = earlier(d, self.check_quorum_deadline);
        earlier(d, self.transfer.map(|t| t.deadline))
    }

    /// The running timers.
    pub fn timers(&self) -> Timers {
        Timers {
            election_started: self.election_started,
            election_deadline: self.election_deadline,
            heartbeat_deadline: self.heartbeat_deadline,
            check_quorum_deadline: self.check_quorum_deadline,
            transfer_deadline: self.transfer.map(|t| t.deadline),
        }
    }

    /// Handles one message from the network. Never panics on any input: stale, duplicate and
    /// reordered messages are normal, handled and counted in [`RawNode::stats`].
    /// `Err` only if the message is not for us or comes from a node in no known configuration.
    pub fn step(&mut self, now: Micros, msg: Message<C>) -> Result<(), StepError> {
        self.now = self.now.max(now);
        self.stats.steps += 1;
        if msg.to != self.id {
            self.stats.wrong_recipient += 1;
            return Err(StepError::WrongRecipient);
        }
        if !self.accepts_sender(&msg) {
            self.stats.unknown_sender += 1;
            return Err(StepError::UnknownSender(msg.from));
        }
        self.stats.messages_in.bump(msg.kind());
        self.step_message(msg);
        self.after_input();
        Ok(())
    }

    /// Appends a command to the leader's log and starts replicating it (§5.3).
    /// Returns where it will sit if it commits; only a committed entry is durable.
    pub fn propose(&mut self, now: Micros, cmd: C) -> Result<(Term, LogIndex), ProposeError> {
        self.now = self.now.max(now);
        let r = self.propose_command(cmd);
        self.after_input();
        r
    }

    /// Proposes a membership change (paper §6, thesis §4). Refused while another change is
    /// uncommitted, or before this leader has committed an entry of its term.
    pub fn propose_conf_change(
        &mut self,
        now: Micros,
        cc: ConfChange,
    ) -> Result<(Term, LogIndex), ProposeError> {
        self.now = self.now.max(now);
        let r = self.propose_conf(cc);
        self.after_input();
        r
    }

    /// Requests a linearizable read (thesis §6.4); the answer arrives in [`Ready::read_states`].
    pub fn read_index(&mut self, now: Micros, ctx: u64) -> Result<(), ProposeError> {
        self.now = self.now.max(now);
        let r = self.request_read(ctx);
        self.after_input();
        r
    }

    /// Hands leadership to `to` (thesis §3.10): catch it up, then tell it to campaign.
    pub fn transfer_leadership(&mut self, now: Micros, to: NodeId) -> Result<(), ProposeError> {
        self.now = self.now.max(now);
        let r = self.start_transfer(to);
        self.after_input();
        r
    }

    /// Starts an election now, as if the election timeout fired (the UI's "force timeout").
    /// Ignored by leaders and by nodes that cannot vote.
    pub fn campaign(&mut self, now: Micros) {
        self.now = self.now.max(now);
        if self.role != Role::Leader {
            self.start_election(false);
        }
        self.after_input();
    }

    /// The application snapshotted its state machine at `upto` (`<= applied`) into `data`:
    /// discard the log up to there (paper §7).
    pub fn compact(&mut self, upto: LogIndex, data: Vec<u8>) -> Result<(), CompactError> {
        let r = self.compact_log(upto, data);
        self.after_input();
        r
    }

    /// Whether [`RawNode::ready`] has anything.
    pub fn has_ready(&self) -> bool {
        self.hard_state() != self.last_hard_state
            || self.pending_bootstrap.is_some()
            || self.pending_snapshot.is_some()
            || self.pending_compacted.is_some()
            || self.log.has_unstable()
            || !self.msgs.is_empty()
            || self.apply_limit() > self.applied
            || !self.read_states.is_empty()
            || !self.events.is_empty()
    }

    /// Drains everything to persist, send and apply. See [`Ready`] for the order.
    pub fn ready(&mut self) -> Ready<C> {
        let hs = self.hard_state();
        let hard_state = (hs != self.last_hard_state).then_some(hs);
        self.last_hard_state = hs;
        let (truncate_from, entries) = self.log.take_unstable();
        let hi = self.apply_limit();
        let committed_entries = if hi > self.applied {
            let lo = self.applied.next();
            self.applied = hi;
            self.log.entries(lo..=hi).to_vec()
        } else {
            Vec::new()
        };
        Ready {
            hard_state,
            bootstrap: self.pending_bootstrap.take(),
            snapshot: self.pending_snapshot.take(),
            compacted: self.pending_compacted.take(),
            truncate_from,
            entries,
            messages: std::mem::take(&mut self.msgs),
            committed_entries,
            read_states: std::mem::take(&mut self.read_states),
            events: std::mem::take(&mut self.events),
        }
    }

    /// Optionally hands back a `Ready` the driver is done with (after
    /// [`RawNode::advance`]): the next `Ready`'s messages and events reuse
    /// its buffers instead of allocating new ones. Changes nothing else.
    pub fn recycle(&mut self, mut ready: Ready<C>) {
        if self.msgs.capacity() == 0 {
            ready.messages.clear();
            self.msgs = std::mem::take(&mut ready.messages);
        }
        if self.events.capacity() == 0 {
            ready.events.clear();
            self.events = std::mem::take(&mut ready.events);
        }
    }

    /// The driver persisted `ready` (and sent its messages). The leader may now count its own
    /// entries toward commitment: nothing is acknowledged before it is durable.
    pub fn advance(&mut self, ready: &Ready<C>) {
        if let Some(last) = ready.entries.last() {
            self.log.persisted_to(last.index);
        }
        if self.role == Role::Leader {
            let persisted = self.log.persisted_last_index();
            let id = self.id;
            if let Some(pr) = self.progress.get_mut(&id) {
                pr.maybe_update(persisted);
            }
            self.maybe_commit();
        }
        self.after_input();
    }

    /// The highest index the next `ready` may hand to the application.
    fn apply_limit(&self) -> LogIndex {
        // Bug switch `apply_uncommitted`: the one place the apply limit is chosen.
        if self.config.bugs.apply_uncommitted {
            self.log.last_index()
        } else {
            self.commit.min(self.log.last_index())
        }
    }

    pub(crate) fn hard_state(&self) -> HardState {
        HardState {
            term: self.term,
            voted_for: self.voted_for,
        }
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// Its role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// Its current term.
    pub fn term(&self) -> Term {
        self.term
    }
    /// Whom it voted for in the current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    /// The leader of the current term, if known.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }
    /// The highest index known committed.
    pub fn commit_index(&self) -> LogIndex {
        self.commit
    }
    /// The highest index handed to the application.
    pub fn applied_index(&self) -> LogIndex {
        self.applied
    }
    /// The configuration in use: the latest in the log, committed or not (thesis §4.1).
    pub fn membership(&self) -> &Membership {
        self.log.membership()
    }
    /// The log.
    pub fn log(&self) -> &RaftLog<C> {
        &self.log
    }
    /// The latest snapshot.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.log.snapshot()
    }
    /// The leader's per-follower progress (itself included); `None` unless leader.
    pub fn progress(&self) -> Option<&BTreeMap<NodeId, Progress>> {
        (self.role == Role::Leader).then_some(&self.progress)
    }
    /// The votes received while (pre-)candidate.
    pub fn votes(&self) -> &BTreeMap<NodeId, bool> {
        &self.votes
    }
    /// Counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    /// Entries `<=` this are durable.
    pub fn persisted_last_index(&self) -> LogIndex {
        self.log.persisted_last_index()
    }
    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// Replaces the settings mid-run (a teaching tool turning PreVote,
    /// CheckQuorum, back-off, leases or a bug switch on or off). Every
    /// option is read where it is used, so the new ones apply from the
    /// next event; timers already armed keep their deadlines.
    /// A leader that gains CheckQuorum starts counting from now (thesis
    /// §6.2: heard from a majority within an election timeout).
    pub fn set_config(&mut self, config: Config) -> Result<(), ConfigError> {
        config.validate()?;
        let gains_check_quorum = config.check_quorum && !self.config.check_quorum;
        self.config = config;
        if self.role == Role::Leader {
            if !self.config.check_quorum {
                self.check_quorum_deadline = None;
            } else if gains_check_quorum {
                self.check_quorum_deadline =
                    Some(self.now.saturating_add(self.config.election_timeout_min));
                let id = self.id;
                for (node, pr) in self.progress.iter_mut() {
                    pr.recent_active = *node == id;
                }
            }
        }
        Ok(())
    }
    /// The leadership transfer target, while a transfer is in progress.
    pub fn transfer_target(&self) -> Option<NodeId> {
        self.transfer.map(|t| t.to)
    }
    /// The entry at `idx` (shorthand for `log().entry(idx)`).
    pub fn entry(&self, idx: LogIndex) -> Option<&Entry<C>> {
        self.log.entry(idx)
    }
}
