//! The playground page: reads the address parameters, starts the driver,
//! lays out the panels and wires the keyboard.

mod chrome;
mod cluster;
mod controls;
mod dialog;
mod dock;
mod download;
pub mod embed;
pub mod exercise;
pub(crate) mod explain;
pub mod fatal;
mod history;
mod inspector;
pub mod js_api;
mod logs;
mod network;
mod settings;
pub mod share;
mod spacetime;
mod spacetime_canvas;
mod state;
mod tour;

use leptos::prelude::*;
use raftlab_sim::{Action, NodeStatus};
use wasm_bindgen::JsCast;

use crate::driver::{Selection, Ui};
use crate::i18n::{Lang, K};
use crate::view_model::params::parse;
use crate::view_model::speed::{faster, slower, DEFAULT_SPEED};
use crate::view_model::timeline::recent;

use chrome::{CheckerBadge, ErrorBanner, HelpOverlay, ParamBanner};
use cluster::Cluster;
use controls::TimeControls;
use dock::Dock;
use explain::{Explainer, FirstVisitHint};
use logs::Logs;
use share::{Share, ShareBanner, ShareBar};
use tour::{TourCard, TourMenu};

fn browser_lang() -> Lang {
    window()
        .navigator()
        .language()
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default()
}

/// Whether a key press belongs to a form control rather than the page.
fn typing_target(ev: &leptos::ev::KeyboardEvent) -> bool {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let form_field = matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA");
    // A button keeps Space and Enter (they press it); the page's other keys
    // still work from it, e.g. `n` right after a dialog gave focus back.
    let button = matches!(el.tag_name().as_str(), "BUTTON" | "SUMMARY")
        || matches!(el.get_attribute("role").as_deref(), Some("button" | "tab"));
    form_field || (button && matches!(ev.key().as_str(), " " | "Enter"))
}

fn on_key(ui: Ui, ev: leptos::ev::KeyboardEvent) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let key = ev.key();
    if key == "Escape" {
        ui.help_open.set(false);
        ui.tour_menu_open.set(false);
        ui.selection.set(Selection::None);
        return;
    }
    if typing_target(&ev) {
        return;
    }
    let selected = match ui.selection.get_untracked() {
        Selection::Node(n) => Some(n),
        _ => None,
    };
    let status = |n| {
        ui.snapshot
            .with_untracked(|s| s.nodes.iter().find(|x| x.id == n).map(|x| x.status))
    };
    let handled = match key.as_str() {
        " " => {
            ui.toggle_play();
            true
        }
        "." => {
            ui.step();
            true
        }
        "ArrowLeft" => {
            ui.set_playing(false);
            ui.scrub_by(if ev.shift_key() { -200 } else { -20 });
            true
        }
        "ArrowRight" => {
            ui.set_playing(false);
            ui.scrub_by(if ev.shift_key() { 200 } else { 20 });
            true
        }
        "+" | "=" => {
            ui.set_speed(faster(ui.speed.get_untracked()));
            true
        }
        "-" | "_" => {
            ui.set_speed(slower(ui.speed.get_untracked()));
            true
        }
        "?" => {
            ui.help_open.update(|o| *o = !*o);
            true
        }
        "n" => {
            let at_rest = ui.tour.with_untracked(|t| {
                t.as_ref()
                    .filter(|t| t.phase == raftlab_sim::tour::Phase::AtRest)
                    .map(|t| t.stop)
            });
            if let Some(stop) = at_rest {
                ui.tour_go(stop + 1);
            }
            at_rest.is_some()
        }
        "c" | "p" | "t" | "l" => {
            if let Some(n) = selected {
                let action = match (key.as_str(), status(n)) {
                    ("c", Some(NodeStatus::Crashed)) => Action::Restart(n),
                    ("c", _) => Action::Crash(n),
                    ("p", Some(NodeStatus::Paused)) => Action::Resume(n),
                    ("p", _) => Action::Pause(n),
                    ("t", _) => Action::Campaign(n),
                    _ => Action::TransferLeadership(n),
                };
                ui.act(action);
            }
            true
        }
        "g" => {
            if let Some(n) = selected {
                cluster::toggle_node(ui, n);
            }
            true
        }
        d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() && d != "0" => {
            let i = (d.as_bytes()[0] - b'1') as usize;
            if let Some(id) = ui.snapshot.with_untracked(|s| s.nodes.get(i).map(|n| n.id)) {
                ui.selection.set(Selection::Node(id));
            }
            true
        }
        _ => false,
    };
    if handled {
        ev.prevent_default();
    }
}

/// Mounting stages after the first: one a task, each after a paint.
const LATER_STAGES: u8 = 4;

/// Raises `stage` by one after the next paint, up to [`LATER_STAGES`].
fn mount_later(stage: RwSignal<u8>) {
    request_animation_frame(move || {
        set_timeout(
            move || {
                stage.update(|s| *s += 1);
                if stage.get_untracked() < LATER_STAGES {
                    mount_later(stage);
                }
            },
            std::time::Duration::ZERO,
        );
    });
}

/// The page's classes: `embed` shows only the drawing and the time
/// controls; `touring` puts the tour card beside (or over) the drawing and
/// lets the other panels recede.
fn layout_class(embed: bool, touring: bool) -> &'static str {
    match (embed, touring) {
        (false, false) => "playground",
        (false, true) => "playground touring",
        (true, false) => "playground embed",
        (true, true) => "playground embed touring",
    }
}

/// The address read and the run started, before the page is drawn.
type Started = (
    crate::view_model::params::Params,
    Vec<crate::view_model::params::ParamError>,
    Ui,
);

thread_local! {
    static STARTED: std::cell::RefCell<Option<Started>> = const { std::cell::RefCell::new(None) };
}

fn start_from_address() -> Started {
    let search = window().location().search().unwrap_or_default();
    let (params, errors) = parse(&search);
    let lang = params.lang.unwrap_or_else(browser_lang);
    let ui = Ui::start(
        params.world_config(),
        params.speed.unwrap_or(DEFAULT_SPEED),
        lang,
    );
    (params, errors, ui)
}

/// Reads the address and starts the run (the world built, fast-forwarded
/// to its first message) in a task of its own: `main` calls it, then mounts
/// [`Playground`] in the next task, which takes this run. On a phone's CPU
/// the two in one task were the longest task of the load.
pub fn start() {
    let started = start_from_address();
    STARTED.with(|s| *s.borrow_mut() = Some(started));
}

/// The whole page: the run [`start`] began, or a new one (the browser
/// tests mount it directly).
#[component]
pub fn Playground() -> impl IntoView {
    let (params, errors, ui) = STARTED
        .with(|s| s.borrow_mut().take())
        .unwrap_or_else(start_from_address);
    let share = Share::new();
    js_api::install(ui, share);
    embed::install(ui, share, &params);
    embed::apply_params(&params);
    let embed = params.embed;
    let hint = params.hint;
    // A host that sizes the iframe to the page (the kit, Pym.js: `childId`)
    // gets the page's natural height, not one that fills the frame.
    let host_sized = embed && params.child_id.is_some();
    if params.autoplay == Some(false) {
        ui.set_playing(false);
    }
    let exercise_from = exercise::FromAddress {
        id: params.exercise.clone(),
        file: params.exercise_file.clone(),
        run: params.run.clone(),
    };
    // In an exercise's solution link the exercise panel opens the run, after
    // resetting the run to the exercise's start.
    if let (Some(link), false) = (&params.run, exercise_from.opens_exercise()) {
        // A refused link leaves the default page, with a banner saying why.
        let _ = share::open_link(ui, share, link);
    }
    if let Some(id) = &params.tour {
        ui.load_tours(Some((id.clone(), 0)));
    }
    // The tours' texts are fetched when the menu first opens.
    Effect::new(move |_| {
        if ui.tour_menu_open.get() {
            ui.load_tours(None);
        }
    });

    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", ui.lang.get().tag());
        }
    });
    let handle = window_event_listener(leptos::ev::keydown, move |ev| on_key(ui, ev));
    on_cleanup(move || handle.remove());

    // The drawing, the log view (half the page's elements), the dock
    // (inspector, network, tables), then the time views are mounted in
    // tasks of their own after the first paint: building the
    // whole page in the first task (with instantiating and starting the run)
    // was one long task on a phone's CPU.
    let stage = RwSignal::new(0u8);
    mount_later(stage);
    let t = move |k| ui.lang.get().t(k);
    let leader_line = Memo::new(move |_| {
        ui.snapshot.with(|s| {
            s.leader
                .and_then(|l| s.nodes.iter().find(|n| n.id == l).map(|n| (l, n.term)))
        })
    });
    view! {
        <div class=move || layout_class(embed, ui.tour.with(Option::is_some)) data-testid="playground"
            data-host-sized=host_sized.then_some("")
            // Every stage mounted: what a link's panels wait for.
            data-mounted=move || (stage.get() >= LATER_STAGES).then_some("")>
            <header class="top chrome">
                <div class="brand">
                    <h1 data-testid="app-title">{move || t(K::Title)}</h1>
                    <p class="tagline">
                        {move || t(K::Tagline)}
                        {move || ui.tour.with(|t| t.is_none()).then(|| view! {
                            " "
                            <button class="tour-invite" data-testid="tour-invite" on:click=move |_| ui.start_first_tour()>
                                {t(K::TourInvite)} " →"
                            </button>
                        })}
                    </p>
                </div>
                <div class="top-tools">
                    <button class="tour-btn" data-testid="tour-button" title=move || t(K::TourButtonHelp)
                        on:click=move |_| ui.tour_menu_open.set(true)>
                        {move || t(K::TourButton)}
                    </button>
                    <exercise::ExerciseButton ui=ui />
                    <ShareBar ui=ui share=share />
                    <CheckerBadge ui=ui />
                    <button
                        class="lang"
                        data-testid="lang-toggle"
                        lang=move || if ui.lang.get() == Lang::En { "zh" } else { "en" }
                        title=move || t(K::LangSwitchLabel)
                        on:click=move |_| ui.lang.update(|l| *l = if *l == Lang::En { Lang::Zh } else { Lang::En })
                    >
                        {move || t(K::LangSwitch)}
                    </button>
                    <button class="help-btn" data-testid="help" aria-label=move || t(K::HelpButton) on:click=move |_| ui.help_open.set(true)>
                        "?"
                    </button>
                </div>
            </header>
            <ParamBanner ui=ui errors=errors />
            <ErrorBanner ui=ui />
            <ShareBanner ui=ui share=share />
            <TimeControls ui=ui />
            <main class="stage">
                <section class="panel cluster-panel" aria-labelledby="cluster-h">
                    <h2 id="cluster-h" class="chrome">
                        {move || t(K::ClusterHeading)}
                        <span class="leader-line" data-testid="leader-line">
                            {move || match leader_line.get() {
                                Some((n, term)) => ui.lang.get().f(K::LeaderIs, &[("node", &n), ("term", &term)]),
                                None => t(K::NoLeader).to_string(),
                            }}
                        </span>
                    </h2>
                    // The box's size is set by CSS, so the drawing arriving a
                    // task later moves nothing.
                    <div class="cluster-box">
                        <Show when=move || { stage.get() >= 1 }>
                            <Cluster ui=ui />
                        </Show>
                    </div>
                    <FirstVisitHint ui=ui forced=hint embed=embed />
                    <ol class="recent chrome" data-testid="recent-events" aria-label=move || t(K::RecentHeading)>
                        {move || {
                            let now = ui.snapshot.with(|s| s.now);
                            ui.markers
                                .with(|m| recent(m, now, ui.lang.get(), 4))
                                .into_iter()
                                .map(|r| view! { <li class=r.class><span class="when">{r.time}</span> " " {r.text}</li> })
                                .collect_view()
                        }}
                    </ol>
                </section>
                <div class="side chrome">
                    <exercise::ExercisePanel ui=ui share=share from=exercise_from.clone() />
                    <TourCard ui=ui />
                    <Show when=move || { stage.get() >= 2 }>
                        <Logs ui=ui />
                    </Show>
                    <Show when=move || { stage.get() >= 3 }>
                        <Dock ui=ui />
                    </Show>
                </div>
                // Fixed on the screen; inside the main landmark for screen readers.
                <Explainer />
            </main>
            // The run laid out in time (issue 14): closed until opened.
            <Show when=move || { stage.get() >= 4 && !embed }>
                <section class="timeviews chrome">
                    <spacetime::SpaceTime ui=ui />
                    <history::ClientHistory ui=ui />
                </section>
            </Show>
            {embed.then(|| view! { <embed::EmbedFooter ui=ui /> })}
            <div class="sr-only" aria-live="polite" data-testid="announcer">{move || ui.announce.get()}</div>
            <HelpOverlay ui=ui />
            <TourMenu ui=ui />
        </div>
    }
}
