//! A run's client history in the formats other checkers read, so a person
//! can check a Raftlab run with Porcupine or Knossos/Elle too:
//!
//! - **Porcupine JSON**: an array of `porcupine.Operation`s (`ClientId`,
//!   `Input`, `Call`, `Output`, `Return`; times in µs of virtual time). An
//!   operation whose client gave up has `Return` = `i64::MAX` and
//!   `Output.Unknown` = true, the usual encoding of an operation that may
//!   have taken effect at any time after its call, or never.
//! - **Jepsen EDN**: one op map per line, invocation and completion apart
//!   (`:type :invoke`, then `:ok`, `:fail` or `:info`), `:time` in
//!   nanoseconds, `:process` the client, and `:value [key v]` tuples as
//!   `jepsen.independent` writes them, over Knossos' `cas-register` model
//!   (`:read`, `:write`, `:cas [from to]`; `:append` has no Knossos model).
//!
//! Both carry each operation's id in the linearizability history
//! (`Id`, `:op-id`), and the readers here rebuild the very [`History`]
//! written, so the round trip is tested exactly.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::kv::{ClientId, KvError, KvOp, KvResult};
use crate::linearizability::{History, HistoryOp, OpId, Outcome};
use crate::timeline::{finish_replay, next_due, Due, ReplayError};
use crate::trace::Trace;
use crate::world::World;

/// Which format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Porcupine's `[]Operation` as JSON.
    Porcupine,
    /// Jepsen's history EDN (Knossos, Elle).
    Edn,
}

impl Format {
    /// `porcupine` or `edn`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "porcupine" | "json" => Some(Format::Porcupine),
            "edn" | "jepsen" => Some(Format::Edn),
            _ => None,
        }
    }

    /// Writes `h` in this format.
    pub fn write(self, h: &History) -> String {
        match self {
            Format::Porcupine => to_porcupine(h),
            Format::Edn => to_edn(h),
        }
    }

    /// Reads a history written in this format.
    pub fn read(self, text: &str) -> Result<History, String> {
        match self {
            Format::Porcupine => from_porcupine(text),
            Format::Edn => from_edn(text),
        }
    }
}

/// Replays `trace` exactly, keeping every client operation, and returns
/// the whole client history (the live checker keeps only a window).
pub fn history_of(trace: &Trace) -> Result<History, ReplayError> {
    let mut w = World::new(trace.config.clone()).map_err(ReplayError::Config)?;
    w.set_keep_history(true);
    loop {
        match next_due(&w, &trace.actions, trace.until, trace.until_event)? {
            Due::Step => {
                w.step();
            }
            Due::Apply(i) => {
                let a = &trace.actions[i];
                w.set_clock(a.at);
                w.apply(a.action.clone())
                    .map_err(|error| ReplayError::refused(i, a, error))?;
            }
            Due::Done => break,
        }
        w.take_notes();
    }
    finish_replay(&mut w, trace.until, trace.until_event)?;
    Ok(w.kept_history().cloned().unwrap_or_default())
}

// ----- Porcupine ----------------------------------------------------------

/// Porcupine's `Operation`, with our id beside it (Go's decoder ignores it).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PorcupineOp {
    id: u64,
    client_id: u64,
    input: PorcupineInput,
    call: i64,
    output: PorcupineOutput,
    #[serde(rename = "Return")]
    ret: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PorcupineInput {
    /// `get`, `put`, `append` or `cas`.
    op: String,
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<String>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct PorcupineOutput {
    /// The client gave up: any result, at any time after the call.
    #[serde(default)]
    unknown: bool,
    /// No answer yet when the run ended.
    #[serde(default)]
    pending: bool,
    /// A `get`'s value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    /// `key-does-not-exist` or `precondition-failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// With `precondition-failed`: the value the key held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    current: Option<String>,
}

fn as_i64(us: u64) -> i64 {
    i64::try_from(us).unwrap_or(i64::MAX)
}

/// The history as Porcupine's `[]Operation` JSON, in id order.
pub fn to_porcupine(h: &History) -> String {
    // One operation a line: diffable, and still one JSON array.
    let lines: Vec<String> = h
        .ops()
        .map(|o| serde_json::to_string(&porcupine_op(o)).expect("plain data serializes"))
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

fn porcupine_op(o: &HistoryOp) -> PorcupineOp {
    let (name, value, from, to) = match &o.op {
        KvOp::Get { .. } => ("get", None, None, None),
        KvOp::Put { value, .. } => ("put", Some(value.clone()), None, None),
        KvOp::Append { value, .. } => ("append", Some(value.clone()), None, None),
        KvOp::Cas { from, to, .. } => ("cas", None, Some(from.clone()), Some(to.clone())),
    };
    let (output, ret) = match &o.outcome {
        Outcome::Pending => (
            PorcupineOutput {
                pending: true,
                unknown: true,
                ..Default::default()
            },
            i64::MAX,
        ),
        Outcome::Unknown => (
            PorcupineOutput {
                unknown: true,
                ..Default::default()
            },
            i64::MAX,
        ),
        Outcome::Ok {
            result,
            complete_us,
        } => {
            let mut out = PorcupineOutput::default();
            match result {
                KvResult::Ok => {}
                KvResult::Value(v) => out.value = Some(v.clone()),
                KvResult::Error(KvError::KeyDoesNotExist) => {
                    out.error = Some("key-does-not-exist".into())
                }
                KvResult::Error(KvError::PreconditionFailed { current }) => {
                    out.error = Some("precondition-failed".into());
                    out.current = Some(current.clone());
                }
            }
            (out, as_i64(*complete_us))
        }
    };
    PorcupineOp {
        id: o.id.0,
        client_id: o.client.0,
        input: PorcupineInput {
            op: name.into(),
            key: o.op.key().to_string(),
            value,
            from,
            to,
        },
        call: as_i64(o.invoke_us),
        output,
        ret,
    }
}

/// Reads [`to_porcupine`]'s output back into the same history.
pub fn from_porcupine(text: &str) -> Result<History, String> {
    let ops: Vec<PorcupineOp> =
        serde_json::from_str(text).map_err(|e| format!("porcupine JSON: {e}"))?;
    let mut read = Vec::with_capacity(ops.len());
    for p in ops {
        let key = p.input.key;
        let need = |v: Option<String>, what: &str| {
            v.ok_or_else(|| format!("operation {}: {} needs {what}", p.id, p.input.op))
        };
        let op = match p.input.op.as_str() {
            "get" => KvOp::Get { key },
            "put" => KvOp::Put {
                key,
                value: need(p.input.value, "Value")?,
            },
            "append" => KvOp::Append {
                key,
                value: need(p.input.value, "Value")?,
            },
            "cas" => KvOp::Cas {
                key,
                from: need(p.input.from, "From")?,
                to: need(p.input.to, "To")?,
            },
            other => return Err(format!("operation {}: unknown op {other:?}", p.id)),
        };
        let call = u64::try_from(p.call).map_err(|_| format!("operation {}: Call < 0", p.id))?;
        let outcome = if p.output.pending {
            Outcome::Pending
        } else if p.output.unknown {
            Outcome::Unknown
        } else {
            let result = match (p.output.error.as_deref(), p.output.value) {
                (None, None) => KvResult::Ok,
                (None, Some(v)) => KvResult::Value(v),
                (Some("key-does-not-exist"), _) => KvResult::Error(KvError::KeyDoesNotExist),
                (Some("precondition-failed"), _) => KvResult::Error(KvError::PreconditionFailed {
                    current: need(p.output.current, "Current")?,
                }),
                (Some(e), _) => return Err(format!("operation {}: unknown error {e:?}", p.id)),
            };
            let complete_us =
                u64::try_from(p.ret).map_err(|_| format!("operation {}: Return < 0", p.id))?;
            Outcome::Ok {
                result,
                complete_us,
            }
        };
        read.push(HistoryOp {
            id: OpId(p.id),
            client: ClientId(p.client_id),
            op,
            invoke_us: call,
            outcome,
        });
    }
    rebuild(read)
}

/// A [`History`] with exactly these operations (ids 0, 1, 2, ... in order).
fn rebuild(mut ops: Vec<HistoryOp>) -> Result<History, String> {
    ops.sort_by_key(|o| o.id);
    let mut h = History::new();
    for o in &ops {
        let id = h.invoke(o.client, o.op.clone(), o.invoke_us);
        if id != o.id {
            return Err(format!(
                "operation ids must be 0, 1, 2, ... without gaps: found {} where {} belongs",
                o.id, id
            ));
        }
    }
    for o in ops {
        match o.outcome {
            Outcome::Pending => Ok(()),
            Outcome::Unknown => h.give_up(o.id),
            Outcome::Ok {
                result,
                complete_us,
            } => h.complete(o.id, result, complete_us),
        }
        .map_err(|e| e.to_string())?;
    }
    Ok(h)
}

// ----- Jepsen EDN ---------------------------------------------------------

fn edn_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The history as Jepsen EDN: invocations and completions in time order,
/// one map per line.
pub fn to_edn(h: &History) -> String {
    // (time, completion?, id): an invocation sorts before a completion at
    // the same instant, as a client's call precedes its return.
    let mut events: Vec<(u64, bool, &HistoryOp)> = Vec::new();
    for o in h.ops() {
        events.push((o.invoke_us, false, o));
        match &o.outcome {
            Outcome::Ok { complete_us, .. } => events.push((*complete_us, true, o)),
            // Jepsen's `:info`: the outcome is unknown; written at the
            // call's time, since the client stopped waiting unseen.
            Outcome::Unknown => events.push((o.invoke_us, true, o)),
            Outcome::Pending => {}
        }
    }
    events.sort_by_key(|(t, done, o)| (*t, *done, o.id));
    let mut out = String::new();
    for (index, (t, done, o)) in events.into_iter().enumerate() {
        let key = edn_str(o.op.key());
        let (f, invoke_value) = match &o.op {
            KvOp::Get { .. } => (":read", "nil".to_string()),
            KvOp::Put { value, .. } => (":write", edn_str(value)),
            KvOp::Append { value, .. } => (":append", edn_str(value)),
            KvOp::Cas { from, to, .. } => (":cas", format!("[{} {}]", edn_str(from), edn_str(to))),
        };
        let (kind, value, error) = if !done {
            (":invoke", invoke_value, String::new())
        } else {
            match &o.outcome {
                Outcome::Ok { result, .. } => match result {
                    KvResult::Ok => (":ok", invoke_value, String::new()),
                    KvResult::Value(v) => (":ok", edn_str(v), String::new()),
                    // A read of a key never written reads nil (Knossos'
                    // register starts at nil); a cas on it fails.
                    KvResult::Error(KvError::KeyDoesNotExist) if o.op.is_read() => {
                        (":ok", "nil".to_string(), String::new())
                    }
                    KvResult::Error(KvError::KeyDoesNotExist) => (
                        ":fail",
                        invoke_value,
                        ", :error :key-does-not-exist".to_string(),
                    ),
                    KvResult::Error(KvError::PreconditionFailed { current }) => (
                        ":fail",
                        invoke_value,
                        format!(", :error [:precondition-failed {}]", edn_str(current)),
                    ),
                },
                _ => (":info", invoke_value, String::new()),
            }
        };
        let _ = writeln!(
            out,
            "{{:index {index}, :time {}, :type {kind}, :process {}, :f {f}, :value [{key} {value}], :op-id {}{error}}}",
            t.saturating_mul(1_000),
            o.client.0,
            o.id.0
        );
    }
    out
}

/// An EDN value, as much of EDN as Jepsen histories use.
#[derive(Clone, Debug, PartialEq)]
enum Edn {
    Nil,
    Bool(bool),
    Int(i64),
    Str(String),
    Keyword(String),
    Vector(Vec<Edn>),
    Map(Vec<(Edn, Edn)>),
}

struct EdnReader<'a> {
    s: &'a [u8],
    i: usize,
}

impl EdnReader<'_> {
    fn skip_ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            if c.is_ascii_whitespace() || c == b',' {
                self.i += 1;
            } else if c == b';' {
                while self.s.get(self.i).is_some_and(|&c| c != b'\n') {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    fn err(&self, what: &str) -> String {
        format!("EDN at byte {}: {what}", self.i)
    }

    fn value(&mut self) -> Result<Edn, String> {
        self.skip_ws();
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.err("unexpected end"));
        };
        match c {
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.s.get(self.i) {
                        None => return Err(self.err("unclosed collection")),
                        Some(&d) if d == close => {
                            self.i += 1;
                            break;
                        }
                        Some(_) => items.push(self.value()?),
                    }
                }
                if c == b'[' {
                    return Ok(Edn::Vector(items));
                }
                if items.len() % 2 != 0 {
                    return Err(self.err("a map needs an even number of forms"));
                }
                let mut pairs = Vec::new();
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                Ok(Edn::Map(pairs))
            }
            b'"' => {
                self.i += 1;
                let mut bytes = Vec::new();
                loop {
                    let Some(&d) = self.s.get(self.i) else {
                        return Err(self.err("unclosed string"));
                    };
                    self.i += 1;
                    match d {
                        b'"' => break,
                        b'\\' => {
                            let Some(&e) = self.s.get(self.i) else {
                                return Err(self.err("unclosed string"));
                            };
                            self.i += 1;
                            bytes.push(match e {
                                b'n' => b'\n',
                                b't' => b'\t',
                                b'r' => b'\r',
                                other => other,
                            });
                        }
                        d => bytes.push(d),
                    }
                }
                String::from_utf8(bytes)
                    .map(Edn::Str)
                    .map_err(|_| self.err("a string is not UTF-8"))
            }
            _ => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(|&d| {
                    !d.is_ascii_whitespace()
                        && !matches!(d, b',' | b'{' | b'}' | b'[' | b']' | b'"')
                }) {
                    self.i += 1;
                }
                let tok = std::str::from_utf8(&self.s[start..self.i])
                    .map_err(|_| self.err("a token is not UTF-8"))?;
                match tok {
                    "" => Err(self.err("unexpected character")),
                    "nil" => Ok(Edn::Nil),
                    "true" => Ok(Edn::Bool(true)),
                    "false" => Ok(Edn::Bool(false)),
                    k if k.starts_with(':') => Ok(Edn::Keyword(k[1..].to_string())),
                    n => n
                        .parse::<i64>()
                        .map(Edn::Int)
                        .map_err(|_| self.err(&format!("unknown token {n:?}"))),
                }
            }
        }
    }
}

fn get<'a>(m: &'a [(Edn, Edn)], key: &str) -> Option<&'a Edn> {
    m.iter()
        .find(|(k, _)| matches!(k, Edn::Keyword(s) if s == key))
        .map(|(_, v)| v)
}

/// Reads [`to_edn`]'s output (or a vector of the same maps) back into the
/// same history.
pub fn from_edn(text: &str) -> Result<History, String> {
    let mut r = EdnReader {
        s: text.as_bytes(),
        i: 0,
    };
    let mut maps = Vec::new();
    loop {
        r.skip_ws();
        if r.i >= r.s.len() {
            break;
        }
        match r.value()? {
            Edn::Map(m) => maps.push(m),
            Edn::Vector(v) => {
                for e in v {
                    match e {
                        Edn::Map(m) => maps.push(m),
                        _ => return Err("EDN: a history holds op maps".into()),
                    }
                }
            }
            _ => return Err("EDN: a history holds op maps".into()),
        }
    }
    let mut ops: std::collections::BTreeMap<u64, HistoryOp> = std::collections::BTreeMap::new();
    for (n, m) in maps.iter().enumerate() {
        let field = |k: &str| get(m, k).ok_or_else(|| format!("op map {n}: no :{k}"));
        let int = |k: &str| match field(k)? {
            Edn::Int(i) if *i >= 0 => Ok(*i as u64),
            _ => Err(format!("op map {n}: :{k} is not a count")),
        };
        let kw = |k: &str| match field(k)? {
            Edn::Keyword(s) => Ok(s.clone()),
            _ => Err(format!("op map {n}: :{k} is not a keyword")),
        };
        let id = int("op-id")?;
        let at_us = int("time")? / 1_000;
        let (key, v) = match field("value")? {
            Edn::Vector(kv) if kv.len() == 2 => match &kv[0] {
                Edn::Str(k) => (k.clone(), kv[1].clone()),
                _ => return Err(format!("op map {n}: the key is not a string")),
            },
            _ => return Err(format!("op map {n}: :value is not [key value]")),
        };
        let text = |e: &Edn| match e {
            Edn::Str(s) => Ok(s.clone()),
            _ => Err(format!("op map {n}: expected a string")),
        };
        let f = kw("f")?;
        match kw("type")?.as_str() {
            "invoke" => {
                let op = match f.as_str() {
                    "read" => KvOp::Get { key },
                    "write" => KvOp::Put {
                        key,
                        value: text(&v)?,
                    },
                    "append" => KvOp::Append {
                        key,
                        value: text(&v)?,
                    },
                    "cas" => match &v {
                        Edn::Vector(ft) if ft.len() == 2 => KvOp::Cas {
                            key,
                            from: text(&ft[0])?,
                            to: text(&ft[1])?,
                        },
                        _ => return Err(format!("op map {n}: :cas needs [from to]")),
                    },
                    other => return Err(format!("op map {n}: unknown :f :{other}")),
                };
                let prev = ops.insert(
                    id,
                    HistoryOp {
                        id: OpId(id),
                        client: ClientId(int("process")?),
                        op,
                        invoke_us: at_us,
                        outcome: Outcome::Pending,
                    },
                );
                if prev.is_some() {
                    return Err(format!("op map {n}: operation {id} invoked twice"));
                }
            }
            kind @ ("ok" | "fail" | "info") => {
                let o = ops
                    .get_mut(&id)
                    .ok_or_else(|| format!("op map {n}: operation {id} ends before it starts"))?;
                o.outcome = match kind {
                    "info" => Outcome::Unknown,
                    "ok" => Outcome::Ok {
                        result: match (&o.op, &v) {
                            (KvOp::Get { .. }, Edn::Nil) => {
                                KvResult::Error(KvError::KeyDoesNotExist)
                            }
                            (KvOp::Get { .. }, v) => KvResult::Value(text(v)?),
                            _ => KvResult::Ok,
                        },
                        complete_us: at_us,
                    },
                    _ => Outcome::Ok {
                        result: KvResult::Error(match get(m, "error") {
                            Some(Edn::Keyword(k)) if k == "key-does-not-exist" => {
                                KvError::KeyDoesNotExist
                            }
                            Some(Edn::Vector(e))
                                if e.len() == 2
                                    && e[0] == Edn::Keyword("precondition-failed".into()) =>
                            {
                                KvError::PreconditionFailed {
                                    current: text(&e[1])?,
                                }
                            }
                            _ => return Err(format!("op map {n}: a :fail needs its :error")),
                        }),
                        complete_us: at_us,
                    },
                };
            }
            other => return Err(format!("op map {n}: unknown :type :{other}")),
        }
    }
    rebuild(ops.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> History {
        let mut h = History::new();
        let put = |k: &str, v: &str| KvOp::Put {
            key: k.into(),
            value: v.into(),
        };
        let a = h.invoke(ClientId(1), put("x", "1"), 10);
        let b = h.invoke(ClientId(2), KvOp::Get { key: "x".into() }, 12);
        let c = h.invoke(
            ClientId(3),
            KvOp::Cas {
                key: "x".into(),
                from: "0".into(),
                to: "say \"hi\"".into(),
            },
            13,
        );
        let d = h.invoke(ClientId(4), KvOp::Get { key: "y".into() }, 14);
        let _pending = h.invoke(ClientId(5), put("y", "2"), 15);
        let e = h.invoke(ClientId(6), put("z", "3"), 16);
        h.complete(a, KvResult::Ok, 20).unwrap();
        h.complete(b, KvResult::Value("1".into()), 21).unwrap();
        h.complete(
            c,
            KvResult::Error(KvError::PreconditionFailed {
                current: "1".into(),
            }),
            22,
        )
        .unwrap();
        h.complete(d, KvResult::Error(KvError::KeyDoesNotExist), 23)
            .unwrap();
        h.give_up(e).unwrap();
        h
    }

    #[test]
    fn both_formats_read_back_every_outcome() {
        let h = sample();
        for f in [Format::Porcupine, Format::Edn] {
            let text = f.write(&h);
            let back = f
                .read(&text)
                .unwrap_or_else(|e| panic!("{f:?}: {e}\n{text}"));
            let a: Vec<_> = h.ops().collect();
            let b: Vec<_> = back.ops().collect();
            assert_eq!(a, b, "{f:?}\n{text}");
        }
    }

    #[test]
    fn edn_is_jepsen_shaped() {
        let text = to_edn(&sample());
        let first = text.lines().next().unwrap();
        assert_eq!(
            first,
            "{:index 0, :time 10000, :type :invoke, :process 1, :f :write, :value [\"x\" \"1\"], :op-id 0}"
        );
        assert!(text.contains(":type :info"));
        assert!(text.contains(":f :read, :value [\"y\" nil]"));
        assert!(text.contains(":error [:precondition-failed \"1\"]"));
    }

    #[test]
    fn a_gap_in_the_ids_is_refused() {
        let text = to_porcupine(&sample()).replace("\"Id\":0,", "\"Id\":9,");
        assert!(from_porcupine(&text).unwrap_err().contains("without gaps"));
    }
}
