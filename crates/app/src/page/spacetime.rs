//! The space-time diagram panel: lays out `view_model::spacetime::diagram`
//! and paints it on a canvas (`spacetime_canvas.rs`) at most once per
//! animation frame, only when what is in view changed; follows the
//! scrubber, seeks to a message on click, zooms and pans by wheel, drag
//! and keys, and saves itself as a standalone SVG (built as text from the
//! same view model).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use leptos::prelude::*;
use raftlab_sim::MsgId;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::driver::{Selection, Ui};
use crate::i18n::K;
use crate::view_model::spacetime::{
    block_at, diagram, nearest_arrow, placed_messages, seek_target, summary, Arrow, Diagram, Frame,
    Window, SPAN_DEFAULT, SPAN_NARROW,
};

use super::download::download;
use super::spacetime_canvas::{paint, Fit, Palette};

/// Least wall time between two redraws while the run plays: 10 a second,
/// the pace the text panels follow the world at (`GLANCE_EVERY_MS`). A
/// redraw of the busiest page's window (about 480 arrows) costs a few ms
/// of main-thread CPU without a GPU (`make bench-page PANELS=spacetime`),
/// too much for every frame beside the rest of the page.
const REDRAW_EVERY_MS: f64 = 100.0;

/// Narrower than this, time runs down the page.
const NARROW_PX: f64 = 640.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The diagram's own style, inside the SVG so a saved file looks the same
/// (page colours through CSS variables, with light-theme fallbacks).
const SVG_STYLE: &str = "<style>\
.st-lane{stroke:var(--lane,#b7c0d1);stroke-width:1}\
.st-name{font:600 11px sans-serif;fill:var(--fg,#1d2433)}\
.st-tick{font:10px sans-serif;fill:var(--muted,#4f586b)}\
.st-grid{stroke:var(--line,#c9d0de);stroke-width:.5;stroke-dasharray:2 3}\
.st-span{opacity:.85}.st-follower,.st-unknown{fill:none}\
.st-precandidate{fill:var(--precandidate,#8a5a00);opacity:.35}\
.st-candidate{fill:var(--candidate,#b4570a);opacity:.45}\
.st-leader{fill:var(--leader,#16803f);opacity:.45}\
.st-crashed{fill:var(--down,#8b93a3);opacity:.35}\
.st-paused{fill:none;stroke:var(--down,#8b93a3);stroke-dasharray:3 2}\
.st-term{font:bold 9px sans-serif;fill:var(--fg,#1d2433)}\
.msg-heartbeat{--c:var(--hb,#5b6478)}.msg-append{--c:var(--append,#2f6fde)}.msg-vote{--c:var(--vote,#b4570a)}.msg-prevote{--c:var(--prevote,#8a5a00)}.msg-ok{--c:var(--ok,#16803f)}.msg-no{--c:var(--bad,#c22a2a)}.msg-snapshot{--c:var(--snap,#6b46c1)}.msg-timeoutnow{--c:var(--bad,#c22a2a)}.st-arrows{stroke:var(--c);stroke-width:1.2;fill:none}.st-heads{fill:var(--c);stroke:none}.st-arrows.msg-heartbeat,.st-heads.msg-heartbeat{opacity:.55}.st-arrows.lost{stroke-dasharray:4 3}.st-arrows.flying{stroke-dasharray:1 2;stroke-width:2}.st-x{stroke:var(--bad,#c22a2a);stroke-width:1.6;fill:none}.st-sel{stroke:var(--focus,#7a3cff);stroke-width:3;fill:none}.st-sel-head{fill:var(--focus,#7a3cff)}.st-mark line{stroke-width:1.5}.st-mark text{font:12px sans-serif}\
.st-commit line{stroke:var(--ok,#16803f)}.st-commit text{fill:var(--ok,#16803f);font-size:8px}\
.st-fault line{stroke:var(--bad,#c22a2a);stroke-dasharray:3 2}.st-fault text{fill:var(--bad,#c22a2a)}\
.st-action line{stroke:var(--focus,#7a3cff);stroke-dasharray:3 2}.st-action text{fill:var(--focus,#7a3cff)}\
.st-now{stroke:var(--focus,#7a3cff);stroke-width:2}\
</style>";

/// A coordinate as whole SVG units (about a screen pixel): integers
/// format several times faster than decimals in wasm, and a file holds
/// thousands of them.
fn px(v: f64) -> i32 {
    v.round() as i32
}

/// An arrowhead at `a`'s end, as a closed triangle in a path.
fn head(out: &mut String, a: &Arrow) {
    let (dx, dy) = (a.x1 - a.x0, a.y1 - a.y0);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (a.x1 - 6.0 * ux, a.y1 - 6.0 * uy);
    let _ = write!(
        out,
        "M{} {}L{} {}L{} {}Z",
        px(a.x1),
        px(a.y1),
        px(bx - 2.5 * uy),
        px(by + 2.5 * ux),
        px(bx + 2.5 * uy),
        px(by - 2.5 * ux)
    );
}

/// The SVG's content for `d`: the saved file (the page paints the same
/// diagram on a canvas).
pub fn svg_body(d: &Diagram, with_style: bool) -> String {
    let mut s = String::with_capacity(256 * (d.arrows.len() + 16));
    if with_style {
        s.push_str(SVG_STYLE);
    }
    let Frame {
        width,
        height,
        vertical,
    } = d.frame;
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"var(--panel,#fff)\"/>"
    );
    for (t, label) in &d.ticks {
        if vertical {
            let _ = write!(
                s,
                "<line class=\"st-grid\" x1=\"0\" y1=\"{t:.1}\" x2=\"{width}\" y2=\"{t:.1}\"/>\
                 <text class=\"st-tick\" x=\"2\" y=\"{:.1}\">{}</text>",
                t - 2.0,
                esc(label)
            );
        } else {
            let _ = write!(
                s,
                "<line class=\"st-grid\" x1=\"{t:.1}\" y1=\"0\" x2=\"{t:.1}\" y2=\"{height}\"/>\
                 <text class=\"st-tick\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                t + 2.0,
                height - 3.0,
                esc(label)
            );
        }
    }
    for (node, l) in &d.lanes {
        let (x1, y1, x2, y2, tx, ty) = if vertical {
            (*l, 16.0, *l, height, *l - 6.0, 12.0)
        } else {
            (40.0, *l, width, *l, 2.0, *l + 4.0)
        };
        let _ = write!(
            s,
            "<line class=\"st-lane\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"/>\
             <text class=\"st-name\" x=\"{tx:.1}\" y=\"{ty:.1}\">{node}</text>"
        );
    }
    for b in &d.spans {
        let _ = write!(
            s,
            "<rect class=\"{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            b.class(),
            b.x,
            b.y,
            b.w,
            b.h,
            esc(&b.title)
        );
        if !b.text.is_empty() && (b.w.max(b.h)) > 14.0 {
            let _ = write!(
                s,
                "<text class=\"st-term\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                b.x + 2.0,
                b.y + b.h.min(10.0) - 1.0,
                esc(&b.text)
            );
        }
    }
    // One path per kind of arrow (and one for its heads), not an element
    // per arrow: hundreds of elements a frame cost the page its 60 fps.
    let mut groups: BTreeMap<(&str, bool, bool), (String, String)> = BTreeMap::new();
    let mut crosses = String::new();
    for a in &d.arrows {
        let (line, heads) = groups.entry((a.colour, a.lost, a.flying)).or_default();
        let _ = write!(line, "M{} {}L{} {}", px(a.x0), px(a.y0), px(a.x1), px(a.y1));
        if a.lost {
            let (x, y) = (a.x1, a.y1);
            let _ = write!(
                crosses,
                "M{} {}l6 6M{} {}l-6 6",
                px(x - 3.0),
                px(y - 3.0),
                px(x + 3.0),
                px(y - 3.0)
            );
        } else {
            head(heads, a);
        }
    }
    for ((colour, lost, flying), (line, heads)) in &groups {
        let extra = match (lost, flying) {
            (true, _) => " lost",
            (_, true) => " flying",
            _ => "",
        };
        let _ = write!(
            s,
            "<path class=\"st-arrows {colour}{extra}\" d=\"{line}\"/><path class=\"st-heads {colour}\" d=\"{heads}\"/>"
        );
    }
    if !crosses.is_empty() {
        let _ = write!(s, "<path class=\"st-x\" d=\"{crosses}\"/>");
    }
    if let Some(a) = d.arrows.iter().find(|a| a.selected) {
        let mut h = String::new();
        head(&mut h, a);
        let _ = write!(
            s,
            "<path class=\"st-sel\" data-testid=\"st-selected\" data-msg=\"{}\" d=\"M{:.1} {:.1}L{:.1} {:.1}\"/><path class=\"st-sel-head\" d=\"{h}\"/>",
            a.id.0, a.x0, a.y0, a.x1, a.y1
        );
    }
    for m in &d.marks {
        let _ = write!(
            s,
            "<g class=\"{}\"><title>{}</title><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></g>",
            m.class(),
            esc(&m.title),
            m.x,
            m.y,
            m.x + m.w,
            m.y + m.h,
            m.x + if vertical { m.w + 6.0 } else { 0.0 },
            m.y + if vertical { 4.0 } else { -2.0 },
            esc(&m.text)
        );
    }
    if let Some(t) = d.now_at {
        let (x1, y1, x2, y2) = if vertical {
            (0.0, t, width, t)
        } else {
            (t, 0.0, t, height)
        };
        let _ = write!(
            s,
            "<line class=\"st-now\" data-testid=\"st-now\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"/>"
        );
    }
    s
}

fn narrow() -> bool {
    window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < NARROW_PX)
}

fn frame_for(lanes: usize, vertical: bool) -> Frame {
    if vertical {
        Frame {
            width: 340.0,
            height: 560.0,
            vertical,
        }
    } else {
        Frame {
            width: 1000.0,
            height: (lanes as f64 * 34.0 + 40.0).clamp(120.0, 360.0),
            vertical,
        }
    }
}

/// Whether the page is in its dark colours (the palette is read again
/// when this changes).
fn prefers_dark() -> bool {
    window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|q| q.matches())
}

/// Where a pointer event falls in the diagram's units, and how many
/// units a screen pixel is (the frame fills the canvas's box).
fn diagram_point(
    ev: &web_sys::MouseEvent,
    canvas: &web_sys::HtmlCanvasElement,
    frame: Frame,
) -> Option<(f64, f64, f64)> {
    let r = canvas.get_bounding_client_rect();
    if r.width() <= 0.0 || r.height() <= 0.0 {
        return None;
    }
    let (ux, uy) = (frame.width / r.width(), frame.height / r.height());
    Some((
        (ev.client_x() as f64 - r.left()) * ux,
        (ev.client_y() as f64 - r.top()) * uy,
        ux.max(uy),
    ))
}

/// What a pointer is on: the nearest arrow within 6 screen pixels, else
/// a mark within 4 or the coloured span under it.
enum Under {
    Arrow(Arrow),
    Block(String),
}

fn under(
    ev: &web_sys::MouseEvent,
    canvas: &web_sys::HtmlCanvasElement,
    d: &Diagram,
) -> Option<Under> {
    let (x, y, unit) = diagram_point(ev, canvas, d.frame)?;
    if let Some(a) = nearest_arrow(d, x, y, 6.0 * unit) {
        return Some(Under::Arrow(a.clone()));
    }
    block_at(d, x, y, 4.0 * unit).map(|b| Under::Block(b.title.clone()))
}

/// The space-time diagram, closed until opened.
#[component]
pub fn SpaceTime(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let t = move |k| lang.get().t(k);
    let open = RwSignal::new(false);
    let vertical = RwSignal::new(narrow());
    let window_sig = RwSignal::new(Window {
        length: if vertical.get_untracked() {
            SPAN_NARROW
        } else {
            SPAN_DEFAULT
        },
        back: raftlab_core::Micros(0),
    });
    let hover = RwSignal::new(String::new());
    // The arrow the hover line names, if it names one.
    let hover_msg = RwSignal::new(None::<MsgId>);
    // Pointer drag: where it started (px), the window then, and whether
    // it moved far enough to be a drag rather than a click.
    let drag = StoredValue::new(None::<(f64, f64, Window, bool)>);
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    let scroller = NodeRef::<leptos::html::Div>::new();
    // The room across for the canvas (CSS px), from a ResizeObserver:
    // reading the width while painting could force a layout each frame.
    let room = RwSignal::new(0.0f64);
    // The diagram on the canvas now: hit tests, the keyboard, the summary
    // and the export all read this one.
    let drawn = RwSignal::new(None::<Diagram>);
    let palette = StoredValue::new_local(None::<(bool, Palette)>);
    let scheduled = StoredValue::new(false);
    let last_redraw = StoredValue::new(f64::NEG_INFINITY);
    // Lays the window out and paints it: once per animation frame at most,
    // however many changes asked for it.
    let paint_now = move || {
        // The frame may come after the panel left the page.
        let Some(is_open) = open.try_get_untracked() else {
            return;
        };
        scheduled.set_value(false);
        if !is_open {
            if drawn.with_untracked(Option::is_some) {
                drawn.set(None);
            }
            return;
        }
        last_redraw.set_value(window().performance().map(|p| p.now()).unwrap_or(0.0));
        let w = window_sig.get_untracked();
        let v = vertical.get_untracked();
        let sel = match ui.selection.get_untracked() {
            Selection::Message(id) => Some(id),
            _ => None,
        };
        let l = lang.get_untracked();
        let d = ui
            .snapshot
            .with_untracked(|s| diagram(s, w, frame_for(s.nodes.len(), v), sel, l));
        let across = room.get_untracked();
        if let (Some(canvas), true) = (canvas_ref.get_untracked(), across > 0.0) {
            // Time runs down a phone: keep the whole window on screen.
            let down = if v {
                window()
                    .inner_height()
                    .ok()
                    .and_then(|h| h.as_f64())
                    .map_or(f64::INFINITY, |h| 0.7 * h)
            } else {
                f64::INFINITY
            };
            let fit = Fit::new(&d, across, down, window().device_pixel_ratio());
            let dark = prefers_dark();
            if palette.with_value(|p| p.as_ref().is_none_or(|(was, _)| *was != dark)) {
                palette.set_value(Some((dark, Palette::read(&canvas))));
            }
            palette.with_value(|p| {
                if let Some((_, pal)) = p {
                    paint(&canvas, &d, fit, pal);
                }
            });
        }
        drawn.set(Some(d));
    };
    let schedule = move || {
        if !scheduled.get_value() {
            scheduled.set_value(true);
            request_animation_frame(paint_now);
        }
    };
    // The world moved: redrawn at most every REDRAW_EVERY_MS of wall time
    // while playing, at the next frame when paused or scrubbed.
    Effect::new(move |_| {
        ui.snapshot.track();
        let playing = ui.playing.get();
        if !open.get_untracked() {
            return;
        }
        let wall = window().performance().map(|p| p.now()).unwrap_or(0.0);
        if !playing || wall - last_redraw.get_value() >= REDRAW_EVERY_MS {
            schedule();
        }
    });
    // What is in view changed: redrawn at the next frame.
    Effect::new(move |_| {
        open.track();
        window_sig.track();
        vertical.track();
        ui.selection.track();
        lang.track();
        room.track();
        schedule();
    });
    // Follows the room the panel gives the canvas.
    let observer = StoredValue::new_local(None::<(web_sys::ResizeObserver, ResizeCallback)>);
    Effect::new(move |_| {
        let Some(el) = scroller.get() else { return };
        if observer.with_value(Option::is_some) {
            return;
        }
        let cb = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Ok(e) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                let w = e.content_rect().width();
                if (w - room.get_untracked()).abs() >= 0.5 {
                    room.set(w);
                }
            }
        });
        if let Ok(o) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
            o.observe(&el);
            observer.set_value(Some((o, cb)));
        }
    });
    on_cleanup(move || {
        observer.try_with_value(|o| {
            if let Some((o, _)) = o {
                o.disconnect();
            }
        });
    });
    let seek_to = move |id: MsgId| {
        let target = ui.snapshot.with_untracked(|s| {
            let w = window_sig.get_untracked();
            let (from, to) = w.range(s.now);
            placed_messages(s, from, to)
                .0
                .iter()
                .find(|p| p.id == id)
                .map(seek_target)
        });
        if let Some(at) = target {
            ui.set_playing(false);
            window_sig.update(|w| w.back = raftlab_core::Micros(0));
            ui.seek(at);
            ui.selection.set(Selection::Message(id));
        }
    };
    // Moves the selection to the previous (-1) or next (+1) arrow.
    let step_selection = move |dir: i64| {
        let ids: Vec<MsgId> = drawn.with_untracked(|d| {
            d.as_ref()
                .map(|d| d.arrows.iter().map(|a| a.id).collect())
                .unwrap_or_default()
        });
        if ids.is_empty() {
            return;
        }
        let cur = match ui.selection.get_untracked() {
            Selection::Message(id) => ids.iter().position(|x| *x == id),
            _ => None,
        };
        let i = match cur {
            Some(i) => (i as i64 + dir).clamp(0, ids.len() as i64 - 1) as usize,
            None if dir < 0 => ids.len() - 1,
            None => 0,
        };
        ui.selection.set(Selection::Message(ids[i]));
        let title = drawn.with_untracked(|d| {
            d.as_ref()
                .and_then(|d| d.arrows.get(i).map(|a| a.title(lang.get_untracked())))
                .unwrap_or_default()
        });
        hover.set(title);
        hover_msg.set(Some(ids[i]));
    };
    let now = move || ui.snapshot.with_untracked(|s| s.now);
    let zoom = move |f: f64| window_sig.update(|w| *w = w.zoom(f));
    let pan = move |f: f64| window_sig.update(|w| *w = w.pan(f, now()));
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let handled = match ev.key().as_str() {
            "+" | "=" => {
                zoom(0.8);
                true
            }
            "-" | "_" => {
                zoom(1.25);
                true
            }
            "ArrowLeft" => {
                pan(-0.2);
                true
            }
            "ArrowRight" => {
                pan(0.2);
                true
            }
            "End" => {
                window_sig.update(|w| w.back = raftlab_core::Micros(0));
                true
            }
            "[" => {
                step_selection(-1);
                true
            }
            "]" => {
                step_selection(1);
                true
            }
            "Enter" => {
                if let Selection::Message(id) = ui.selection.get_untracked() {
                    seek_to(id);
                }
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
            ev.stop_propagation();
        }
    };
    let export = move |_| {
        let body = drawn.with_untracked(|d| d.as_ref().map(|d| (svg_body(d, true), d.frame)));
        if let Some((body, f)) = body {
            let file = format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">{body}</svg>\n",
                w = f.width,
                h = f.height
            );
            let seed = ui.config.with_untracked(|c| c.seed);
            download(
                &format!("raftlab-seed{seed}-spacetime.svg"),
                "image/svg+xml",
                &file,
            );
        }
    };
    // What the canvas shows, for tests and tools (the picture itself has
    // no elements to ask): the frame, the selected arrow and the present.
    let shown =
        move |f: fn(&Diagram) -> Option<String>| move || drawn.with(|d| d.as_ref().and_then(f));
    view! {
        <details class="panel spacetime" data-testid="spacetime-panel"
            on:toggle=move |ev| {
                let is_open = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|d| d.has_attribute("open"));
                vertical.set(narrow());
                open.set(is_open);
            }>
            <summary data-testid="spacetime-toggle"><h2>{move || t(K::StHeading)}</h2></summary>
            <p class="help">{move || t(K::StHelp)}</p>
            <div class="menu st-tools">
                <button type="button" data-testid="st-zoom-in" on:click=move |_| zoom(0.8)>{move || format!("＋ {}", t(K::StZoomIn))}</button>
                <button type="button" data-testid="st-zoom-out" on:click=move |_| zoom(1.25)>{move || format!("－ {}", t(K::StZoomOut))}</button>
                <button type="button" data-testid="st-pan-back" on:click=move |_| pan(-0.5)>{move || format!("◀ {}", t(K::StPanBack))}</button>
                <button type="button" data-testid="st-pan-forward" on:click=move |_| pan(0.5)>{move || format!("{} ▶", t(K::StPanForward))}</button>
                <button type="button" data-testid="st-follow"
                    aria-pressed=move || (window_sig.get().back.0 == 0).to_string()
                    on:click=move |_| window_sig.update(|w| w.back = raftlab_core::Micros(0))>{move || t(K::StFollow)}</button>
                <button type="button" data-testid="st-export-svg" on:click=export>{move || t(K::StExportSvg)}</button>
                <span class="st-span-label" data-testid="st-span">
                    {move || lang.get().f(K::StSpanLabel, &[("span", &format!("{:.2} s", window_sig.get().length.0 as f64 / 1e6))])}
                </span>
            </div>
            <div class="st-scroll" data-testid="spacetime" tabindex="0" role="group" node_ref=scroller
                data-to-us=move || drawn.with(|d| d.as_ref().map(|d| d.range.1 .0.to_string()))
                data-from-us=move || drawn.with(|d| d.as_ref().map(|d| d.range.0 .0.to_string()))
                data-arrows=move || drawn.with(|d| d.as_ref().map(|d| d.arrows.len().to_string()))
                aria-label=move || t(K::StHeading)
                aria-describedby="st-summary"
                on:keydown=on_key
                on:wheel=move |ev: leptos::ev::WheelEvent| {
                    ev.prevent_default();
                    zoom(if ev.delta_y() > 0.0 { 1.25 } else { 0.8 });
                }
                on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                    drag.set_value(Some((ev.client_x() as f64, ev.client_y() as f64, window_sig.get_untracked(), false)));
                }
                on:pointermove=move |ev: leptos::ev::PointerEvent| {
                    let Some((x0, y0, w0, _)) = drag.get_value() else { return };
                    if ev.buttons() == 0 {
                        drag.set_value(None);
                        return;
                    }
                    let v = vertical.get_untracked();
                    let d = if v { ev.client_y() as f64 - y0 } else { ev.client_x() as f64 - x0 };
                    if d.abs() < 4.0 {
                        return;
                    }
                    let size = ev
                        .current_target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .map(|e| if v { e.client_height() } else { e.client_width() } as f64)
                        .unwrap_or(1000.0)
                        .max(1.0);
                    // Dragging the picture right shows the past.
                    window_sig.set(w0.pan(-d / size, now()));
                    drag.set_value(Some((x0, y0, w0, true)));
                }
                on:click=move |ev: leptos::ev::MouseEvent| {
                    let dragged = drag.get_value().is_some_and(|d| d.3);
                    drag.set_value(None);
                    if dragged {
                        return;
                    }
                    let Some(canvas) = canvas_ref.get_untracked() else { return };
                    let hit = drawn.with_untracked(|d| d.as_ref().and_then(|d| under(&ev, &canvas, d)));
                    if let Some(Under::Arrow(a)) = hit {
                        seek_to(a.id);
                    }
                }
                on:mousemove=move |ev: leptos::ev::MouseEvent| {
                    if ev.buttons() != 0 {
                        return;
                    }
                    let Some(canvas) = canvas_ref.get_untracked() else { return };
                    let l = lang.get_untracked();
                    let hit = drawn.with_untracked(|d| d.as_ref().and_then(|d| under(&ev, &canvas, d)));
                    match hit {
                        Some(Under::Arrow(a)) => {
                            hover.set(a.title(l));
                            hover_msg.set(Some(a.id));
                        }
                        // A span or a mark names itself.
                        Some(Under::Block(title)) if !title.is_empty() => {
                            hover.set(title);
                            hover_msg.set(None);
                        }
                        _ => {}
                    }
                }
            >
                <canvas class="st-canvas" node_ref=canvas_ref aria-hidden="true" data-testid="st-canvas"
                    data-frame=shown(|d| Some(format!("{} {}", d.frame.width, d.frame.height)))
                    data-selected=shown(|d| d.arrows.iter().find(|a| a.selected).map(|a| a.id.0.to_string()))
                    data-selected-line=shown(|d| {
                        d.arrows.iter().find(|a| a.selected).map(|a| format!("{} {} {} {}", a.x0, a.y0, a.x1, a.y1))
                    })
                    data-now-at=shown(|d| d.now_at.map(|t| t.to_string()))>
                </canvas>
            </div>
            <p class="st-hover" data-testid="st-hover" aria-live="off"
                data-msg=move || hover_msg.get().map(|m| m.0.to_string())>{move || hover.get()}</p>
            {move || drawn.with(|d| d.as_ref().filter(|d| d.counts.left_out > 0).map(|d| {
                let n = d.counts.left_out;
                view! { <p class="help">{lang.get().f(K::StLeftOut, &[("count", &n)])}</p> }
            }))}
            <p class="sr-only" id="st-summary" data-testid="st-summary">
                {move || drawn.with(|d| d.as_ref().map(|d| summary(lang.get(), d)).unwrap_or_default())}
            </p>
        </details>
    }
}

/// The ResizeObserver's callback, kept alive beside it.
type ResizeCallback = Closure<dyn Fn(js_sys::Array)>;
