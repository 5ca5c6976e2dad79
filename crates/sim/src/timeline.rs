//! Time travel: checkpoints plus deterministic replay.
//!
//! The timeline owns the current [`World`] and the action log of the
//! current branch. Every [`CHECKPOINT_EVERY`] events it keeps a clone of the
//! world. Seeking back restores the nearest earlier checkpoint and replays
//! events and recorded actions up to the target; seeking forward just runs.
//! Acting anywhere but at the head forks: later actions, checkpoints and
//! markers are dropped and a new future begins.
//!
//! Retention: checkpoints are kept every [`CHECKPOINT_EVERY`] events for the
//! most recent [`DENSE_CHECKPOINTS`] of them; older ones are thinned to every
//! second, so memory grows with the run's length at half the dense rate, and
//! the longest replay is two checkpoint intervals.

use raftlab_core::{LogIndex, Micros, NodeId, Term};
use serde::{Deserialize, Serialize};

use crate::action::{Action, LoggedAction};
use crate::config::WorldConfig;
use crate::world::{NoteKind, World};
use crate::{SimError, Violation};

/// Events between checkpoints.
pub const CHECKPOINT_EVERY: u64 = 4_096;
/// How many recent checkpoints are kept at full density.
pub const DENSE_CHECKPOINTS: usize = 64;
/// Virtual time within which at most one commit marker is kept: a busy
/// cluster commits many times a second, and a marker per commit would grow
/// without bound over a long run. Elections, actions and violations are
/// always kept.
pub const COMMIT_MARKER_GAP: Micros = Micros::from_ms(500);

/// Something the timeline scrubber marks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// Virtual time.
    pub at: Micros,
    /// Event number.
    pub event: u64,
    /// What.
    pub kind: MarkerKind,
}

/// Kinds of markers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MarkerKind {
    /// A leader was elected.
    LeaderElected {
        /// The leader.
        node: NodeId,
        /// Its term.
        term: Term,
    },
    /// A leader committed up to an index.
    Commit {
        /// The new commit index.
        index: LogIndex,
    },
    /// A user action (fault, heal, request...); [`describe_action`] words it.
    Fault(Action),
    /// A safety violation.
    Violation(Violation),
}

/// An exact place in a run (see [`Timeline::position`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Events processed.
    pub events: u64,
    /// Recorded actions applied.
    pub actions: usize,
    /// Virtual time (a wait may have run the clock past the last event).
    pub now: Micros,
}

/// A world with a past.
#[derive(Clone, Debug)]
pub struct Timeline {
    world: World,
    actions: Vec<LoggedAction>,
    checkpoints: Vec<World>,
    markers: Vec<Marker>,
    head_event: u64,
    head_time: Micros,
}

impl Timeline {
    /// A new run.
    pub fn new(config: WorldConfig) -> Result<Timeline, SimError> {
        let mut world = World::new(config)?;
        world.take_notes();
        Ok(Timeline {
            checkpoints: vec![world.clone()],
            world,
            actions: Vec::new(),
            markers: Vec::new(),
            head_event: 0,
            head_time: Micros(0),
        })
    }

    /// Rebuilds a run from its configuration and action log (a trace).
    pub fn replay(
        config: WorldConfig,
        actions: Vec<LoggedAction>,
        until: Micros,
    ) -> Result<Timeline, SimError> {
        let mut t = Timeline::new(config)?;
        t.actions = actions;
        t.advance_to(until);
        Ok(t)
    }

    /// The world at the current position.
    pub fn world(&self) -> &World {
        &self.world
    }
    /// Current position in virtual time.
    pub fn now(&self) -> Micros {
        self.world.now()
    }
    /// The furthest time simulated on this branch.
    pub fn head(&self) -> Micros {
        self.head_time.max(self.world.now())
    }
    /// Markers for the scrubber, in time order.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }
    /// The action log of this branch.
    pub fn actions(&self) -> &[LoggedAction] {
        &self.actions
    }
    /// Number of checkpoints held.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Whether a commit marker is already kept less than
    /// [`COMMIT_MARKER_GAP`] before `at`.
    fn commit_marked_within(&self, at: Micros) -> bool {
        self.markers
            .iter()
            .rev()
            .take_while(|m| m.at.saturating_add(COMMIT_MARKER_GAP) > at)
            .any(|m| matches!(m.kind, MarkerKind::Commit { .. }))
    }

    fn next_action(&self) -> Option<&LoggedAction> {
        self.actions.get(self.world.action_log().len())
    }

    fn after_progress(&mut self) {
        let notes = self.world.take_notes();
        let ev = self.world.event_count();
        if ev >= self.head_event {
            for n in notes {
                if n.event < self.head_event
                    || (n.event == self.head_event && n.at < self.head_time)
                {
                    continue;
                }
                let kind = match n.kind {
                    NoteKind::LeaderElected { node, term } => {
                        MarkerKind::LeaderElected { node, term }
                    }
                    NoteKind::Committed { .. } if self.commit_marked_within(n.at) => continue,
                    NoteKind::Committed { index, .. } => MarkerKind::Commit { index },
                    NoteKind::Action(a) => MarkerKind::Fault(a),
                    NoteKind::Violation(v) => MarkerKind::Violation(v),
                    NoteKind::Event(_) => continue,
                };
                self.markers.push(Marker {
                    at: n.at,
                    event: n.event,
                    kind,
                });
            }
            self.head_event = ev;
            self.head_time = self.head_time.max(self.world.now());
        }
        let last_cp = self.checkpoints.last().map_or(0, |w| w.event_count());
        if ev / CHECKPOINT_EVERY > last_cp / CHECKPOINT_EVERY
            && self
                .checkpoints
                .last()
                .is_none_or(|w| w.now() <= self.world.now())
        {
            self.checkpoints.push(self.world.clone());
            self.thin();
        }
    }

    /// Keeps the newest checkpoints dense and every second older one.
    fn thin(&mut self) {
        if self.checkpoints.len() <= DENSE_CHECKPOINTS * 2 {
            return;
        }
        let split = self.checkpoints.len() - DENSE_CHECKPOINTS;
        let mut kept = Vec::with_capacity(self.checkpoints.len());
        for (i, w) in self.checkpoints.drain(..).enumerate() {
            let ordinal = w.event_count() / CHECKPOINT_EVERY;
            if i == 0 || i >= split || ordinal.is_multiple_of(2) {
                kept.push(w);
            }
        }
        self.checkpoints = kept;
    }

    /// Runs forward to `t`, re-applying recorded actions on the way.
    pub fn advance_to(&mut self, t: Micros) {
        loop {
            if self.world.violation().is_some() {
                break;
            }
            let Some(a) = self.next_action().cloned() else {
                self.run_chunked(t);
                break;
            };
            if a.at > t {
                self.run_chunked(t);
                break;
            }
            while self.world.event_count() < a.at_event {
                if !self.world.step() {
                    break;
                }
                self.after_progress();
            }
            self.world.set_clock(a.at);
            // A recorded action worked when it was first taken; replaying it
            // in the same state must work again. If not, stop replaying.
            if self.world.apply(a.action).is_err() {
                self.actions.truncate(self.world.action_log().len());
                break;
            }
            self.after_progress();
        }
    }

    /// Runs to `t` in slices so checkpoints are taken on the way.
    fn run_chunked(&mut self, t: Micros) {
        loop {
            let mut n = 0;
            while n < 1_024 {
                match self.world.next_event_time() {
                    Some(at) if at <= t && self.world.violation().is_none() => {
                        self.world.step();
                        n += 1;
                    }
                    _ => break,
                }
            }
            self.after_progress();
            if n < 1_024 {
                break;
            }
        }
        self.world.run_until(t);
        self.after_progress();
    }

    /// Exactly where the run stands: see [`Timeline::restore`].
    pub fn position(&self) -> Position {
        Position {
            events: self.world.event_count(),
            actions: self.world.action_log().len(),
            now: self.world.now(),
        }
    }

    /// Goes back (or forward) to a [`Position`] taken on this branch: after
    /// the same events, with the same recorded actions applied, at the same
    /// time. [`Timeline::seek`] goes by time alone, which cannot tell apart
    /// two events at the same microsecond, nor an action taken at that
    /// instant from one taken just after it (a guided tour's stop that
    /// opens with `crash leader` would crash twice on replay).
    pub fn restore(&mut self, pos: Position) {
        let past = self.world.event_count() > pos.events
            || self.world.action_log().len() > pos.actions
            || self.world.now() > pos.now;
        if past {
            let cp = self
                .checkpoints
                .iter()
                .rev()
                .find(|w| w.event_count() <= pos.events && w.action_log().len() <= pos.actions)
                .unwrap_or(&self.checkpoints[0]);
            self.world = cp.clone();
        }
        loop {
            if self.world.violation().is_some() {
                break;
            }
            let due = self.next_action().cloned().filter(|a| {
                a.at_event == self.world.event_count()
                    && self.world.action_log().len() < pos.actions
            });
            if let Some(a) = due {
                self.world.set_clock(a.at);
                if self.world.apply(a.action).is_err() {
                    self.actions.truncate(self.world.action_log().len());
                    break;
                }
                self.after_progress();
                continue;
            }
            if self.world.event_count() >= pos.events || !self.world.step() {
                break;
            }
            self.after_progress();
        }
        if self.world.now() < pos.now {
            self.world.run_until(pos.now);
            self.after_progress();
        }
    }

    /// Processes exactly one event (applying any action recorded before it).
    pub fn step_event(&mut self) -> bool {
        if let Some(a) = self.next_action().cloned() {
            if a.at_event == self.world.event_count() {
                self.world.set_clock(a.at);
                if self.world.apply(a.action).is_err() {
                    self.actions.truncate(self.world.action_log().len());
                }
            }
        }
        let ok = self.world.step();
        self.after_progress();
        ok
    }

    /// Jumps to time `t`, backwards or forwards: from the nearest
    /// checkpoint at or before `t` when that is closer than where we are.
    pub fn seek(&mut self, t: Micros) {
        let now = self.world.now();
        let best = self.checkpoints.iter().rev().find(|w| w.now() <= t);
        match best {
            Some(cp) if t < now || cp.now() > now => self.world = cp.clone(),
            None if t < now => self.world = self.checkpoints[0].clone(),
            _ => {}
        }
        self.advance_to(t);
    }

    /// Jumps to just after event number `n`.
    pub fn seek_event(&mut self, n: u64) {
        if n < self.world.event_count() {
            let cp = self
                .checkpoints
                .iter()
                .rev()
                .find(|w| w.event_count() <= n)
                .unwrap_or(&self.checkpoints[0]);
            self.world = cp.clone();
        }
        while self.world.event_count() < n {
            if !self.step_event() {
                break;
            }
        }
    }

    /// Whether a recorded future lies ahead of the current position.
    fn has_future(&self) -> bool {
        self.world.event_count() < self.head_event
            || self.world.now() < self.head_time
            || self.next_action().is_some()
    }

    fn forget_after(&mut self, ev: u64, now: Micros) {
        self.checkpoints.retain(|w| w.event_count() <= ev);
        self.markers
            .retain(|m| m.event < ev || (m.event == ev && m.at <= now));
        self.head_event = ev;
        self.head_time = now;
    }

    /// Forgets the recorded future, so running on from here does not
    /// replay it: the page's tours use it to replay a stop from its start.
    pub fn truncate_future(&mut self) {
        if self.has_future() {
            self.actions.truncate(self.world.action_log().len());
            let (ev, now) = (self.world.event_count(), self.world.now());
            self.forget_after(ev, now);
        }
    }

    /// Acts at the current position. Anywhere but the head this forks a
    /// new future: the rest of the old one is forgotten.
    pub fn apply(&mut self, action: Action) -> Result<(), SimError> {
        let ev = self.world.event_count();
        let now = self.world.now();
        let forking = self.has_future();
        self.world.apply(action)?;
        if forking {
            self.actions.truncate(self.world.action_log().len() - 1);
            self.forget_after(ev, now);
        }
        let logged = self
            .world
            .action_log()
            .last()
            .cloned()
            .expect("apply just logged it");
        self.actions.push(logged);
        self.after_progress();
        Ok(())
    }
}

/// A short description of an action for markers.
pub fn describe_action(a: &Action) -> String {
    match a {
        Action::Crash(n) => format!("crash {n}"),
        Action::Restart(n) => format!("restart {n}"),
        Action::Pause(n) => format!("pause {n}"),
        Action::Resume(n) => format!("resume {n}"),
        Action::Campaign(n) => format!("timeout {n}"),
        Action::TransferLeadership(n) => format!("transfer to {n}"),
        Action::AddNode { learner } => {
            format!("add node{}", if *learner { " (learner)" } else { "" })
        }
        Action::Promote(n) => format!("promote {n}"),
        Action::RemoveNode(n) => format!("remove {n}"),
        Action::ChangeMembership { voters, .. } => {
            let v: Vec<String> = voters.iter().map(|n| n.to_string()).collect();
            format!("joint change to {{{}}}", v.join(" "))
        }
        Action::Compact(n) => format!("compact {n}"),
        Action::ClockSkew { node, offset_us } => {
            let sign = if *offset_us < 0 { '-' } else { '+' };
            let ms = offset_us.unsigned_abs() as f64 / 1000.0;
            format!("skew {node} clock {sign}{ms} ms")
        }
        Action::Partition(groups) => {
            let g: Vec<String> = groups
                .iter()
                .map(|g| {
                    format!(
                        "{{{}}}",
                        g.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                })
                .collect();
            format!("partition {}", g.join(" "))
        }
        Action::Cut { source, target } => format!("cut {source} -> {target}"),
        Action::HealLink { source, target } => format!("heal {source} -> {target}"),
        Action::HealAll => "heal".to_string(),
        Action::Hold(m) => format!("hold {m}"),
        Action::Release(m) => format!("release {m}"),
        Action::Drop(m) => format!("drop {m}"),
        Action::SetNetwork(_) => "network settings".to_string(),
        Action::SetLink { source, target, .. } => format!("link {source} -> {target} settings"),
        Action::SetWorkload(w) => format!("workload {} ops/s", w.ops_per_sec),
        Action::ClientRequest { op, via } => match via {
            Some(v) => format!("{op} via {v}"),
            None => op.to_string(),
        },
    }
}
