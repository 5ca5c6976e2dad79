//! Versioned JSON traces: the initial configuration, seed and action log
//! (enough to reproduce a run bit for bit), optionally with the full event
//! log.
//!
//! Import never panics and never reads more than [`TRACE_MAX_BYTES`]: a
//! malformed, truncated, foreign or future-versioned file gets a
//! [`TraceError`] that names the field and line, quoting at most
//! [`QUOTE_MAX_CHARS`] characters of the input. Replay is exact or an
//! error ([`ReplayError`]) that names the action where it went wrong.

use std::io::Read;

use raftlab_core::Micros;
use serde::{Deserialize, Serialize};

use crate::action::{Action, LoggedAction, MAX_ACTIONS};
use crate::config::WorldConfig;
use crate::timeline::{finish_replay, next_due, Due, Timeline};
use crate::world::{NoteKind, World};

pub use crate::timeline::ReplayError;

/// The `format` field every trace carries.
pub const TRACE_FORMAT: &str = "raftlab-trace";
/// The newest trace version this build writes and reads. Version 2: the
/// configuration is the one the run started from (version 1 wrote the one
/// it ended with), and `until_event` says where the run stopped.
pub const TRACE_VERSION: u32 = 2;
/// Largest trace accepted (bytes), so a huge paste cannot freeze the page.
pub const TRACE_MAX_BYTES: usize = 64 * 1024 * 1024;
/// Longest run a trace may span, in virtual time: replay takes about a
/// minute per simulated day of the page's busiest world, so a week is
/// minutes, not the hours a bogus `until` could ask for.
pub const TRACE_MAX_UNTIL: Micros = Micros::from_ms(7 * 24 * 3_600_000);
/// Most characters of the input an error message quotes.
pub const QUOTE_MAX_CHARS: usize = 200;

/// A recorded run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Always [`TRACE_FORMAT`].
    pub format: String,
    /// Format version.
    pub version: u32,
    /// The configuration the run started from, seed included (later
    /// `SetNetwork` and `SetWorkload` actions are in `actions`).
    pub config: WorldConfig,
    /// Every user action, in order, each with the event count and time it
    /// was taken at.
    pub actions: Vec<LoggedAction>,
    /// How far the run went.
    pub until: Micros,
    /// How many events the run had processed by `until` (version 2 on):
    /// a run paused between two events due at the same microsecond ends
    /// after the first, and replay must too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_event: Option<u64>,
    /// Optionally, every processed event as text (for reading, not replay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<TraceEvent>>,
}

/// The fingerprint of a world's run so far: its trace (configuration, seed,
/// action log) re-run with the full event log, hashed by
/// [`Trace::fingerprint`]. Compare fingerprints to prove two runs identical.
pub fn fingerprint(world: &World) -> Result<u64, ReplayError> {
    Ok(Trace::from_world(world).with_events()?.fingerprint())
}

/// The fingerprint of [`reference_run`], pinned: the native test suite and
/// the wasm build's browser test both hold their run to it, which proves a
/// seed and action log replay bit for bit on both platforms.
pub const REFERENCE_FINGERPRINT: u64 = 0x5aa3_0991_2ba7_8f91;

/// A fixed run exercising crash, clock skew, partition, heal and restart
/// (seed 2026, 6 s of virtual time, over a thousand events).
pub fn reference_run() -> Result<World, crate::SimError> {
    use crate::Action;
    use raftlab_core::NodeId;
    let ms = Micros::from_ms;
    let mut w = World::new(WorldConfig {
        seed: 2026,
        ..WorldConfig::default()
    })?;
    w.run_until(ms(1_500));
    w.apply(Action::Crash(NodeId(1)))?;
    w.apply(Action::ClockSkew {
        node: NodeId(2),
        offset_us: 50_000,
    })?;
    w.run_until(ms(2_500));
    w.apply(Action::Partition(vec![[NodeId(2), NodeId(3)].into()]))?;
    w.run_until(ms(4_000));
    w.apply(Action::HealAll)?;
    w.apply(Action::Restart(NodeId(1)))?;
    w.run_until(ms(6_000));
    Ok(w)
}

/// 64-bit FNV-1a (Fowler–Noll–Vo): a fixed, unseeded hash, unlike std's.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One processed event in a trace's event log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Event number.
    pub event: u64,
    /// Virtual time.
    pub at: Micros,
    /// What happened.
    pub what: String,
}

/// Why a trace could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// The input could not be read.
    #[error("cannot read the trace: {0}")]
    Io(String),
    /// Too large: reading stopped at the limit.
    #[error("the trace is larger than {} MiB ({TRACE_MAX_BYTES} bytes), the most Raftlab reads", TRACE_MAX_BYTES >> 20)]
    TooLarge,
    /// Not UTF-8 text.
    #[error("the trace is not UTF-8 text (byte {at} is not)")]
    NotText {
        /// Offset of the first byte that is not UTF-8.
        at: usize,
    },
    /// Not JSON at all, or cut short.
    #[error(
        "not a valid JSON document (line {line}, column {column}{}): {message}",
        in_field(field)
    )]
    Json {
        /// Line of the error.
        line: usize,
        /// Column of the error.
        column: usize,
        /// Where in the document (`config.network`, `actions[3]`), if anywhere.
        field: String,
        /// serde_json's message.
        message: String,
    },
    /// JSON, but not a Raftlab trace.
    #[error("this is not a Raftlab trace: {0}")]
    NotATrace(String),
    /// Written by a newer Raftlab.
    #[error("this trace has format version {found}, but this Raftlab reads versions up to {supported}; open it with a newer Raftlab")]
    FutureVersion {
        /// Version in the file.
        found: u64,
        /// Newest version understood.
        supported: u32,
    },
    /// A field is missing or has the wrong type.
    #[error(
        "the trace is damaged at {} (line {line}, column {column}): {message}",
        field_name(field)
    )]
    Field {
        /// The field's path (`config.network.drop_rate`, `actions[3].at`).
        field: String,
        /// Line of the error.
        line: usize,
        /// Column of the error.
        column: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The fields are well-formed but do not make a run.
    #[error("the trace is damaged: {0}")]
    Invalid(String),
}

fn in_field(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!(", in `{field}`")
    }
}

fn field_name(field: &str) -> String {
    if field.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{field}`")
    }
}

/// `text`, cut to [`QUOTE_MAX_CHARS`] characters.
fn quote_limited(text: &str) -> String {
    match text.char_indices().nth(QUOTE_MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// serde_json's message without its ` at line L column C` suffix (the
/// error says where itself), cut to [`QUOTE_MAX_CHARS`]: a message may
/// quote the input, which may be anything.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    quote_limited(full.strip_suffix(&suffix).unwrap_or(&full))
}

/// Byte offset of serde_json's 1-based (line, column) in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

/// The JSON path (`config.network.drop_rate`, `actions[3].action`) of the
/// value being read at byte `offset` of `text`: a small scan over strings
/// and brackets, enough to name the field an error is in without a
/// path-tracking deserializer. Empty at the top level.
pub fn json_path_at(text: &str, offset: usize) -> String {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    // Deeper than serde_json reads (128) is never an error position.
    const MAX_DEPTH: usize = 256;
    // A key is quoted shorter than a message: the message may quote it too.
    const KEY_MAX_CHARS: usize = 40;
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let stop = i.min(bytes.len());
                if expect_key && depth <= MAX_DEPTH {
                    if let Some(Frame::Object(key)) = stack.last_mut() {
                        let raw = text.get(start..stop).unwrap_or("?");
                        *key = Some(match raw.char_indices().nth(KEY_MAX_CHARS) {
                            Some((cut, _)) => format!("{}…", &raw[..cut]),
                            None => raw.to_string(),
                        });
                    }
                }
                expect_key = false;
            }
            b'{' => {
                depth += 1;
                if depth <= MAX_DEPTH {
                    stack.push(Frame::Object(None));
                }
                expect_key = true;
            }
            b'[' => {
                depth += 1;
                if depth <= MAX_DEPTH {
                    stack.push(Frame::Array(0));
                }
            }
            b'}' | b']' => {
                if depth <= MAX_DEPTH {
                    stack.pop();
                }
                depth = depth.saturating_sub(1);
                expect_key = false;
            }
            b',' if depth <= MAX_DEPTH => match stack.last_mut() {
                Some(Frame::Object(key)) => {
                    *key = None;
                    expect_key = true;
                }
                Some(Frame::Array(n)) => *n += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Object(Some(k)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

impl Trace {
    /// The trace of a timeline's current branch up to its head.
    pub fn from_timeline(t: &Timeline) -> Trace {
        Trace {
            format: TRACE_FORMAT.to_string(),
            version: TRACE_VERSION,
            config: t.world().initial_config().clone(),
            actions: t.actions().to_vec(),
            until: t.head(),
            until_event: Some(t.head_event()),
            events: None,
        }
    }

    /// The trace of a world run so far.
    pub fn from_world(w: &World) -> Trace {
        Trace {
            format: TRACE_FORMAT.to_string(),
            version: TRACE_VERSION,
            config: w.initial_config().clone(),
            actions: w.action_log(),
            until: w.now(),
            until_event: Some(w.event_count()),
            events: None,
        }
    }

    /// Re-runs the trace exactly (see [`Timeline::replay`]) and records
    /// its full event log.
    pub fn with_events(mut self) -> Result<Trace, ReplayError> {
        let mut w = World::new(self.config.clone()).map_err(ReplayError::Config)?;
        w.set_record_events(true);
        let mut events = Vec::new();
        loop {
            match next_due(&w, &self.actions, self.until, self.until_event)? {
                Due::Step => {
                    w.step();
                }
                Due::Apply(i) => {
                    let a = &self.actions[i];
                    w.set_clock(a.at);
                    w.apply(a.action.clone())
                        .map_err(|error| ReplayError::refused(i, a, error))?;
                }
                Due::Done => break,
            }
            for n in w.take_notes() {
                if let NoteKind::Event(what) = n.kind {
                    events.push(TraceEvent {
                        event: n.event,
                        at: n.at,
                        what,
                    });
                }
            }
        }
        finish_replay(&mut w, self.until, self.until_event)?;
        self.events = Some(events);
        Ok(self)
    }

    /// A stable 64-bit fingerprint: FNV-1a over the trace's compact JSON,
    /// event log included when present. The same seed and action log give
    /// the same fingerprint bit for bit on every platform (native and
    /// wasm32 alike): nothing in it depends on pointer width, hashing seeds
    /// or the wall clock.
    pub fn fingerprint(&self) -> u64 {
        let json = serde_json::to_string(self).expect("a trace always serializes");
        fnv1a(json.as_bytes())
    }

    /// Serializes to pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a trace always serializes")
    }

    /// Reads and validates a trace from a file or stdin, reading at most
    /// [`TRACE_MAX_BYTES`] + 1 bytes: `/dev/zero` is refused at the limit,
    /// not when memory runs out.
    pub fn read_from(reader: impl Read) -> Result<Trace, TraceError> {
        let mut bytes = Vec::new();
        reader
            .take(TRACE_MAX_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| TraceError::Io(e.to_string()))?;
        if bytes.len() > TRACE_MAX_BYTES {
            return Err(TraceError::TooLarge);
        }
        let text = String::from_utf8(bytes).map_err(|e| TraceError::NotText {
            at: e.utf8_error().valid_up_to(),
        })?;
        Trace::from_json(&text)
    }

    /// Parses and validates a trace.
    pub fn from_json(text: &str) -> Result<Trace, TraceError> {
        if text.len() > TRACE_MAX_BYTES {
            return Err(TraceError::TooLarge);
        }
        // The format and version first, without building a tree of the
        // whole document (a 64 MiB one would take several times that):
        // other fields are skipped unread.
        #[derive(Deserialize)]
        struct Header {
            #[serde(default)]
            format: Option<serde_json::Value>,
            #[serde(default)]
            version: Option<serde_json::Value>,
        }
        let syntax = |e: serde_json::Error| {
            let at = offset_of(text, e.line(), e.column());
            TraceError::Json {
                line: e.line(),
                column: e.column(),
                field: json_path_at(text, at),
                message: json_message(&e),
            }
        };
        if !text.trim_start().starts_with('{') {
            serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(syntax)?;
            return Err(TraceError::NotATrace(
                "the top level is not an object".into(),
            ));
        }
        let header: Header = serde_json::from_str(text).map_err(|e| {
            let at = offset_of(text, e.line(), e.column());
            let (line, column, field) = (e.line(), e.column(), json_path_at(text, at));
            match e.classify() {
                serde_json::error::Category::Data => TraceError::Field {
                    field,
                    line,
                    column,
                    message: json_message(&e),
                },
                _ => syntax(e),
            }
        })?;
        match header.format.as_ref().map(|f| f.as_str()) {
            Some(Some(TRACE_FORMAT)) => {}
            Some(Some(other)) => {
                return Err(TraceError::NotATrace(format!(
                    "its format is {:?}, expected {TRACE_FORMAT:?}",
                    quote_limited(other)
                )))
            }
            _ => {
                return Err(TraceError::NotATrace(format!(
                    "it has no \"format\": {TRACE_FORMAT:?} field"
                )))
            }
        }
        let version = header
            .version
            .and_then(|v| v.as_u64())
            .ok_or_else(|| TraceError::Invalid("\"version\" is missing or not a number".into()))?;
        if version > u64::from(TRACE_VERSION) {
            return Err(TraceError::FutureVersion {
                found: version,
                supported: TRACE_VERSION,
            });
        }
        if version == 0 {
            return Err(TraceError::Invalid("version 0 does not exist".into()));
        }
        // Now the whole trace, from the text, so an error has a place to name.
        let trace: Trace = serde_json::from_str(text).map_err(|e| {
            let at = offset_of(text, e.line(), e.column());
            TraceError::Field {
                field: json_path_at(text, at),
                line: e.line(),
                column: e.column(),
                message: json_message(&e),
            }
        })?;
        trace.validate()?;
        Ok(trace)
    }

    /// Checks that the fields make a run: settings within their limits,
    /// at most [`MAX_ACTIONS`] actions, in order, none after the end, no
    /// longer than [`TRACE_MAX_UNTIL`]. Run links ([`crate::link`]) are
    /// held to the same rules.
    pub fn validate(&self) -> Result<(), TraceError> {
        self.config
            .validate()
            .map_err(|e| TraceError::Invalid(format!("config: {e}")))?;
        if self.until > TRACE_MAX_UNTIL {
            return Err(TraceError::Invalid(format!(
                "`until` is {:.1} days of virtual time; a trace may span at most {} days",
                self.until.0 as f64 / 86_400e6,
                TRACE_MAX_UNTIL.0 / 86_400_000_000
            )));
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(TraceError::Invalid(format!(
                "it has {} actions; a run records at most {MAX_ACTIONS}",
                self.actions.len()
            )));
        }
        let mut last = (0u64, Micros(0));
        for (i, a) in self.actions.iter().enumerate() {
            if (a.at_event, a.at) < last {
                return Err(TraceError::Invalid(format!(
                    "action {} ({}) is out of order",
                    i + 1,
                    a.action
                )));
            }
            last = (a.at_event, a.at);
            if a.at > self.until || self.until_event.is_some_and(|n| a.at_event > n) {
                return Err(TraceError::Invalid(format!(
                    "action {} happens after the end of the trace",
                    i + 1
                )));
            }
            // Version 1 wrote the settings a run ended with: with a
            // settings change in the log, the start is lost.
            if self.version == 1
                && matches!(a.action, Action::SetNetwork(_) | Action::SetWorkload(_))
            {
                return Err(TraceError::Invalid(format!(
                    "this version 1 trace changes settings (action {}, {}), and version 1 \
                     saved the settings as they were at the end of the run, not the start, \
                     so it cannot be replayed exactly",
                    i + 1,
                    a.action
                )));
            }
        }
        Ok(())
    }

    /// Rebuilds the run exactly as a timeline positioned at the trace's
    /// end; a refused action or an unreachable place is an error naming it.
    pub fn replay(&self) -> Result<Timeline, ReplayError> {
        Timeline::replay(
            self.config.clone(),
            self.actions.clone(),
            self.until,
            self.until_event,
        )
    }
}
