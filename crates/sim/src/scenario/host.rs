//! What a script runs against, and the time bounds every runner shares.

use raftlab_core::Micros;

use crate::action::Action;
use crate::timeline::Timeline;
use crate::world::World;
use crate::SimError;

/// Longest a `run until` waits when the script names no bound.
pub(super) const DEFAULT_WITHIN: Micros = Micros(10_000_000);

/// How much simulated time a directive runs between progress reports
/// (`run_file_with_progress`).
pub const PROGRESS_EVERY: Micros = Micros(60_000_000);

/// What a script runs against: a bare [`World`] (the test suite and the
/// CLI) or a [`Timeline`] (the page's guided tours, so every scripted action
/// lands in the action log and the run can be scrubbed like any other).
pub trait Host {
    /// The world now.
    fn world(&self) -> &World;
    /// Applies a user action now.
    fn apply(&mut self, action: Action) -> Result<(), SimError>;
    /// Processes one event; false when nothing more can happen.
    fn step(&mut self) -> bool;
    /// Processes every event up to `t` and sets the clock to `t`.
    fn run_until(&mut self, t: Micros);
}

impl Host for World {
    fn world(&self) -> &World {
        self
    }
    fn apply(&mut self, action: Action) -> Result<(), SimError> {
        World::apply(self, action)
    }
    fn step(&mut self) -> bool {
        World::step(self)
    }
    fn run_until(&mut self, t: Micros) {
        World::run_until(self, t)
    }
}

impl Host for Timeline {
    fn world(&self) -> &World {
        Timeline::world(self)
    }
    fn apply(&mut self, action: Action) -> Result<(), SimError> {
        Timeline::apply(self, action)
    }
    fn step(&mut self) -> bool {
        self.step_event()
    }
    fn run_until(&mut self, t: Micros) {
        self.advance_to(t)
    }
}
