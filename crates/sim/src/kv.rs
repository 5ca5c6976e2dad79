//! The replicated application: a key-value store with client sessions.
//!
//! Semantics follow Maelstrom's `lin-kv` workload: `get`, `put`, `append` and
//! compare-and-set on string keys, with Maelstrom's error codes (20 for a
//! missing key, 22 for a failed precondition), so transcripts read the same
//! as Maelstrom's.
//!
//! Every command carries `(client, seq)`. A client retries a command with the
//! same `seq` after a timeout, so the same command may be committed to the
//! Raft log more than once; the store applies it only once and answers the
//! duplicate from the session's cached result. This is what turns Raft's
//! at-least-once delivery into exactly-once semantics. Reference: Raft thesis
//! §6.3 ("Implementing linearizable semantics").
//!
//! The store is deterministic and self-contained: `BTreeMap` everywhere, so
//! two replicas that applied the same log serialize to identical bytes, which
//! is what Raft snapshots ([`KvStore::to_bytes`]) rely on.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A client of the key-value service, the owner of one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClientId(pub u64);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// One operation on the store. Displayed the way scripts spell it
/// (`put x 1`, `cas x 1 2`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum KvOp {
    /// Read the value of `key`.
    Get {
        /// The key to read.
        key: String,
    },
    /// Overwrite `key` with `value`, creating it if missing.
    Put {
        /// The key to write.
        key: String,
        /// The new value.
        value: String,
    },
    /// Append `value` to the current value of `key` (missing counts as empty).
    Append {
        /// The key to extend.
        key: String,
        /// The suffix to append.
        value: String,
    },
    /// Set `key` to `to` only if it currently equals `from`.
    Cas {
        /// The key to compare and set.
        key: String,
        /// The value the key must hold for the swap to happen.
        from: String,
        /// The value written when the precondition holds.
        to: String,
    },
}

impl KvOp {
    /// The key this operation touches; every operation touches exactly one.
    pub fn key(&self) -> &str {
        match self {
            KvOp::Get { key }
            | KvOp::Put { key, .. }
            | KvOp::Append { key, .. }
            | KvOp::Cas { key, .. } => key,
        }
    }

    /// Whether the operation leaves the store unchanged, so it may be served
    /// through ReadIndex or a lease instead of the log.
    pub fn is_read(&self) -> bool {
        matches!(self, KvOp::Get { .. })
    }

    /// What `Display` prints (`put a 7`), built in one allocation: the
    /// client log words every event this way, and the formatting machinery
    /// cost twice as much.
    pub fn text(&self) -> String {
        let words: [&str; 4] = match self {
            KvOp::Get { key } => ["get", key, "", ""],
            KvOp::Put { key, value } => ["put", key, value, ""],
            KvOp::Append { key, value } => ["append", key, value, ""],
            KvOp::Cas { key, from, to } => ["cas", key, from, to],
        };
        let n = match self {
            KvOp::Get { .. } => 2,
            KvOp::Put { .. } | KvOp::Append { .. } => 3,
            KvOp::Cas { .. } => 4,
        };
        let words = &words[..n];
        let mut out = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
        out
    }
}

impl fmt::Display for KvOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvOp::Get { key } => write!(f, "get {key}"),
            KvOp::Put { key, value } => write!(f, "put {key} {value}"),
            KvOp::Append { key, value } => write!(f, "append {key} {value}"),
            KvOp::Cas { key, from, to } => write!(f, "cas {key} {from} {to}"),
        }
    }
}

/// The command replicated through the Raft log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvCommand {
    /// The session that issued the command.
    pub client: ClientId,
    /// The client's sequence number; retries reuse it. Sequence numbers of
    /// one client are increasing, and a client has at most one command
    /// outstanding at a time.
    pub seq: u64,
    /// What to do.
    pub op: KvOp,
}

/// A command as the Raft log carries it: shared, so each copy of an entry
/// (the leader's log, every `Ready`, each follower's AppendEntries, the disk,
/// the committed entries) costs a reference count instead of its strings.
/// Serialized, compared and displayed as the [`KvCommand`] it holds.
pub type LogCommand = Arc<KvCommand>;

impl fmt::Display for KvCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{} {}", self.client, self.seq, self.op)
    }
}

/// An operation's error, with Maelstrom's error codes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum KvError {
    /// `get` or `cas` on a key that was never written.
    KeyDoesNotExist,
    /// `cas` whose `from` did not match.
    PreconditionFailed {
        /// The value the key held instead.
        current: String,
    },
}

impl KvError {
    /// Maelstrom's numeric error code.
    pub fn code(&self) -> u32 {
        match self {
            KvError::KeyDoesNotExist => 20,
            KvError::PreconditionFailed { .. } => 22,
        }
    }
}

impl fmt::Display for KvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvError::KeyDoesNotExist => write!(f, "error 20 key does not exist"),
            KvError::PreconditionFailed { current } => {
                write!(f, "error 22 precondition failed (current {current})")
            }
        }
    }
}

/// The answer to one operation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum KvResult {
    /// A write or a successful `cas`.
    Ok,
    /// The value a `get` read.
    Value(String),
    /// The operation failed without changing the store.
    Error(KvError),
}

impl fmt::Display for KvResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvResult::Ok => write!(f, "ok"),
            KvResult::Value(v) => write!(f, "value {v}"),
            KvResult::Error(e) => write!(f, "{e}"),
        }
    }
}

/// What the store remembers about one client: enough to answer a retry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The highest sequence number applied for this client.
    pub last_seq: u64,
    /// The result of that command, returned again to a retry.
    pub last_result: KvResult,
}

/// The replicated state machine. Two replicas that applied the same commands
/// in the same order are equal and serialize to the same bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvStore {
    /// The key-value data.
    pub data: BTreeMap<String, String>,
    /// One session per client that ever had a command applied.
    pub sessions: BTreeMap<ClientId, Session>,
    /// Commands that changed the session table (duplicates excluded).
    pub applied_ops: u64,
}

impl KvStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a committed command exactly once per `(client, seq)`.
    ///
    /// A command with `seq` equal to the session's last one is a retry whose
    /// first copy was already applied: it returns the cached result without
    /// touching the data. A command with a lower `seq` is older still; the
    /// client has long moved on and nobody waits for the answer, so it is
    /// ignored too and answered with the cached result of the newest command.
    /// Reference: Raft thesis §6.3.
    pub fn apply(&mut self, cmd: &KvCommand) -> KvResult {
        if let Some(session) = self.sessions.get(&cmd.client) {
            if cmd.seq <= session.last_seq {
                return session.last_result.clone();
            }
        }
        let result = self.execute(&cmd.op);
        self.sessions.insert(
            cmd.client,
            Session {
                last_seq: cmd.seq,
                last_result: result.clone(),
            },
        );
        self.applied_ops += 1;
        result
    }

    /// Serves a read without the log (ReadIndex or lease read). A write
    /// passed here is evaluated as if applied, but the store is unchanged;
    /// callers send only reads.
    pub fn apply_read(&self, op: &KvOp) -> KvResult {
        step_register(self.get(op.key()), op).1
    }

    /// The current value of `key`, if any.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.data.get(key).map(String::as_str)
    }

    // `to_bytes` and `from_bytes`, the snapshot's bytes, are in kv_bytes.rs.

    fn execute(&mut self, op: &KvOp) -> KvResult {
        // A write to an existing key rewrites its string in place (what
        // `step_register` computes, without a new string per apply).
        if let Some(v) = self.data.get_mut(op.key()) {
            match op {
                KvOp::Put { value, .. } => {
                    v.clear();
                    v.push_str(value);
                    return KvResult::Ok;
                }
                KvOp::Append { value, .. } => {
                    v.push_str(value);
                    return KvResult::Ok;
                }
                KvOp::Cas { from, to, .. } if v == from => {
                    v.clear();
                    v.push_str(to);
                    return KvResult::Ok;
                }
                KvOp::Cas { .. } | KvOp::Get { .. } => {}
            }
        }
        let (next, result) = step_register(self.get(op.key()), op);
        // No operation deletes a key, so `None` means "still absent".
        if let Some(value) = next {
            // An existing key keeps its string: no allocation for the key.
            match self.data.get_mut(op.key()) {
                Some(v) => *v = value,
                None => {
                    self.data.insert(op.key().to_string(), value);
                }
            }
        }
        result
    }
}

/// Applies `op` to a single register value, the model shared by the store
/// and the linearizability checker. `None` is a key never written.
pub fn step_register(value: Option<&str>, op: &KvOp) -> (Option<String>, KvResult) {
    match op {
        KvOp::Get { .. } => (
            value.map(str::to_string),
            match value {
                Some(v) => KvResult::Value(v.to_string()),
                None => KvResult::Error(KvError::KeyDoesNotExist),
            },
        ),
        KvOp::Put { value: v, .. } => (Some(v.clone()), KvResult::Ok),
        KvOp::Append { value: v, .. } => {
            let mut next = value.unwrap_or_default().to_string();
            next.push_str(v);
            (Some(next), KvResult::Ok)
        }
        KvOp::Cas { from, to, .. } => match value {
            None => (None, KvResult::Error(KvError::KeyDoesNotExist)),
            Some(cur) if cur == from => (Some(to.clone()), KvResult::Ok),
            Some(cur) => (
                Some(cur.to_string()),
                KvResult::Error(KvError::PreconditionFailed {
                    current: cur.to_string(),
                }),
            ),
        },
    }
}
