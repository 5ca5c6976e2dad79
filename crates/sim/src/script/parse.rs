//! Parsing one directive line. Every error names the line and the column
//! of the offending word; nothing here panics on any input.
//!
//! Long because it parses every directive of the scenario language, one
//! function per family, with errors that name the line, column and range.

use std::collections::BTreeSet;

use raftlab_core::{Micros, NodeId};

use super::ast::NodeRef;
use super::ast::{Cmp, Directive, Expectation, On, RoleName, Setting, Show, Workload};
use super::ast::{ExerciseLine, HandDirective, Pick, KIND_NAMES};
use super::error::ScriptError;
use super::exercise::{Tool, Track};
use crate::kv::KvOp;
use crate::limits::{self, Count, Duration, Real};

/// Largest cluster a script may build.
pub const MAX_NODES: u64 = limits::NODES.max;

/// Nodes known so far in a script: `None` until a `nodes` directive, after
/// which references to other ids are errors.
#[derive(Clone, Debug, Default)]
pub(crate) struct Known(pub(crate) Option<BTreeSet<u64>>);

struct Line<'a> {
    line: usize,
    text: &'a str,
    words: Vec<(usize, &'a str)>,
    pos: usize,
}

/// Splits on whitespace, with `{` and `}` as words of their own; columns
/// are 1-based, in characters.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (byte, column)
    for (col0, (byte, ch)) in text.char_indices().enumerate() {
        let col = col0 + 1;
        if ch.is_whitespace() || ch == '{' || ch == '}' {
            if let Some((b, c)) = start.take() {
                out.push((c, &text[b..byte]));
            }
            if ch == '{' || ch == '}' {
                out.push((col, &text[byte..byte + 1]));
            }
        } else if start.is_none() {
            start = Some((byte, col));
        }
    }
    if let Some((b, c)) = start {
        out.push((c, &text[b..]));
    }
    out
}

impl<'a> Line<'a> {
    fn err_at(&self, column: usize, message: String) -> ScriptError {
        ScriptError {
            line: self.line,
            column,
            message,
        }
    }

    fn end_column(&self) -> usize {
        self.text.chars().count() + 1
    }

    fn next(&mut self, what: &str) -> Result<(usize, &'a str), ScriptError> {
        match self.words.get(self.pos) {
            Some(&w) => {
                self.pos += 1;
                Ok(w)
            }
            None => Err(self.err_at(self.end_column(), format!("expected {what}"))),
        }
    }

    fn peek(&self) -> Option<&'a str> {
        self.words.get(self.pos).map(|w| w.1)
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.peek() == Some(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn keyword(&mut self, word: &str) -> Result<(), ScriptError> {
        let (col, w) = self.next(&format!("{word:?}"))?;
        if w == word {
            Ok(())
        } else {
            Err(self.err_at(col, format!("expected {word:?}, got {w:?}")))
        }
    }

    fn finish(&self) -> Result<(), ScriptError> {
        match self.words.get(self.pos) {
            None => Ok(()),
            Some(&(col, w)) => {
                Err(self.err_at(col, format!("unexpected {w:?} at end of directive")))
            }
        }
    }

    /// The rest of the line after the current word, verbatim.
    fn rest(&mut self) -> &'a str {
        let Some(&(col, _)) = self.words.get(self.pos) else {
            return "";
        };
        self.pos = self.words.len();
        let byte = self
            .text
            .char_indices()
            .nth(col - 1)
            .map_or(self.text.len(), |(b, _)| b);
        self.text[byte..].trim_end()
    }

    /// The next word as a whole number within `limit`.
    fn count(&mut self, limit: &Count) -> Result<u64, ScriptError> {
        let (col, w) = self.next(&format!("`{}` ({})", limit.name, limit.range()))?;
        limit.parse(w).map_err(|e| self.err_at(col, e.to_string()))
    }

    /// The next word as a decimal number within `limit`.
    fn real(&mut self, limit: &Real) -> Result<f64, ScriptError> {
        let (col, w) = self.next(&format!("`{}` ({})", limit.name, limit.range()))?;
        limit.parse(w).map_err(|e| self.err_at(col, e.to_string()))
    }

    fn on_off(&mut self) -> Result<bool, ScriptError> {
        let (col, w) = self.next("on or off")?;
        match w {
            "on" => Ok(true),
            "off" => Ok(false),
            _ => Err(self.err_at(col, format!("expected on or off, got {w:?}"))),
        }
    }

    /// The next word as a duration within `limit`.
    fn duration(&mut self, limit: &Duration) -> Result<Micros, ScriptError> {
        let (col, w) = self.next(&format!("`{}` ({})", limit.name, limit.range()))?;
        duration_within(w, w, limit)
            .map(Micros)
            .map_err(|m| self.err_at(col, m))
    }

    /// `150ms..300ms`, each end within `limit`, the first not above the second.
    fn range(&mut self, limit: &Duration) -> Result<(Micros, Micros), ScriptError> {
        let (col, w) = self.next(&format!("`{}` like 150ms..300ms", limit.name))?;
        let Some((a, b)) = w.split_once("..") else {
            return Err(self.err_at(
                col,
                format!("expected `{}` like 150ms..300ms, got {w:?}", limit.name),
            ));
        };
        let min = duration_within(a, w, limit).map_err(|m| self.err_at(col, m))?;
        let max = duration_within(b, w, limit).map_err(|m| self.err_at(col, m))?;
        if min > max {
            return Err(self.err_at(
                col,
                format!("`{}` minimum {a} is above its maximum {b}", limit.name),
            ));
        }
        Ok((Micros(min), Micros(max)))
    }

    fn cmp(&mut self) -> Result<Cmp, ScriptError> {
        let (col, w) = self.next("a comparison (== != > >= < <=)")?;
        Ok(match w {
            "==" => Cmp::Eq,
            "!=" => Cmp::Ne,
            ">" => Cmp::Gt,
            ">=" => Cmp::Ge,
            "<" => Cmp::Lt,
            "<=" => Cmp::Le,
            _ => {
                return Err(self.err_at(
                    col,
                    format!("expected a comparison (== != > >= < <=), got {w:?}"),
                ))
            }
        })
    }

    fn node_id(&mut self, known: &Known) -> Result<NodeId, ScriptError> {
        let (col, w) = self.next("a node like n3")?;
        self.check_id(col, w, known)
    }

    fn check_id(&self, col: usize, w: &str, known: &Known) -> Result<NodeId, ScriptError> {
        let id = w
            .strip_prefix('n')
            .and_then(|d| d.parse::<u64>().ok())
            .filter(|id| (1..=MAX_NODES).contains(id))
            .ok_or_else(|| {
                self.err_at(col, format!("expected a node n1..n{MAX_NODES}, got {w:?}"))
            })?;
        match &known.0 {
            Some(set) if !set.contains(&id) => Err(self.err_at(col, format!("unknown node {w:?}"))),
            _ => Ok(NodeId(id)),
        }
    }

    fn node(&mut self, known: &Known) -> Result<NodeRef, ScriptError> {
        let (col, w) = self.next("a node (n3, leader or follower)")?;
        match w {
            "leader" => Ok(NodeRef::Leader),
            "follower" => Ok(NodeRef::AnyFollower),
            _ => self.check_id(col, w, known).map(NodeRef::Id),
        }
    }

    fn group(&mut self, known: &Known) -> Result<Vec<NodeId>, ScriptError> {
        let (col, w) = self.next("a group like {n1 n2}")?;
        if w != "{" {
            return Err(self.err_at(col, format!("expected a group like {{n1 n2}}, got {w:?}")));
        }
        let mut ids = Vec::new();
        loop {
            if self.eat("}") {
                return Ok(ids);
            }
            let (col, _) = self
                .words
                .get(self.pos)
                .copied()
                .unwrap_or((self.end_column(), ""));
            let id = self.node_id(known).map_err(|e| {
                if col == self.end_column() {
                    self.err_at(col, "unclosed group: expected \"}\"".into())
                } else {
                    e
                }
            })?;
            if ids.contains(&id) {
                return Err(self.err_at(col, format!("{id} listed twice")));
            }
            ids.push(id);
        }
    }

    fn on(&mut self, known: &Known) -> Result<Option<On>, ScriptError> {
        if !self.eat("on") {
            return Ok(None);
        }
        if self.eat("all") {
            return Ok(Some(On::All));
        }
        Ok(Some(On::Node(self.node(known)?)))
    }

    fn via(&mut self, known: &Known) -> Result<Option<NodeRef>, ScriptError> {
        if self.eat("via") {
            Ok(Some(self.node(known)?))
        } else {
            Ok(None)
        }
    }

    fn within(&mut self) -> Result<Option<Micros>, ScriptError> {
        if self.eat("within") {
            Ok(Some(self.duration(&limits::WITHIN)?))
        } else {
            Ok(None)
        }
    }

    fn word(&mut self, what: &str) -> Result<String, ScriptError> {
        let (col, w) = self.next(what)?;
        if w == "{" || w == "}" {
            return Err(self.err_at(col, format!("expected {what}, got {w:?}")));
        }
        Ok(w.to_string())
    }
}

/// Why a duration word did not parse.
enum DurationError {
    /// Not spelled like a duration.
    Syntax,
    /// Finer than a microsecond.
    TooFine,
    /// Beyond 64 bits of microseconds.
    TooLong,
}

fn read_duration(text: &str) -> Result<u64, DurationError> {
    let (digits, unit_us) = if let Some(d) = text.strip_suffix("us") {
        (d, 1u64)
    } else if let Some(d) = text.strip_suffix("ms") {
        (d, 1_000)
    } else if let Some(d) = text.strip_suffix('s') {
        (d, 1_000_000)
    } else {
        return Err(DurationError::Syntax);
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (digits.contains('.') && frac.is_empty())
    {
        return Err(DurationError::Syntax);
    }
    let whole = int.parse::<u64>().map_err(|_| DurationError::TooLong)?;
    let mut us = whole.checked_mul(unit_us).ok_or(DurationError::TooLong)?;
    let mut scale = unit_us;
    for d in frac.bytes() {
        if !scale.is_multiple_of(10) {
            return Err(DurationError::TooFine);
        }
        scale /= 10;
        us = us
            .checked_add(u64::from(d - b'0') * scale)
            .ok_or(DurationError::TooLong)?;
    }
    Ok(us)
}

const DURATION_SYNTAX: &str = "a duration like 300ms, 2s, 1.5s or 500us";

/// Parses `300ms`, `2s`, `1.5s`, `500us` into microseconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    read_duration(text).map_err(|e| match e {
        DurationError::Syntax => format!("expected {DURATION_SYNTAX}, got {text:?}"),
        DurationError::TooFine => format!("duration {text:?} is finer than a microsecond"),
        DurationError::TooLong => format!("duration {text:?} is too long"),
    })
}

/// `text` (part of the word `typed`) as microseconds within `limit`; one
/// message naming the field, its range in ms and what was typed.
fn duration_within(text: &str, typed: &str, limit: &Duration) -> Result<u64, String> {
    match read_duration(text) {
        Ok(us) if limit.contains(Micros(us)) => Ok(us),
        Ok(_) | Err(DurationError::TooLong) => Err(limit.refuse(typed.to_string()).to_string()),
        Err(DurationError::TooFine) => Err(format!(
            "`{}`: {typed:?} is finer than a microsecond",
            limit.name
        )),
        Err(DurationError::Syntax) => Err(format!(
            "`{}` must be {DURATION_SYNTAX}, {} (got {typed:?})",
            limit.name,
            limit.range()
        )),
    }
}

/// Parses one directive line (already known not to be blank or a comment).
pub(crate) fn parse_directive(
    line: usize,
    text: &str,
    known: &mut Known,
) -> Result<Directive, ScriptError> {
    let mut l = Line {
        line,
        text,
        words: words(text),
        pos: 0,
    };
    let (col, head) = l.next("a directive")?;
    let d = match head {
        "nodes" => {
            let n = l.count(&limits::NODES)?;
            known.0 = Some((1..=n).collect());
            Directive::Nodes(n)
        }
        "seed" => Directive::Seed(l.count(&limits::SEED)?),
        "set" => Directive::Set(parse_setting(&mut l)?),
        "run" => {
            if l.eat("until") {
                let (c, what) = l.next("leader or committed")?;
                match what {
                    "leader" => Directive::RunUntilLeader {
                        within: l.within()?,
                    },
                    "committed" => {
                        let index = l.count(&limits::LOG_INDEX)?;
                        let on = if l.eat("on") {
                            Some(l.node(known)?)
                        } else {
                            None
                        };
                        Directive::RunUntilCommitted {
                            index,
                            on,
                            within: l.within()?,
                        }
                    }
                    _ => {
                        return Err(
                            l.err_at(c, format!("expected leader or committed, got {what:?}"))
                        )
                    }
                }
            } else {
                Directive::Run {
                    duration: l.duration(&limits::RUN)?,
                }
            }
        }
        "step" => Directive::Step(if l.peek().is_some() {
            l.count(&limits::STEP)?
        } else {
            1
        }),
        "crash" => Directive::Crash(l.node(known)?),
        "restart" => Directive::Restart(l.node(known)?),
        "pause" => Directive::Pause(l.node(known)?),
        "resume" => Directive::Resume(l.node(known)?),
        "isolate" => Directive::Isolate(l.node(known)?),
        "timeout" => Directive::Timeout(l.node(known)?),
        "transfer" => Directive::Transfer(l.node(known)?),
        "remove" => Directive::Remove(l.node(known)?),
        "compact" => Directive::Compact(l.node(known)?),
        "promote" => Directive::Promote(l.node_id(known)?),
        "partition" => {
            let mut groups = vec![l.group(known)?];
            while l.peek().is_some() {
                groups.push(l.group(known)?);
            }
            Directive::Partition(groups)
        }
        "cut" => {
            let source = l.node(known)?;
            let (c, arrow) = l.next("-> or <->")?;
            let both_ways = match arrow {
                "->" => false,
                "<->" => true,
                _ => return Err(l.err_at(c, format!("expected -> or <->, got {arrow:?}"))),
            };
            Directive::Cut {
                source,
                target: l.node(known)?,
                both_ways,
            }
        }
        "heal" => {
            if l.peek().is_some() {
                let a = l.node(known)?;
                l.keyword("<->")?;
                Directive::Heal(Some((a, l.node(known)?)))
            } else {
                Directive::Heal(None)
            }
        }
        "skew" => {
            let node = l.node(known)?;
            let (c, w) = l.next("an offset like +50ms")?;
            let (sign, body) = match (w.strip_prefix('+'), w.strip_prefix('-')) {
                (Some(b), _) => (1i64, b),
                (_, Some(b)) => (-1i64, b),
                _ => {
                    return Err(l.err_at(
                        c,
                        format!("expected an offset like +50ms or -50ms, got {w:?}"),
                    ))
                }
            };
            let us = duration_within(body, w, &limits::SKEW).map_err(|m| l.err_at(c, m))?;
            let us = i64::try_from(us)
                .map_err(|_| l.err_at(c, limits::SKEW.refuse(w.to_string()).to_string()))?;
            Directive::Skew {
                node,
                offset_us: sign * us,
            }
        }
        "add" => {
            let (c, w) = l.next("a node like n6")?;
            let node = l.check_id(c, w, &Known(None))?;
            if let Some(set) = &mut known.0 {
                set.insert(node.0);
            }
            Directive::Add {
                node,
                learner: l.eat("learner"),
            }
        }
        "joint" => {
            let voters = l.group(known)?;
            let learners = if l.eat("learners") {
                l.group(known)?
            } else {
                Vec::new()
            };
            Directive::Joint { voters, learners }
        }
        "get" => {
            let key = l.word("a key")?;
            Directive::Client {
                op: KvOp::Get { key },
                via: l.via(known)?,
            }
        }
        "put" | "append" => {
            let key = l.word("a key")?;
            let value = l.word("a value")?;
            let op = if head == "put" {
                KvOp::Put { key, value }
            } else {
                KvOp::Append { key, value }
            };
            Directive::Client {
                op,
                via: l.via(known)?,
            }
        }
        "cas" => {
            let key = l.word("a key")?;
            let from = l.word("the expected value")?;
            let to = l.word("the new value")?;
            Directive::Client {
                op: KvOp::Cas { key, from, to },
                via: l.via(known)?,
            }
        }
        "workload" => {
            if l.eat("off") {
                Directive::WorkloadOff
            } else {
                let mut w = Workload {
                    ops_per_s: l.real(&limits::WORKLOAD)?,
                    reads: None,
                    keys: None,
                    clients: None,
                };
                while let Some(word) = l.peek() {
                    let c = l.words[l.pos].0;
                    l.pos += 1;
                    match word {
                        "reads" if w.reads.is_none() => w.reads = Some(l.real(&limits::READS)?),
                        "keys" if w.keys.is_none() => w.keys = Some(l.count(&limits::KEYS)?),
                        "clients" if w.clients.is_none() => {
                            w.clients = Some(l.count(&limits::CLIENTS)?)
                        }
                        _ => {
                            return Err(l.err_at(
                                c,
                                format!(
                                    "expected reads, keys or clients (once each), got {word:?}"
                                ),
                            ))
                        }
                    }
                }
                Directive::Workload(w)
            }
        }
        "expect" => Directive::Expect(parse_expect(&mut l, known)?),
        "show" => {
            let (c, what) = l.next("cluster, log, kv or messages")?;
            let node = |l: &mut Line, known: &Known| -> Result<Option<NodeRef>, ScriptError> {
                if l.peek().is_some() {
                    Ok(Some(l.node(known)?))
                } else {
                    Ok(None)
                }
            };
            Directive::Show(match what {
                "cluster" => Show::Cluster,
                "messages" => Show::Messages,
                "client" => Show::Client,
                "log" => Show::Log(node(&mut l, known)?),
                "kv" => Show::Kv(node(&mut l, known)?),
                _ => {
                    return Err(l.err_at(
                        c,
                        format!("expected cluster, log, kv, messages or client, got {what:?}"),
                    ))
                }
            })
        }
        "say" => {
            let lang = match l.peek() {
                Some(tag @ ("en" | "zh")) => {
                    l.next("a language tag")?;
                    Some(tag.to_string())
                }
                _ => None,
            };
            Directive::Say {
                lang,
                text: l.rest().to_string(),
            }
        }
        "tour" => {
            let lang = l.word("a language tag")?;
            let title = l.rest();
            if title.is_empty() {
                return Err(l.err_at(l.end_column(), "expected a tour title".into()));
            }
            Directive::Tour {
                lang,
                title: title.to_string(),
            }
        }
        "deliver" | "drop" | "duplicate" | "fire" => Directive::Hand(hand(&mut l, head, known)?),
        _ if EXERCISE_HEADS.contains(&head) => {
            Directive::Exercise(exercise_line(&mut l, head, known)?)
        }
        _ => return Err(l.err_at(col, format!("unknown directive {head:?}"))),
    };
    l.finish()?;
    Ok(d)
}

fn parse_setting(l: &mut Line) -> Result<Setting, ScriptError> {
    let (col, name) = l.next("a setting")?;
    Ok(match name {
        "election" => {
            let (min, max) = l.range(&limits::ELECTION)?;
            Setting::Election { min, max }
        }
        "heartbeat" => Setting::Heartbeat {
            interval: l.duration(&limits::HEARTBEAT)?,
        },
        "latency" => {
            let (min, max) = l.range(&limits::LATENCY)?;
            Setting::Latency { min, max }
        }
        "drop" => Setting::Drop {
            probability: l.real(&limits::DROP)?,
        },
        "duplicate" => Setting::Duplicate {
            probability: l.real(&limits::DUPLICATE)?,
        },
        "reorder" => Setting::Reorder(l.on_off()?),
        "prevote" => Setting::PreVote(l.on_off()?),
        "checkquorum" => Setting::CheckQuorum(l.on_off()?),
        "backoff" => Setting::Backoff(l.on_off()?),
        "lease" => Setting::Lease(l.on_off()?),
        "disk" => Setting::Disk {
            write: l.duration(&limits::DISK)?,
        },
        "snapshot-every" => Setting::SnapshotEvery {
            entries: l.count(&limits::SNAPSHOT_EVERY)?,
        },
        "hand-delivery" => Setting::HandDelivery(l.on_off()?),
        "max-entries" => Setting::MaxEntries {
            entries: l.count(&limits::MAX_ENTRIES)?,
        },
        "bug" => {
            let name = l.word("a bug name")?;
            Setting::Bug { name, on: l.on_off()? }
        }
        _ => {
            return Err(l.err_at(
                col,
                format!(
                    "unknown setting {name:?} (known: election heartbeat latency drop duplicate reorder prevote checkquorum backoff lease disk snapshot-every hand-delivery max-entries bug)"
                ),
            ))
        }
    })
}

fn parse_expect(l: &mut Line, known: &Known) -> Result<Expectation, ScriptError> {
    let (col, what) = l.next("what to expect")?;
    Ok(match what {
        "leader" => match l.peek() {
            None => Expectation::Leader { among: Vec::new() },
            Some("in") => {
                l.pos += 1;
                Expectation::Leader {
                    among: l.group(known)?,
                }
            }
            Some(_) => {
                let c = l.words[l.pos].0;
                let cmp = l.cmp()?;
                if !matches!(cmp, Cmp::Eq | Cmp::Ne) {
                    return Err(l.err_at(
                        c,
                        format!("leader can only be compared with == or !=, got {cmp}"),
                    ));
                }
                Expectation::LeaderIs {
                    cmp,
                    node: l.node(known)?,
                }
            }
        },
        "no" => {
            l.keyword("leader")?;
            Expectation::NoLeader
        }
        "term" => Expectation::Term {
            cmp: l.cmp()?,
            value: l.count(&limits::TERM)?,
        },
        "committed" | "applied" => {
            let cmp = l.cmp()?;
            let value = l.count(&limits::LOG_INDEX)?;
            let on = l.on(known)?;
            if what == "committed" {
                Expectation::Committed { cmp, value, on }
            } else {
                Expectation::Applied { cmp, value, on }
            }
        }
        "role" => {
            let node = l.node(known)?;
            let (c, r) = l.next("a role")?;
            let role = match r {
                "follower" => RoleName::Follower,
                "precandidate" => RoleName::PreCandidate,
                "candidate" => RoleName::Candidate,
                "leader" => RoleName::Leader,
                _ => {
                    return Err(l.err_at(
                        c,
                        format!("expected follower, precandidate, candidate or leader, got {r:?}"),
                    ))
                }
            };
            Expectation::Role { node, role }
        }
        "logs" => {
            l.keyword("match")?;
            Expectation::LogsMatch
        }
        "value" => {
            let key = l.word("a key")?;
            let c = l.words.get(l.pos).map_or(l.end_column(), |w| w.0);
            let cmp = l.cmp()?;
            if !matches!(cmp, Cmp::Eq | Cmp::Ne) {
                return Err(l.err_at(
                    c,
                    format!("values can only be compared with == or !=, got {cmp}"),
                ));
            }
            let value = l.word("a value")?;
            Expectation::Value {
                key,
                cmp,
                value,
                on: l.on(known)?,
            }
        }
        "linearizable" => Expectation::Linearizable,
        "safe" => Expectation::Safe,
        "violation" => Expectation::Violation(l.word("an invariant name")?),
        "last" => Expectation::Last {
            cmp: l.cmp()?,
            value: l.count(&limits::LOG_INDEX)?,
            on: l.on(known)?,
        },
        "votes" => Expectation::Votes {
            node: l.node(known)?,
            cmp: l.cmp()?,
            value: l.count(&limits::NODES)?,
        },
        "voters" => Expectation::Voters(l.group(known)?),
        _ => return Err(l.err_at(col, format!("unknown expectation {what:?}"))),
    })
}

// --- Hand-driven delivery and exercise files (issue 13). ---

/// The first words of exercise lines.
const EXERCISE_HEADS: [&str; 8] = [
    "exercise", "text", "hint", "track", "allow", "limit", "goal", "solution",
];

/// `deliver …`, `drop …`, `duplicate …`, `fire n2` (the head already read).
fn hand(l: &mut Line, head: &str, known: &Known) -> Result<HandDirective, ScriptError> {
    if head == "fire" {
        return Ok(HandDirective::Fire(l.node(known)?));
    }
    let pick = if head != "duplicate" && l.eat("all") {
        Pick::All
    } else {
        let source = l.node(known)?;
        l.keyword("->")?;
        let target = l.node(known)?;
        let kind = match l.peek() {
            None => None,
            Some(_) => {
                let (c, w) = l.next("a message kind")?;
                let found = KIND_NAMES.iter().find(|(_, n)| *n == w);
                match found {
                    Some((k, _)) => Some(*k),
                    None => {
                        let names: Vec<&str> = KIND_NAMES.iter().map(|(_, n)| *n).collect();
                        return Err(l.err_at(
                            c,
                            format!("unknown message kind {w:?} (known: {})", names.join(" ")),
                        ));
                    }
                }
            }
        };
        Pick::Link {
            source,
            target,
            kind,
        }
    };
    Ok(match head {
        "deliver" => HandDirective::Deliver(pick),
        "drop" => HandDirective::Drop(pick),
        _ => HandDirective::Duplicate(pick),
    })
}

fn lang(l: &mut Line) -> Result<String, ScriptError> {
    let (c, w) = l.next("a language tag (en or zh)")?;
    match w {
        "en" | "zh" => Ok(w.to_string()),
        _ => Err(l.err_at(c, format!("expected a language tag (en or zh), got {w:?}"))),
    }
}

fn text(l: &mut Line, what: &str) -> Result<String, ScriptError> {
    let t = l.rest();
    if t.is_empty() {
        return Err(l.err_at(l.end_column(), format!("expected {what}")));
    }
    Ok(t.to_string())
}

/// One exercise line (the head already read).
fn exercise_line(l: &mut Line, head: &str, known: &mut Known) -> Result<ExerciseLine, ScriptError> {
    Ok(match head {
        "exercise" => {
            let lang = lang(l)?;
            ExerciseLine::Title {
                lang,
                text: text(l, "a title")?,
            }
        }
        "text" => {
            let lang = lang(l)?;
            ExerciseLine::Text {
                lang,
                text: text(l, "a paragraph")?,
            }
        }
        "hint" => {
            let lang = lang(l)?;
            ExerciseLine::Hint {
                lang,
                text: text(l, "a hint")?,
            }
        }
        "track" => {
            let (c, w) = l.next("make-it-work or break-it")?;
            ExerciseLine::Track(match w {
                "make-it-work" => Track::MakeItWork,
                "break-it" => Track::BreakIt,
                _ => {
                    return Err(l.err_at(c, format!("expected make-it-work or break-it, got {w:?}")))
                }
            })
        }
        "allow" => {
            let mut tools = Vec::new();
            while l.peek().is_some() {
                let (c, w) = l.next("a tool")?;
                let Some(t) = Tool::parse(w) else {
                    let names: Vec<&str> = Tool::ALL.iter().map(|t| t.name()).collect();
                    return Err(l.err_at(
                        c,
                        format!("unknown tool {w:?} (known: {})", names.join(" ")),
                    ));
                };
                if tools.contains(&t) {
                    return Err(l.err_at(c, format!("{w:?} listed twice")));
                }
                tools.push(t);
            }
            if tools.is_empty() {
                return Err(l.err_at(l.end_column(), "expected at least one tool".into()));
            }
            ExerciseLine::Allow(tools)
        }
        "limit" => {
            let (c, w) = l.next("actions or time")?;
            match w {
                "actions" => ExerciseLine::LimitActions(l.count(&limits::EXERCISE_ACTIONS)?),
                "time" => ExerciseLine::LimitTime(l.duration(&limits::EXERCISE_TIME)?),
                _ => return Err(l.err_at(c, format!("expected actions or time, got {w:?}"))),
            }
        }
        "goal" => ExerciseLine::Goal(parse_expect(l, known)?),
        "solution" => {
            let Some(&(col, _)) = l.words.get(l.pos) else {
                return Err(l.err_at(l.end_column(), "expected a directive".into()));
            };
            // Checked before parsing the rest, so `solution solution …`
            // cannot recurse.
            if EXERCISE_HEADS.contains(&l.words[l.pos].1) {
                return Err(l.err_at(col, "a solution step cannot be an exercise line".into()));
            }
            let rest = l.rest();
            let d = parse_directive(l.line, rest, known).map_err(|e| ScriptError {
                column: e.column + col - 1,
                ..e
            })?;
            ExerciseLine::Solution(Box::new(d))
        }
        _ => unreachable!("dispatched on {head:?}"),
    })
}
