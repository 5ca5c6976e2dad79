//! One direction of a link: its lane (in two pieces when cut) and a wider
//! invisible line that is easier to click.

use leptos::prelude::*;

use super::svg::num;
use crate::driver::{Selection, Ui};
use crate::i18n::{Lang, K};
use crate::view_model::layout::{cut_pieces, LaneView};

/// A lane from `lane.from` to `lane.to`, named in `lang`; clicking it
/// selects the link.
#[component]
pub fn Link(lane: LaneView, lang: Lang, ui: Ui) -> impl IntoView {
    let (from, to) = (lane.from, lane.to);
    let pair = if from < to { (from, to) } else { (to, from) };
    let select = move || ui.selection.set(Selection::Link(pair.0, pair.1));
    let cut_suffix = if lane.cut {
        lang.t(K::LinkCutSuffix)
    } else {
        ""
    };
    let aria = lang.f(
        K::LinkAria,
        &[("from", &from), ("to", &to), ("cut", &cut_suffix)],
    );
    let testid = format!("link-{from}-{to}");
    let drawn = if lane.cut {
        let [(a1, b1), (a2, b2)] = cut_pieces(lane.a, lane.b);
        view! {
            <line class="lane cut" x1=num(a1.x) y1=num(a1.y) x2=num(b1.x) y2=num(b1.y)></line>
            <line class="lane cut" x1=num(a2.x) y1=num(a2.y) x2=num(b2.x) y2=num(b2.y)></line>
        }
        .into_any()
    } else {
        view! { <line class="lane" x1=num(lane.a.x) y1=num(lane.a.y) x2=num(lane.b.x) y2=num(lane.b.y)></line> }
            .into_any()
    };
    view! {
        <g
            class="link"
            data-testid=testid
            role="button"
            aria-label=aria
            on:click=move |_| select()
        >
            {drawn}
            <line class="lane-hit" x1=num(lane.a.x) y1=num(lane.a.y) x2=num(lane.b.x) y2=num(lane.b.y)></line>
        </g>
    }
}
