//! Classroom exercises on the page: the list (two tracks, solved ones
//! marked from the browser's storage), the card of the exercise in
//! progress (task, goal conditions live ✓/✗, limits and use, hints one at a
//! time, the score against the reference solution), a teacher's file
//! opened from disk or from a link, and the queues of hand-driven delivery.
//!
//! Self-contained: `page/mod.rs` mounts [`ExerciseButton`] and
//! [`ExercisePanel`]; the exercise in progress lives in
//! [`crate::exercise_run`], which the driver asks before every action.

use std::collections::BTreeSet;
use std::sync::Arc;

use leptos::prelude::*;
use raftlab_sim::exercise::{parse_exercise, Exercise, ExerciseError, Score};
use raftlab_sim::link::{LinkView, RunLink};
use raftlab_sim::script::Track;
use raftlab_sim::{Action, Timeline, Trace};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::driver::Ui;
use crate::exercise_run::{self, Active};
use crate::i18n::K;
use crate::page::share::Share;
use crate::view_model::exercise::{
    base64url_decode, base64url_encode, ms, problem_text, queues, solved_from_json, solved_line,
    solved_to_json, tool_name,
};

/// Where the solved exercises are remembered in the browser.
const SOLVED_KEY: &str = "raftlab.exercises.solved";

/// The exercise panel's own signals (one set per page).
#[derive(Clone, Copy)]
struct ExState {
    menu_open: RwSignal<bool>,
    /// The exercise in progress, and its file text when it came from a
    /// teacher (for the link that carries it).
    current: RwSignal<Option<(Arc<Exercise>, Option<String>)>>,
    hints_shown: RwSignal<usize>,
    status: RwSignal<Vec<bool>>,
    used: RwSignal<Option<Score>>,
    reached: RwSignal<Option<Score>>,
    /// The address of the student's run as it stood when the goal was
    /// first reached: the exercise plus a run link (issue 12), so a
    /// teacher who opens it sees the run replayed to the goal.
    solution: RwSignal<Option<String>>,
    reference: RwSignal<Option<Score>>,
    problem: RwSignal<Option<ExerciseError>>,
    not_found: RwSignal<Option<String>>,
    left_note: RwSignal<bool>,
    solved: RwSignal<BTreeSet<String>>,
    /// The built-in exercises once parsed (compiled in for the tests,
    /// fetched by the page), or why their files could not be loaded.
    catalog: RwSignal<Option<Result<Arc<Vec<Exercise>>, String>>>,
}

/// What waits for the built-in exercises while their files are fetched
/// (`Some` while a fetch is under way).
type Waiters = Option<Vec<Box<dyn FnOnce(&[Exercise])>>>;

thread_local! {
    static WAITING: std::cell::RefCell<Waiters> = const { std::cell::RefCell::new(None) };
}

thread_local! {
    static STATE: std::cell::Cell<Option<ExState>> = const { std::cell::Cell::new(None) };
}

fn state() -> ExState {
    STATE.with(|s| {
        s.get().unwrap_or_else(|| {
            let st = ExState {
                menu_open: RwSignal::new(false),
                current: RwSignal::new(None),
                hints_shown: RwSignal::new(0),
                status: RwSignal::new(Vec::new()),
                used: RwSignal::new(None),
                reached: RwSignal::new(None),
                solution: RwSignal::new(None),
                reference: RwSignal::new(None),
                problem: RwSignal::new(None),
                not_found: RwSignal::new(None),
                left_note: RwSignal::new(false),
                solved: RwSignal::new(load_solved()),
                catalog: RwSignal::new(None),
            };
            s.set(Some(st));
            st
        })
    })
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn load_solved() -> BTreeSet<String> {
    storage()
        .and_then(|s| s.get_item(SOLVED_KEY).ok().flatten())
        .map(|j| solved_from_json(&j))
        .unwrap_or_default()
}

fn save_solved(ids: &BTreeSet<String>) {
    if let Some(s) = storage() {
        // A full or disabled storage only loses the marks.
        let _ = s.set_item(SOLVED_KEY, &solved_to_json(ids));
    }
}

/// What the lead needs for a "solution link" that replays the student's
/// run: the exercise's id (or, for a teacher's file, its text) and the run
/// so far as a trace (its settings and every action, the starting script's
/// included, with the event and instant each was taken at). `None` when no
/// exercise is in progress.
pub fn solution_record(ui: Ui) -> Option<(String, Option<String>, Trace)> {
    let (ex, file) = state().current.get_untracked()?;
    let trace = ui.with_timeline(Trace::from_timeline)?;
    Some((ex.id.clone(), file, trace))
}

/// The address that replays the run as it stands inside its exercise:
/// `?exercise=<id>` (or the teacher's file) and `run=<link>`. `None` when no
/// exercise is in progress or the run cannot be replayed.
fn solution_url(ui: Ui) -> Option<String> {
    let (id, file, _) = solution_record(ui)?;
    let view = LinkView {
        lang: Some(ui.lang.get_untracked().tag().to_string()),
        ..LinkView::default()
    };
    let link = ui
        .with_timeline(|t| RunLink::of_timeline(t, view).map(|l| l.encode()))?
        .ok()?;
    let exercise = match file {
        Some(text) => format!("exercise-file={}", base64url_encode(&text)),
        None => format!("exercise={id}"),
    };
    Some(format!(
        "{}?{exercise}&run={link}",
        crate::page::share::page_base()
    ))
}

/// What the page's address asks of the exercise panel: an exercise (a
/// built-in one by id, or a file) and, in a solution link, the run to
/// replay inside it.
#[derive(Clone, Debug, Default)]
pub struct FromAddress {
    /// `exercise=`.
    pub id: Option<String>,
    /// `exercise-file=`, base64url.
    pub file: Option<String>,
    /// `run=`.
    pub run: Option<String>,
}

impl FromAddress {
    /// Whether the address opens an exercise (the panel then opens `run=`
    /// itself, after resetting the run to the exercise's start).
    pub fn opens_exercise(&self) -> bool {
        self.id.is_some() || self.file.is_some()
    }
}

/// Opens `ex`: its reference score, its starting script on a fresh run.
fn open(ui: Ui, ex: Exercise, file: Option<String>) {
    let st = state();
    st.menu_open.set(false);
    st.not_found.set(None);
    st.left_note.set(false);
    let reference = match ex.run_solution() {
        Ok(s) => s,
        Err(e) => return st.problem.set(Some(e)),
    };
    let mut config = ex.config.clone();
    config.max_nodes = raftlab_sim::config::MAX_NODES_PAGE.max(config.nodes);
    let started = Timeline::new(config.clone())
        .map_err(|e| ExerciseError {
            line: 0,
            column: 0,
            problem: raftlab_sim::exercise::Problem::Config(e.to_string()),
        })
        .and_then(|mut tl| ex.begin(&mut tl).map(|base| (tl, base)));
    let (tl, base) = match started {
        Ok(x) => x,
        Err(e) => return st.problem.set(Some(e)),
    };
    st.problem.set(None);
    let ex = Arc::new(ex);
    exercise_run::set(Some(Active {
        exercise: ex.clone(),
        base,
        reference,
        config,
    }));
    st.reference.set(Some(reference));
    st.reached.set(None);
    st.solution.set(None);
    st.hints_shown.set(0);
    st.current.set(Some((ex, file)));
    ui.load_run(tl);
    // Paused, so the student reads the task before time (and the time
    // limit) starts to run: Play when ready.
    ui.set_playing(false);
    ui.publish();
}

/// Leaves the exercise; the run stays, free to play with.
fn leave() {
    let st = state();
    exercise_run::set(None);
    st.current.set(None);
    st.status.set(Vec::new());
    st.used.set(None);
}

/// Opens a teacher's file, or shows its problems.
fn open_file(ui: Ui, text: String) {
    let st = state();
    match parse_exercise("teacher", &text).and_then(|e| e.check().map(|_| e)) {
        Ok(e) => open(ui, e, Some(text)),
        Err(e) => {
            st.menu_open.set(false);
            st.problem.set(Some(e));
        }
    }
}

/// Runs `then` with the built-in exercises, fetching their files first
/// when they are not here yet: one fetch for every caller that asks
/// meanwhile. A failed fetch is shown (in the list, and in the panel for an
/// address that named an exercise) and tried again on the next ask.
fn with_catalog(then: impl FnOnce(&[Exercise]) + 'static) {
    let st = state();
    if let Some(Ok(all)) = st.catalog.get_untracked() {
        return then(&all);
    }
    if let Some(all) = raftlab_sim::exercise::embedded() {
        let all = all.map(Arc::new);
        st.catalog.set(Some(all.clone()));
        if let Ok(all) = all {
            then(&all);
        }
        return;
    }
    let first = WAITING.with(|w| {
        let mut w = w.borrow_mut();
        let first = w.is_none();
        w.get_or_insert_with(Vec::new).push(Box::new(then));
        first
    });
    if !first {
        return;
    }
    st.catalog.set(None);
    leptos::task::spawn_local(async move {
        use raftlab_sim::exercise::{parse_builtin, BUILTIN_FILES};
        let got = crate::driver::fetch_files("exercises", BUILTIN_FILES)
            .await
            .and_then(|texts| parse_builtin(&texts))
            .map(Arc::new);
        st.catalog.set(Some(got.clone()));
        let waiting = WAITING.with(|w| w.borrow_mut().take()).unwrap_or_default();
        if let Ok(all) = got {
            for then in waiting {
                then(&all);
            }
        }
    });
}

/// Opens built-in exercise `id` (once the exercises are here), then runs
/// `after`; an unknown id is named instead.
fn open_builtin(ui: Ui, id: String, after: impl FnOnce() + 'static) {
    with_catalog(move |all| {
        match all.iter().find(|e| e.id == id) {
            Some(e) => open(ui, e.clone(), None),
            None => state().not_found.set(Some(id)),
        }
        after();
    });
}

/// Checks the goal on the world as it stands (after every frame).
fn evaluate(ui: Ui) {
    let st = state();
    let Some(active) = exercise_run::get() else {
        return;
    };
    let Some((status, used, run_config)) = ui.with_timeline(|t| {
        let w = t.world();
        (
            active.exercise.goal_status(w),
            active.exercise.score(w, active.base),
            w.initial_config().clone(),
        )
    }) else {
        return;
    };
    if run_config != active.config {
        // The settings panel started a new run. An exercise that allows
        // bug switches starts over with the new ones; any other is left.
        let mut only_bugs = active.config.clone();
        only_bugs.raft.bugs = run_config.raft.bugs;
        if active
            .exercise
            .tools
            .contains(&raftlab_sim::script::Tool::Bugs)
            && only_bugs == run_config
        {
            let mut ex = (*active.exercise).clone();
            ex.config.raft.bugs = run_config.raft.bugs;
            let file = st.current.get_untracked().and_then(|c| c.1);
            open(ui, ex, file);
        } else {
            leave();
            st.left_note.set(true);
        }
        return;
    }
    if st.status.with_untracked(|s| *s != status) {
        st.status.set(status);
    }
    if st.used.get_untracked() != Some(used) {
        st.used.set(Some(used));
    }
    // Also between frames (the driver observes every slice) and after
    // every action (hand-driven delivery publishes each).
    ui.with_timeline(|t| exercise_run::observe(t.world()));
    if let (Some(s), None) = (exercise_run::reached(), st.reached.get_untracked()) {
        st.reached.set(Some(s));
        st.solution.set(solution_url(ui));
        if st
            .current
            .with_untracked(|c| c.as_ref().is_some_and(|(_, f)| f.is_none()))
        {
            st.solved.update(|s| {
                s.insert(active.exercise.id.clone());
            });
            save_solved(&st.solved.get_untracked());
        }
    }
}

/// The top bar's button that opens the list.
#[component]
pub fn ExerciseButton(ui: Ui) -> impl IntoView {
    let st = state();
    let t = move |k| ui.lang.get().t(k);
    view! {
        <button class="ex-btn" data-testid="exercise-button" title=move || t(K::ExButtonHelp)
            on:click=move |_| {
                st.menu_open.set(true);
                with_catalog(|_| {});
            }>
            {move || t(K::ExButton)}
        </button>
    }
}

/// Reads a chosen file's text (`File.text()`) and opens it.
fn read_file(ui: Ui, ev: leptos::ev::Event) {
    let Some(target) = ev.target() else { return };
    let file = js_sys::Reflect::get(&target, &"files".into())
        .and_then(|fs| js_sys::Reflect::get(&fs, &0.into()))
        .ok()
        .filter(|f| !f.is_undefined() && !f.is_null());
    let Some(file) = file else { return };
    let text_fn = js_sys::Reflect::get(&file, &"text".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(promise) = text_fn
        .and_then(|f| f.call0(&file).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return;
    };
    let done = Closure::once(move |v: JsValue| {
        if let Some(text) = v.as_string() {
            open_file(ui, text);
        }
    });
    let _ = promise.then(&done);
    done.forget();
}

/// The list of exercises, in a dialog.
#[component]
fn ExerciseMenu(ui: Ui) -> impl IntoView {
    let st = state();
    move || {
        if !st.menu_open.get() {
            return ().into_any();
        }
        let lang = ui.lang.get();
        let t = move |k| lang.t(k);
        let close = move |_| st.menu_open.set(false);
        let catalog = st.catalog.get();
        let all: &[Exercise] = match &catalog {
            Some(Ok(all)) => all,
            _ => &[],
        };
        let solved = st.solved.get();
        let track = |tr: Track, heading: K| {
            let items = all
                .iter()
                .filter(|e| e.track == tr)
                .map(|e| {
                    let id = e.id.clone();
                    let done = solved.contains(&id);
                    let title = e.title(lang.tag()).to_string();
                    view! {
                        <li>
                            <button class="ex-pick" data-testid=format!("exercise-start-{id}")
                                data-solved=done.to_string()
                                on:click=move |_| open_builtin(ui, id.clone(), || ())>
                                <span class="ex-title">{title}</span>
                                {done.then(|| view! { <span class="ex-solved-mark">"✓ " {t(K::ExSolvedMark)}</span> })}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h3>{t(heading)}</h3>
                <ol class="ex-list">{items}</ol>
            }
        };
        view! {
            <div class="overlay" data-testid="exercise-menu" role="dialog" aria-modal="true" aria-labelledby="ex-menu-h"
                on:click=close>
                <div class="dialog ex-menu" on:click=|ev| ev.stop_propagation()>
                    <h2 id="ex-menu-h">{t(K::ExMenuHeading)}</h2>
                    <p>{t(K::ExMenuIntro)}</p>
                    {match &catalog {
                        None => Some(view! { <p class="ex-loading" data-testid="exercise-loading">{t(K::ExLoading)}</p> }.into_any()),
                        Some(Err(e)) => Some(view! {
                            <p class="ex-problem bad" role="alert" data-testid="exercise-load-failed">{lang.f(K::ExLoadFailed, &[("reason", e)])}</p>
                        }.into_any()),
                        Some(Ok(_)) => None,
                    }}
                    {track(Track::MakeItWork, K::ExTrackWork)}
                    {track(Track::BreakIt, K::ExTrackBreak)}
                    <div class="ex-more">
                        <label class="ex-import">
                            {t(K::ExImport)}
                            <input type="file" accept=".txt,text/plain" data-testid="exercise-import"
                                on:change=move |ev| read_file(ui, ev) />
                        </label>
                        <button data-testid="exercise-hand-free" on:click=move |_| {
                            leave();
                            st.menu_open.set(false);
                            ui.act(Action::HandDelivery(true));
                        }>{t(K::ExHandFree)}</button>
                    </div>
                    <button class="close-help" data-testid="exercise-menu-close" autofocus on:click=close>{t(K::Close)}</button>
                </div>
            </div>
        }
        .into_any()
    }
}

/// The exercise in progress (or a file's problems), and the hand-driven
/// delivery queues whenever that mode is on.
#[component]
pub fn ExercisePanel(ui: Ui, share: Share, from: FromAddress) -> impl IntoView {
    let st = state();
    let FromAddress { id, file, run } = from;
    let file_given = file.is_some();
    if let Some(b64) = file {
        match base64url_decode(&b64) {
            Some(text) => open_file(ui, text),
            None => st.problem.set(Some(ExerciseError {
                line: 0,
                column: 0,
                problem: raftlab_sim::exercise::Problem::Script(
                    "the link does not carry a readable file (base64url of UTF-8 text)".into(),
                ),
            })),
        }
    }
    // A solution link's run, replayed once the exercise has reset the run
    // to its start; a bad link gets the page's banner saying why.
    let replay = move || {
        if let (Some(link), true) = (run, st.current.get_untracked().is_some()) {
            let _ = crate::page::share::open_link(ui, share, &link);
        }
    };
    match id {
        Some(id) if !file_given => open_builtin(ui, id, replay),
        _ => replay(),
    }
    Effect::new(move |_| {
        ui.snapshot.with(|_| ());
        evaluate(ui);
    });
    let esc = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            st.menu_open.set(false);
        }
    });
    on_cleanup(move || esc.remove());
    let lang = ui.lang;
    let problems = move || {
        let lang = lang.get();
        let t = move |k| lang.t(k);
        let nf = st.not_found.get().map(|id| {
            view! { <p class="ex-problem bad" data-testid="exercise-not-found">{lang.f(K::ExNotFound, &[("id", &id)])}</p> }
        });
        let bad = st.problem.get().map(|e| {
            view! {
                <div class="ex-problem bad" role="alert" data-testid="exercise-problem">
                    <p>{t(K::ExFileBad)}</p>
                    <p data-testid="exercise-problem-text">{problem_text(lang, &e)}</p>
                    <button data-testid="exercise-problem-close" on:click=move |_| st.problem.set(None)>{t(K::Close)}</button>
                </div>
            }
        });
        let failed = st.catalog.get().and_then(Result::err).filter(|_| !st.menu_open.get()).map(|e| {
            view! { <p class="ex-problem bad" role="alert" data-testid="exercise-load-failed">{lang.f(K::ExLoadFailed, &[("reason", &e)])}</p> }
        });
        let left = st.left_note.get().then(|| {
            view! { <p class="ex-note" data-testid="exercise-left">{t(K::ExSettingsChanged)}</p> }
        });
        (nf, bad, failed, left)
    };
    let card = move || {
        let (ex, file) = st.current.get()?;
        let lang = lang.get();
        let t = move |k| lang.t(k);
        let tag = lang.tag();
        let track = t(match ex.track {
            Track::MakeItWork => K::ExTrackWork,
            Track::BreakIt => K::ExTrackBreak,
        });
        let tools: Vec<&str> = ex.tools.iter().map(|x| tool_name(lang, *x)).collect();
        let goals = ex.goal.clone();
        let goal_rows = move || {
            let status = st.status.get();
            goals
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let ok = status.get(i).copied().unwrap_or(false);
                    view! {
                        <li class=if ok { "ok" } else { "bad" } data-testid=format!("exercise-goal-{i}") data-ok=ok.to_string()>
                            <span class="ex-mark" aria-hidden="true">{if ok { "✓" } else { "✗" }}</span>
                            " " <code>{g.text.clone()}</code>
                        </li>
                    }
                })
                .collect_view()
        };
        let hints = ex.hints.clone();
        let total = hints.len();
        let shown_hints = move || {
            let n = st.hints_shown.get();
            hints
                .iter()
                .take(n)
                .enumerate()
                .map(|(i, h)| {
                    let text = h
                        .get(tag)
                        .or_else(|| h.get("en"))
                        .cloned()
                        .unwrap_or_default();
                    view! { <li data-testid=format!("exercise-hint-{i}")>{text}</li> }
                })
                .collect_view()
        };
        let ex2 = ex.clone();
        let limits = lang.f(
            K::ExLimits,
            &[("actions", &ex.max_actions), ("ms", &ms(ex.max_time))],
        );
        let used = move || {
            st.used
                .get()
                .map(|u| lang.f(K::ExUsed, &[("actions", &u.actions), ("ms", &ms(u.time))]))
        };
        let over = move || {
            let u = st.used.get()?;
            (st.reached.get().is_none() && !ex2.within_limits(u)).then(|| {
                view! { <p class="ex-over bad" data-testid="exercise-over">{t(K::ExOverLimit)}</p> }
            })
        };
        let solved = move || {
            let s = st.reached.get()?;
            let r = st.reference.get()?;
            Some(
                view! { <p class="ex-solved ok" role="status" data-testid="exercise-solved">{solved_line(lang, s, r)}</p> },
            )
        };
        let solution = move || {
            st.reached.get()?;
            let href = st.solution.get()?;
            Some(
                view! { <a class="ex-share" data-testid="exercise-solution-link" href=href>{t(K::ExSolutionLink)}</a> },
            )
        };
        let link = file.map(|text| {
            let base = window().location().pathname().unwrap_or_default();
            let href = format!("{base}?exercise-file={}", base64url_encode(&text));
            view! { <a class="ex-share" data-testid="exercise-share" href=href>{t(K::ExShareLink)}</a> }
        });
        let ex3 = ex.clone();
        Some(view! {
            <section class="panel exercise-card" data-testid="exercise-panel" data-exercise=ex.id.clone() aria-labelledby="ex-h">
                <header class="ex-head">
                    <h2 id="ex-h" data-testid="exercise-title">{ex.title(tag).to_string()}</h2>
                    <span class="ex-track">{track}</span>
                </header>
                <div class="ex-text" data-testid="exercise-text">
                    {ex.text(tag).iter().map(|p| view! { <p>{p.clone()}</p> }).collect_view()}
                </div>
                <h3>{t(K::ExGoal)}</h3>
                <ul class="ex-goals" data-testid="exercise-goals">{goal_rows}</ul>
                {solved}
                {solution}
                {over}
                <p class="ex-tools"><strong>{t(K::ExTools)}</strong> ": " {tools.join(lang.t(K::ExListSep))}</p>
                <p class="ex-limits">{limits}</p>
                <p class="ex-used" data-testid="exercise-used">{used}</p>
                <ol class="ex-hints">{shown_hints}</ol>
                {move || {
                    let n = st.hints_shown.get();
                    if n < total {
                        view! {
                            <button data-testid="exercise-hint" on:click=move |_| st.hints_shown.update(|h| *h += 1)>
                                {lang.f(K::ExHintButton, &[("n", &(n + 1)), ("total", &total)])}
                            </button>
                        }.into_any()
                    } else {
                        view! { <p class="ex-hints-done">{t(K::ExHintsDone)}</p> }.into_any()
                    }
                }}
                <div class="ex-nav">
                    <button data-testid="exercise-restart" on:click=move |_| {
                        let file = st.current.get_untracked().and_then(|c| c.1);
                        open(ui, (*ex3).clone(), file);
                    }>{t(K::ExRestart)}</button>
                    <button data-testid="exercise-leave" on:click=move |_| leave()>{t(K::ExLeave)}</button>
                    {link}
                </div>
            </section>
        })
    };
    view! {
        {problems}
        {card}
        <HandQueues ui=ui />
        <ExerciseMenu ui=ui />
    }
}

/// Each node's queue of held messages, with deliver / drop / duplicate,
/// and its timer with a fire button (DSLabs' visual debugger).
#[component]
fn HandQueues(ui: Ui) -> impl IntoView {
    let on = Memo::new(move |_| ui.snapshot.with(|s| s.hand.is_some()));
    move || {
        if !on.get() {
            return ().into_any();
        }
        let lang = ui.lang.get();
        let t = move |k| lang.t(k);
        let allowed = |a: &Action| exercise_run::allows(a).is_ok();
        let can_turn_off = allowed(&Action::HandDelivery(false));
        let body = move || {
            let lang = ui.lang.get();
            let qs = ui.snapshot.with(|s| queues(s, lang));
            qs.into_iter()
                .map(|q| {
                    let node = q.node;
                    let timer = q.timer.clone().unwrap_or_else(|| lang.t(K::HandNoTimer).to_string());
                    let empty = q.held.is_empty();
                    let rows = q
                        .held
                        .into_iter()
                        .map(|m| {
                            let id = m.id;
                            view! {
                                <li class="hand-msg" data-testid=format!("hand-msg-{}", id.0)
                                    data-kind=m.kind data-from=m.from.to_string()>
                                    <span class="hand-what">{lang.f(K::HandMessage, &[("from", &m.from), ("what", &m.text)])}</span>
                                    <span class="hand-buttons">
                                        <button class="hand-deliver" data-testid=format!("hand-deliver-{}", id.0)
                                            on:click=move |_| ui.act(Action::Deliver(id))>{lang.t(K::HandDeliver)}</button>
                                        <button data-testid=format!("hand-drop-{}", id.0)
                                            on:click=move |_| ui.act(Action::Drop(id))>{lang.t(K::HandDrop)}</button>
                                        <button data-testid=format!("hand-dup-{}", id.0)
                                            on:click=move |_| ui.act(Action::Duplicate(id))>{lang.t(K::HandDuplicate)}</button>
                                    </span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <li class="hand-queue" data-testid=format!("hand-queue-{node}")>
                            <div class="hand-node">
                                <strong>{lang.f(K::HandQueue, &[("node", &node)])}</strong>
                                <span class="hand-timer">{timer}</span>
                                <button class="hand-fire" data-testid=format!("hand-fire-{node}")
                                    on:click=move |_| ui.act(Action::FireTimer(node))>
                                    {lang.f(K::HandFire, &[("node", &node)])}
                                </button>
                            </div>
                            {if empty {
                                view! { <p class="hand-empty">{lang.t(K::HandEmpty)}</p> }.into_any()
                            } else {
                                view! { <ul class="hand-msgs">{rows}</ul> }.into_any()
                            }}
                        </li>
                    }
                })
                .collect_view()
        };
        view! {
            <section class="panel hand-panel" data-testid="hand-panel" aria-labelledby="hand-h">
                <h2 id="hand-h">{t(K::HandHeading)}</h2>
                <p class="hand-intro">{t(K::HandIntro)}</p>
                <ul class="hand-queues">{body}</ul>
                {can_turn_off.then(|| view! {
                    <button data-testid="hand-off" on:click=move |_| ui.act(Action::HandDelivery(false))>{t(K::HandTurnOff)}</button>
                })}
            </section>
        }
        .into_any()
    }
}
