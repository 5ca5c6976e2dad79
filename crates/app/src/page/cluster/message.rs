//! A message in flight: its glyph (shape, colour, text) moving along its
//! lane. Pressing on it picks it, and the run stays paused to act on it.

use leptos::prelude::*;
use raftlab_sim::MsgId;

use super::svg::{num, on_activate};
use crate::driver::{Selection, Ui};
use crate::view_model::message::{MessageView, Shape};

/// The outline of a glyph, centred on the origin.
fn outline(shape: Shape) -> AnyView {
    match shape {
        Shape::Dot => view! { <circle class="shape" r="5"></circle> }.into_any(),
        Shape::Pill => {
            view! { <rect class="shape" x="-11" y="-8" width="22" height="16" rx="8"></rect> }
                .into_any()
        }
        Shape::Diamond => {
            view! { <polygon class="shape" points="0,-10 10,0 0,10 -10,0"></polygon> }.into_any()
        }
        Shape::Square => {
            view! { <rect class="shape" x="-8" y="-8" width="16" height="16"></rect> }.into_any()
        }
        Shape::Triangle => {
            view! { <polygon class="shape" points="0,-10 10,8 -10,8"></polygon> }.into_any()
        }
        Shape::Reply => view! { <circle class="shape" r="8"></circle> }.into_any(),
    }
}

/// Message `id` as `messages` has it. `frozen` is the drawing's held press:
/// picking a message ends it without resuming the run.
#[component]
pub fn MessageGlyph(
    id: MsgId,
    messages: Memo<Vec<MessageView>>,
    frozen: RwSignal<bool>,
    ui: Ui,
) -> impl IntoView {
    // Per frame only the position changes: `Copy` data, compared and
    // written without allocating beyond the transform itself. The classes
    // are rebuilt only when held or selected changes.
    let v = Memo::new(move |_| {
        messages.with(|ms| {
            ms.iter()
                .find(|m| m.id == id)
                .map(|m| (m.at, m.look, m.stack))
        })
    });
    let look = Memo::new(move |_| v.with(|v| v.map(|v| (v.1, v.2))));
    let Some(first) = messages.with_untracked(|ms| ms.iter().find(|m| m.id == id).cloned()) else {
        return ().into_any();
    };
    // Picking a message pauses the run, so it is still there to act on.
    let select = move || {
        frozen.set(false);
        ui.set_playing(false);
        ui.selection.set(Selection::Message(id));
    };
    view! {
        <g
            data-testid="message"
            data-kind=format!("{:?}", first.glyph.shape)
            class=move || look.with(|l| l.map(|(l, stack)| {
                // Hidden under another of its kind, which shows the count.
                if stack == 0 { l.class("msg stacked") } else { l.class("msg") }
            }).unwrap_or_default())
            transform=move || v.with(|m| m.map(|(at, _, _)| format!("translate({} {})", num(at.x), num(at.y))).unwrap_or_default())
            data-msg=id.to_string()
            aria-label=first.aria.clone()
            role="button"
            tabindex="0"
            on:pointerup=move |_| select()
            on:click=move |_| select()
            on:keydown=move |ev| {
                if on_activate(&ev) {
                    select()
                }
            }
        >
            <title>{first.aria.clone()}</title>
            <circle class="msg-hit" r="15"></circle>
            {outline(first.glyph.shape)}
            <text class="glyph" text-anchor="middle" dominant-baseline="central">{first.glyph.text.clone()}</text>
            <text class="stack-count" x="9" y="-8" aria-hidden="true">
                {move || look.with(|l| l.and_then(|(_, n)| (n > 1).then(|| format!("×{n}"))))}
            </text>
        </g>
    }
    .into_any()
}
