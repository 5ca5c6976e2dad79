//! Small pieces around the main panels: the checker badge, the legend, the
//! help overlay, the error banners.

use leptos::prelude::*;
use raftlab_core::MessageKind;
use raftlab_sim::invariants::Invariant;

use super::dialog::{trap_tab, use_modal_focus};
use crate::driver::Ui;
use crate::i18n::{Lang, K};
use crate::view_model::message::{glyph, kind_name, Shape};
use crate::view_model::params::ParamError;
use crate::view_model::words;

/// Green with the invariants that hold, red with the violation, or plain
/// when the linearizability checker could not decide (neither).
#[component]
pub fn CheckerBadge(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let state = Memo::new(move |_| {
        ui.snapshot.with(|s| {
            (
                s.invariants.clone(),
                s.violation.clone(),
                s.linearizability_undecided.clone(),
            )
        })
    });
    move || {
        let lang = lang.get();
        let (names, violation, undecided) = state.get();
        match (violation, undecided) {
            (None, Some(u)) => {
                let holding = names.len().saturating_sub(1);
                let items = names
                    .into_iter()
                    .map(|n| {
                        let name = words::invariant_name(lang, n);
                        if n == Invariant::Linearizability {
                            lang.f(K::CheckerUndecidedItem, &[("name", &name)])
                        } else {
                            format!("✓ {name}")
                        }
                    })
                    .map(|line| view! { <li>{line}</li> })
                    .collect_view();
                view! {
                    <details class="checker undecided" data-testid="checker-badge" data-state="undecided" data-explain=lang.t(K::ExplainChecker)>
                        <summary>{lang.f(K::CheckerUndecided, &[("n", &holding)])}</summary>
                        <ul>{items}</ul>
                        <p data-testid="undecided-message">{words::undecided_detail(lang, &u)}</p>
                    </details>
                }
                .into_any()
            }
            (None, None) => view! {
                <details class="checker ok" data-testid="checker-badge" data-state="ok" data-explain=lang.t(K::ExplainChecker)>
                    <summary>{lang.f(K::CheckerOk, &[("n", &names.len())])}</summary>
                    <ul>{names.into_iter().map(|n| view! { <li>"✓ " {words::invariant_name(lang, n)}</li> }).collect_view()}</ul>
                </details>
            }
            .into_any(),
            (Some(v), _) => {
                let at = v.at;
                view! {
                    <details class="checker bad" data-testid="checker-badge" data-state="violated" open>
                        <summary>{lang.f(K::CheckerBad, &[("name", &words::invariant_name(lang, v.invariant))])}</summary>
                        <p data-testid="violation-message">{words::violation_detail(lang, &v.detail)}</p>
                        <p>{lang.f(K::ViolationWhen, &[("t", &format!("{:.3}", at.0 as f64 / 1e6)), ("event", &v.event)])}</p>
                        <button data-testid="jump-to-violation" on:click=move |_| {
                            ui.set_playing(false);
                            ui.seek(at);
                        }>{lang.t(K::CheckerJump)}</button>
                    </details>
                }
                .into_any()
            }
        }
    }
}

/// A small drawing of a message glyph for the legend.
fn glyph_svg(kind: MessageKind, ok: Option<bool>) -> impl IntoView {
    let g = glyph(kind, ok, 2);
    let shape = match g.shape {
        Shape::Dot => view! { <circle class="shape" cx="14" cy="14" r="5"></circle> }.into_any(),
        Shape::Pill => {
            view! { <rect class="shape" x="3" y="6" width="22" height="16" rx="8"></rect> }
                .into_any()
        }
        Shape::Diamond => {
            view! { <polygon class="shape" points="14,4 24,14 14,24 4,14"></polygon> }.into_any()
        }
        Shape::Square => {
            view! { <rect class="shape" x="6" y="6" width="16" height="16"></rect> }.into_any()
        }
        Shape::Triangle => {
            view! { <polygon class="shape" points="14,4 24,22 4,22"></polygon> }.into_any()
        }
        Shape::Reply => view! { <circle class="shape" cx="14" cy="14" r="8"></circle> }.into_any(),
    };
    view! {
        <svg class="legend-glyph" viewBox="0 0 28 28" width="28" height="28" aria-hidden="true">
            <g class=format!("msg {}", g.class)>
                {shape}
                <text class="glyph" x="14" y="14" text-anchor="middle" dominant-baseline="central">{g.text}</text>
            </g>
        </svg>
    }
}

fn role_svg(class: &'static str, crown: bool) -> impl IntoView {
    view! {
        <svg class="legend-glyph" viewBox="0 0 40 40" width="34" height="34" aria-hidden="true">
            <g class=format!("node {class} status-up")>
                <circle class="body" cx="20" cy="22" r="13"></circle>
                <circle class="leader-ring" cx="20" cy="22" r="9"></circle>
                {crown.then(|| view! { <text class="crown" x="20" y="8" text-anchor="middle">"★"</text> })}
            </g>
        </svg>
    }
}

/// Every symbol the page draws, explained.
#[component]
pub fn Legend(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    move || {
        let lang: Lang = lang.get();
        let t = |k| lang.t(k);
        let kinds = [
            (MessageKind::PreVote, None),
            (MessageKind::RequestVote, None),
            (MessageKind::RequestVoteResponse, Some(true)),
            (MessageKind::RequestVoteResponse, Some(false)),
            (MessageKind::Heartbeat, None),
            (MessageKind::AppendEntries, None),
            (MessageKind::AppendEntriesResponse, Some(true)),
            (MessageKind::AppendEntriesResponse, Some(false)),
            (MessageKind::InstallSnapshot, None),
            (MessageKind::TimeoutNow, None),
        ];
        let msgs = kinds
            .into_iter()
            .map(|(k, ok)| {
                let suffix = match ok {
                    Some(true) => format!(" — {}", t(K::Granted)),
                    Some(false) => format!(" — {}", t(K::Denied)),
                    None => String::new(),
                };
                view! { <li>{glyph_svg(k, ok)} <span>{format!("{}{}", kind_name(lang, k), suffix)}</span></li> }
            })
            .collect_view();
        view! {
            <details class="panel legend" data-testid="legend" open>
                <summary><h2>{t(K::LegendHeading)}</h2></summary>
                <ul class="legend-list">
                    <li>{role_svg("role-follower", false)} <span>{t(K::RoleFollower)}</span></li>
                    <li>{role_svg("role-precandidate", false)} <span>{t(K::RolePreCandidate)}</span></li>
                    <li>{role_svg("role-candidate", false)} <span>{t(K::RoleCandidate)}</span></li>
                    <li>{role_svg("role-leader", true)} <span>{t(K::RoleLeader)}</span></li>
                    <li>
                        <svg class="legend-glyph" viewBox="0 0 40 40" width="34" height="34" aria-hidden="true">
                            <g class="node role-follower status-crashed">
                                <circle class="body" cx="20" cy="20" r="13"></circle>
                                <text class="crash-mark" x="20" y="26" text-anchor="middle">"✕"</text>
                            </g>
                        </svg>
                        <span>{t(K::StatusCrashed)}</span>
                    </li>
                    <li>
                        <svg class="legend-glyph" viewBox="0 0 40 40" width="34" height="34" aria-hidden="true">
                            <g class="node role-follower status-up">
                                <circle class="timer-track" cx="20" cy="20" r="16"></circle>
                                <circle class="timer-arc" cx="20" cy="20" r="16" stroke-dasharray="60 200" transform="rotate(-90 20 20)"></circle>
                                <circle class="body" cx="20" cy="20" r="11"></circle>
                            </g>
                        </svg>
                        <span>{t(K::LegendTimer)}</span>
                    </li>
                    {msgs}
                    <li>
                        <svg class="legend-glyph" viewBox="0 0 28 28" width="28" height="28" aria-hidden="true">
                            <g class="drop"><circle cx="14" cy="14" r="9"></circle><text x="14" y="14" text-anchor="middle" dominant-baseline="central">"✕"</text></g>
                        </svg>
                        <span>{t(K::Dropped)}</span>
                    </li>
                    <li>
                        <svg class="legend-glyph" viewBox="0 0 40 28" width="40" height="28" aria-hidden="true">
                            <line class="lane cut" x1="2" y1="14" x2="16" y2="14"></line>
                            <line class="lane cut" x1="24" y1="14" x2="38" y2="14"></line>
                        </svg>
                        <span>{t(K::LegendCut)}</span>
                    </li>
                    <li><span class="cell entry term-c1 committed sample">"T1"</span> <span>{t(K::LogCommitted)}</span></li>
                    <li><span class="cell entry term-c1 uncommitted sample">"T1"</span> <span>{t(K::LogUncommitted)}</span></li>
                    <li><span class="cell compacted sample">"▦"</span> <span>{t(K::FieldSnapshot)}</span></li>
                    <li><span class="mark-next sample">{t(K::LogNext)}</span> <span>{t(K::LogNextTitle)}</span></li>
                    <li><span class="mark-match sample">{t(K::LogMatch)}</span> <span>{t(K::LogMatchTitle)}</span></li>
                </ul>
            </details>
        }
    }
}

/// The `?` overlay: what this is and the keyboard shortcuts.
#[component]
pub fn HelpOverlay(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let dialog = NodeRef::<leptos::html::Div>::new();
    use_modal_focus(move || ui.help_open.get(), dialog);
    move || {
        if !ui.help_open.get() {
            return ().into_any();
        }
        let lang = lang.get();
        let t = |k| lang.t(k);
        let keys = [
            ("Space", K::KeySpace),
            (".", K::KeyDot),
            ("← →", K::KeyArrows),
            ("1–9", K::KeyDigits),
            ("c", K::KeyC),
            ("p", K::KeyP),
            ("t", K::KeyT),
            ("l", K::KeyL),
            ("g", K::KeyG),
            ("+ −", K::KeyPlusMinus),
            ("Esc", K::KeyEsc),
            ("?", K::KeyQuestion),
            ("n", K::KeyN),
        ];
        view! {
            <div class="overlay" data-testid="help-overlay" role="dialog" aria-modal="true" aria-labelledby="help-h"
                node_ref=dialog on:keydown=move |ev| trap_tab(&ev, dialog)
                on:click=move |_| ui.help_open.set(false)>
                <div class="dialog" on:click=|ev| ev.stop_propagation()>
                    <h2 id="help-h">{t(K::HelpHeading)}</h2>
                    <p>{t(K::HelpIntro)}</p>
                    <h3>{t(K::HelpKeys)}</h3>
                    <table class="keys">
                        <tbody>
                            {keys.into_iter().map(|(k, d)| view! { <tr><th scope="row"><kbd>{k}</kbd></th><td>{t(d)}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                    <button class="close-help" data-testid="help-close" on:click=move |_| ui.help_open.set(false)>{t(K::Close)}</button>
                </div>
            </div>
        }
        .into_any()
    }
}

/// Ignored address parameters, with a link to the default page.
#[component]
pub fn ParamBanner(ui: Ui, errors: Vec<ParamError>) -> impl IntoView {
    let lang = ui.lang;
    (!errors.is_empty()).then(move || {
        let path = window()
            .location()
            .pathname()
            .unwrap_or_else(|_| "/".into());
        view! {
            <div class="banner warn" role="alert" data-testid="param-error">
                <strong>{move || lang.get().t(K::ParamBanner)}</strong>
                <ul>
                    {errors
                        .iter()
                        .map(|e| {
                            let e = e.clone();
                            view! { <li>{move || e.describe(lang.get())}</li> }
                        })
                        .collect_view()}
                </ul>
                <a href=path data-testid="param-reset">{move || lang.get().t(K::ParamReset)}</a>
            </div>
        }
    })
}

/// The last refused action.
#[component]
pub fn ErrorBanner(ui: Ui) -> impl IntoView {
    move || {
        ui.error.get().map(|e| {
            view! {
                <div class="banner error" role="alert" data-testid="action-error">
                    <span>{move || {
                        let lang = ui.lang.get();
                        lang.f(K::ActionFailed, &[("reason", &words::sim_error(lang, &e))])
                    }}</span>
                    <button aria-label=move || ui.lang.get().t(K::Close) on:click=move |_| ui.error.set(None)>"×"</button>
                </div>
            }
        })
    }
}
