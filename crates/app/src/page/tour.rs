//! Guided tours: the menu that starts one, and the card that narrates the
//! current stop, shows what its script did (checks marked ✓ or ✗) and
//! moves between stops.

use leptos::prelude::*;
use raftlab_core::Micros;
use raftlab_sim::tour::{stop_durations, Phase, Tour};

use super::dialog::{trap_tab, use_modal_focus};
use crate::driver::{Ui, TOUR_SPEED};
use crate::i18n::{Lang, K};
use crate::view_model::tour::{
    buttons, done_line, length_line, menu_groups, minutes, narration, outcome_rows, progress,
    topic_name, topic_slug, RowStatus,
};

/// The list of tours, in a dialog, grouped by topic in course order; each
/// entry says how many stops it has and about how long it takes.
#[component]
pub fn TourMenu(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    // Each stop's simulated time, found by playing the tours once (a few
    // milliseconds), the first time the menu opens.
    let durations: StoredValue<Option<Vec<Option<Vec<Micros>>>>> = StoredValue::new(None);
    let dialog = NodeRef::<leptos::html::Div>::new();
    use_modal_focus(move || ui.tour_menu_open.get(), dialog);
    move || {
        if !ui.tour_menu_open.get() {
            return ().into_any();
        }
        let lang = lang.get();
        let t = |k| lang.t(k);
        let close = move |_| ui.tour_menu_open.set(false);
        if durations.with_value(Option::is_none) {
            // Only once the tours have been fetched (the page loads them
            // when the menu first opens).
            let found = ui.tours.with(|tours| match tours {
                Some(Ok(tours)) => Some(tours.iter().map(|t| stop_durations(t).ok()).collect()),
                Some(Err(_)) => Some(Vec::new()),
                None => None,
            });
            durations.set_value(found);
        }
        let entry = move |i: usize, tour: &Tour| {
            let title = tour.title(lang.tag()).to_string();
            let min = durations.with_value(|d| {
                let d = d.as_ref()?.get(i)?.as_ref()?;
                Some(minutes(tour, d, lang, TOUR_SPEED))
            });
            let length = length_line(lang, tour.stops.len(), min);
            view! {
                <li>
                    <button class="tour-pick" data-testid=format!("tour-start-{}", tour.id)
                        on:click=move |_| ui.start_tour(i)>
                        <span class="tour-num">{i + 1}</span>
                        <span class="tour-title">{title}</span>
                        <span class="tour-stops" data-testid=format!("tour-length-{}", tour.id)>{length}</span>
                    </button>
                </li>
            }
        };
        let list = ui.tours.with(|tours| match tours {
            None => {
                view! { <li class="loading" data-testid="tour-loading">{t(K::TourLoading)}</li> }
                    .into_any()
            }
            Some(Ok(tours)) => menu_groups(tours)
                .into_iter()
                .map(|(topic, members)| {
                    let slug = topic_slug(topic);
                    view! {
                        <li class="tour-topic" data-testid=format!("tour-topic-{slug}")>
                            <h3 id=format!("tour-topic-{slug}")>{topic_name(lang, topic)}</h3>
                            <ol class="tour-list" aria-labelledby=format!("tour-topic-{slug}")>
                                {members.into_iter().map(|i| entry(i, &tours[i])).collect_view()}
                            </ol>
                        </li>
                    }
                })
                .collect_view()
                .into_any(),
            Some(Err(e)) => {
                view! { <li class="bad">{lang.f(K::TourLoadFailed, &[("reason", e)])}</li> }
                    .into_any()
            }
        });
        view! {
            <div class="overlay" data-testid="tour-menu" role="dialog" aria-modal="true" aria-labelledby="tour-menu-h"
                node_ref=dialog on:keydown=move |ev| trap_tab(&ev, dialog)
                on:click=close>
                <div class="dialog tour-menu" on:click=|ev| ev.stop_propagation()>
                    <h2 id="tour-menu-h">{t(K::TourMenuHeading)}</h2>
                    <p>{t(K::TourMenuIntro)}</p>
                    <ol class="tour-topics">{list}</ol>
                    <button class="close-help" data-testid="tour-menu-close" on:click=close>{t(K::Close)}</button>
                </div>
            </div>
        }
        .into_any()
    }
}

/// The current stop of the tour in progress. The card is rebuilt only when
/// the stop (or the language) changes; the outcomes and the buttons update
/// in place, so keyboard focus survives the run.
#[component]
pub fn TourCard(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let at = Memo::new(move |_| ui.tour.with(|t| t.as_ref().map(|t| (t.tour, t.stop))));
    let phase = Memo::new(move |_| ui.tour.with(|t| t.as_ref().map(|t| t.phase)));
    // The tour's length in minutes, found once per tour (by playing it, a
    // few milliseconds), so the card says how long the whole tour takes.
    let length: StoredValue<Option<(usize, Lang, Option<u64>)>> = StoredValue::new(None);
    move || {
        let (index, stop) = at.get()?;
        let lang = lang.get();
        let t = move |k| lang.t(k);
        let (title, stops, say, min) = ui.tours.with(|tours| {
            let tour = tours.as_ref()?.as_ref().ok()?.get(index)?;
            let min = match length.get_value() {
                Some((i, l, min)) if i == index && l == lang => min,
                _ => {
                    let min = stop_durations(tour)
                        .ok()
                        .map(|d| minutes(tour, &d, lang, TOUR_SPEED));
                    length.set_value(Some((index, lang, min)));
                    min
                }
            };
            Some((
                tour.title(lang.tag()).to_string(),
                tour.stops.len(),
                narration(tour, stop, lang),
                min,
            ))
        })?;
        let shown = move |which: fn((bool, bool, bool)) -> bool| {
            phase.get().map(buttons).is_some_and(which)
        };
        let phase_name = move || match phase.get() {
            Some(Phase::Running) => "running",
            Some(Phase::AtRest) => "rest",
            _ => "finished",
        };
        let rows = move || {
            let rows = ui
                .tour
                .with(|s| s.as_ref().map(|s| outcome_rows(&s.outcomes, lang)))
                .unwrap_or_default();
            rows.into_iter()
                .map(|r| {
                    let (class, mark) = r.status.class_and_mark();
                    let testid = match r.status {
                        RowStatus::Holds => "tour-check-ok",
                        RowStatus::Failed => "tour-check-failed",
                        RowStatus::Did => "tour-did",
                    };
                    view! {
                        <li class=class data-testid=testid>
                            <span class="tour-mark" aria-hidden="true">{mark}</span>
                            <code>{r.code}</code>
                            {(!r.result.is_empty()).then(|| view! { <span class="result">{r.result}</span> })}
                        </li>
                    }
                })
                .collect_view()
        };
        Some(view! {
            <section class="panel tour-card" data-testid="tour-card" data-stop=stop data-phase=phase_name aria-labelledby="tour-h">
                <header class="tour-head">
                    <h2 id="tour-h">{title}</h2>
                    <span class="tour-progress" data-testid="tour-progress">{progress(lang, stop, stops)}</span>
                    <button class="tour-close" data-testid="tour-end" title=t(K::TourEnd) aria-label=t(K::TourEnd)
                        on:click=move |_| ui.end_tour()>"✕"</button>
                </header>
                <p class="tour-length" data-testid="tour-card-length">{length_line(lang, stops, min)}</p>
                <ol class="tour-dots" aria-hidden="true">
                    {(0..stops).map(|i| {
                        let class = if i < stop { "dot past" } else if i == stop { "dot now" } else { "dot" };
                        view! { <li class=class></li> }
                    }).collect_view()}
                </ol>
                <div class="tour-say" data-testid="tour-say" aria-live="polite">
                    {say.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                </div>
                <ul class="tour-outcomes" data-testid="tour-outcomes" aria-label=t(K::TourScript)>{rows}</ul>
                <Show when=move || shown(|b| b.2)>
                    <p class="tour-done" data-testid="tour-done">
                        {Memo::new(move |_| ui.snapshot.with(|s| done_line(lang, s.violation.as_ref())))}
                    </p>
                </Show>
                <div class="tour-nav">
                    <button data-testid="tour-back" disabled=stop == 0
                        on:click=move |_| ui.tour_go(stop.saturating_sub(1))>{format!("← {}", t(K::TourBack))}</button>
                    <button data-testid="tour-replay" title=t(K::TourReplay) aria-label=t(K::TourReplay)
                        on:click=move |_| ui.tour_go(stop)>"↺"</button>
                    <Show when=move || shown(|b| b.0)>
                        <span class="tour-running" role="status">{t(K::TourRunning)}</span>
                        <button data-testid="tour-skip" title=t(K::TourSkip) aria-label=t(K::TourSkip)
                            on:click=move |_| ui.tour_skip()>{format!("{} »", t(K::TourSkipShort))}</button>
                    </Show>
                    <Show when=move || shown(|b| b.1)>
                        <button class="primary" data-testid="tour-next" aria-keyshortcuts="n"
                            on:click=move |_| ui.tour_go(stop + 1)>{format!("{} →", t(K::TourNext))}</button>
                    </Show>
                    <Show when=move || shown(|b| b.2)>
                        <button class="primary" data-testid="tour-finish" on:click=move |_| ui.end_tour()>{t(K::TourEnd)}</button>
                    </Show>
                </div>
            </section>
        })
    }
}
