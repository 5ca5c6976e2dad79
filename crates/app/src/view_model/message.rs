//! Messages in flight and lost: where each one is and which glyph it wears.

use raftlab_core::{MessageKind, Micros, NodeId};
use raftlab_sim::snapshot::MessageSnapshot;
use raftlab_sim::{MsgId, WorldSnapshot};

use super::layout::{lane, node_radius, Point};
use super::words::drop_reason;
/// The legend and the inspector name a kind beside its glyph.
pub use super::words::kind_name;
use crate::i18n::{Lang, K};

/// How long (virtual time) a lost message stays visible while it fades.
pub const DROP_FADE: Micros = Micros::from_ms(12);

/// The outline of a message glyph. Requests to vote are diamonds, log
/// traffic is round (heartbeat: small; with entries: a pill with the count),
/// snapshots are squares, TimeoutNow is a triangle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Small circle.
    Dot,
    /// Wide rounded rectangle with a number in it.
    Pill,
    /// Diamond.
    Diamond,
    /// Square.
    Square,
    /// Triangle.
    Triangle,
    /// Circle holding ✓ or ✗.
    Reply,
}

/// What a message looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glyph {
    /// Outline.
    pub shape: Shape,
    /// Text inside (`P`, `V`, `3`, `✓`, `✗`, ...).
    pub text: String,
    /// CSS class for colour: `msg-prevote`, `msg-ok`, ...
    pub class: &'static str,
}

/// The glyph for one message.
pub fn glyph(kind: MessageKind, ok: Option<bool>, entries: usize) -> Glyph {
    let verdict = || match ok {
        Some(false) => ("✗", "msg-no"),
        _ => ("✓", "msg-ok"),
    };
    let (shape, text, class) = match kind {
        MessageKind::PreVote => (Shape::Diamond, "P".to_string(), "msg-prevote"),
        MessageKind::RequestVote => (Shape::Diamond, "V".to_string(), "msg-vote"),
        MessageKind::PreVoteResponse | MessageKind::RequestVoteResponse => {
            let (t, c) = verdict();
            (Shape::Diamond, t.to_string(), c)
        }
        MessageKind::Heartbeat => (Shape::Dot, String::new(), "msg-heartbeat"),
        MessageKind::AppendEntries => (Shape::Pill, entries.to_string(), "msg-append"),
        MessageKind::AppendEntriesResponse => {
            let (t, c) = verdict();
            (Shape::Reply, t.to_string(), c)
        }
        MessageKind::InstallSnapshot => (Shape::Square, "S".to_string(), "msg-snapshot"),
        MessageKind::InstallSnapshotResponse => (Shape::Square, "✓".to_string(), "msg-ok"),
        MessageKind::TimeoutNow => (Shape::Triangle, "!".to_string(), "msg-timeoutnow"),
    };
    Glyph { shape, text, class }
}

/// How far along its lane a message is, `0.0` at the sender, `1.0` at the
/// receiver. A held message stays where it was held. A doomed message's
/// `deliver_at` is the moment it vanishes, half-way along the lane.
pub fn progress(now: Micros, m: &MessageSnapshot) -> f64 {
    let at = m.held_at.unwrap_or(now);
    let span = m.deliver_at.0.saturating_sub(m.sent_at.0);
    let t = if span == 0 {
        1.0
    } else {
        (at.0.saturating_sub(m.sent_at.0) as f64 / span as f64).clamp(0.0, 1.0)
    };
    if m.doomed {
        t * 0.5
    } else {
        t
    }
}

/// Everything a message's CSS classes say, typed: the drawing and the
/// in-flight list read these fields, and [`MessageLook::class`] is the one
/// place they become a class string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageLook {
    /// The glyph's colour class ([`Glyph::class`]).
    pub colour: &'static str,
    /// Held by the user: it stays where it is until released.
    pub held: bool,
    /// The user picked it.
    pub selected: bool,
}

impl MessageLook {
    /// `base` followed by the look's classes: `msg msg-append held selected`.
    pub fn class(self, base: &str) -> String {
        let mut class = format!("{base} {}", self.colour);
        if self.held {
            class.push_str(" held");
        }
        if self.selected {
            class.push_str(" selected");
        }
        class
    }
}

/// A message as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    /// Id.
    pub id: MsgId,
    /// Where it is now.
    pub at: Point,
    /// Its glyph.
    pub glyph: Glyph,
    /// Colour, held, selected (and from them, the CSS classes).
    pub look: MessageLook,
    /// Accessible name.
    pub aria: String,
    /// How many glyphs of the same kind it stands for where they overlap:
    /// `1` alone, `n > 1` drawn once with a count, `0` hidden under another
    /// (see [`stack_overlaps`]).
    pub stack: usize,
}

/// Glyphs closer than this (SVG units, centre to centre) overlap.
pub const STACK_DISTANCE: f64 = 14.0;

/// Glyphs of the same kind that overlap (a leader's AppendEntries leaving
/// together, replies arriving together) are drawn once, with a count: the
/// first of each group stands for the rest. A held or selected message is
/// never hidden, so what the user picked stays in sight.
pub fn stack_overlaps(views: &mut [MessageView]) {
    for v in views.iter_mut() {
        v.stack = 1;
    }
    for i in 0..views.len() {
        if views[i].stack == 0 {
            continue;
        }
        for j in i + 1..views.len() {
            let (a, b) = (&views[i], &views[j]);
            let close = (a.at.x - b.at.x).hypot(a.at.y - b.at.y) < STACK_DISTANCE;
            let pinned = |v: &MessageView| v.look.held || v.look.selected;
            if b.stack != 0 && close && a.glyph == b.glyph && !pinned(a) && !pinned(b) {
                views[j].stack = 0;
                views[i].stack += 1;
            }
        }
    }
}

/// A lost message fading out where it was lost.
#[derive(Clone, Debug, PartialEq)]
pub struct DropView {
    /// Id of the lost message.
    pub id: MsgId,
    /// Where it vanished.
    pub at: Point,
    /// `1.0` just lost, `0.0` gone.
    pub opacity: f64,
    /// Why, in words.
    pub reason: String,
}

fn pos(positions: &[(NodeId, Point)], id: NodeId) -> Option<Point> {
    positions.iter().find(|(n, _)| *n == id).map(|(_, p)| *p)
}

/// Every message in the air, placed on its lane.
/// Shortest time (wall ms) a message must stay in the air to be drawn:
/// two frames at 60 Hz. At high speeds most messages land within a frame
/// of leaving; drawing them would only flicker and would cost most of the
/// frame to build and tear down (measured with `make bench-page`).
pub const MIN_FLIGHT_WALL_MS: f64 = 33.0;

/// Whether a message is drawn at `speed` (virtual seconds per wall second):
/// if its flight lasts at least [`MIN_FLIGHT_WALL_MS`] of wall time, or it
/// is held or selected (the user is looking at it).
pub fn drawn_at(m: &MessageSnapshot, speed: f64, selected: Option<MsgId>) -> bool {
    let flight_ms = m.deliver_at.0.saturating_sub(m.sent_at.0) as f64 / 1000.0;
    m.held_at.is_some()
        || selected == Some(m.id)
        || speed.is_nan()
        || speed <= 0.0
        || flight_ms / speed >= MIN_FLIGHT_WALL_MS
}

/// Whether the slowest messages of a network whose latency reaches
/// `latency_max` are drawn at `speed`: below this speed the page has
/// flights to watch and keeps every panel in step with them.
pub fn messages_visible(latency_max: Micros, speed: f64) -> bool {
    speed.is_nan() || speed <= 0.0 || latency_max.0 as f64 / 1000.0 / speed >= MIN_FLIGHT_WALL_MS
}

/// The messages in flight worth drawing at `speed` (see [`drawn_at`]).
pub fn message_views(
    snap: &WorldSnapshot,
    positions: &[(NodeId, Point)],
    lang: Lang,
    selected: Option<MsgId>,
    speed: f64,
) -> Vec<MessageView> {
    let r = node_radius(snap.nodes.len());
    let mut views = snap
        .messages
        .iter()
        .filter(|m| drawn_at(m, speed, selected))
        .filter_map(|m| {
            let (a, b) = lane(pos(positions, m.from)?, pos(positions, m.to)?, r);
            let glyph = glyph(m.kind, m.ok, m.entries);
            let look = MessageLook {
                colour: glyph.class,
                held: m.held_at.is_some(),
                selected: selected == Some(m.id),
            };
            let aria = lang.f(
                K::MessageAria,
                &[
                    ("kind", &kind_name(lang, m.kind)),
                    ("from", &m.from),
                    ("to", &m.to),
                    ("term", &m.term),
                ],
            );
            Some(MessageView {
                id: m.id,
                at: a.lerp(b, progress(snap.now, m)),
                glyph,
                look,
                aria,
                stack: 1,
            })
        })
        .collect::<Vec<_>>();
    stack_overlaps(&mut views);
    views
}

/// Recently lost messages that are still fading.
pub fn drop_views(
    snap: &WorldSnapshot,
    positions: &[(NodeId, Point)],
    lang: Lang,
) -> Vec<DropView> {
    let r = node_radius(snap.nodes.len());
    snap.drops
        .iter()
        .filter_map(|d| {
            let age = snap.now.0.checked_sub(d.dropped_at.0)?;
            if age > DROP_FADE.0 {
                return None;
            }
            let m = &d.message;
            let (a, b) = lane(pos(positions, m.from)?, pos(positions, m.to)?, r);
            Some(DropView {
                id: m.id,
                at: a.lerp(b, progress(d.dropped_at, m)),
                opacity: 1.0 - age as f64 / DROP_FADE.0 as f64,
                reason: drop_reason(lang, d.cause).to_string(),
            })
        })
        .collect()
}

/// How many messages the in-flight list shows.
pub const FLIGHT_LINES: usize = 8;

/// One row of the list of messages in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct FlightLine {
    /// The message.
    pub id: MsgId,
    /// `m12 heartbeat: n1 → n2`.
    pub text: String,
    /// CSS classes: `flight`, the glyph's colour class, `held`.
    pub class: String,
}

/// The newest messages in the air (at most `max`), newest first, and how
/// many more there are.
pub fn flight_lines(snap: &WorldSnapshot, lang: Lang, max: usize) -> (Vec<FlightLine>, usize) {
    let mut ms: Vec<&MessageSnapshot> = snap.messages.iter().collect();
    ms.sort_by_key(|m| std::cmp::Reverse((m.sent_at, m.id)));
    let more = ms.len().saturating_sub(max);
    let lines = ms
        .into_iter()
        .take(max)
        .map(|m| {
            let g = glyph(m.kind, m.ok, m.entries);
            FlightLine {
                id: m.id,
                text: lang.f(
                    K::FlightLine,
                    &[
                        ("id", &m.id),
                        ("kind", &kind_name(lang, m.kind)),
                        ("from", &m.from),
                        ("to", &m.to),
                    ],
                ),
                class: MessageLook {
                    colour: g.class,
                    held: m.held_at.is_some(),
                    selected: false,
                }
                .class("flight"),
            }
        })
        .collect();
    (lines, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_visible_while_the_slowest_flight_lasts_two_frames() {
        let l = Micros::from_ms(20);
        assert!(messages_visible(l, 0.1), "200 ms flights");
        assert!(messages_visible(l, 0.6), "33 ms flights");
        assert!(!messages_visible(l, 1.0), "20 ms flights flicker");
        assert!(!messages_visible(l, 100.0));
        assert!(messages_visible(l, 0.0) && messages_visible(l, f64::NAN));
    }

    fn msg(sent: u64, deliver: u64) -> MessageSnapshot {
        MessageSnapshot {
            id: MsgId(1),
            from: NodeId(1),
            to: NodeId(2),
            kind: MessageKind::Heartbeat,
            term: raftlab_core::Term(1),
            sent_at: Micros(sent),
            deliver_at: Micros(deliver),
            held_at: None,
            doomed: false,
            ok: None,
            entries: 0,
            body: raftlab_sim::snapshot::BodyView::TimeoutNow,
        }
    }

    #[test]
    fn position_is_elapsed_over_latency() {
        let m = msg(1_000, 3_000);
        assert_eq!(progress(Micros(1_000), &m), 0.0);
        assert_eq!(progress(Micros(2_000), &m), 0.5);
        assert_eq!(progress(Micros(3_000), &m), 1.0);
        assert_eq!(progress(Micros(9_000), &m), 1.0);
        assert_eq!(progress(Micros(0), &m), 0.0);
    }

    #[test]
    fn a_held_message_stays_put_and_a_doomed_one_stops_half_way() {
        let mut m = msg(0, 4_000);
        m.held_at = Some(Micros(1_000));
        assert_eq!(progress(Micros(3_000), &m), 0.25);
        let mut d = msg(0, 4_000);
        d.doomed = true;
        assert_eq!(progress(Micros(4_000), &d), 0.5);
        assert_eq!(progress(Micros(2_000), &d), 0.25);
    }

    #[test]
    fn every_kind_has_a_distinct_look() {
        let mut seen = std::collections::BTreeSet::new();
        for kind in MessageKind::ALL {
            let g = glyph(kind, Some(true), 2);
            seen.insert(format!("{:?}{}{}", g.shape, g.text, g.class));
            assert!(!kind_name(Lang::En, kind).is_empty());
        }
        // Vote grants of both kinds share a look on purpose; nothing else does.
        assert!(seen.len() >= MessageKind::ALL.len() - 1);
        assert_eq!(glyph(MessageKind::AppendEntries, None, 3).text, "3");
        assert_eq!(
            glyph(MessageKind::RequestVoteResponse, Some(false), 0).text,
            "✗"
        );
        assert_eq!(
            glyph(MessageKind::AppendEntriesResponse, Some(true), 0).class,
            "msg-ok"
        );
    }

    #[test]
    fn the_flight_list_shows_the_newest_messages_first_and_counts_the_rest() {
        let mut s = raftlab_sim::World::new(raftlab_sim::WorldConfig::default())
            .unwrap()
            .snapshot();
        s.messages = (0..11)
            .map(|i| MessageSnapshot {
                id: MsgId(i),
                ..msg(i * 10, i * 10 + 50)
            })
            .collect();
        s.messages[3].held_at = Some(Micros(35));
        let (lines, more) = flight_lines(&s, Lang::En, FLIGHT_LINES);
        assert_eq!(lines.len(), FLIGHT_LINES);
        assert_eq!(more, 3);
        assert_eq!(lines[0].id, MsgId(10));
        assert_eq!(
            lines[0].text,
            "m10 heartbeat (empty AppendEntries): n1 → n2"
        );
        assert!(lines
            .iter()
            .find(|l| l.id == MsgId(3))
            .unwrap()
            .class
            .ends_with(" held"));
        let (zh, _) = flight_lines(&s, Lang::Zh, 2);
        assert_eq!(zh[1].text, "m9 心跳（空 AppendEntries）：n1 → n2");
    }

    /// At the opening speed every message is drawn; at 1x a 10-20 ms flight
    /// would last about a frame and is left out, unless held or selected.
    #[test]
    fn flickering_messages_are_not_drawn() {
        let mut w = raftlab_sim::World::new(raftlab_sim::WorldConfig::default()).unwrap();
        w.run_until(Micros::from_ms(600));
        while w.network().in_flight.is_empty() {
            assert!(w.step());
        }
        let s = w.snapshot();
        let pos = super::super::node::positions(&s);
        let slow = message_views(&s, &pos, Lang::En, None, 1.0 / 25.0);
        assert_eq!(slow.len(), s.messages.len());
        let fast = message_views(&s, &pos, Lang::En, None, 1.0);
        assert!(fast.is_empty(), "{} drawn", fast.len());
        let picked = s.messages[0].id;
        let fast = message_views(&s, &pos, Lang::En, Some(picked), 1.0);
        assert_eq!(fast.iter().map(|v| v.id).collect::<Vec<_>>(), vec![picked]);
        // 30 ms of flight at 1/2x is 60 wall ms: drawn.
        let mut m = s.messages[0].clone();
        m.deliver_at = Micros(m.sent_at.0 + 30_000);
        assert!(drawn_at(&m, 0.5, None));
        assert!(!drawn_at(&m, 1.0, None));
        m.held_at = Some(m.sent_at);
        assert!(drawn_at(&m, 100.0, None));
    }

    #[test]
    fn the_class_string_is_built_from_the_typed_look() {
        let look = MessageLook {
            colour: "msg-append",
            held: false,
            selected: false,
        };
        assert_eq!(look.class("msg"), "msg msg-append");
        let held = MessageLook { held: true, ..look };
        assert_eq!(held.class("flight"), "flight msg-append held");
        let both = MessageLook {
            selected: true,
            ..held
        };
        assert_eq!(both.class("msg"), "msg msg-append held selected");
    }

    #[test]
    fn messages_of_a_running_world_sit_between_their_nodes() {
        let mut w = raftlab_sim::World::new(raftlab_sim::WorldConfig::default()).unwrap();
        w.run_until(Micros::from_ms(600));
        let s = w.snapshot();
        let pos = super::super::node::positions(&s);
        let views = message_views(&s, &pos, Lang::En, None, 1.0 / 25.0);
        assert_eq!(views.len(), s.messages.len());
        for v in views {
            assert!(v.at.x > 0.0 && v.at.x < super::super::layout::CANVAS);
            assert!(v.aria.contains("from n"));
        }
    }

    #[test]
    fn overlapping_glyphs_of_one_kind_stack_as_a_count() {
        let view = |id: u64, x: f64, kind: MessageKind| MessageView {
            id: MsgId(id),
            at: Point { x, y: 0.0 },
            glyph: glyph(kind, None, 1),
            look: MessageLook {
                colour: "msg-append",
                held: false,
                selected: false,
            },
            aria: String::new(),
            stack: 1,
        };
        let mut v = vec![
            view(1, 0.0, MessageKind::AppendEntries),
            view(2, 5.0, MessageKind::AppendEntries),
            view(3, 9.0, MessageKind::AppendEntries),
            view(4, 4.0, MessageKind::Heartbeat),
            view(5, 60.0, MessageKind::AppendEntries),
        ];
        v[2].look.selected = true;
        stack_overlaps(&mut v);
        let stacks: Vec<usize> = v.iter().map(|m| m.stack).collect();
        // Two appends merge; the selected one and the heartbeat stay; the far one is alone.
        assert_eq!(stacks, vec![2, 0, 1, 1, 1]);
    }
}
