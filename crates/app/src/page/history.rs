//! The client history panel: draws `view_model::history` — a lane per
//! client, each operation a bar from call to answer with its attempts,
//! the live linearizability verdict and, when it fails, the operation
//! that cannot be placed, the end of the longest order that works and the
//! state the operation needed, each with "go there". Exports the run's
//! whole client history for Porcupine and Knossos/Elle.

use leptos::prelude::*;
use raftlab_core::Micros;
use raftlab_sim::history_export::{history_of, Format};

use crate::driver::{Pace, Ui};
use crate::i18n::K;
use crate::view_model::history::{
    client_name, explain, lanes, op_bars, summary, verdict, verdict_text, Blame, OpBar, Verdict,
};
use crate::view_model::spacetime::Window;

use super::download::download;

/// The window a new history panel shows (operations take tens of ms).
const HISTORY_SPAN: Micros = Micros::from_ms(1_200);
/// The same on a phone.
const HISTORY_SPAN_NARROW: Micros = Micros::from_ms(700);

/// The client history, closed until opened.
#[component]
pub fn ClientHistory(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    let open = RwSignal::new(false);
    let narrow = window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 640.0);
    let span = RwSignal::new(Window {
        length: if narrow {
            HISTORY_SPAN_NARROW
        } else {
            HISTORY_SPAN
        },
        back: Micros(0),
    });
    let export_error = RwSignal::new(None::<String>);
    // At reading pace, and only while open.
    let model = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        let w = span.get();
        Some(ui.glance(Pace::Lists).with(|s| {
            let (from, to) = w.range(s.now);
            let bars = op_bars(s);
            let v = verdict(s);
            (lanes(&bars, from, to), bars, v, from, to)
        }))
    });
    let seek = move |at: Micros| {
        ui.set_playing(false);
        ui.seek(at);
    };
    let bar_view = move |b: OpBar, from: Micros, to: Micros| {
        let l = lang.get_untracked();
        let len = to.0.saturating_sub(from.0).max(1) as f64;
        let pos = |t: Micros| (t.0.saturating_sub(from.0) as f64 / len * 100.0).clamp(0.0, 100.0);
        let left = pos(b.invoke);
        let right = pos(b.end_at.unwrap_or(to));
        let width = (right - left).max(0.8);
        let ticks = b
            .attempts
            .iter()
            .skip(1)
            .map(|(at, _)| {
                let x = ((pos(*at) - left) / width * 100.0).clamp(0.0, 100.0);
                view! { <span class="op-attempt" style=format!("left:{x:.2}%")></span> }
            })
            .collect_view();
        let target = b.seek_target();
        let number = match b.blame {
            Blame::Prefix(n) => format!("{n} "),
            _ => String::new(),
        };
        view! {
            <button type="button" class=b.class() data-testid="op-bar" data-op=b.id.0.to_string()
                data-seek-us=target.0.to_string()
                style=format!("left:{left:.2}%;width:{width:.2}%")
                title=b.title(l) aria-label=b.title(l)
                on:click=move |_| seek(target)>
                {ticks}
                <span class="op-text">{number}{b.text(l)}</span>
            </button>
        }
    };
    let export = move |format: Format, ext: &'static str| {
        export_error.set(None);
        let Some(trace) = ui.trace() else { return };
        match history_of(&trace) {
            Ok(h) => {
                let seed = trace.config.seed;
                let mime = if ext == "json" {
                    "application/json"
                } else {
                    "application/edn"
                };
                download(
                    &format!("raftlab-seed{seed}-history.{ext}"),
                    mime,
                    &format.write(&h),
                );
            }
            Err(e) => export_error.set(Some(e.to_string())),
        }
    };
    view! {
        <details class="panel client-history" data-testid="history-panel"
            on:toggle=move |ev| {
                use wasm_bindgen::JsCast;
                let is_open = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|d| d.has_attribute("open"));
                open.set(is_open);
            }>
            <summary data-testid="history-toggle"><h2>{move || t(K::HiHeading)}</h2></summary>
            <p class="help">{move || t(K::HiHelp)}</p>
            {move || model.with(|m| m.as_ref().map(|(_, _, v, _, _)| {
                let l = lang.get();
                let class = match v {
                    Verdict::Holds => "hi-verdict ok",
                    Verdict::Undecided(_) => "hi-verdict undecided",
                    Verdict::Violated { .. } => "hi-verdict bad",
                };
                let detail = match v {
                    Verdict::Violated { key, why } => {
                        let lines = explain(l, key, why)
                            .into_iter()
                            .map(|line| view! { <li>{line}</li> })
                            .collect_view();
                        Some(view! { <ul class="hi-why" data-testid="hi-why">{lines}</ul> })
                    }
                    _ => None,
                };
                view! {
                    <div class=class data-testid="hi-verdict" role="status">
                        <p>{verdict_text(l, v)}</p>
                        {detail}
                    </div>
                }
            }))}
            {move || model.with(|m| m.as_ref().and_then(|(_, bars, v, _, _)| {
                let Verdict::Violated { .. } = v else { return None };
                let l = lang.get();
                let mut named: Vec<&OpBar> = bars.iter().filter(|b| b.blame != Blame::None && b.blame != Blame::Concurrent).collect();
                named.sort_by_key(|b| match b.blame {
                    Blame::Blocked => 0,
                    Blame::Prefix(n) => n,
                    _ => usize::MAX,
                });
                let items = named
                    .into_iter()
                    .map(|b| {
                        let target = b.seek_target();
                        let testid = if b.blame == Blame::Blocked { "hi-seek-blocked" } else { "hi-seek-prefix" };
                        view! {
                            <li class=b.class()>
                                <button type="button" data-testid=testid on:click=move |_| seek(target)>
                                    {l.t(K::HiSeekHere)}
                                </button>
                                " " {b.title(l)}
                            </li>
                        }
                    })
                    .collect_view();
                Some(view! { <ol class="hi-named">{items}</ol> })
            }))}
            <div class="menu">
                <button type="button" data-testid="hi-zoom-in" on:click=move |_| span.update(|w| *w = w.zoom(0.8))>{move || format!("＋ {}", t(K::StZoomIn))}</button>
                <button type="button" data-testid="hi-zoom-out" on:click=move |_| span.update(|w| *w = w.zoom(1.25))>{move || format!("－ {}", t(K::StZoomOut))}</button>
                <span class="st-span-label">
                    {move || lang.get().f(K::StSpanLabel, &[("span", &format!("{:.2} s", span.get().length.0 as f64 / 1e6))])}
                </span>
            </div>
            <div class="hi-lanes" data-testid="history"
                data-to-us=move || model.with(|m| m.as_ref().map(|m| m.4 .0.to_string()))>
                {move || model.with(|m| m.as_ref().map(|(ls, _, _, from, to)| {
                    let l = lang.get();
                    if ls.is_empty() {
                        return view! { <p class="help">{l.t(K::HiEmpty)}</p> }.into_any();
                    }
                    let (from, to) = (*from, *to);
                    ls.iter()
                        .map(|lane| {
                            let bars = lane.bars.iter().cloned().map(|b| bar_view(b, from, to)).collect_view();
                            view! {
                                <div class="hi-lane" data-testid="hi-lane">
                                    <span class="hi-name">{client_name(l, lane.client)}</span>
                                    <div class="hi-track">{bars}</div>
                                </div>
                            }
                        })
                        .collect_view()
                        .into_any()
                }))}
            </div>
            <div class="menu">
                <button type="button" data-testid="hi-export-json" title=move || t(K::HiExportHelp)
                    on:click=move |_| export(Format::Porcupine, "json")>{move || t(K::HiExportJson)}</button>
                <button type="button" data-testid="hi-export-edn" title=move || t(K::HiExportHelp)
                    on:click=move |_| export(Format::Edn, "edn")>{move || t(K::HiExportEdn)}</button>
            </div>
            {move || export_error.get().map(|e| view! {
                <p class="form-error" role="alert">{lang.get().f(K::HiExportFailed, &[("reason", &e)])}</p>
            })}
            <p class="sr-only" data-testid="hi-summary">
                {move || model.with(|m| m.as_ref().map(|(ls, _, v, from, to)| summary(lang.get(), ls, v, *from, *to)).unwrap_or_default())}
            </p>
        </details>
    }
}
