//! Directives that let simulated time pass: `run`, `step`, `run until`.

use raftlab_core::{LogIndex, Micros, NodeId};

use super::host::Host;
use super::reply::Reply;
use crate::world::World;

/// What starting a directive gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Started {
    /// It is done; what it gave.
    Done(Reply),
    /// Time must pass first: run the world until the wait is over (at once
    /// with [`Exec::run`](super::Exec::run), or a frame at a time with [`Wait::advance`]),
    /// then [`Wait::report`] gives the output block.
    Wait(Wait),
}

/// A directive that lets simulated time pass.
#[derive(Clone, Debug, PartialEq)]
pub enum Wait {
    /// `run 300ms`: until this time.
    For {
        /// The time to reach.
        until: Micros,
    },
    /// `step N`: until this many events have been processed.
    Events {
        /// The event count to reach.
        until_event: u64,
    },
    /// `run until leader within ...`
    Leader {
        /// Give up at this time.
        deadline: Micros,
        /// The bound as written, for the report.
        bound: Micros,
    },
    /// `run until committed N [on n2] within ...`
    Committed {
        /// The log index that must be committed.
        index: u64,
        /// On this node; anywhere (the checker's committed history) if
        /// `None`.
        on: Option<NodeId>,
        /// Give up at this time.
        deadline: Micros,
        /// The bound as written, for the report.
        bound: Micros,
    },
}

impl Wait {
    /// Whether what it waits for has happened.
    pub fn satisfied(&self, w: &World) -> bool {
        match self {
            Wait::For { until } => w.now() >= *until,
            Wait::Events { until_event } => w.event_count() >= *until_event,
            Wait::Leader { .. } => w.leader().is_some(),
            Wait::Committed { index, on, .. } => match on {
                Some(n) => w
                    .raft(*n)
                    .is_some_and(|r| r.commit_index() >= LogIndex(*index)),
                None => w.invariants().committed_len() >= *index,
            },
        }
    }

    /// Whether waiting is over, satisfied or not: the condition holds, the
    /// bound has passed, or a violation stopped the run.
    pub fn over(&self, w: &World) -> bool {
        if self.satisfied(w) || w.violation().is_some() {
            return true;
        }
        match self {
            Wait::Leader { deadline, .. } | Wait::Committed { deadline, .. } => {
                w.now() >= *deadline
            }
            Wait::For { .. } | Wait::Events { .. } => false,
        }
    }

    /// Runs the host towards the end of the wait without passing time
    /// `limit` (the page passes the end of the current animation frame).
    /// Conditions are checked after every event, so an action that follows
    /// happens at the same event as in a run without limits; and a timed
    /// wait stops at its deadline, without the first event past it, so a
    /// run that times out reads the same at any frame rate. Returns whether
    /// the wait is over.
    pub fn advance(&self, host: &mut dyn Host, limit: Micros) -> bool {
        match self {
            Wait::For { until } => {
                host.run_until((*until).min(limit));
                self.over(host.world())
            }
            Wait::Events { until_event } => loop {
                if host.world().event_count() >= *until_event {
                    return true;
                }
                match host.world().next_event_time() {
                    Some(at) if at > limit => {
                        host.run_until(limit);
                        return false;
                    }
                    _ => {
                        if !host.step() {
                            return true;
                        }
                    }
                }
            },
            Wait::Leader { deadline, .. } | Wait::Committed { deadline, .. } => loop {
                if self.over(host.world()) {
                    return true;
                }
                let stop = (*deadline).min(limit);
                match host.world().next_event_time() {
                    Some(at) if at <= stop => {
                        if !host.step() {
                            return true;
                        }
                    }
                    // Nothing happens before `stop`: time passes to it.
                    _ => {
                        host.run_until(stop);
                        return self.over(host.world());
                    }
                }
            },
        }
    }

    /// What the wait gave, once it is over.
    pub fn report(&self, w: &World) -> Reply {
        match self {
            Wait::For { .. } => Reply::Did(stopped_note(w)),
            Wait::Events { .. } => Reply::Did(String::new()),
            Wait::Leader { bound, .. } => match w.leader() {
                Some(l) => {
                    let term = w.raft(l).map(|r| r.term()).unwrap_or_default();
                    Reply::Held(format!("leader {l} (term {term})"))
                }
                None => Reply::Failed(format!("no leader within {}", ms(*bound))),
            },
            Wait::Committed { index, bound, .. } => {
                if self.satisfied(w) {
                    Reply::Held(format!("committed {index}"))
                } else {
                    Reply::Failed(format!("index {index} not committed within {}", ms(*bound)))
                }
            }
        }
    }
}

fn ms(t: Micros) -> String {
    let v = t.as_ms_f64();
    if v.fract() == 0.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.3} ms")
    }
}

fn stopped_note(w: &World) -> String {
    match w.violation() {
        Some(v) => format!("stopped: {v}"),
        None => String::new(),
    }
}
