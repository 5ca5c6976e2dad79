//! Versioned JSON traces: the configuration, seed and action log (enough to
//! reproduce a run bit for bit), optionally with the full event log.
//!
//! Import never panics: a malformed, truncated, foreign or future-versioned
//! file gets a [`TraceError`] that says exactly what is wrong and where.

use raftlab_core::Micros;
use serde::{Deserialize, Serialize};

use crate::action::LoggedAction;
use crate::config::WorldConfig;
use crate::timeline::Timeline;
use crate::world::{NoteKind, World};

/// The `format` field every trace carries.
pub const TRACE_FORMAT: &str = "raftlab-trace";
/// The newest trace version this build writes and reads.
pub const TRACE_VERSION: u32 = 1;
/// Largest trace accepted (bytes), so a huge paste cannot freeze the page.
pub const TRACE_MAX_BYTES: usize = 64 * 1024 * 1024;

/// A recorded run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Always [`TRACE_FORMAT`].
    pub format: String,
    /// Format version.
    pub version: u32,
    /// The world's configuration, seed included.
    pub config: WorldConfig,
    /// Every user action, in order.
    pub actions: Vec<LoggedAction>,
    /// How far the run went.
    pub until: Micros,
    /// Optionally, every processed event as text (for reading, not replay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<TraceEvent>>,
}

/// The fingerprint of a world's run so far: its trace (configuration, seed,
/// action log) re-run with the full event log, hashed by
/// [`Trace::fingerprint`]. Compare fingerprints to prove two runs identical.
pub fn fingerprint(world: &World) -> Result<u64, crate::SimError> {
    Ok(Trace::from_world(world).with_events()?.fingerprint())
}

/// The fingerprint of [`reference_run`], pinned: the native test suite and
/// the wasm build's browser test both hold their run to it, which proves a
/// seed and action log replay bit for bit on both platforms.
pub const REFERENCE_FINGERPRINT: u64 = 0x6678_d2d0_0812_0540;

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
    /// Not JSON at all, or cut short.
    #[error("not a valid JSON document (line {line}, column {column}): {message}")]
    Json {
        /// Line of the error.
        line: usize,
        /// Column of the error.
        column: usize,
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
    #[error("the trace is damaged: {0}")]
    Invalid(String),
    /// Too large.
    #[error("the trace is {0} bytes; the limit is {TRACE_MAX_BYTES}")]
    TooLarge(usize),
}

impl Trace {
    /// The trace of a timeline's current branch up to its head.
    pub fn from_timeline(t: &Timeline) -> Trace {
        Trace {
            format: TRACE_FORMAT.to_string(),
            version: TRACE_VERSION,
            config: t.world().config().clone(),
            actions: t.actions().to_vec(),
            until: t.head(),
            events: None,
        }
    }

    /// The trace of a world run so far.
    pub fn from_world(w: &World) -> Trace {
        Trace {
            format: TRACE_FORMAT.to_string(),
            version: TRACE_VERSION,
            config: w.config().clone(),
            actions: w.action_log().to_vec(),
            until: w.now(),
            events: None,
        }
    }

    /// Re-runs the trace and records its full event log.
    pub fn with_events(mut self) -> Result<Trace, crate::SimError> {
        let mut w = World::new(self.config.clone())?;
        w.set_record_events(true);
        let mut events = Vec::new();
        let mut actions = self.actions.iter().peekable();
        loop {
            while let Some(a) = actions.peek() {
                if a.at_event == w.event_count() {
                    w.set_clock(a.at);
                    w.apply(a.action.clone())?;
                    actions.next();
                } else {
                    break;
                }
            }
            match w.next_event_time() {
                Some(at) if at <= self.until && w.violation().is_none() => {
                    w.step();
                }
                _ => break,
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

    /// Parses and validates a trace.
    pub fn from_json(text: &str) -> Result<Trace, TraceError> {
        if text.len() > TRACE_MAX_BYTES {
            return Err(TraceError::TooLarge(text.len()));
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| TraceError::Json {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        let obj = value
            .as_object()
            .ok_or_else(|| TraceError::NotATrace("the top level is not an object".into()))?;
        match obj.get("format").and_then(|f| f.as_str()) {
            Some(TRACE_FORMAT) => {}
            Some(other) => {
                return Err(TraceError::NotATrace(format!(
                    "its format is {other:?}, expected {TRACE_FORMAT:?}"
                )))
            }
            None => {
                return Err(TraceError::NotATrace(format!(
                    "it has no \"format\": {TRACE_FORMAT:?} field"
                )))
            }
        }
        let version = obj
            .get("version")
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
        let trace: Trace =
            serde_json::from_value(value).map_err(|e| TraceError::Invalid(e.to_string()))?;
        trace
            .config
            .validate()
            .map_err(|e| TraceError::Invalid(e.to_string()))?;
        let mut last = (0u64, Micros(0));
        for (i, a) in trace.actions.iter().enumerate() {
            if (a.at_event, a.at) < last {
                return Err(TraceError::Invalid(format!(
                    "action {} ({:?}) is out of order",
                    i + 1,
                    a.action
                )));
            }
            last = (a.at_event, a.at);
            if a.at > trace.until {
                return Err(TraceError::Invalid(format!(
                    "action {} happens after the end of the trace",
                    i + 1
                )));
            }
        }
        Ok(trace)
    }

    /// Rebuilds the run as a timeline positioned at the trace's end.
    pub fn replay(&self) -> Result<Timeline, crate::SimError> {
        Timeline::replay(self.config.clone(), self.actions.clone(), self.until)
    }
}
