//! A lost message: a dashed ✕ fading out where the message vanished, with
//! the reason as its tooltip.

use leptos::prelude::*;

use super::svg::num;
use crate::view_model::message::DropView;

/// One lost message, as `drop_views` placed and faded it this frame.
#[component]
pub fn LostMessage(drop: DropView) -> impl IntoView {
    view! {
        <g
            class="drop"
            data-testid="dropped-message"
            transform=format!("translate({} {})", num(drop.at.x), num(drop.at.y))
            opacity=format!("{:.2}", drop.opacity)
        >
            <title>{drop.reason}</title>
            <circle r="9"></circle>
            <text text-anchor="middle" dominant-baseline="central">"✕"</text>
        </g>
    }
}
