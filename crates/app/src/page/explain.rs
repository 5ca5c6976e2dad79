//! Words explained where they stand: any element with a `data-explain`
//! attribute shows it in a small bubble on hover, on keyboard focus and on
//! a tap; on a touch screen a tap also shows an element's `title` (which a
//! mouse shows by itself). And the first-visit hint: what the page shows,
//! once, until dismissed.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::driver::Ui;
use crate::i18n::K;

/// The id the bubble carries, for `aria-describedby`.
const TIP_ID: &str = "explain-tip";
/// The bubble's widest, in CSS pixels (matches `.explain-tip` in layout.css).
const TIP_WIDTH: f64 = 320.0;

/// A bubble shown: its text and where it stands (CSS pixels from the
/// viewport's left, and from its top or, when `above`, its bottom).
#[derive(Clone, Debug, PartialEq)]
struct Tip {
    text: String,
    left: f64,
    edge: f64,
    above: bool,
}

fn element_of(target: Option<web_sys::EventTarget>) -> Option<Element> {
    target?.dyn_into::<Element>().ok()
}

/// The bubble for `el` (which has `attr`), placed under it, or above it
/// near the bottom of the screen.
fn tip_for(el: &Element, attr: &str) -> Option<Tip> {
    let text = el.get_attribute(attr).filter(|t| !t.trim().is_empty())?;
    let r = el.get_bounding_client_rect();
    let w = window();
    let vw = w.inner_width().ok()?.as_f64()?;
    let vh = w.inner_height().ok()?.as_f64()?;
    let left = r.left().min(vw - TIP_WIDTH - 8.0).max(8.0);
    let above = r.bottom() + 140.0 > vh && r.top() > 140.0;
    let edge = if above {
        vh - r.top() + 6.0
    } else {
        r.bottom() + 6.0
    };
    Some(Tip {
        text,
        left,
        edge,
        above,
    })
}

/// The bubble, and the listeners that show and hide it.
#[component]
pub fn Explainer() -> impl IntoView {
    let tip = RwSignal::new(None::<Tip>);
    let described = StoredValue::new_local(None::<Element>);
    let clear = move || {
        tip.set(None);
        if let Some(el) = described.get_value() {
            let _ = el.remove_attribute("aria-describedby");
        }
        described.set_value(None);
    };
    let over = window_event_listener(leptos::ev::pointerover, move |ev| {
        if ev.pointer_type() == "touch" {
            return;
        }
        let hit = element_of(ev.target()).and_then(|e| e.closest("[data-explain]").ok().flatten());
        match hit {
            Some(el) => tip.set(tip_for(&el, "data-explain")),
            None => tip.set(None),
        }
    });
    let down = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if ev.pointer_type() != "touch" && ev.pointer_type() != "pen" {
            return;
        }
        let el = element_of(ev.target());
        let hit = el
            .as_ref()
            .and_then(|e| e.closest("[data-explain]").ok().flatten())
            .map(|e| (e, "data-explain"))
            .or_else(|| {
                el.as_ref()
                    .and_then(|e| e.closest("[title]").ok().flatten())
                    .map(|e| (e, "title"))
            });
        // A tap's bubble replaces one that focus showed, and outlives the
        // focus moving on.
        clear();
        tip.set(hit.and_then(|(e, attr)| tip_for(&e, attr)));
    });
    let focus = window_event_listener(leptos::ev::focusin, move |ev| {
        let Some(el) =
            element_of(ev.target()).and_then(|e| e.closest("[data-explain]").ok().flatten())
        else {
            return;
        };
        if let Some(t) = tip_for(&el, "data-explain") {
            clear();
            let _ = el.set_attribute("aria-describedby", TIP_ID);
            described.set_value(Some(el));
            tip.set(Some(t));
        }
    });
    // Only a bubble that focus showed goes with the focus (a tap moves focus
    // away from whatever had it, after showing its own bubble).
    let blur = window_event_listener(leptos::ev::focusout, move |_| {
        if described.with_value(Option::is_some) {
            clear();
        }
    });
    let key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            clear();
        }
    });
    let scroll = window_event_listener(leptos::ev::scroll, move |_| {
        if tip.with_untracked(Option::is_some) {
            clear();
        }
    });
    on_cleanup(move || {
        over.remove();
        down.remove();
        focus.remove();
        blur.remove();
        key.remove();
        scroll.remove();
    });
    move || {
        tip.get().map(|t| {
            let style = if t.above {
                format!("left:{:.0}px;bottom:{:.0}px", t.left, t.edge)
            } else {
                format!("left:{:.0}px;top:{:.0}px", t.left, t.edge)
            };
            view! {
                <div class="explain-tip" id=TIP_ID role="tooltip" data-testid="explain-tip" style=style>
                    {t.text}
                </div>
            }
        })
    }
}

/// The key under which the hint's dismissal is remembered.
pub(crate) const HINT_KEY: &str = "raftlab.hint";

/// Whether the first-visit hint shows: `forced` (`hint=0|1` in the
/// address) decides; otherwise never in an embed or under automation, and
/// only until dismissed once.
fn hint_wanted(forced: Option<bool>, embed: bool) -> bool {
    if let Some(f) = forced {
        return f;
    }
    // `navigator.webdriver`: true under Playwright (web-sys lacks the getter).
    let automated = js_sys::Reflect::get(&window().navigator(), &"webdriver".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if embed || automated {
        return false;
    }
    let seen = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(HINT_KEY).ok().flatten());
    seen.is_none()
}

/// "What am I looking at?": a short card over the drawing on a first
/// visit, with the first tour one click away.
#[component]
pub fn FirstVisitHint(ui: Ui, forced: Option<bool>, embed: bool) -> impl IntoView {
    let open = RwSignal::new(hint_wanted(forced, embed));
    let dismiss = move || {
        open.set(false);
        if let Some(s) = window().local_storage().ok().flatten() {
            let _ = s.set_item(HINT_KEY, "seen");
        }
    };
    // A tour started from anywhere answers the question too.
    Effect::new(move |_| {
        if ui.tour.with(Option::is_some) && open.get_untracked() {
            dismiss();
        }
    });
    let t = move |k| ui.lang.get().t(k);
    move || {
        open.get().then(|| {
            view! {
                <aside class="first-hint" data-testid="first-hint" aria-labelledby="first-hint-h">
                    <h2 id="first-hint-h">{move || t(K::HintHeading)}</h2>
                    <p>{move || t(K::HintBody)}</p>
                    <div class="menu">
                        <button class="primary" data-testid="first-hint-tour" on:click=move |_| {
                            dismiss();
                            ui.start_first_tour();
                        }>{move || t(K::HintTour)} " →"</button>
                        <button data-testid="first-hint-dismiss" on:click=move |_| dismiss()>{move || t(K::HintDismiss)}</button>
                    </div>
                </aside>
            }
        })
    }
}
