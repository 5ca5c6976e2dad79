//! Time travel: checkpoints plus deterministic replay.
//!
//! Long because seeking, forking, replay and the memory policy all act on
//! one list of checkpoints; the size estimate lives apart in `sizer.rs`.
//!
//! The timeline owns the current [`World`] and the action log of the
//! current branch. About every [`CHECKPOINT_EVERY`] events it keeps a clone
//! of the world. Seeking back restores the nearest earlier checkpoint and
//! replays events and recorded actions up to the target; seeking forward
//! just runs. Acting anywhere but at the head forks: later actions,
//! checkpoints and markers are dropped and a new future begins.
//!
//! Memory is bounded however long the page runs ("put a limit on
//! everything"):
//!
//! - checkpoints: each one's size is estimated when it is taken
//!   ([`world_bytes`]), and together they stay under a budget
//!   ([`CHECKPOINT_BUDGET_BYTES`], 64 MiB, at most [`MAX_CHECKPOINTS`]).
//!   Past it, the checkpoint whose removal leaves the cheapest gap for its
//!   age goes, so gaps grow with the square root of their age: the recent
//!   past is a few thousand events from a checkpoint, the far past sparser,
//!   and a seek there replays longer. The first checkpoint (the start) and
//!   the newest always stay. Which checkpoint a seek starts from never
//!   changes the run: replay is deterministic.
//! - markers: at most one commit marker per [`COMMIT_MARKER_GAP`], and at
//!   most [`MAX_MARKERS`] in all: past that the most numerous kind loses
//!   every second one of its older half.
//! - the action log: replay needs all of it, so it is capped instead
//!   ([`crate::action::MAX_ACTIONS`]): the next action is refused.

use raftlab_core::{LogIndex, Micros, NodeId, Term};
use serde::{Deserialize, Serialize};

use crate::action::{Action, LoggedAction};
use crate::config::WorldConfig;
use crate::world::{NoteKind, World};
use crate::{SimError, Violation};

pub use crate::sizer::world_bytes;

/// Events between checkpoints (before thinning).
pub const CHECKPOINT_EVERY: u64 = 4_096;
/// Virtual time a seek replays before its target, at least, so the time
/// views' window of the past is there again (see [`Timeline::seek`]).
pub const RECORDING_LOOKBACK: Micros = Micros::from_ms(3_000);

/// What a checkpoint keeps of `world`: all of it but the time views'
/// window of the past, which replay rebuilds and which would otherwise
/// cost every checkpoint its own copy.
fn checkpoint_of(world: &World) -> World {
    let mut w = world.clone();
    w.forget_recording();
    w
}
/// Default budget for all checkpoints together, by [`world_bytes`].
pub const CHECKPOINT_BUDGET_BYTES: usize = 64 * 1024 * 1024;
/// Most checkpoints kept, however small: bounds the thinning's scan.
pub const MAX_CHECKPOINTS: usize = 2_048;
/// Added to a gap's age when thinning (about 8 minutes of the page's
/// busiest world): see `Timeline::thin`.
const THIN_AGE_OFFSET: u64 = 128 * CHECKPOINT_EVERY;
/// Virtual time within which at most one commit marker is kept: a busy
/// cluster commits many times a second, and a marker per commit would grow
/// without bound over a long run. Elections, actions and violations are
/// kept unless [`MAX_MARKERS`] is reached.
pub const COMMIT_MARKER_GAP: Micros = Micros::from_ms(500);
/// Most markers kept (about 100 bytes each).
pub const MAX_MARKERS: usize = 10_000;

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
    /// A user action (fault, heal, request...); its `Display` words it.
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

/// Why a recorded run could not be replayed exactly.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// The recorded settings are refused.
    #[error("the trace's settings are refused: {0}")]
    Config(SimError),
    /// A recorded action was refused where the trace puts it.
    #[error("action {number} ({what}, after event {at_event} at {} ms) was refused: {error}", at.as_ms_f64())]
    Refused {
        /// 1-based position in the action log.
        number: usize,
        /// The action, in words.
        what: String,
        /// Events processed before it.
        at_event: u64,
        /// Its virtual time.
        at: Micros,
        /// The world's reason.
        error: SimError,
    },
    /// The replay could not reach the place a recorded action names.
    #[error("action {number} ({what}) is recorded after event {at_event} at {} ms, but the replay {why}", at.as_ms_f64())]
    ActionNotReached {
        /// 1-based position in the action log.
        number: usize,
        /// The action, in words.
        what: String,
        /// Events processed before it.
        at_event: u64,
        /// Its virtual time.
        at: Micros,
        /// What the replay found instead.
        why: String,
    },
    /// The replay could not reach the trace's end.
    #[error("the trace ends {end} ms, but the replay {why}")]
    EndNotReached {
        /// Where the trace ends, in words (`after event N at T` or `at T`).
        end: String,
        /// What the replay found instead.
        why: String,
    },
}

impl ReplayError {
    /// The `i`-th (0-based) recorded action `a` was refused with `error`.
    pub(crate) fn refused(i: usize, a: &LoggedAction, error: SimError) -> Self {
        ReplayError::Refused {
            number: i + 1,
            what: a.action.to_string(),
            at_event: a.at_event,
            at: a.at,
            error,
        }
    }
}

/// What an exact replay does next (see [`next_due`]).
pub(crate) enum Due {
    /// Process one event.
    Step,
    /// Apply recorded action `i` (0-based) at its recorded time.
    Apply(usize),
    /// Every action is applied and the end is reached.
    Done,
}

/// The one rule of exact replay, shared by [`Timeline::replay`] and the
/// trace's event log: events run until the next recorded action's event
/// count, then the action applies at its recorded time; after the last one
/// the run goes to exactly `until_event` events (or, without it, every
/// event due by `until`). Anything else means the trace is not this
/// world's run, and says where.
pub(crate) fn next_due(
    world: &World,
    actions: &[LoggedAction],
    until: Micros,
    until_event: Option<u64>,
) -> Result<Due, ReplayError> {
    let ev = world.event_count();
    let applied = world.action_count();
    if let Some(a) = actions.get(applied) {
        let not_reached = |why: String| ReplayError::ActionNotReached {
            number: applied + 1,
            what: a.action.to_string(),
            at_event: a.at_event,
            at: a.at,
            why,
        };
        if ev > a.at_event {
            return Err(not_reached(format!("had already processed {ev} events")));
        }
        if ev == a.at_event {
            if world.now() > a.at {
                return Err(not_reached(format!(
                    "was already at {} ms",
                    world.now().as_ms_f64()
                )));
            }
            if let Some(next) = world.next_event_time().filter(|t| *t < a.at) {
                return Err(not_reached(format!(
                    "has event {} due earlier, at {} ms",
                    ev + 1,
                    next.as_ms_f64()
                )));
            }
            return Ok(Due::Apply(applied));
        }
        return step_towards(world, a.at).map_err(not_reached);
    }
    match until_event {
        Some(n) => {
            let end = || format!("after event {n} at {}", until.as_ms_f64());
            if ev > n {
                return Err(ReplayError::EndNotReached {
                    end: end(),
                    why: format!("had already processed {ev} events"),
                });
            }
            if ev == n {
                if let Some(next) = world.next_event_time().filter(|t| *t < until) {
                    if world.violation().is_none() {
                        return Err(ReplayError::EndNotReached {
                            end: end(),
                            why: format!(
                                "has event {} due before the end, at {} ms",
                                ev + 1,
                                next.as_ms_f64()
                            ),
                        });
                    }
                }
                return Ok(Due::Done);
            }
            step_towards(world, until).map_err(|why| ReplayError::EndNotReached { end: end(), why })
        }
        None => match world.next_event_time() {
            Some(t) if t <= until && world.violation().is_none() => Ok(Due::Step),
            _ => Ok(Due::Done),
        },
    }
}

/// One more event is needed before `limit`: fine if one is due by then.
fn step_towards(world: &World, limit: Micros) -> Result<Due, String> {
    let ev = world.event_count();
    if let Some(v) = world.violation() {
        return Err(format!("stopped at a violation after event {ev}: {v}"));
    }
    match world.next_event_time() {
        None => Err(format!("ran out of events after event {ev}")),
        Some(t) if t > limit => Err(format!(
            "reached event {ev} only: event {} is due at {} ms",
            ev + 1,
            t.as_ms_f64()
        )),
        Some(_) => Ok(Due::Step),
    }
}

/// After the last event of an exact replay: the clock stands at `until`
/// (a violation stops it where it broke, as it stopped the recorded run).
pub(crate) fn finish_replay(
    world: &mut World,
    until: Micros,
    until_event: Option<u64>,
) -> Result<(), ReplayError> {
    if world.violation().is_none() {
        world.set_clock(until);
    }
    if world.now() != until {
        let end = match until_event {
            Some(n) => format!("after event {n} at {}", until.as_ms_f64()),
            None => format!("at {}", until.as_ms_f64()),
        };
        let why = match world.violation() {
            Some(v) => format!(
                "stopped at a violation at {} ms: {v}",
                world.now().as_ms_f64()
            ),
            None => format!("was already at {} ms", world.now().as_ms_f64()),
        };
        return Err(ReplayError::EndNotReached { end, why });
    }
    Ok(())
}

/// A clone of the world and its estimated size.
#[derive(Clone, Debug)]
struct Checkpoint {
    world: World,
    bytes: usize,
}

/// A world with a past.
#[derive(Clone, Debug)]
pub struct Timeline {
    world: World,
    actions: Vec<LoggedAction>,
    checkpoints: Vec<Checkpoint>,
    /// Sum of the checkpoints' estimated sizes.
    checkpoint_bytes: usize,
    checkpoint_budget: usize,
    markers: Vec<Marker>,
    head_event: u64,
    head_time: Micros,
}

impl Timeline {
    /// A new run.
    pub fn new(config: WorldConfig) -> Result<Timeline, SimError> {
        let mut world = World::new(config)?;
        world.take_notes();
        let bytes = world_bytes(&world);
        Ok(Timeline {
            checkpoints: vec![Checkpoint {
                world: world.clone(),
                bytes,
            }],
            checkpoint_bytes: bytes,
            checkpoint_budget: CHECKPOINT_BUDGET_BYTES,
            world,
            actions: Vec::new(),
            markers: Vec::new(),
            head_event: 0,
            head_time: Micros(0),
        })
    }

    /// Rebuilds a recorded run exactly (a trace): from its initial
    /// configuration, each action applied after the very event and at the
    /// very time it was taken, up to `until` (after exactly `until_event`
    /// events where it is known). A refused action, or a place the run
    /// cannot reach, is an error that names the action.
    pub fn replay(
        config: WorldConfig,
        actions: Vec<LoggedAction>,
        until: Micros,
        until_event: Option<u64>,
    ) -> Result<Timeline, ReplayError> {
        let mut t = Timeline::new(config).map_err(ReplayError::Config)?;
        let mut stepped = 0u64;
        loop {
            match next_due(&t.world, &actions, until, until_event)? {
                Due::Step => {
                    t.world.step();
                    stepped += 1;
                    if stepped.is_multiple_of(1_024) {
                        t.after_progress();
                    }
                }
                Due::Apply(i) => {
                    t.after_progress();
                    let a = &actions[i];
                    t.world.set_clock(a.at);
                    t.apply(a.action.clone())
                        .map_err(|error| ReplayError::refused(i, a, error))?;
                }
                Due::Done => break,
            }
        }
        finish_replay(&mut t.world, until, until_event)?;
        t.after_progress();
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
    /// Events processed by the furthest point simulated on this branch.
    pub fn head_event(&self) -> u64 {
        self.head_event.max(self.world.event_count())
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
    /// The event counts the checkpoints were taken at, oldest first.
    pub fn checkpoint_events(&self) -> Vec<u64> {
        self.checkpoints
            .iter()
            .map(|c| c.world.event_count())
            .collect()
    }
    /// The checkpoints' estimated size, in bytes (see [`world_bytes`]).
    pub fn checkpoint_bytes(&self) -> usize {
        self.checkpoint_bytes
    }
    /// The budget the checkpoints are held to, in bytes.
    pub fn checkpoint_budget(&self) -> usize {
        self.checkpoint_budget
    }
    /// Holds the checkpoints to `bytes` from now on (thinning at once):
    /// tests and the soak run use small budgets to exercise the thinning.
    /// The first and the newest checkpoint are kept whatever their size.
    pub fn set_checkpoint_budget(&mut self, bytes: usize) {
        self.checkpoint_budget = bytes;
        self.thin();
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
        self.actions.get(self.world.action_count())
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
            if self.markers.len() > MAX_MARKERS {
                thin_markers(&mut self.markers);
            }
            self.head_event = ev;
            self.head_time = self.head_time.max(self.world.now());
        }
        let last = self.checkpoints.last().map(|c| &c.world);
        let last_cp = last.map_or(0, |w| w.event_count());
        if ev / CHECKPOINT_EVERY > last_cp / CHECKPOINT_EVERY
            && last.is_none_or(|w| w.now() <= self.world.now())
        {
            let world = checkpoint_of(&self.world);
            let bytes = world_bytes(&world);
            self.checkpoints.push(Checkpoint { world, bytes });
            self.checkpoint_bytes += bytes;
            self.thin();
        }
    }

    /// Drops checkpoints until they fit the budget and the count limit.
    /// The victim is the one whose removal leaves the cheapest gap: its
    /// length in events squared over how far back it lies (plus
    /// [`THIN_AGE_OFFSET`]). Gaps so end up growing with the square root
    /// of their age: the recent past stays dense for scrubbing back a
    /// little, and the far past is sparser but not so sparse that a seek
    /// there stalls (with gaps proportional to age, a day-long run's oldest
    /// gap was four times longer). A run shorter than the offset thins
    /// about evenly, which keeps its worst seek short.
    fn thin(&mut self) {
        while self.checkpoints.len() > 2
            && (self.checkpoint_bytes > self.checkpoint_budget
                || self.checkpoints.len() > MAX_CHECKPOINTS)
        {
            let ev: Vec<u64> = self.checkpoint_events();
            let newest = ev[ev.len() - 1];
            let victim = (1..ev.len() - 1)
                .min_by(|&a, &b| {
                    let cost = |i: usize| {
                        let gap = (ev[i + 1] - ev[i - 1]) as f64;
                        let age = (newest - ev[i + 1] + THIN_AGE_OFFSET) as f64;
                        gap * gap / age
                    };
                    cost(a).total_cmp(&cost(b)).then(a.cmp(&b))
                })
                .expect("more than two checkpoints");
            let gone = self.checkpoints.remove(victim);
            self.checkpoint_bytes -= gone.bytes;
        }
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
                self.actions.truncate(self.world.action_count());
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
            actions: self.world.action_count(),
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
            || self.world.action_count() > pos.actions
            || self.world.now() > pos.now;
        if past {
            let cp = self
                .checkpoints
                .iter()
                .rev()
                .find(|c| {
                    c.world.event_count() <= pos.events && c.world.action_count() <= pos.actions
                })
                .unwrap_or(&self.checkpoints[0]);
            self.world = cp.world.clone();
        }
        loop {
            if self.world.violation().is_some() {
                break;
            }
            let due = self.next_action().cloned().filter(|a| {
                a.at_event == self.world.event_count() && self.world.action_count() < pos.actions
            });
            if let Some(a) = due {
                self.world.set_clock(a.at);
                if self.world.apply(a.action).is_err() {
                    self.actions.truncate(self.world.action_count());
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
                    self.actions.truncate(self.world.action_count());
                }
            }
        }
        let ok = self.world.step();
        self.after_progress();
        ok
    }

    /// Jumps to time `t`, backwards or forwards: from the nearest
    /// checkpoint at or before `t` when that is closer than where we are.
    ///
    /// The time views' window of the past ([`World::recording`]) is not
    /// kept in checkpoints (each would hold its own), so a seek starts
    /// from a checkpoint at least [`RECORDING_LOOKBACK`] before `t` when
    /// there is one: the replay rebuilds the window.
    pub fn seek(&mut self, t: Micros) {
        let now = self.world.now();
        let from = t.saturating_sub(RECORDING_LOOKBACK);
        let best = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.world.now() <= from);
        match best {
            Some(cp) if t < now || cp.world.now() > now => self.world = cp.world.clone(),
            None if t < now => self.world = self.checkpoints[0].world.clone(),
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
                .find(|c| c.world.event_count() <= n)
                .unwrap_or(&self.checkpoints[0]);
            self.world = cp.world.clone();
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
        self.checkpoints.retain(|c| c.world.event_count() <= ev);
        self.checkpoint_bytes = self.checkpoints.iter().map(|c| c.bytes).sum();
        self.markers
            .retain(|m| m.event < ev || (m.event == ev && m.at <= now));
        self.head_event = ev;
        self.head_time = now;
    }

    /// Forgets the recorded future, so running on from here does not
    /// replay it: the page's tours use it to replay a stop from its start.
    pub fn truncate_future(&mut self) {
        if self.has_future() {
            self.actions.truncate(self.world.action_count());
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
            self.actions.truncate(self.world.action_count() - 1);
            self.forget_after(ev, now);
        }
        let logged = self
            .world
            .last_action()
            .cloned()
            .expect("apply just logged it");
        self.actions.push(logged);
        self.after_progress();
        Ok(())
    }
}

/// Brings the markers back to three quarters of [`MAX_MARKERS`]: the most
/// numerous kind (commits, elections or actions) loses every second marker
/// of its older half, so the recent past keeps its detail. The violation
/// (a run has at most one) always stays.
fn thin_markers(markers: &mut Vec<Marker>) {
    fn kind(m: &Marker) -> usize {
        match m.kind {
            MarkerKind::Commit { .. } => 0,
            MarkerKind::LeaderElected { .. } => 1,
            MarkerKind::Fault(_) => 2,
            MarkerKind::Violation(_) => 3,
        }
    }
    while markers.len() > MAX_MARKERS * 3 / 4 {
        let mut counts = [0usize; 3];
        for m in markers.iter() {
            if let Some(c) = counts.get_mut(kind(m)) {
                *c += 1;
            }
        }
        let k = (0..3).max_by_key(|&k| counts[k]).expect("three kinds");
        let older_half = counts[k] / 2;
        let before = markers.len();
        let mut seen = 0;
        markers.retain(|m| {
            if kind(m) != k {
                return true;
            }
            seen += 1;
            seen > older_half || seen % 2 == 1
        });
        if markers.len() == before {
            break;
        }
    }
}
