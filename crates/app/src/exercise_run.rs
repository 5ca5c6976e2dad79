//! The classroom exercise in progress, outside the reactive graph like the
//! timeline: what the driver asks before every action (is this tool
//! allowed?) and what the exercise panel checks after every frame.

use std::cell::RefCell;
use std::sync::Arc;

use raftlab_sim::exercise::{tool_for, Baseline, Exercise, Score};
use raftlab_sim::{Action, Refusal, SimError, World, WorldConfig};

/// An exercise being worked on.
#[derive(Clone, Debug)]
pub struct Active {
    /// The exercise.
    pub exercise: Arc<Exercise>,
    /// Where the student took over.
    pub base: Baseline,
    /// The reference solution's score.
    pub reference: Score,
    /// The settings its run was built from (a different run means the
    /// student left it, e.g. by changing the settings).
    pub config: WorldConfig,
}

thread_local! {
    static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
    /// The score when the goal first held, seen between two frames.
    static REACHED: std::cell::Cell<Option<Score>> = const { std::cell::Cell::new(None) };
}

/// Starts (or, with `None`, ends) an exercise.
pub fn set(active: Option<Active>) {
    ACTIVE.with(|a| *a.borrow_mut() = active);
    REACHED.with(|r| r.set(None));
}

/// Whether an exercise is in progress and its goal has not held yet: the
/// driver then runs event by event, checking the goal after each.
pub fn watching() -> bool {
    REACHED.with(|r| r.get()).is_none() && ACTIVE.with(|a| a.borrow().is_some())
}

/// Checks the goal on `world` (the driver calls it after every event while
/// [`watching`], as the CLI's checker does, so a goal that holds only for a
/// moment is not missed); the first score within the limits at which it
/// holds is kept.
pub fn observe(world: &World) {
    if REACHED.with(|r| r.get()).is_some() {
        return;
    }
    let reached = ACTIVE.with(|a| {
        let a = a.borrow();
        let a = a.as_ref()?;
        let s = a.exercise.score(world, a.base);
        (a.exercise.within_limits(s) && a.exercise.goal_holds(world)).then_some(s)
    });
    if reached.is_some() {
        REACHED.with(|r| r.set(reached));
    }
}

/// The score at which the goal first held, if it has.
pub fn reached() -> Option<Score> {
    REACHED.with(|r| r.get())
}

/// The exercise in progress.
pub fn get() -> Option<Active> {
    ACTIVE.with(|a| a.borrow().clone())
}

/// Refuses an action the exercise in progress does not allow.
pub fn allows(action: &Action) -> Result<(), SimError> {
    ACTIVE.with(|a| match a.borrow().as_ref() {
        Some(x) if !x.exercise.allows(action) => {
            Err(SimError::Invalid(Refusal::NotAllowed(tool_for(action))))
        }
        _ => Ok(()),
    })
}
