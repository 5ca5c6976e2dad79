//! Paints a `view_model::spacetime::Diagram` on a 2D canvas: the same
//! lanes, spans, arrows and marks the saved SVG holds, in the page's theme
//! colours. A canvas costs the browser one bitmap per redraw, where an SVG
//! of hundreds of arrows cost it parsing, style, layout and a software
//! raster of every path (`make bench-page PANELS=spacetime`: 29 fps with
//! the SVG). Only draws: what is where comes from the view model, and so
//! do hit tests (`nearest_arrow`, `block_at`).

use std::collections::BTreeMap;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};

use crate::view_model::spacetime::{Arrow, Diagram, LaneState, Look};
use raftlab_core::Role;

/// The page's theme colours the diagram uses (CSS custom properties on
/// `.playground`, light and dark), with the light theme's values where one
/// is missing, as the saved SVG's style has them.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    panel: String,
    fg: String,
    muted: String,
    line: String,
    lane: String,
    focus: String,
    precandidate: String,
    candidate: String,
    leader: String,
    down: String,
    ok: String,
    bad: String,
    hb: String,
    append: String,
    vote: String,
    prevote: String,
    snap: String,
}

impl Palette {
    /// Reads the colours in force on `el`.
    pub fn read(el: &Element) -> Palette {
        let style = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten());
        let get = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_string())
        };
        Palette {
            panel: get("--panel", "#ffffff"),
            fg: get("--fg", "#1d2433"),
            muted: get("--muted", "#4f586b"),
            line: get("--line", "#c9d0de"),
            lane: get("--lane", "#b7c0d1"),
            focus: get("--focus", "#7a3cff"),
            precandidate: get("--precandidate", "#8a5a00"),
            candidate: get("--candidate", "#b4570a"),
            leader: get("--leader", "#16803f"),
            down: get("--down", "#8b93a3"),
            ok: get("--ok", "#16803f"),
            bad: get("--bad", "#c22a2a"),
            hb: get("--hb", "#5b6478"),
            append: get("--append", "#2f6fde"),
            vote: get("--vote", "#b4570a"),
            prevote: get("--prevote", "#8a5a00"),
            snap: get("--snap", "#6b46c1"),
        }
    }

    /// An arrow's colour, by the kind's class (as the cluster drawing and
    /// the SVG's `.msg-*` rules colour it).
    fn arrow(&self, class: &str) -> &str {
        match class {
            "msg-heartbeat" => &self.hb,
            "msg-append" => &self.append,
            "msg-vote" => &self.vote,
            "msg-prevote" => &self.prevote,
            "msg-ok" => &self.ok,
            "msg-no" | "msg-timeoutnow" => &self.bad,
            "msg-snapshot" => &self.snap,
            _ => &self.fg,
        }
    }
}

/// Where the canvas sits and how sharp it is: its size on the page in
/// whole CSS pixels and the device pixel ratio. The frame fills the
/// canvas exactly (across and down may differ by a fraction of a percent,
/// from the rounding), so a pointer maps back by the canvas's box alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Width on the page.
    pub css_width: f64,
    /// Height on the page.
    pub css_height: f64,
    /// Device pixels per CSS pixel.
    pub dpr: f64,
}

impl Fit {
    /// The diagram scaled to fit `room_width` CSS pixels across and at
    /// most `room_height` down, keeping its proportions (as an SVG's
    /// `xMinYMin meet` does).
    pub fn new(d: &Diagram, room_width: f64, room_height: f64, dpr: f64) -> Fit {
        let f = d.frame;
        let scale = (room_width / f.width).min(room_height / f.height).max(0.05);
        Fit {
            css_width: (f.width * scale).floor(),
            css_height: (f.height * scale).floor(),
            dpr: if dpr.is_finite() && dpr > 0.0 {
                dpr
            } else {
                1.0
            },
        }
    }
}

/// Sets a line dash (empty: solid).
fn dash(ctx: &CanvasRenderingContext2d, pattern: &[f64]) {
    let a = js_sys::Array::new();
    for v in pattern {
        a.push(&JsValue::from_f64(*v));
    }
    // Fails only for a non-finite length, which a constant never is.
    let _ = ctx.set_line_dash(&a);
}

/// A line from (x0, y0) to (x1, y1) in the current path.
fn seg(ctx: &CanvasRenderingContext2d, x0: f64, y0: f64, x1: f64, y1: f64) {
    ctx.move_to(x0, y0);
    ctx.line_to(x1, y1);
}

/// An arrowhead at `a`'s end in the current path (the SVG's geometry).
fn head(ctx: &CanvasRenderingContext2d, a: &Arrow) {
    let (dx, dy) = (a.x1 - a.x0, a.y1 - a.y0);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (a.x1 - 6.0 * ux, a.y1 - 6.0 * uy);
    ctx.move_to(a.x1, a.y1);
    ctx.line_to(bx - 2.5 * uy, by + 2.5 * ux);
    ctx.line_to(bx + 2.5 * uy, by - 2.5 * ux);
    ctx.close_path();
}

/// Text at (x, y) (baseline), in the current font and fill.
fn text(ctx: &CanvasRenderingContext2d, s: &str, x: f64, y: f64) {
    // Fails only for non-finite coordinates; the view model's are finite.
    let _ = ctx.fill_text(s, x, y);
}

/// Sizes `canvas` for `fit` (its backing store in device pixels, so lines
/// and text stay sharp) and paints `d` on it.
pub fn paint(canvas: &HtmlCanvasElement, d: &Diagram, fit: Fit, pal: &Palette) {
    let (bw, bh) = (
        (fit.css_width * fit.dpr).round().max(1.0) as u32,
        (fit.css_height * fit.dpr).round().max(1.0) as u32,
    );
    // Setting a size clears and reallocates the bitmap: only when it changed.
    if canvas.width() != bw || canvas.height() != bh {
        canvas.set_width(bw);
        canvas.set_height(bh);
        let style = canvas.style();
        let _ = style.set_property("width", &format!("{}px", fit.css_width));
        let _ = style.set_property("height", &format!("{}px", fit.css_height));
    }
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let (kx, ky) = (bw as f64 / d.frame.width, bh as f64 / d.frame.height);
    let _ = ctx.set_transform(kx, 0.0, 0.0, ky, 0.0, 0.0);
    draw(
        &Pen {
            ctx: &ctx,
            k: kx.max(ky),
        },
        d,
        pal,
    );
}

/// The context and how many device pixels a diagram unit is (the larger
/// of across and down).
struct Pen<'a> {
    ctx: &'a CanvasRenderingContext2d,
    k: f64,
}

impl Pen<'_> {
    /// Sets a line width of `w` diagram units, snapped to whole device
    /// pixels. Sharper, and far cheaper: without a GPU the browser rasters
    /// a line no wider than a device pixel as a hairline, and a wider one
    /// as an outline it fills (for the busiest window, 1.46 px arrows cost
    /// several times 1 px ones). One pixel is set a hair under, as a
    /// scale's rounding can push it just over. A subpixel width stays as
    /// it is, drawn fainter.
    fn width(&self, w: f64) {
        let px = w * self.k;
        self.ctx.set_line_width(match px.round() {
            _ if px < 1.0 => w,
            r if r <= 1.0 => 0.99 / self.k,
            r => r / self.k,
        });
    }
}

/// Draws `d` in diagram units, in the SVG's order and style.
fn draw(pen: &Pen, d: &Diagram, pal: &Palette) {
    let ctx = pen.ctx;
    let f = d.frame;
    let vertical = f.vertical;
    ctx.set_global_alpha(1.0);
    dash(ctx, &[]);
    ctx.set_fill_style_str(&pal.panel);
    ctx.fill_rect(0.0, 0.0, f.width, f.height);

    // Time grid and its labels.
    ctx.begin_path();
    for (t, _) in &d.ticks {
        if vertical {
            seg(ctx, 0.0, *t, f.width, *t);
        } else {
            seg(ctx, *t, 0.0, *t, f.height);
        }
    }
    ctx.set_stroke_style_str(&pal.line);
    pen.width(0.5);
    dash(ctx, &[2.0, 3.0]);
    ctx.stroke();
    dash(ctx, &[]);
    ctx.set_font("10px sans-serif");
    ctx.set_fill_style_str(&pal.muted);
    for (t, label) in &d.ticks {
        if vertical {
            text(ctx, label, 2.0, t - 2.0);
        } else {
            text(ctx, label, t + 2.0, f.height - 3.0);
        }
    }

    // Lanes and their names.
    ctx.begin_path();
    for (_, l) in &d.lanes {
        if vertical {
            seg(ctx, *l, 16.0, *l, f.height);
        } else {
            seg(ctx, 40.0, *l, f.width, *l);
        }
    }
    ctx.set_stroke_style_str(&pal.lane);
    pen.width(1.0);
    ctx.stroke();
    ctx.set_font("600 11px sans-serif");
    ctx.set_fill_style_str(&pal.fg);
    for (node, l) in &d.lanes {
        let name = node.to_string();
        if vertical {
            text(ctx, &name, l - 6.0, 12.0);
        } else {
            text(ctx, &name, 2.0, l + 4.0);
        }
    }

    // Role spans, and the term in the wide ones.
    for b in &d.spans {
        let Look::Span(state) = b.look else { continue };
        let (colour, alpha) = match state {
            LaneState::Role(Role::PreCandidate, _) => (&pal.precandidate, 0.35),
            LaneState::Role(Role::Candidate, _) => (&pal.candidate, 0.45),
            LaneState::Role(Role::Leader, _) => (&pal.leader, 0.45),
            LaneState::Crashed => (&pal.down, 0.35),
            LaneState::Paused => {
                ctx.set_global_alpha(0.85);
                ctx.set_stroke_style_str(&pal.down);
                pen.width(1.0);
                dash(ctx, &[3.0, 2.0]);
                ctx.stroke_rect(b.x, b.y, b.w, b.h);
                dash(ctx, &[]);
                continue;
            }
            LaneState::Role(Role::Follower, _) | LaneState::Unknown => continue,
        };
        ctx.set_global_alpha(alpha);
        ctx.set_fill_style_str(colour);
        ctx.fill_rect(b.x, b.y, b.w, b.h);
    }
    ctx.set_global_alpha(1.0);
    ctx.set_font("bold 9px sans-serif");
    ctx.set_fill_style_str(&pal.fg);
    for b in &d.spans {
        if !b.text.is_empty() && b.w.max(b.h) > 14.0 {
            text(ctx, &b.text, b.x + 2.0, b.y + b.h.min(10.0) - 1.0);
        }
    }

    // Arrows, one path per kind and fate; heads after their lines.
    let mut groups: BTreeMap<(&str, bool, bool), Vec<&Arrow>> = BTreeMap::new();
    for a in &d.arrows {
        groups
            .entry((a.colour, a.lost, a.flying))
            .or_default()
            .push(a);
    }
    for ((colour, lost, flying), list) in &groups {
        let c = pal.arrow(colour);
        ctx.set_global_alpha(if *colour == "msg-heartbeat" {
            0.55
        } else {
            1.0
        });
        ctx.set_stroke_style_str(c);
        match (lost, flying) {
            (true, _) => {
                pen.width(1.2);
                dash(ctx, &[4.0, 3.0]);
            }
            (_, true) => {
                pen.width(2.0);
                dash(ctx, &[1.0, 2.0]);
            }
            _ => pen.width(1.2),
        }
        // A stroke per line: one path of hundreds of separate lines
        // costs the software raster about twice as much.
        for a in list {
            ctx.begin_path();
            seg(ctx, a.x0, a.y0, a.x1, a.y1);
            ctx.stroke();
        }
        dash(ctx, &[]);
        if !lost {
            ctx.begin_path();
            for a in list {
                head(ctx, a);
            }
            ctx.set_fill_style_str(c);
            ctx.fill();
        }
    }
    ctx.set_global_alpha(1.0);
    // A cross where each lost one ended.
    ctx.begin_path();
    for a in d.arrows.iter().filter(|a| a.lost) {
        seg(ctx, a.x1 - 3.0, a.y1 - 3.0, a.x1 + 3.0, a.y1 + 3.0);
        seg(ctx, a.x1 + 3.0, a.y1 - 3.0, a.x1 - 3.0, a.y1 + 3.0);
    }
    ctx.set_stroke_style_str(&pal.bad);
    pen.width(1.6);
    ctx.stroke();
    // The one picked, thick.
    if let Some(a) = d.arrows.iter().find(|a| a.selected) {
        ctx.begin_path();
        seg(ctx, a.x0, a.y0, a.x1, a.y1);
        ctx.set_stroke_style_str(&pal.focus);
        pen.width(3.0);
        ctx.stroke();
        ctx.begin_path();
        head(ctx, a);
        ctx.set_fill_style_str(&pal.focus);
        ctx.fill();
    }

    // Marks: commits, faults, other actions.
    ctx.set_text_align("center");
    for m in &d.marks {
        let (colour, dashed, font) = match m.look {
            Look::Commit => (&pal.ok, false, "8px sans-serif"),
            Look::Fault => (&pal.bad, true, "12px sans-serif"),
            _ => (&pal.focus, true, "12px sans-serif"),
        };
        ctx.begin_path();
        seg(ctx, m.x, m.y, m.x + m.w, m.y + m.h);
        ctx.set_stroke_style_str(colour);
        pen.width(1.5);
        dash(ctx, if dashed { &[3.0, 2.0] } else { &[] });
        ctx.stroke();
        ctx.set_font(font);
        ctx.set_fill_style_str(colour);
        let (dx, dy) = if vertical {
            (m.w + 6.0, 4.0)
        } else {
            (0.0, -2.0)
        };
        text(ctx, &m.text, m.x + dx, m.y + dy);
    }
    dash(ctx, &[]);
    ctx.set_text_align("start");

    // Where the scrubber stands.
    if let Some(t) = d.now_at {
        ctx.begin_path();
        if vertical {
            seg(ctx, 0.0, t, f.width, t);
        } else {
            seg(ctx, t, 0.0, t, f.height);
        }
        ctx.set_stroke_style_str(&pal.focus);
        pen.width(2.0);
        ctx.stroke();
    }
}
