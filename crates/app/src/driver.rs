//! The simulation driver: owns the [`Timeline`] outside the reactive graph,
//! advances it from a `requestAnimationFrame` loop at the chosen speed, and
//! publishes one cheap snapshot per frame into signals the components read.
//!
//! The loop only runs while playing and while the tab is visible, so a
//! paused or hidden page burns no CPU.
//!
//! The timeline lives in a thread-local rather than a context: a context
//! value must be `Send + Sync`, a `Timeline` in a `RefCell` is not, and the
//! page is single-threaded wasm anyway.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;
use raftlab_core::{Micros, NodeId};
use raftlab_sim::config::MAX_NODES_PAGE;
use raftlab_sim::tour::{Outcome, Phase, Tour, TourRun};
use raftlab_sim::{
    Action, Marker, MsgId, Position, SimError, Timeline, WorldConfig, WorldSnapshot,
};

use crate::i18n::{Lang, K};
use crate::startup::new_timeline;
use crate::view_model::client::merge_user_log;
use crate::view_model::message::messages_visible;
use crate::view_model::speed::clamp_speed;
use raftlab_sim::client::{ClientEvent, USER_CLIENT};

/// Longest wall-clock gap one frame may cover; longer gaps (a stalled tab)
/// are not caught up, so the picture never jumps.
const MAX_FRAME_MS: f64 = 100.0;
/// Wall-clock budget for simulating within one frame; beyond it the run
/// lags behind the chosen speed instead of dropping frames.
const FRAME_BUDGET_MS: f64 = 10.0;
/// How often (wall ms) the scrubber's marks are refreshed while playing.
const MARKS_EVERY_MS: f64 = 250.0;
/// How often each [`Ui::glance`] follows the world while playing too fast
/// for messages to be drawn.
pub const GLANCE_EVERY_MS: f64 = 100.0;

/// The groups of text panels that follow the world at reading pace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// The log view.
    Logs = 0,
    /// The key-value stores and the node inspector.
    Tables = 1,
    /// The in-flight list, the note on messages too fast to draw, and the
    /// clock and scrubber.
    Lists = 2,
}

/// How many [`Pace`] groups there are.
pub const PACES: usize = 3;
/// Virtual time simulated between budget checks.
const SLICE: Micros = Micros::from_ms(5);

/// What the user has selected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A node.
    Node(NodeId),
    /// A message in flight.
    Message(MsgId),
    /// A link, both directions (smaller id first).
    Link(NodeId, NodeId),
}

/// The page's own limit on a world: it draws at most
/// [`MAX_NODES_PAGE`] nodes, so the world refuses to add more (with the
/// limit named), like any other action it cannot do.
fn with_page_limits(mut config: WorldConfig) -> WorldConfig {
    config.max_nodes = MAX_NODES_PAGE;
    config
}

/// The speed a tour plays at when it starts: slow enough to follow each
/// message, fast enough that a stop of a simulated second takes ten.
pub const TOUR_SPEED: f64 = 0.1;

/// What the page shows of a guided tour in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct TourState {
    /// Index into [`Ui::tours`].
    pub tour: usize,
    /// The current stop (0-based).
    pub stop: usize,
    /// Where the stop is.
    pub phase: Phase,
    /// What the stop's directives gave so far.
    pub outcomes: Vec<Outcome>,
}

/// The signals the page draws from. `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The world now.
    pub snapshot: RwSignal<Arc<WorldSnapshot>>,
    /// The world at reading pace, one signal per [`Pace`] group of text
    /// panels: `snapshot` again every frame while messages can be watched
    /// in flight, so entries land with the messages that carry them; above
    /// that speed nothing is drawn to land with, and each group follows
    /// every [`GLANCE_EVERY_MS`] (faster than anyone reads), one group a
    /// frame, so no frame redraws them all.
    pub glances: [RwSignal<Arc<WorldSnapshot>>; PACES],
    /// Marks for the scrubber.
    pub markers: RwSignal<Arc<Vec<Marker>>>,
    /// Furthest time simulated on this branch.
    pub head: RwSignal<Micros>,
    /// Running or not.
    pub playing: RwSignal<bool>,
    /// Virtual seconds per wall second.
    pub speed: RwSignal<f64>,
    /// The settings of the current run.
    pub config: RwSignal<WorldConfig>,
    /// Page language.
    pub lang: RwSignal<Lang>,
    /// Selected thing.
    pub selection: RwSignal<Selection>,
    /// Last refused action, shown until dismissed.
    pub error: RwSignal<Option<SimError>>,
    /// Text for the aria-live region.
    pub announce: RwSignal<String>,
    /// Idle start skipped by the fast-forward, in ms.
    pub skipped_ms: RwSignal<u64>,
    /// `?` overlay open.
    pub help_open: RwSignal<bool>,
    /// The user's own client events (kept apart from the busy shared log).
    pub user_log: RwSignal<Vec<ClientEvent>>,
    /// The built-in guided tours (or why they could not be loaded); `None`
    /// until first wanted, when [`Ui::load_tours`] fetches their texts.
    pub tours: RwSignal<Option<Result<Vec<Tour>, String>>>,
    /// The tour in progress, if any.
    pub tour: RwSignal<Option<TourState>>,
    /// The tour menu is open.
    pub tour_menu_open: RwSignal<bool>,
}

struct Sim {
    timeline: Timeline,
    /// Virtual time the clock should be at, with sub-microsecond precision.
    cursor_us: f64,
    last_frame_ms: Option<f64>,
    loop_running: bool,
    /// What was last announced (leader, term) and committed.
    announced_leader: Option<(NodeId, u64)>,
    announced_commit: u64,
    last_commit_announce_ms: f64,
    last_markers_ms: f64,
    last_glance_ms: [f64; PACES],
    /// The guided tour being played, and where each of its stops began
    /// (so Back and Replay can go back there exactly).
    tour: Option<(usize, TourRun, Vec<Position>)>,
    /// The tours' texts are being fetched.
    tours_loading: bool,
    /// The tour (id) to start once they are here, and the stop (0-based)
    /// to start it at.
    tour_wanted: Option<(String, usize)>,
}

thread_local! {
    static SIM: RefCell<Option<Sim>> = const { RefCell::new(None) };
}

fn with_sim<R>(f: impl FnOnce(&mut Sim) -> R) -> Option<R> {
    SIM.with(|s| s.borrow_mut().as_mut().map(f))
}

fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

fn tab_hidden() -> bool {
    document().hidden()
}

impl Ui {
    /// Creates the signals and the first run. On invalid settings the
    /// default settings are used and the error is shown.
    pub fn start(config: WorldConfig, speed: f64, lang: Lang) -> Ui {
        let config = with_page_limits(config);
        let (timeline, skipped, config, error) = match new_timeline(config.clone()) {
            Ok((t, s)) => (t, s, config, None),
            Err(e) => {
                let d = with_page_limits(crate::view_model::params::page_config());
                let (t, s) = new_timeline(d.clone()).expect("default settings are valid");
                (t, s, d, Some(e))
            }
        };
        let snap = timeline.world().snapshot();
        let ui = Ui {
            glances: std::array::from_fn(|_| RwSignal::new(Arc::new(snap.clone()))),
            snapshot: RwSignal::new(Arc::new(snap)),
            markers: RwSignal::new(Arc::new(timeline.markers().to_vec())),
            head: RwSignal::new(timeline.head()),
            playing: RwSignal::new(true),
            speed: RwSignal::new(clamp_speed(speed)),
            config: RwSignal::new(config),
            lang: RwSignal::new(lang),
            selection: RwSignal::new(Selection::None),
            error: RwSignal::new(error),
            announce: RwSignal::new(String::new()),
            skipped_ms: RwSignal::new(skipped.0 / 1000),
            help_open: RwSignal::new(false),
            user_log: RwSignal::new(Vec::new()),
            tours: RwSignal::new(None),
            tour: RwSignal::new(None),
            tour_menu_open: RwSignal::new(false),
        };
        let cursor_us = timeline.now().0 as f64;
        SIM.with(|s| {
            *s.borrow_mut() = Some(Sim {
                timeline,
                cursor_us,
                last_frame_ms: None,
                loop_running: false,
                announced_leader: None,
                announced_commit: 0,
                last_commit_announce_ms: 0.0,
                last_markers_ms: 0.0,
                last_glance_ms: [0.0; PACES],
                tour: None,
                tours_loading: false,
                tour_wanted: None,
            })
        });
        ui.watch_visibility();
        ui.ensure_loop();
        ui
    }

    fn watch_visibility(self) {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let cb = Closure::<dyn Fn()>::new(move || self.ensure_loop());
        let _ = document()
            .add_event_listener_with_callback("visibilitychange", cb.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        cb.forget();
    }

    /// The world at reading pace for one group of panels (see
    /// [`Ui::glances`]).
    pub fn glance(self, pace: Pace) -> RwSignal<Arc<WorldSnapshot>> {
        self.glances[pace as usize]
    }

    /// Starts the frame loop if it should run and does not.
    pub fn ensure_loop(self) {
        if !self.playing.get_untracked() || tab_hidden() {
            return;
        }
        let start = with_sim(|s| {
            if s.loop_running {
                false
            } else {
                s.loop_running = true;
                s.last_frame_ms = None;
                true
            }
        })
        .unwrap_or(false);
        if start {
            request_animation_frame(move || self.frame());
        }
    }

    fn frame(self) {
        let playing = self.playing.get_untracked();
        let speed = self.speed.get_untracked();
        let hidden = tab_hidden();
        let (keep, violated) = with_sim(|s| {
            if !playing || hidden {
                s.loop_running = false;
                return (false, false);
            }
            let t0 = now_ms();
            if let Some(last) = s.last_frame_ms {
                s.cursor_us += (t0 - last).clamp(0.0, MAX_FRAME_MS) * 1000.0 * speed;
            }
            s.last_frame_ms = Some(t0);
            if s.timeline.world().config().hand_delivery {
                // Hand-driven delivery: time moves only when the user acts.
                s.cursor_us = s.timeline.now().0 as f64;
            }
            let target = Micros(s.cursor_us as u64);
            let mut rest = false;
            while s.timeline.now() < target && s.timeline.world().violation().is_none() {
                let next = (s.timeline.now() + SLICE).min(target);
                match &mut s.tour {
                    // A tour's directives run exactly where its script
                    // puts them; its waits never pass the frame's end.
                    Some((_, run, _)) if run.phase() == Phase::Running => {
                        if run.advance(&mut s.timeline, next) != Phase::Running {
                            rest = true;
                            break;
                        }
                    }
                    // An exercise's goal is checked after every event,
                    // as `raftlab-sim exercise` checks it: a goal that holds
                    // for a moment inside a slice still counts.
                    _ if crate::exercise_run::watching() => {
                        while s.timeline.world().violation().is_none()
                            && s.timeline
                                .world()
                                .next_event_time()
                                .is_some_and(|at| at <= next)
                            && crate::exercise_run::watching()
                        {
                            s.timeline.step_event();
                            crate::exercise_run::observe(s.timeline.world());
                        }
                        // The actions recorded after the last event, and the clock.
                        s.timeline.advance_to(next);
                    }
                    _ => s.timeline.advance_to(next),
                }
                crate::exercise_run::observe(s.timeline.world());
                if now_ms() - t0 > FRAME_BUDGET_MS {
                    // Too much to simulate: fall behind rather than stutter.
                    s.cursor_us = s.timeline.now().0 as f64;
                    break;
                }
            }
            let violated = s.timeline.world().violation().is_some();
            if violated || rest {
                s.cursor_us = s.timeline.now().0 as f64;
                s.loop_running = false;
            }
            (!violated && !rest, violated || rest)
        })
        .unwrap_or((false, false));
        if violated {
            // A violation, or a tour stop that is done: hold the picture.
            self.playing.set(false);
        }
        self.publish();
        if keep {
            request_animation_frame(move || self.frame());
        }
    }

    /// Copies the world into the signals (one snapshot) and announces
    /// elections and commits to screen readers.
    pub fn publish(self) {
        let playing = self.playing.get_untracked();
        let speed = self.speed.get_untracked();
        let wall = now_ms();
        let Some((snap, head, markers, glance)) = with_sim(|s| {
            let m = s.timeline.markers();
            // Marks are many on a long run: refresh them a few times a
            // second while playing, at once otherwise.
            let due = !playing || wall - s.last_markers_ms > MARKS_EVERY_MS;
            let changed = due
                && self.markers.with_untracked(|old| {
                    old.len() != m.len() || old.last().map(|x| x.at) != m.last().map(|x| x.at)
                });
            if changed {
                s.last_markers_ms = wall;
            }
            let snap = s.timeline.world().snapshot();
            let mut glance = [false; PACES];
            if !playing || messages_visible(snap.network.latency_max, speed) {
                glance = [true; PACES];
            } else {
                // At most one group a frame: the one waiting longest.
                let (oldest, at) = (0..PACES)
                    .map(|i| (i, s.last_glance_ms[i]))
                    .fold((0, f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a });
                glance[oldest] = wall - at >= GLANCE_EVERY_MS;
            }
            for (i, due) in glance.iter().enumerate() {
                if *due {
                    s.last_glance_ms[i] = wall;
                }
            }
            (snap, s.timeline.head(), changed.then(|| m.to_vec()), glance)
        }) else {
            return;
        };
        self.announce_changes(&snap);
        self.publish_tour();
        let world_log: Vec<ClientEvent> = snap
            .client_log
            .iter()
            .filter(|e| e.client == USER_CLIENT)
            .cloned()
            .collect();
        if let Some(log) = self
            .user_log
            .with_untracked(|kept| merge_user_log(kept, &world_log, snap.now))
        {
            self.user_log.set(log);
        }
        let snap = Arc::new(snap);
        for (signal, due) in self.glances.iter().zip(glance) {
            if due {
                signal.set(snap.clone());
            }
        }
        self.snapshot.set(snap);
        if self.head.get_untracked() != head {
            self.head.set(head);
        }
        if let Some(m) = markers {
            self.markers.set(Arc::new(m));
        }
    }

    fn publish_tour(self) {
        let state = with_sim(|s| {
            s.tour.as_ref().map(|(i, run, _)| TourState {
                tour: *i,
                stop: run.stop,
                phase: run.phase(),
                outcomes: run.outcomes.clone(),
            })
        })
        .flatten();
        if self.tour.with_untracked(|old| *old != state) {
            self.tour.set(state);
        }
    }

    /// Makes the tours available, then starts tour `start` (an id) if
    /// given. They come at once when compiled in (the tests); the page
    /// fetches `tours/<file>` beside itself (relative, so it works under any
    /// path) the first time they are wanted: the menu opens, or the address
    /// names a tour. Their ~28 KB of narration are then no part of the first
    /// load, and no part of its first task. `start` is `(id, stop)`, the
    /// stop 0-based (a run link or the embed API may open a later one).
    pub fn load_tours(self, start: Option<(String, usize)>) {
        if start.is_some() {
            with_sim(|s| s.tour_wanted = start);
        }
        if self.tours.with_untracked(Option::is_none) {
            if let Some(tours) = raftlab_sim::tour::embedded() {
                self.tours.set(Some(tours));
            } else {
                let first = with_sim(|s| !std::mem::replace(&mut s.tours_loading, true));
                if first == Some(true) {
                    leptos::task::spawn_local(async move {
                        let tours = fetch_tours().await;
                        with_sim(|s| s.tours_loading = false);
                        self.tours.set(Some(tours));
                        self.load_tours(None);
                    });
                }
                return;
            }
        }
        let Some((id, stop)) = with_sim(|s| s.tour_wanted.take()).flatten() else {
            return;
        };
        let index = self.tours.with_untracked(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .and_then(|t| crate::view_model::tour::find(t, &id))
        });
        if let Some(i) = index {
            self.start_tour_at(i, stop);
        }
    }

    /// Starts built-in tour `index` from its own fresh world (no idle
    /// fast-forward: the tour's first stop shows the timers draining).
    pub fn start_tour(self, index: usize) {
        let Some(tour) = self.tours.with_untracked(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .and_then(|t| t.get(index).cloned())
        }) else {
            return;
        };
        let config = with_page_limits(tour.config.clone());
        match Timeline::new(config.clone()) {
            Ok(tl) => {
                self.replace_run(tl, config, Some((index, TourRun::new(tour))), 0);
                self.tour_menu_open.set(false);
                self.speed.set(TOUR_SPEED);
                self.set_playing(true);
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Goes to stop `stop` of the current tour. Forward from the end of the
    /// current stop it simply goes on; anywhere else it first seeks back to
    /// where that stop began, so the stop replays exactly.
    pub fn tour_go(self, stop: usize) {
        let go = with_sim(|s| {
            let (_, run, starts) = s.tour.as_mut()?;
            let last = run.tour.stops.len().checked_sub(1)?;
            let stop = stop.min(last);
            let onward = stop == run.stop + 1 && run.phase() != Phase::Running;
            if onward {
                starts.truncate(stop);
                starts.push(s.timeline.position());
            } else {
                let at = *starts.get(stop)?;
                starts.truncate(stop + 1);
                // Exactly where the stop began: not by time alone, which
                // would replay an action the stop opens with.
                s.timeline.restore(at);
                // The stop runs again from here: not the old future.
                s.timeline.truncate_future();
            }
            run.go_to(stop);
            s.cursor_us = s.timeline.now().0 as f64;
            Some(())
        })
        .flatten();
        if go.is_some() {
            self.set_playing(true);
            self.publish();
        }
    }

    /// Runs the rest of the current stop at once.
    pub fn tour_skip(self) {
        with_sim(|s| {
            if let Some((_, run, _)) = s.tour.as_mut() {
                run.advance(&mut s.timeline, Micros(u64::MAX));
                s.cursor_us = s.timeline.now().0 as f64;
            }
        });
        self.playing.set(false);
        self.publish();
    }

    /// Leaves the tour; the world it built stays, free to play with.
    pub fn end_tour(self) {
        with_sim(|s| s.tour = None);
        self.publish();
    }

    fn announce_changes(self, snap: &WorldSnapshot) {
        let lang = self.lang.get_untracked();
        let leader = snap
            .leader
            .and_then(|l| snap.nodes.iter().find(|n| n.id == l).map(|n| (l, n.term.0)));
        let wall = now_ms();
        let msg = with_sim(|s| {
            let mut msg = None;
            if leader != s.announced_leader {
                msg = Some(match (leader, s.announced_leader) {
                    (Some((n, t)), _) => lang.f(K::Announce, &[("node", &n), ("term", &t)]),
                    (None, Some((n, _))) => lang.f(K::AnnounceNoLeader, &[("node", &n)]),
                    (None, None) => String::new(),
                });
                s.announced_leader = leader;
            } else if snap.committed > s.announced_commit
                && wall - s.last_commit_announce_ms > 4_000.0
            {
                // Commits are frequent: announce at most one every few seconds.
                msg = Some(lang.f(K::AnnounceCommit, &[("index", &snap.committed)]));
                s.announced_commit = snap.committed;
                s.last_commit_announce_ms = wall;
            }
            msg
        })
        .flatten();
        if let Some(m) = msg {
            self.announce.set(m);
        }
    }

    /// Play or pause.
    pub fn set_playing(self, on: bool) {
        self.playing.set(on);
        if on {
            with_sim(|s| s.cursor_us = s.timeline.now().0 as f64);
            self.ensure_loop();
        }
    }

    /// Toggles play/pause.
    pub fn toggle_play(self) {
        self.set_playing(!self.playing.get_untracked());
    }

    /// Changes the speed (clamped).
    pub fn set_speed(self, speed: f64) {
        self.speed.set(clamp_speed(speed));
    }

    /// Pauses and processes exactly one event.
    pub fn step(self) {
        self.playing.set(false);
        with_sim(|s| {
            s.timeline.step_event();
            s.cursor_us = s.timeline.now().0 as f64;
        });
        self.publish();
    }

    /// Jumps to virtual time `t` (clamped to the known run).
    pub fn seek(self, t: Micros) {
        with_sim(|s| {
            let t = t.min(s.timeline.head().max(s.timeline.now()));
            s.timeline.seek(t);
            s.cursor_us = s.timeline.now().0 as f64;
        });
        self.publish();
    }

    /// Jumps to virtual time `t`, past the furthest point simulated too
    /// (the embed API's `seek`; the scrubber stays within the run).
    pub fn seek_or_run(self, t: Micros) {
        with_sim(|s| {
            s.timeline.seek(t);
            s.cursor_us = s.timeline.now().0 as f64;
        });
        self.publish();
    }

    /// Moves the clock by `delta_ms` (negative: back).
    pub fn scrub_by(self, delta_ms: i64) {
        let now = self.snapshot.with_untracked(|s| s.now.0) as i64;
        let t = (now + delta_ms * 1000).max(0) as u64;
        self.seek(Micros(t));
    }

    /// Applies a user action now; in the past this forks a new future.
    pub fn act(self, action: Action) {
        if let Err(e) = crate::exercise_run::allows(&action) {
            self.error.set(Some(e));
            return;
        }
        let result = with_sim(|s| s.timeline.apply(action));
        match result {
            Some(Err(e)) => self.error.set(Some(e)),
            _ => self.error.set(None),
        }
        self.publish();
    }

    /// Reads the run (links, trace export, the embed API, exercise checks).
    pub fn with_timeline<R>(self, f: impl FnOnce(&Timeline) -> R) -> Option<R> {
        with_sim(|s| f(&s.timeline))
    }

    /// Opens a given run (from a link or an imported trace), paused where
    /// it stands: the past is scrubbable, acting forks a new future.
    pub fn open_run(self, timeline: Timeline) {
        self.playing.set(false);
        self.tour_menu_open.set(false);
        self.load_run(timeline);
    }

    /// Starts the first tour of the course ("New to Raft?"), fetching the
    /// tours first when they are not here yet.
    pub fn start_first_tour(self) {
        if let Some((id, _)) = raftlab_sim::tour::BUILTIN_FILES.first() {
            self.load_tours(Some((id.to_string(), 0)));
        }
    }

    /// Starts built-in tour `index` at stop `stop` (0-based): the stops
    /// before it are run through at once, as Next would.
    pub fn start_tour_at(self, index: usize, stop: usize) {
        self.start_tour(index);
        for s in 0..stop {
            self.tour_skip();
            self.tour_go(s + 1);
        }
    }

    /// The current branch to its head as a trace: what the history
    /// export replays.
    pub fn trace(self) -> Option<raftlab_sim::Trace> {
        with_sim(|s| raftlab_sim::Trace::from_timeline(&s.timeline))
    }

    /// Puts `tl` in place of the current run (with `tour` running on it,
    /// from its first stop, or none), and clears what belonged to the old
    /// one.
    fn replace_run(
        self,
        tl: Timeline,
        config: WorldConfig,
        tour: Option<(usize, TourRun)>,
        skipped_ms: u64,
    ) {
        with_sim(|s| {
            s.cursor_us = tl.now().0 as f64;
            s.tour = tour.map(|(index, run)| (index, run, vec![tl.position()]));
            s.timeline = tl;
            s.announced_leader = None;
            s.announced_commit = 0;
        });
        self.reset_view(config, skipped_ms);
    }

    /// Clears what belonged to the previous run.
    fn reset_view(self, config: WorldConfig, skipped_ms: u64) {
        self.user_log.set(Vec::new());
        self.config.set(config);
        self.skipped_ms.set(skipped_ms);
        self.selection.set(Selection::None);
        self.error.set(None);
        self.markers.set(Arc::new(Vec::new()));
        self.publish();
    }

    /// Replaces the run with one already under way (a classroom exercise
    /// after its starting script); no idle fast-forward, no tour.
    pub fn load_run(self, tl: Timeline) {
        let config = tl.world().initial_config().clone();
        self.replace_run(tl, config, None, 0);
        self.ensure_loop();
    }

    /// Starts a fresh run with new settings (same speed, play state kept).
    pub fn restart(self, config: WorldConfig) {
        let config = with_page_limits(config);
        match new_timeline(config.clone()) {
            Ok((tl, skipped)) => {
                self.replace_run(tl, config, None, skipped.0 / 1000);
                self.ensure_loop();
            }
            Err(e) => self.error.set(Some(e)),
        }
    }
}

/// Fetches the built-in tours' files (all requests at once) and parses them.
async fn fetch_tours() -> Result<Vec<Tour>, String> {
    let texts = fetch_files("tours", raftlab_sim::tour::BUILTIN_FILES).await?;
    raftlab_sim::tour::parse_builtin(&texts)
}

/// Fetches `dir/<file>` for every `(id, file)` row, all requests at once,
/// and gives their texts in the rows' order (the tours', the exercises').
pub(crate) async fn fetch_files(dir: &str, rows: &[(&str, &str)]) -> Result<Vec<String>, String> {
    let requests: Vec<(String, js_sys::Promise)> = rows
        .iter()
        .map(|(_, file)| {
            let url = format!("{dir}/{file}");
            let request = window().fetch_with_str(&url);
            (url, request)
        })
        .collect();
    let mut texts = Vec::with_capacity(requests.len());
    for (url, request) in requests {
        texts.push(fetch_text(&url, request).await?);
    }
    Ok(texts)
}

/// The text a fetch answered, or why there is none (naming the file).
async fn fetch_text(url: &str, request: js_sys::Promise) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let why = |e: wasm_bindgen::JsValue| {
        let what = e
            .as_string()
            .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| e.message().into()))
            .unwrap_or_default();
        format!("{url}: {what}")
    };
    let response: web_sys::Response = JsFuture::from(request).await.map_err(why)?.unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(why)?)
        .await
        .map_err(why)?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}
