//! The space-time diagram (as ShiViz and Maelstrom draw one): a lane per
//! node, time along the lanes, each message an arrow from its send to its
//! delivery; role spans (candidate, leader) coloured along the lanes;
//! crashes, pauses, partitions, other actions and commits marked.
//!
//! Only a window of the run is drawn ([`Window`]), cut from the world's
//! bounded recording ([`raftlab_sim::recorder::Recording`]) and the
//! messages still in the air, so a frame's work does not grow with the
//! run. Everything here is plain data: `page/spacetime_canvas.rs` paints
//! it, `page/spacetime.rs` writes it out as SVG.

use std::collections::BTreeMap;

use raftlab_core::{MessageKind, Micros, NodeId, Role, Term};
use raftlab_sim::network::DropReason;
use raftlab_sim::recorder::{Fate, LaneKind};
use raftlab_sim::{Action, MsgId, WorldSnapshot};

use super::message::glyph;
use super::words::{action, drop_reason, kind_name, time_label};
use crate::i18n::{Lang, K};

/// Shortest window the zoom reaches.
pub const SPAN_MIN: Micros = Micros::from_ms(20);
/// Longest window the zoom reaches (the recording holds tens of seconds).
pub const SPAN_MAX: Micros = Micros::from_ms(60_000);
/// The window a new diagram shows.
pub const SPAN_DEFAULT: Micros = Micros::from_ms(600);
/// The window a new diagram shows on a phone (time runs down a short
/// screen).
pub const SPAN_NARROW: Micros = Micros::from_ms(400);
/// Most arrows drawn at once: past it the oldest in the window are left
/// out (and counted), so a zoomed-out window cannot stall a frame.
pub const MAX_ARROWS: usize = 1_200;

/// Which stretch of virtual time is drawn: `length` ending `back` before
/// the world's present (the scrubber's position). `back` is zero while
/// following.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// How much time the diagram spans.
    pub length: Micros,
    /// How far before the present it ends (panned back).
    pub back: Micros,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            length: SPAN_DEFAULT,
            back: Micros(0),
        }
    }
}

impl Window {
    /// The window's first and last instants, given the present.
    pub fn range(self, now: Micros) -> (Micros, Micros) {
        let end = now.saturating_sub(self.back);
        (end.saturating_sub(self.length), end)
    }

    /// Zoomed in (`factor` < 1) or out around the window's end, within
    /// [`SPAN_MIN`]..=[`SPAN_MAX`].
    pub fn zoom(self, factor: f64) -> Window {
        let us = (self.length.0 as f64 * factor).round() as u64;
        Window {
            length: Micros(us.clamp(SPAN_MIN.0, SPAN_MAX.0)),
            ..self
        }
    }

    /// Panned by `fraction` of its length (negative: into the past), never
    /// past the present nor before the run's start.
    pub fn pan(self, fraction: f64, now: Micros) -> Window {
        let delta = (self.length.0 as f64 * fraction).round() as i64;
        let back = (self.back.0 as i64 - delta).clamp(0, now.0 as i64) as u64;
        Window {
            back: Micros(back),
            ..self
        }
    }
}

/// How a drawn message's flight went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flight {
    /// Delivered at `end`.
    Delivered,
    /// Lost at `end`, and why.
    Lost(DropReason),
    /// Still in the air at the present: `end` is the present, `progress`
    /// how far along (a doomed one vanishes half-way).
    InFlight {
        /// 0 at the sender, 1 at the receiver.
        progress: f64,
    },
}

/// One message, placed in time (before any geometry).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// The message copy.
    pub id: MsgId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind.
    pub kind: MessageKind,
    /// The sender's term.
    pub term: Term,
    /// A response's verdict.
    pub ok: Option<bool>,
    /// Entries carried.
    pub entries: u32,
    /// Sent.
    pub sent_at: Micros,
    /// Delivered, lost, or (in flight) the present.
    pub end: Micros,
    /// How it went.
    pub flight: Flight,
}

/// The messages whose flight overlaps `from..=to`: the recorded ones
/// that ended, then those in the air. The newest [`MAX_ARROWS`] are kept;
/// the second value counts the ones left out.
pub fn placed_messages(snap: &WorldSnapshot, from: Micros, to: Micros) -> (Vec<Placed>, usize) {
    placed_at_most(snap, from, to, MAX_ARROWS)
}

/// [`placed_messages`] keeping at most `max`.
pub fn placed_at_most(
    snap: &WorldSnapshot,
    from: Micros,
    to: Micros,
    max: usize,
) -> (Vec<Placed>, usize) {
    let mut out = Vec::new();
    // In the air at the present; the window may end earlier (panned back).
    for m in &snap.messages {
        if m.sent_at > to {
            continue;
        }
        let span = m.deliver_at.0.saturating_sub(m.sent_at.0) as f64;
        let at = m.held_at.unwrap_or(snap.now);
        let t = if span <= 0.0 {
            1.0
        } else {
            (at.0.saturating_sub(m.sent_at.0) as f64 / span).clamp(0.0, 1.0)
        };
        out.push(Placed {
            id: m.id,
            from: m.from,
            to: m.to,
            kind: m.kind,
            term: m.term,
            ok: m.ok,
            entries: m.entries as u32,
            sent_at: m.sent_at,
            end: at.max(m.sent_at),
            flight: Flight::InFlight {
                progress: if m.doomed { t * 0.5 } else { t },
            },
        });
    }
    // Ended ones, newest end first: once one ended before the window,
    // every older one did too.
    let mut left_out = 0;
    for r in snap.recording.messages.iter().rev() {
        if r.ended_at < from {
            break;
        }
        if r.sent_at > to {
            continue;
        }
        if out.len() >= max {
            left_out += 1;
            continue;
        }
        out.push(Placed {
            id: r.id,
            from: r.from,
            to: r.to,
            kind: r.kind,
            term: r.term,
            ok: r.ok,
            entries: r.entries,
            sent_at: r.sent_at,
            end: r.ended_at,
            flight: match r.fate {
                Fate::Delivered => Flight::Delivered,
                Fate::Dropped(why) => Flight::Lost(why),
            },
        });
    }
    out.sort_by_key(|p| (p.sent_at, p.id));
    (out, left_out)
}

/// What a lane shows over a stretch of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneState {
    /// Not known: before the recording's window (the lane is plain).
    Unknown,
    /// Running in this role and term.
    Role(Role, Term),
    /// Crashed.
    Crashed,
    /// Paused.
    Paused,
}

impl LaneState {
    /// CSS class of a lane span.
    pub fn class(self) -> &'static str {
        match self {
            LaneState::Unknown => "st-span st-unknown",
            LaneState::Role(Role::Follower, _) => "st-span st-follower",
            LaneState::Role(Role::PreCandidate, _) => "st-span st-precandidate",
            LaneState::Role(Role::Candidate, _) => "st-span st-candidate",
            LaneState::Role(Role::Leader, _) => "st-span st-leader",
            LaneState::Crashed => "st-span st-crashed",
            LaneState::Paused => "st-span st-paused",
        }
    }
}

/// One stretch of a lane in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneSpan {
    /// From.
    pub from: Micros,
    /// To.
    pub to: Micros,
    /// In this state.
    pub state: LaneState,
}

/// What a mark on the diagram stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum MarkKind {
    /// A leader's commit index advanced to this index.
    Commit(u64),
    /// The user did this (to one node, or to the network when `node` is
    /// `None`).
    Action(Action),
}

/// A mark at one instant, on one lane or across all of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// When.
    pub at: Micros,
    /// Whose lane (`None`: across every lane).
    pub node: Option<NodeId>,
    /// What.
    pub kind: MarkKind,
}

impl Mark {
    /// The short symbol drawn for it.
    pub fn symbol(&self) -> &'static str {
        match &self.kind {
            MarkKind::Commit(_) => "◆",
            MarkKind::Action(a) => match a {
                Action::Crash(_) => "✕",
                Action::Restart(_) => "↻",
                Action::Pause(_) => "⏸",
                Action::Resume(_) => "▶",
                Action::Partition(_) | Action::Cut { .. } => "⫽",
                Action::HealAll | Action::HealLink { .. } => "∥",
                Action::ClientRequest { .. } => "✎",
                _ => "⚑",
            },
        }
    }

    /// How it is drawn.
    pub fn look(&self) -> Look {
        match &self.kind {
            MarkKind::Commit(_) => Look::Commit,
            MarkKind::Action(
                Action::Crash(_)
                | Action::Partition(_)
                | Action::Cut { .. }
                | Action::Pause(_)
                | Action::Drop(_),
            ) => Look::Fault,
            MarkKind::Action(_) => Look::Action,
        }
    }

    /// CSS class.
    pub fn class(&self) -> &'static str {
        self.look().class()
    }

    /// Its name, for hover and screen readers.
    pub fn label(&self, lang: Lang) -> String {
        let what = match &self.kind {
            MarkKind::Commit(i) => lang.f(K::StCommitMark, &[("index", i)]),
            MarkKind::Action(a) => action(lang, a),
        };
        format!("{} · {}", time_label(self.at), what)
    }
}

/// How a span or a mark is drawn: the one fact the SVG's classes and the
/// canvas's colours are both read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// A lane span in this state.
    Span(LaneState),
    /// A commit mark.
    Commit,
    /// A fault the user caused (crash, pause, partition, cut, drop).
    Fault,
    /// Any other action of the user.
    Action,
}

impl Look {
    /// CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Look::Span(s) => s.class(),
            Look::Commit => "st-mark st-commit",
            Look::Fault => "st-mark st-fault",
            Look::Action => "st-mark st-action",
        }
    }

    /// Whether anything is drawn for it (a follower's or an unknown
    /// stretch of lane is the plain lane), so a pointer can land on it.
    pub fn is_drawn(self) -> bool {
        !matches!(
            self,
            Look::Span(LaneState::Unknown | LaneState::Role(Role::Follower, _))
        )
    }
}

/// Each node's lane spans over `from..=to`, from the recorded role changes
/// and actions (the state before the recording's first record is
/// [`LaneState::Unknown`] unless the recording starts at the run's start,
/// where every node is a follower of term 0), and the marks in the window.
pub fn lanes_and_marks(
    snap: &WorldSnapshot,
    from: Micros,
    to: Micros,
) -> (BTreeMap<NodeId, Vec<LaneSpan>>, Vec<Mark>) {
    let rec = &snap.recording.lanes;
    let start_state = if rec.forgotten() == 0 {
        LaneState::Role(Role::Follower, Term(0))
    } else {
        LaneState::Unknown
    };
    let mut state: BTreeMap<NodeId, (Micros, LaneState)> = snap
        .nodes
        .iter()
        .map(|n| (n.id, (Micros(0), start_state)))
        .collect();
    let mut spans: BTreeMap<NodeId, Vec<LaneSpan>> =
        snap.nodes.iter().map(|n| (n.id, Vec::new())).collect();
    let mut marks = Vec::new();
    let close = |spans: &mut BTreeMap<NodeId, Vec<LaneSpan>>,
                 node: NodeId,
                 began: Micros,
                 st: LaneState,
                 at: Micros| {
        let (a, b) = (began.max(from), at.min(to));
        if a < b || (a == b && at > from && began < to) {
            spans.entry(node).or_default().push(LaneSpan {
                from: a,
                to: b,
                state: st,
            });
        }
    };
    // The last term each node was seen in, and what a paused node was.
    let mut terms: BTreeMap<NodeId, Term> = BTreeMap::new();
    let mut paused_from: BTreeMap<NodeId, LaneState> = BTreeMap::new();
    for r in rec.iter() {
        if r.at > to {
            break;
        }
        let current = |n: NodeId| state.get(&n).map_or(LaneState::Unknown, |s| s.1);
        let change = match (&r.kind, r.node) {
            (LaneKind::Role { role, term }, Some(n)) => {
                terms.insert(n, *term);
                Some((n, LaneState::Role(*role, *term)))
            }
            (LaneKind::Action(Action::Crash(n)), _) => Some((*n, LaneState::Crashed)),
            (LaneKind::Action(Action::Pause(n)), _) => {
                paused_from.insert(*n, current(*n));
                Some((*n, LaneState::Paused))
            }
            // A restarted node is a follower of the term on its disk.
            (LaneKind::Action(Action::Restart(n)), _) => Some((
                *n,
                LaneState::Role(Role::Follower, terms.get(n).copied().unwrap_or(Term(0))),
            )),
            // A resumed node goes on in the role it was paused in.
            (LaneKind::Action(Action::Resume(n)), _) => {
                Some((*n, paused_from.remove(n).unwrap_or(LaneState::Unknown)))
            }
            _ => None,
        };
        if let Some((n, st)) = change {
            let (began, old) = state.get(&n).copied().unwrap_or((r.at, LaneState::Unknown));
            if old != st {
                close(&mut spans, n, began, old, r.at);
                state.insert(n, (r.at, st));
            }
        }
        if r.at >= from {
            match &r.kind {
                LaneKind::Commit { index } => marks.push(Mark {
                    at: r.at,
                    node: r.node,
                    kind: MarkKind::Commit(index.0),
                }),
                LaneKind::Action(a) => marks.push(Mark {
                    at: r.at,
                    node: r.node,
                    kind: MarkKind::Action(a.clone()),
                }),
                LaneKind::Role { .. } => {}
            }
        }
    }
    for (n, (began, st)) in state {
        close(&mut spans, n, began, st, to);
    }
    (spans, marks)
}

/// Where the diagram is drawn: its size in SVG units, and which way time
/// runs (rightwards; downwards on a narrow screen).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Time runs down the page and lanes run across (a phone).
    pub vertical: bool,
}

/// Room for the lane names before the time axis starts.
pub const LABEL_ROOM: f64 = 44.0;
/// Room at the far ends of the lane axis.
pub const LANE_MARGIN: f64 = 22.0;
/// Room for the time labels left of the lanes when time runs down.
pub const VERTICAL_TICK_ROOM: f64 = 30.0;

/// An arrow as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// The message.
    pub id: MsgId,
    /// Start (sender lane, send time).
    pub x0: f64,
    /// Start.
    pub y0: f64,
    /// End (receiver lane at delivery; between the lanes where it was
    /// lost; where it is now if in flight).
    pub x1: f64,
    /// End.
    pub y1: f64,
    /// The kind's colour class, as on the cluster drawing (`msg-append`).
    pub colour: &'static str,
    /// Lost: a mark at the end.
    pub lost: bool,
    /// Still in the air.
    pub flying: bool,
    /// The user picked it.
    pub selected: bool,
    /// What it stands for (its name is worded from it on demand: a
    /// thousand names a frame would cost more than the drawing).
    pub placed: Placed,
}

impl Arrow {
    /// The group it is drawn in: colour, then `lost` or `flying`.
    pub fn class(&self) -> String {
        let mut class = format!("st-arrow {}", self.colour);
        if self.lost {
            class.push_str(" lost");
        }
        if self.flying {
            class.push_str(" flying");
        }
        if self.selected {
            class.push_str(" selected");
        }
        class
    }

    /// Its name on hover.
    pub fn title(&self, lang: Lang) -> String {
        arrow_title(lang, &self.placed)
    }

    /// Distance from (x, y) to the arrow's segment.
    pub fn distance(&self, x: f64, y: f64) -> f64 {
        segment_distance((self.x0, self.y0), (self.x1, self.y1), x, y)
    }
}

/// Distance from (x, y) to the segment from `a` to `b`.
fn segment_distance(a: (f64, f64), b: (f64, f64), x: f64, y: f64) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((x - a.0) * dx + (y - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (px, py) = (a.0 + t * dx, a.1 + t * dy);
    ((x - px).powi(2) + (y - py).powi(2)).sqrt()
}

/// The arrow nearest (x, y), if one passes within `tolerance` (SVG units):
/// what a click or hover at that point picks, without an element per arrow.
pub fn nearest_arrow(d: &Diagram, x: f64, y: f64, tolerance: f64) -> Option<&Arrow> {
    d.arrows
        .iter()
        .map(|a| (a.distance(x, y), a))
        .filter(|(dist, _)| *dist <= tolerance)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| a)
}

/// The mark or drawn span under (x, y), for hover: the nearest mark
/// within `tolerance` (SVG units), else the span the point falls in.
pub fn block_at(d: &Diagram, x: f64, y: f64, tolerance: f64) -> Option<&Block> {
    d.marks
        .iter()
        .map(|m| {
            (
                segment_distance((m.x, m.y), (m.x + m.w, m.y + m.h), x, y),
                m,
            )
        })
        .filter(|(dist, _)| *dist <= tolerance)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, m)| m)
        .or_else(|| {
            d.spans.iter().find(|b| {
                b.look.is_drawn()
                    && (b.x..=b.x + b.w).contains(&x)
                    && (b.y..=b.y + b.h).contains(&y)
            })
        })
}

/// A span or mark placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// How it is drawn.
    pub look: Look,
    /// Text shown in it (a term number, a symbol).
    pub text: String,
    /// Its name on hover.
    pub title: String,
}

impl Block {
    /// CSS classes.
    pub fn class(&self) -> &'static str {
        self.look.class()
    }
}

/// Everything the diagram draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    /// The frame it was laid out for.
    pub frame: Frame,
    /// Lane names and where each lane runs: (name, lane coordinate).
    pub lanes: Vec<(NodeId, f64)>,
    /// The role spans.
    pub spans: Vec<Block>,
    /// The marks.
    pub marks: Vec<Block>,
    /// The arrows, oldest send first.
    pub arrows: Vec<Arrow>,
    /// Where the scrubber's position falls on the time axis (`None` if
    /// panned away from it).
    pub now_at: Option<f64>,
    /// Time ticks: (coordinate on the time axis, label).
    pub ticks: Vec<(f64, String)>,
    /// Window start and end.
    pub range: (Micros, Micros),
    /// Messages in the window, lost among them, in flight among them,
    /// and left out (over [`MAX_ARROWS`]).
    pub counts: Counts,
}

/// What the window holds, for the text summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Messages drawn.
    pub messages: usize,
    /// Of them, lost.
    pub lost: usize,
    /// Of them, still in the air.
    pub flying: usize,
    /// Messages in the window not drawn.
    pub left_out: usize,
    /// Nodes that became leader in the window.
    pub elections: usize,
    /// User actions in the window.
    pub actions: usize,
    /// Commit marks in the window.
    pub commits: usize,
}

/// Lays the window out in `frame`.
pub fn diagram(
    snap: &WorldSnapshot,
    window: Window,
    frame: Frame,
    selected: Option<MsgId>,
    lang: Lang,
) -> Diagram {
    let (from, to) = window.range(snap.now);
    let (placed, left_out) = placed_messages(snap, from, to);
    let (spans, marks) = lanes_and_marks(snap, from, to);
    let ids: Vec<NodeId> = snap.nodes.iter().map(|n| n.id).collect();
    let (time_len, lane_len) = if frame.vertical {
        (frame.height, frame.width)
    } else {
        (frame.width, frame.height)
    };
    let span_us = to.0.saturating_sub(from.0).max(1) as f64;
    let time_at = |t: Micros| {
        LABEL_ROOM
            + (t.0.saturating_sub(from.0) as f64 / span_us).clamp(0.0, 1.0)
                * (time_len - LABEL_ROOM - 8.0)
    };
    // Time runs down a phone: the tick labels take the left edge.
    let lane_start = if frame.vertical {
        LANE_MARGIN + VERTICAL_TICK_ROOM
    } else {
        LANE_MARGIN
    };
    let lane_gap = if ids.len() > 1 {
        (lane_len - lane_start - LANE_MARGIN) / (ids.len() - 1) as f64
    } else {
        0.0
    };
    let lane_of: BTreeMap<NodeId, f64> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let c = if ids.len() > 1 {
                lane_start + i as f64 * lane_gap
            } else {
                lane_len / 2.0
            };
            (*id, c)
        })
        .collect();
    // (time, lane) to (x, y).
    let xy = |t: f64, l: f64| if frame.vertical { (l, t) } else { (t, l) };
    let mut counts = Counts {
        left_out,
        ..Counts::default()
    };
    let mut arrows = Vec::with_capacity(placed.len());
    for p in &placed {
        let (Some(&l0), Some(&l1)) = (lane_of.get(&p.from), lane_of.get(&p.to)) else {
            continue;
        };
        let t0 = time_at(p.sent_at);
        let t1 = time_at(p.end);
        let (lane_end, lost, flying) = match p.flight {
            Flight::Delivered => (l1, false, false),
            Flight::Lost(DropReason::ReceiverDown | DropReason::NoSuchNode) => (l1, true, false),
            // Lost on the way: it vanishes between the lanes.
            Flight::Lost(_) => ((l0 + l1) / 2.0, true, false),
            Flight::InFlight { progress } => (l0 + (l1 - l0) * progress, false, true),
        };
        counts.messages += 1;
        counts.lost += lost as usize;
        counts.flying += flying as usize;
        let (x0, y0) = xy(t0, l0);
        let (x1, y1) = xy(t1, lane_end);
        arrows.push(Arrow {
            id: p.id,
            x0,
            y0,
            x1,
            y1,
            colour: glyph(p.kind, p.ok, p.entries as usize).class,
            lost,
            flying,
            selected: selected == Some(p.id),
            placed: *p,
        });
    }
    let band = (lane_gap.min(28.0) * 0.45).max(5.0);
    let mut blocks = Vec::new();
    for (node, list) in &spans {
        let Some(&l) = lane_of.get(node) else {
            continue;
        };
        for s in list {
            let (a, b) = (time_at(s.from), time_at(s.to));
            let (text, title) = match s.state {
                LaneState::Role(role, term) => (
                    if matches!(role, Role::Leader | Role::Candidate) {
                        term.0.to_string()
                    } else {
                        String::new()
                    },
                    lang.f(
                        K::StSpanRole,
                        &[
                            ("node", node),
                            ("role", &role_name(lang, role)),
                            ("term", &term.0),
                        ],
                    ),
                ),
                LaneState::Crashed => (String::new(), lang.f(K::StSpanCrashed, &[("node", node)])),
                LaneState::Paused => (String::new(), lang.f(K::StSpanPaused, &[("node", node)])),
                LaneState::Unknown => (String::new(), String::new()),
            };
            if let Some(LaneState::Role(Role::Leader, _)) = Some(s.state) {
                if s.from > from {
                    counts.elections += 1;
                }
            }
            let (x, y) = xy(a, l - band / 2.0);
            let (w, h) = if frame.vertical {
                (band, (b - a).max(0.5))
            } else {
                ((b - a).max(0.5), band)
            };
            blocks.push(Block {
                x,
                y,
                w,
                h,
                look: Look::Span(s.state),
                text,
                title,
            });
        }
    }
    let mut mark_blocks = Vec::new();
    for m in &marks {
        match m.kind {
            MarkKind::Commit(_) => counts.commits += 1,
            MarkKind::Action(_) => counts.actions += 1,
        }
        let t = time_at(m.at);
        let (l, len) = match m.node.and_then(|n| lane_of.get(&n)) {
            Some(&l) => (l - band, 2.0 * band),
            None => (4.0, lane_len - 8.0),
        };
        let (x, y) = xy(t, l);
        let (w, h) = if frame.vertical {
            (len, 0.0)
        } else {
            (0.0, len)
        };
        mark_blocks.push(Block {
            x,
            y,
            w,
            h,
            look: m.look(),
            text: m.symbol().to_string(),
            title: m.label(lang),
        });
    }
    let now_at = (window.back == Micros(0)).then(|| time_at(to));
    Diagram {
        frame,
        lanes: ids.iter().map(|id| (*id, lane_of[id])).collect(),
        spans: blocks,
        marks: mark_blocks,
        arrows,
        now_at,
        ticks: ticks(from, to)
            .into_iter()
            .map(|t| (time_at(t), time_label(t)))
            .collect(),
        range: (from, to),
        counts,
    }
}

/// Round instants to label the time axis with: a 1, 2 or 5 step that
/// gives at most six.
fn ticks(from: Micros, to: Micros) -> Vec<Micros> {
    let span = to.0.saturating_sub(from.0).max(1);
    let mut step = 1u64;
    'find: loop {
        for m in [1, 2, 5] {
            if step * m * 6 >= span {
                step *= m;
                break 'find;
            }
        }
        step *= 10;
    }
    let mut t = from.0.div_ceil(step) * step;
    let mut out = Vec::new();
    while t <= to.0 {
        out.push(Micros(t));
        t += step;
    }
    out
}

/// A role's name.
pub fn role_name(lang: Lang, role: Role) -> &'static str {
    lang.t(match role {
        Role::Follower => K::StRoleFollower,
        Role::PreCandidate => K::StRolePreCandidate,
        Role::Candidate => K::StRoleCandidate,
        Role::Leader => K::StRoleLeader,
    })
}

/// A message's name: kind, endpoints, term, times and fate.
pub fn arrow_title(lang: Lang, p: &Placed) -> String {
    let fate = match p.flight {
        Flight::Delivered => lang.f(K::StDelivered, &[("at", &time_label(p.end))]),
        Flight::Lost(why) => lang.f(
            K::StLost,
            &[("at", &time_label(p.end)), ("why", &drop_reason(lang, why))],
        ),
        Flight::InFlight { .. } => lang.t(K::StFlying).to_string(),
    };
    lang.f(
        K::StArrowTitle,
        &[
            ("kind", &kind_name(lang, p.kind)),
            ("from", &p.from),
            ("to", &p.to),
            ("term", &p.term.0),
            ("sent", &time_label(p.sent_at)),
            ("fate", &fate),
        ],
    )
}

/// The screen-reader summary of what the window shows.
pub fn summary(lang: Lang, d: &Diagram) -> String {
    let c = d.counts;
    lang.f(
        K::StSummary,
        &[
            ("from", &time_label(d.range.0)),
            ("to", &time_label(d.range.1)),
            ("nodes", &d.lanes.len()),
            ("messages", &c.messages),
            ("lost", &c.lost),
            ("flying", &c.flying),
            ("elections", &c.elections),
            ("actions", &c.actions),
            ("commits", &c.commits),
        ],
    )
}

/// Where to seek so the message is in the air and drawn on the cluster:
/// half-way through its flight.
pub fn seek_target(p: &Placed) -> Micros {
    Micros(p.sent_at.0 + p.end.0.saturating_sub(p.sent_at.0) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_sim::{LinkConfig, World, WorldConfig};
    use std::collections::BTreeMap;

    /// What the test saw of one message, from the network itself: when it
    /// appeared in the air and when it left it.
    #[derive(Debug)]
    struct Seen {
        from: NodeId,
        to: NodeId,
        sent_at: Micros,
        gone_at: Option<Micros>,
    }

    /// A lossy, duplicating network with a crash and a partition, stepped
    /// event by event while the test watches the messages in the air.
    fn watched_run() -> (World, BTreeMap<MsgId, Seen>) {
        let defaults = WorldConfig::default();
        let config = WorldConfig {
            seed: 7,
            network: LinkConfig {
                drop_rate: 0.05,
                duplicate_rate: 0.05,
                ..defaults.network.clone()
            },
            ..defaults
        };
        let mut w = World::new(config).unwrap();
        let mut seen: BTreeMap<MsgId, Seen> = BTreeMap::new();
        let step = |w: &mut World, seen: &mut BTreeMap<MsgId, Seen>| {
            w.step();
            let now = w.now();
            for (id, f) in w.network().in_flight.iter() {
                seen.entry(*id).or_insert(Seen {
                    from: f.msg.from,
                    to: f.msg.to,
                    sent_at: f.sent_at,
                    gone_at: None,
                });
            }
            for (id, s) in seen.iter_mut() {
                if s.gone_at.is_none() && w.network().in_flight.get(id).is_none() {
                    s.gone_at = Some(now);
                }
            }
        };
        while w.now() < Micros::from_ms(1_200) {
            step(&mut w, &mut seen);
        }
        let leader = w.leader().expect("a leader by 1.2 s");
        w.apply(Action::Crash(leader)).unwrap();
        while w.now() < Micros::from_ms(2_000) {
            step(&mut w, &mut seen);
        }
        let group: std::collections::BTreeSet<NodeId> = [NodeId(1), NodeId(2)].into();
        w.apply(Action::Partition(vec![group])).unwrap();
        while w.now() < Micros::from_ms(2_600) {
            step(&mut w, &mut seen);
        }
        (w, seen)
    }

    /// Every message of the run is placed exactly once, between the right
    /// nodes, from the time it was sent to the time it left the air (or,
    /// in the air, to the present).
    #[test]
    fn every_message_is_placed_once_with_its_endpoints_and_times() {
        let (w, seen) = watched_run();
        let snap = w.snapshot();
        let (placed, left_out) = placed_at_most(&snap, Micros(0), snap.now, usize::MAX);
        assert_eq!(left_out, 0);
        let stats = &w.network().stats;
        assert_eq!(placed.len() as u64, stats.sent + stats.duplicated);
        assert_eq!(placed.len(), seen.len());
        let mut by_id = BTreeMap::new();
        for p in &placed {
            assert!(by_id.insert(p.id, *p).is_none(), "{:?} placed twice", p.id);
        }
        let (mut lost, mut flying) = (0, 0);
        for (id, s) in &seen {
            let p = by_id.get(id).unwrap_or_else(|| panic!("{id:?} not placed"));
            assert_eq!(
                (p.from, p.to, p.sent_at),
                (s.from, s.to, s.sent_at),
                "{id:?}"
            );
            match (p.flight, s.gone_at) {
                (Flight::InFlight { .. }, None) => flying += 1,
                (Flight::Delivered, Some(t)) => assert_eq!(p.end, t, "{id:?}"),
                (Flight::Lost(_), Some(t)) => {
                    assert_eq!(p.end, t, "{id:?}");
                    lost += 1;
                }
                other => panic!("{id:?}: placed {other:?}"),
            }
        }
        assert!(lost > 0 && flying > 0, "lost {lost}, flying {flying}");
        assert_eq!(lost as u64, stats.dropped);
    }

    /// The diagram draws each placed message once, from the sender's lane
    /// at its send time to the receiver's lane at its delivery.
    #[test]
    fn arrows_run_from_the_sender_lane_to_the_receiver_lane() {
        let (w, _) = watched_run();
        let snap = w.snapshot();
        let window = Window {
            length: Micros::from_ms(300),
            back: Micros(0),
        };
        let frame = Frame {
            width: 900.0,
            height: 300.0,
            vertical: false,
        };
        let d = diagram(&snap, window, frame, None, Lang::En);
        let (from, to) = window.range(snap.now);
        let (placed, _) = placed_messages(&snap, from, to);
        assert_eq!(d.arrows.len(), placed.len());
        assert_eq!(d.counts.messages, placed.len());
        let lane: BTreeMap<NodeId, f64> = d.lanes.iter().copied().collect();
        let x_of = |t: Micros| {
            LABEL_ROOM
                + (t.0.saturating_sub(from.0) as f64 / (to.0 - from.0) as f64).clamp(0.0, 1.0)
                    * (frame.width - LABEL_ROOM - 8.0)
        };
        for (a, p) in d.arrows.iter().zip(&placed) {
            assert_eq!(a.id, p.id);
            assert_eq!((a.x0, a.y0), (x_of(p.sent_at), lane[&p.from]));
            assert!((a.x1 - x_of(p.end)).abs() < 1e-9);
            if p.flight == Flight::Delivered {
                assert_eq!(a.y1, lane[&p.to]);
            }
        }
        // On a phone, time runs down: the same arrows, transposed.
        let tall = Frame {
            width: 300.0,
            height: 900.0,
            vertical: true,
        };
        let v = diagram(&snap, window, tall, None, Lang::En);
        let vlane: BTreeMap<NodeId, f64> = v.lanes.iter().copied().collect();
        for ((a, b), p) in d.arrows.iter().zip(&v.arrows).zip(&placed) {
            assert_eq!((a.x0, a.x1), (b.y0, b.y1));
            assert_eq!(b.x0, vlane[&p.from]);
            if p.flight == Flight::Delivered {
                assert_eq!(b.x1, vlane[&p.to]);
            }
        }
        assert!(summary(Lang::En, &d).contains(&format!("{} messages", placed.len())));
    }

    /// The lanes show the crash and the leader's span in its term; the
    /// crash and the partition are marked.
    #[test]
    fn lanes_show_roles_crashes_and_actions() {
        let (w, _) = watched_run();
        let snap = w.snapshot();
        let (spans, marks) = lanes_and_marks(&snap, Micros(0), snap.now);
        let crashed: Vec<NodeId> = marks
            .iter()
            .filter_map(|m| match m.kind {
                MarkKind::Action(Action::Crash(n)) => Some(n),
                _ => None,
            })
            .collect();
        assert_eq!(crashed.len(), 1);
        let n = crashed[0];
        let last = spans[&n].last().unwrap();
        assert_eq!(last.state, LaneState::Crashed);
        // It led before the crash.
        assert!(spans[&n]
            .iter()
            .any(|s| matches!(s.state, LaneState::Role(Role::Leader, t) if t.0 >= 1)));
        // Someone else leads now, in a later term, to the end of the window.
        let now_leader = snap.leader.expect("a new leader");
        let span = spans[&now_leader].last().unwrap();
        assert!(matches!(span.state, LaneState::Role(Role::Leader, _)));
        assert_eq!(span.to, snap.now);
        assert!(marks
            .iter()
            .any(|m| matches!(m.kind, MarkKind::Action(Action::Partition(_))) && m.node.is_none()));
        // Spans of one lane never overlap and stay in the window.
        for list in spans.values() {
            for pair in list.windows(2) {
                assert!(pair[0].to <= pair[1].from, "{pair:?}");
            }
        }
    }

    /// The diagram's Chinese names and summary keep no English word.
    #[test]
    fn chinese_diagram_text_has_no_english_words() {
        use crate::view_model::words::tests::english_words;
        let (w, _) = watched_run();
        let snap = w.snapshot();
        let window = Window {
            length: Micros::from_ms(2_600),
            back: Micros(0),
        };
        let frame = Frame {
            width: 900.0,
            height: 300.0,
            vertical: false,
        };
        let text = |lang: Lang| {
            let d = diagram(&snap, window, frame, None, lang);
            let mut out: Vec<String> = d.arrows.iter().map(|a| a.title(lang)).collect();
            out.extend(d.spans.iter().map(|b| b.title.clone()));
            out.extend(d.marks.iter().map(|b| b.title.clone()));
            out.push(summary(lang, &d));
            out
        };
        let zh = text(Lang::Zh);
        assert!(zh.len() > 100);
        let bad: Vec<_> = zh.iter().filter(|s| !english_words(s).is_empty()).collect();
        assert!(
            bad.is_empty(),
            "English words in Chinese text: {:#?}",
            &bad[..bad.len().min(5)]
        );
        let en = text(Lang::En);
        assert!(en.iter().filter(|s| !english_words(s).is_empty()).count() > en.len() / 2);
    }

    /// A click picks the arrow under it: the nearest within the tolerance.
    #[test]
    fn the_nearest_arrow_is_picked() {
        let (w, _) = watched_run();
        let snap = w.snapshot();
        let frame = Frame {
            width: 900.0,
            height: 300.0,
            vertical: false,
        };
        let d = diagram(&snap, Window::default(), frame, None, Lang::En);
        for a in d.arrows.iter().step_by(7) {
            let (x, y) = ((a.x0 + a.x1) / 2.0, (a.y0 + a.y1) / 2.0);
            let hit = nearest_arrow(&d, x, y, 4.0).expect("an arrow under its own midpoint");
            assert!(hit.distance(x, y) < 1e-9, "{:?} vs {:?}", hit.id, a.id);
        }
        assert!(nearest_arrow(&d, -50.0, -50.0, 4.0).is_none());
    }

    /// A pointer on a mark names the mark; on a coloured span, the span;
    /// on a follower's plain lane, nothing (it is not drawn).
    #[test]
    fn the_mark_or_span_under_the_pointer_is_named() {
        let (w, _) = watched_run();
        let snap = w.snapshot();
        let frame = Frame {
            width: 900.0,
            height: 300.0,
            vertical: false,
        };
        let window = Window {
            length: Micros::from_ms(2_600),
            back: Micros(0),
        };
        let d = diagram(&snap, window, frame, None, Lang::En);
        assert!(!d.marks.is_empty());
        for m in &d.marks {
            let (x, y) = (m.x + m.w / 2.0, m.y + m.h / 2.0);
            let hit = block_at(&d, x, y, 3.0).expect("a mark under its own middle");
            assert!(!matches!(hit.look, Look::Span(_)), "{:?}", hit.title);
        }
        let mut spans_named = 0;
        let mut plain = 0;
        for b in &d.spans {
            let (x, y) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
            if d.marks.iter().any(|m| (m.x - x).abs() < 4.0) {
                continue;
            }
            let hit = block_at(&d, x, y, 3.0);
            if b.look.is_drawn() {
                assert_eq!(hit.map(|h| &h.title), Some(&b.title));
                spans_named += 1;
            } else {
                assert!(hit.is_none(), "{:?}", hit.map(|h| &h.title));
                plain += 1;
            }
        }
        assert!(spans_named > 0 && plain > 0, "{spans_named} {plain}");
        assert!(block_at(&d, -50.0, -50.0, 3.0).is_none());
    }

    #[test]
    fn zoom_and_pan_stay_in_bounds() {
        let w = Window::default();
        assert_eq!(w.zoom(1e-9).length, SPAN_MIN);
        assert_eq!(w.zoom(1e9).length, SPAN_MAX);
        let now = Micros::from_ms(10_000);
        assert_eq!(w.pan(1.0, now).back, Micros(0));
        assert_eq!(w.pan(-1.0, now).back, w.length);
        assert_eq!(w.pan(-1e6, now).back, now);
        assert!(ticks(Micros(0), Micros::from_ms(1_500)).len() <= 7);
        assert_eq!(
            ticks(Micros(0), Micros::from_ms(1_000)),
            (0..=5)
                .map(|i| Micros::from_ms(200 * i))
                .collect::<Vec<_>>()
        );
    }
}
