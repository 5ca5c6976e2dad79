//! Linearizability checker for client histories of the key-value store.
//!
//! Long because the history, the two searches (live and whole-history), the
//! pruning rules for timed-out writes and their reachability test share one
//! state representation; splitting them is noted as follow-up work.
//!
//! Clients record each operation's invocation and completion; the checker
//! decides whether some total order of the operations (1) respects real time,
//! i.e. an operation that completed before another was invoked comes first,
//! and (2) gives every completed operation the result it actually received
//! when replayed on a single register. That is linearizability (Herlihy &
//! Wing 1990), the guarantee the Raft thesis §6.3 promises to clients.
//!
//! A key-value history is linearizable iff each key's sub-history is
//! (P-compositionality, Herlihy & Wing), so keys are checked independently
//! and the model is one register.
//!
//! # Algorithm
//!
//! Just-in-time linearization (Lowe, "Testing for linearizability", 2016):
//! call and return events are replayed in time order, and an operation is
//! placed as late as its return allows. A *configuration* is what a partial
//! linearization leaves: the register's value, the operations in flight it
//! has already linearized, and the optional ones (below) it has used. A
//! call only makes its operation available; at the return of `o`, a
//! configuration that has not linearized `o` must do so now, after a chain
//! of other available operations, each result checked. Configurations
//! reached by different orders are the same configuration (Lowe's
//! memoization of (linearized set, state), as in Porcupine).
//!
//! Two searches share these moves:
//!
//! - **breadth first** ([`LiveChecker`]): the set of every configuration
//!   is carried from event to event, so it can be saved at a cut (below);
//!   the history is linearizable iff the set never becomes empty;
//! - **depth first** ([`check_key`], [`check_all`]): one configuration is
//!   followed to the end of the history, the likeliest move first, and the
//!   others only tried when it fails, each (event, configuration) explored
//!   once. A linearizable history is usually decided in a few steps per
//!   operation; the breadth-first search runs if it gives up.
//!
//! # Outcomes that are not known
//!
//! An operation whose outcome is [`Outcome::Pending`] or [`Outcome::Unknown`]
//! (the client timed out or gave up) is *optional*: it may take effect at
//! any time after its invocation, or never, with any result. Reads with
//! unknown outcomes cannot change the state and are left out. Optional
//! operations made the old search exponential after an outage (every subset
//! of a dozen timed-out writes, at every position), so both searches prune,
//! each rule keeping the verdict exact:
//!
//! - **dominance**: of two configurations with the same value and the same
//!   linearized operations in flight, the one that used a subset of the
//!   other's optional operations allows every future the other allows (an
//!   unused optional operation may still be placed, or never), so only the
//!   undominated ones (an antichain) are kept;
//! - **no wasted writes**: an optional operation is placed only if it
//!   changes the value, not right before a `put` (which would overwrite it
//!   unseen), and only while an operation in flight that is not a put can
//!   still see it, and turn the value into one it accepts;
//! - **symmetry**: of several identical optional operations (the same
//!   `put b 19` given up twice), only the first unused one is tried;
//! - **reachability**: a configuration is dropped when some read or CAS in
//!   flight needs a value that no operation that may still go before it can
//!   build from the current one (an over-approximation: `reaches`).
//!
//! # Limits, and undecided verdicts
//!
//! The problem is NP-complete in general, so every check has a budget
//! ([`CheckConfig`]): search steps (one step tries one operation on one
//! configuration) and configurations carried at once. When the
//! breadth-first search runs out, it *widens*: the configurations are
//! replaced by one in which the register may hold any value and the
//! operations in flight may or may not have taken effect (they become
//! optional). That over-approximates every configuration the exact search
//! could have reached, so a violation found later is still a real one; but
//! it no longer proves linearizability: the verdict is
//! [`CheckResult::Undecided`], never a pass, and the key stays undecided
//! ([`Undecided`] says where and why).
//!
//! # Retention policy of [`LiveChecker`]
//!
//! The simulator checks after every completed operation over hour-long
//! runs. Each check of a key replays its retained window once, breadth
//! first, and takes a *cut* at the latest time before which no operation
//! is still pending (and before the current instant, whose events may
//! still grow): every configuration there is final. The retained prefix
//! before the cut is then replaced by those configurations (its
//! *candidates*): completed operations that returned before it are
//! dropped, the ones still in flight across it are kept (each candidate
//! remembers whether it linearized them), and so are given-up operations
//! some candidate has not used. A check that widens stops there and widens
//! the cut instead, so the next check goes on from it without paying again.
//! So memory is bounded by the operations since the oldest pending one, the
//! given-up writes no read has settled, and [`CheckConfig::max_configs`];
//! the cost of a check by [`CheckConfig::max_steps`]. Verdicts are
//! identical with and without compaction (property-tested). A violation is
//! sticky: once a key's window is not linearizable, it is reported on every
//! later call and no longer compacted.
//!
//! Timestamps given to a [`LiveChecker`] must not decrease (the simulated
//! clock); an earlier one is clamped to the latest seen instead of
//! invalidating cuts already taken.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kv::{step_register, ClientId, KvError, KvOp, KvResult};

/// Identifies one operation of a [`History`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OpId(pub u64);

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What a client knows about how its operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Still waiting for an answer.
    Pending,
    /// The client received `result` at `complete_us`.
    Ok {
        /// The answer the client received.
        result: KvResult,
        /// When the answer arrived, in simulated microseconds.
        complete_us: u64,
    },
    /// The client gave up (timeout, crashed leader): the operation may have
    /// taken effect at any time after its invocation, or never.
    Unknown,
}

/// One client operation with its real-time interval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryOp {
    /// The operation's identity in its history.
    pub id: OpId,
    /// Who issued it.
    pub client: ClientId,
    /// What it did.
    pub op: KvOp,
    /// When the client sent it, in simulated microseconds.
    pub invoke_us: u64,
    /// How it ended, if it has.
    pub outcome: Outcome,
}

impl fmt::Display for HistoryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} @{}us",
            self.id, self.client, self.op, self.invoke_us
        )?;
        match &self.outcome {
            Outcome::Pending => write!(f, " -> pending"),
            Outcome::Ok {
                result,
                complete_us,
            } => write!(f, "..{complete_us}us -> {result}"),
            Outcome::Unknown => write!(f, " -> unknown"),
        }
    }
}

/// Misuse of the history API; reported instead of panicking.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// No operation with this id was invoked (or it was compacted away).
    #[error("no operation {0} in the history")]
    UnknownOp(OpId),
    /// The operation already completed or was given up.
    #[error("operation {0} already ended")]
    AlreadyEnded(OpId),
}

/// The register's value as the search knows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Reg {
    /// A known value (`None`: unset).
    Known(Option<String>),
    /// Any value: what a search that ran out of budget widened to.
    Any,
}

/// One configuration a compacted prefix may have ended in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    /// The register's value.
    state: Reg,
    /// Kept operations (from before the cut) that this configuration has
    /// already linearized: completed ones still in flight at the cut, and
    /// optional ones it used.
    applied: BTreeSet<OpId>,
}

/// The ops of one key still kept, and the configurations before them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct KeyHistory {
    /// Every configuration compacted prefixes may have ended in (one unless
    /// a timed-out write may or may not have taken effect); never empty.
    initial: Vec<Candidate>,
    /// Live operations on this key, in invocation order.
    ops: Vec<OpId>,
    /// Operations dropped by compaction so far.
    compacted: u64,
    /// Completed operations in flight when a search widened: their results
    /// are no longer checked (they count as optional).
    forgiven: BTreeSet<OpId>,
    /// Set when a compacted prefix was widened: the key is undecided.
    undecided: Option<Undecided>,
}

impl Default for KeyHistory {
    fn default() -> Self {
        KeyHistory {
            initial: vec![Candidate {
                state: Reg::Known(None),
                applied: BTreeSet::new(),
            }],
            ops: Vec::new(),
            compacted: 0,
            forgiven: BTreeSet::new(),
            undecided: None,
        }
    }
}

/// A record of client operations, grouped by key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    ops: BTreeMap<OpId, HistoryOp>,
    keys: BTreeMap<String, KeyHistory>,
    next_id: u64,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `client` sent `op` at `at_us`.
    pub fn invoke(&mut self, client: ClientId, op: KvOp, at_us: u64) -> OpId {
        let id = OpId(self.next_id);
        self.next_id += 1;
        // The key's name is copied only for its first op.
        match self.keys.get_mut(op.key()) {
            Some(kh) => kh.ops.push(id),
            None => {
                let mut kh = KeyHistory::default();
                kh.ops.push(id);
                self.keys.insert(op.key().to_string(), kh);
            }
        }
        self.ops.insert(
            id,
            HistoryOp {
                id,
                client,
                op,
                invoke_us: at_us,
                outcome: Outcome::Pending,
            },
        );
        id
    }

    /// Records that `id` returned `result` at `at_us`. A completion time
    /// before the invocation is clamped to the invocation.
    pub fn complete(&mut self, id: OpId, result: KvResult, at_us: u64) -> Result<(), HistoryError> {
        let op = self.pending_mut(id)?;
        op.outcome = Outcome::Ok {
            result,
            complete_us: at_us.max(op.invoke_us),
        };
        Ok(())
    }

    /// Records that the client stopped waiting for `id`: it may or may not
    /// have taken effect.
    pub fn give_up(&mut self, id: OpId) -> Result<(), HistoryError> {
        self.pending_mut(id)?.outcome = Outcome::Unknown;
        Ok(())
    }

    /// All operations kept, in id order.
    pub fn ops(&self) -> impl Iterator<Item = &HistoryOp> {
        self.ops.values()
    }

    /// One operation, if kept.
    pub fn op(&self, id: OpId) -> Option<&HistoryOp> {
        self.ops.get(&id)
    }

    /// The keys that have operations, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// The kept operations on `key`, in invocation order.
    pub fn key_ops(&self, key: &str) -> Vec<&HistoryOp> {
        self.keys
            .get(key)
            .map(|k| k.ops.iter().filter_map(|id| self.ops.get(id)).collect())
            .unwrap_or_default()
    }

    /// The values `key` may have held before its kept operations, one per
    /// candidate configuration: one, unless compaction passed timed-out
    /// writes that may or may not have taken effect (`None` is unset). A
    /// widened candidate, which may hold any value, is left out: see
    /// [`History::undecided`].
    pub fn initial_values(&self, key: &str) -> Vec<Option<&str>> {
        self.keys.get(key).map_or(vec![None], |k| {
            k.initial
                .iter()
                .filter_map(|c| match &c.state {
                    Reg::Known(v) => Some(v.as_deref()),
                    Reg::Any => None,
                })
                .collect()
        })
    }

    /// Why `key`'s compacted prefix is undecided, if a search widened it.
    pub fn undecided(&self, key: &str) -> Option<&Undecided> {
        self.keys.get(key).and_then(|k| k.undecided.as_ref())
    }

    /// How many operations on `key` compaction has dropped.
    pub fn compacted_ops(&self, key: &str) -> u64 {
        self.keys.get(key).map_or(0, |k| k.compacted)
    }

    /// Operations kept, over all keys.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether no operation is kept.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    fn pending_mut(&mut self, id: OpId) -> Result<&mut HistoryOp, HistoryError> {
        let op = self.ops.get_mut(&id).ok_or(HistoryError::UnknownOp(id))?;
        match op.outcome {
            Outcome::Pending => Ok(op),
            _ => Err(HistoryError::AlreadyEnded(id)),
        }
    }
}

/// Why no order of a key's operations works, as data: the operation whose
/// result no order explains, and how far the best order got (Herlihy &
/// Wing's search, as in Porcupine, reports the same).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unexplained {
    /// The operation that no order can place next.
    pub op: KvOp,
    /// When its client sent it (µs of virtual time).
    pub invoke_us: u64,
    /// When its answer came and what it was; `None` if it never came.
    pub complete: Option<(u64, KvResult)>,
    /// How many operations the longest order that works places.
    pub placed: usize,
    /// The key's value after that order (`None`: unset, or unknown after
    /// the search widened).
    pub state: Option<String>,
    /// The operation's id (absent in traces written before it existed).
    #[serde(default)]
    pub id: Option<OpId>,
    /// The last operations of that longest order, oldest first (at most
    /// six: the search keeps no more), as Porcupine shows its prefix.
    #[serde(default)]
    pub prefix_tail: Vec<OpId>,
    /// Operations concurrent with it that the order had not placed: the
    /// ones that could have gone first.
    #[serde(default)]
    pub concurrent: Vec<OpId>,
}

/// Which limit of a [`CheckConfig`] ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Limit {
    /// The search steps of one check ([`CheckConfig::max_steps`]).
    Steps(u64),
    /// The configurations one key may carry ([`CheckConfig::max_configs`]).
    Configurations(usize),
    /// The completed operations of one key a search tracks in flight at once.
    InFlight(usize),
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Steps(n) => write!(f, "the search budget of {n} steps ran out"),
            Limit::Configurations(n) => {
                write!(f, "more than {n} configurations were possible at once")
            }
            Limit::InFlight(n) => write!(f, "more than {n} operations were in flight at once"),
        }
    }
}

/// Why a key's verdict is undecided, as data for a reader in any language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undecided {
    /// The key whose search widened.
    pub key: String,
    /// When the answer being placed then arrived (µs of virtual time).
    pub at_us: u64,
    /// Which limit ran out.
    pub limit: Limit,
}

impl fmt::Display for Undecided {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} while placing the answer at {}us; later violations are still caught",
            self.limit, self.at_us
        )
    }
}

/// The verdict of a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckResult {
    /// Some order explains every result.
    Linearizable,
    /// No order explains the results of `key`.
    NotLinearizable {
        /// The key whose sub-history failed.
        key: String,
        /// Where the search got stuck, naming the ops.
        explanation: String,
        /// The op that could not be placed first, then the ops around it.
        ops_involved: Vec<OpId>,
        /// The same as data, for a reader in any language (`None` only in a
        /// degenerate history with nothing to blame).
        why: Option<Box<Unexplained>>,
    },
    /// A limit ran out before a verdict: neither a pass nor a violation.
    Undecided {
        /// The key whose search widened.
        key: String,
        /// Why, in words.
        reason: String,
        /// The same as data.
        why: Box<Undecided>,
    },
}

impl CheckResult {
    /// Whether the verdict is [`CheckResult::Linearizable`].
    pub fn is_linearizable(&self) -> bool {
        matches!(self, CheckResult::Linearizable)
    }

    /// Whether the verdict is [`CheckResult::Undecided`].
    pub fn is_undecided(&self) -> bool {
        matches!(self, CheckResult::Undecided { .. })
    }

    /// Violations outrank undecided verdicts, which outrank success.
    fn severity(&self) -> u8 {
        match self {
            CheckResult::Linearizable => 0,
            CheckResult::Undecided { .. } => 1,
            CheckResult::NotLinearizable { .. } => 2,
        }
    }

    fn undecided(why: Undecided) -> CheckResult {
        CheckResult::Undecided {
            key: why.key.clone(),
            reason: why.to_string(),
            why: Box::new(why),
        }
    }
}

impl fmt::Display for CheckResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckResult::Linearizable => write!(f, "linearizable"),
            CheckResult::NotLinearizable { explanation, .. } => write!(f, "{explanation}"),
            CheckResult::Undecided { key, reason, .. } => {
                write!(f, "key {key:?}: linearizability undecided: {reason}")
            }
        }
    }
}

/// Limits of one check of one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckConfig {
    /// Search steps one search of one key may take; one step tries one
    /// operation on one configuration. A live check (one with a cut) takes
    /// at most this many and widens when they run out; a check of a whole
    /// history searches depth first, then breadth first, with a second
    /// budget after a widening: at most three times this many.
    pub max_steps: u64,
    /// Most configurations one key may carry at once before the check
    /// widens.
    pub max_configs: usize,
}

impl CheckConfig {
    /// The live checker's budget, per key after each completed operation in
    /// the world: about 2.6 ms of one core at the ~130 ns a step measured
    /// (CPU time, `fast` profile, over 54 million steps of runs that keep
    /// hitting it).
    pub const LIVE: CheckConfig = CheckConfig {
        max_steps: 20_000,
        max_configs: 4_096,
    };
    /// A whole history checked once, as by [`check_all`].
    pub const OFFLINE: CheckConfig = CheckConfig {
        max_steps: 2_000_000,
        max_configs: 100_000,
    };
    /// A second, longer look at a history the offline budget left
    /// undecided (the fuzzer's).
    pub const THOROUGH: CheckConfig = CheckConfig {
        max_steps: 100_000_000,
        max_configs: 1_000_000,
    };
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig::OFFLINE
    }
}

/// Checks the sub-history of `key` with the default budget.
pub fn check_key(history: &History, key: &str) -> CheckResult {
    check_key_with(history, key, &CheckConfig::default())
}

/// Checks every key with the default budget; reports the first violation,
/// else the first undecided key, in key order.
pub fn check_all(history: &History) -> CheckResult {
    check_all_with(history, &CheckConfig::default())
}

/// [`check_key`] with an explicit budget.
pub fn check_key_with(history: &History, key: &str, config: &CheckConfig) -> CheckResult {
    match history.keys.get(key) {
        Some(kh) => check_window(history, key, kh, config, None, &mut Scratch::default()).verdict,
        None => CheckResult::Linearizable,
    }
}

/// [`check_all`] with an explicit budget per key.
pub fn check_all_with(history: &History, config: &CheckConfig) -> CheckResult {
    let mut worst = CheckResult::Linearizable;
    for key in history.keys.keys() {
        let verdict = check_key_with(history, key, config);
        if verdict.severity() > worst.severity() {
            worst = verdict;
            if worst.severity() == 2 {
                break;
            }
        }
    }
    worst
}

/// What a [`LiveChecker`] has spent, in search steps (deterministic, so
/// tests can bound the cost without a clock).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckStats {
    /// Keys checked (each [`LiveChecker::check_dirty`] checks the keys that
    /// changed since the last one).
    pub checks: u64,
    /// Search steps over all checks.
    pub steps: u64,
    /// The most steps one [`LiveChecker::check_dirty`] call took.
    pub max_steps_per_call: u64,
    /// Checks whose search widened (ran out of a limit).
    pub widened: u64,
}

/// Checks a history as it grows, re-checking only keys that changed and
/// compacting each key's settled prefix (see the module doc).
#[derive(Clone, Debug)]
pub struct LiveChecker {
    history: History,
    config: CheckConfig,
    dirty: BTreeSet<String>,
    verdicts: BTreeMap<String, CheckResult>,
    now_us: u64,
    compaction: bool,
    stats: CheckStats,
    /// Buffers one check leaves to the next.
    scratch: Scratch,
}

impl Default for LiveChecker {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveChecker {
    /// A checker with the default budget ([`CheckConfig::OFFLINE`]) and
    /// compaction on. The simulator's world uses [`CheckConfig::LIVE`].
    pub fn new() -> Self {
        Self::with_config(CheckConfig::default())
    }

    /// A checker with an explicit budget.
    pub fn with_config(config: CheckConfig) -> Self {
        Self {
            history: History::new(),
            config,
            dirty: BTreeSet::new(),
            verdicts: BTreeMap::new(),
            now_us: 0,
            compaction: true,
            stats: CheckStats::default(),
            scratch: Scratch::default(),
        }
    }

    /// Turns prefix compaction on or off (off keeps every op and checks the
    /// whole history each time; for tests).
    pub fn set_compaction(&mut self, on: bool) {
        self.compaction = on;
    }

    /// Records an invocation; see [`History::invoke`].
    pub fn invoke(&mut self, client: ClientId, op: KvOp, at_us: u64) -> OpId {
        let at_us = self.tick(at_us);
        if !self.dirty.contains(op.key()) {
            self.dirty.insert(op.key().to_string());
        }
        self.history.invoke(client, op, at_us)
    }

    /// Records a completion; see [`History::complete`].
    pub fn complete(&mut self, id: OpId, result: KvResult, at_us: u64) -> Result<(), HistoryError> {
        let at_us = self.tick(at_us);
        self.history.complete(id, result, at_us)?;
        self.mark_dirty(id);
        Ok(())
    }

    /// Records that the client gave up; see [`History::give_up`].
    pub fn give_up(&mut self, id: OpId) -> Result<(), HistoryError> {
        self.history.give_up(id)?;
        self.mark_dirty(id);
        Ok(())
    }

    /// The retained history (compacted prefixes are gone).
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The budget each check of a key gets.
    pub fn config(&self) -> &CheckConfig {
        &self.config
    }

    /// What the checks have cost so far.
    pub fn stats(&self) -> &CheckStats {
        &self.stats
    }

    /// The verdict of the last check of each key checked so far.
    pub fn verdicts(&self) -> &BTreeMap<String, CheckResult> {
        &self.verdicts
    }

    /// The earliest widening among the keys whose last verdict is
    /// undecided: the state the page shows between "holds" and "violated".
    pub fn undecided(&self) -> Option<&Undecided> {
        self.verdicts
            .values()
            .filter_map(|v| match v {
                CheckResult::Undecided { why, .. } => Some(why.as_ref()),
                _ => None,
            })
            .min_by_key(|u| u.at_us)
    }

    /// Re-checks the keys changed since the last call, compacts their settled
    /// prefixes, and returns the worst verdict over all keys. Each key's
    /// check takes at most [`CheckConfig::max_steps`] search steps (with
    /// compaction off, a check is one of the whole history, as
    /// [`check_key_with`]).
    pub fn check_dirty(&mut self) -> CheckResult {
        let dirty = std::mem::take(&mut self.dirty);
        let mut call_steps = 0;
        for key in dirty {
            if self.verdicts.get(&key).is_some_and(|v| v.severity() == 2) {
                continue; // violations are sticky
            }
            let Some(kh) = self.history.keys.get(&key) else {
                continue;
            };
            let cut_us = self
                .compaction
                .then(|| cut_time(&self.history, kh, self.now_us));
            let checked = check_window(
                &self.history,
                &key,
                kh,
                &self.config,
                cut_us,
                &mut self.scratch,
            );
            self.stats.checks += 1;
            self.stats.steps += checked.steps;
            call_steps += checked.steps;
            if checked.widened {
                self.stats.widened += 1;
            }
            if checked.verdict.severity() < 2 {
                if let Some(cut) = checked.cut {
                    self.compact(&key, cut);
                }
            }
            self.verdicts.insert(key, checked.verdict);
        }
        self.stats.max_steps_per_call = self.stats.max_steps_per_call.max(call_steps);
        let mut worst = CheckResult::Linearizable;
        for verdict in self.verdicts.values() {
            if verdict.severity() > worst.severity() {
                worst = verdict.clone();
            }
        }
        worst
    }

    fn tick(&mut self, at_us: u64) -> u64 {
        self.now_us = self.now_us.max(at_us);
        self.now_us
    }

    fn mark_dirty(&mut self, id: OpId) {
        if let Some(op) = self.history.op(id) {
            if !self.dirty.contains(op.op.key()) {
                self.dirty.insert(op.op.key().to_string());
            }
        }
    }

    /// Replaces the prefix of `key` before the cut by the configurations
    /// the search found there.
    fn compact(&mut self, key: &str, cut: Cut) {
        let Some(kh) = self.history.keys.get_mut(key) else {
            return;
        };
        let dropped: Vec<OpId> = kh
            .ops
            .iter()
            .copied()
            .filter(|id| cut.dropped.contains(id))
            .collect();
        if dropped.is_empty() && kh.initial == cut.candidates {
            return;
        }
        kh.ops.retain(|id| !cut.dropped.contains(id));
        kh.initial = cut.candidates;
        kh.forgiven = cut.forgiven;
        if kh.undecided.is_none() {
            kh.undecided = cut.undecided;
        }
        kh.compacted += dropped.len() as u64;
        for id in dropped {
            self.history.ops.remove(&id);
        }
    }
}

/// The latest time a check of `kh` may cut at: before the oldest pending
/// operation (whose answer may still come and constrain the past), and not
/// after `now_us` (more calls may still arrive at the current instant).
fn cut_time(history: &History, kh: &KeyHistory, now_us: u64) -> u64 {
    kh.ops
        .iter()
        .filter_map(|id| history.op(*id))
        .filter(|h| h.outcome == Outcome::Pending)
        .map(|h| h.invoke_us)
        .fold(now_us, u64::min)
}

/// What compaction needs from a check: the prefix before the cut, as
/// candidates, and the ops it no longer needs.
#[derive(Debug, PartialEq)]
struct Cut {
    candidates: Vec<Candidate>,
    dropped: BTreeSet<OpId>,
    forgiven: BTreeSet<OpId>,
    undecided: Option<Undecided>,
}

impl Cut {
    /// Replaces the candidates by one that may hold any value, with every
    /// kept op in flight across the cut forgiven (see [`Run::widen`]).
    fn widen(&mut self, history: &History, kh: &KeyHistory, cut_us: u64, why: Undecided) {
        self.candidates = vec![Candidate {
            state: Reg::Any,
            applied: BTreeSet::new(),
        }];
        for id in kh.ops.iter().filter(|id| !self.dropped.contains(id)) {
            let in_flight = history
                .op(*id)
                .is_some_and(|h| h.invoke_us < cut_us && matches!(h.outcome, Outcome::Ok { .. }));
            if in_flight {
                self.forgiven.insert(*id);
            }
        }
        self.undecided = Some(why);
    }
}

/// One check of one key's window.
#[derive(Debug, PartialEq)]
struct Checked {
    verdict: CheckResult,
    steps: u64,
    widened: bool,
    /// The configurations at the cut, if one was asked for.
    cut: Option<Cut>,
}

/// One op as the search sees it, borrowed from the history (a check
/// copies no strings).
#[derive(Clone, Copy, Debug)]
struct SearchOp<'h> {
    id: OpId,
    op: &'h KvOp,
    invoke_us: u64,
    /// `None`: the op is optional: it may take effect any time after its
    /// invocation, or never, and any result is accepted.
    complete: Option<(u64, &'h KvResult)>,
}

/// How many linearized ops an explanation shows before the blocked one.
const EXPLAIN_RECENT_OPS: usize = 6;

/// Most completed ops of one key a search tracks in flight at once (a bit
/// each in a configuration); more and it widens.
const MAX_IN_FLIGHT: usize = 128;

/// How a configuration was reached, for explanations only (not part of its
/// identity): which candidate it started from, how many ops it placed, and
/// the last few of them.
#[derive(Clone, Copy, Debug)]
struct Trail {
    start: u32,
    depth: u32,
    recent: [u32; EXPLAIN_RECENT_OPS],
    len: u8,
}

impl Trail {
    fn root(start: u32) -> Trail {
        Trail {
            start,
            depth: 0,
            recent: [0; EXPLAIN_RECENT_OPS],
            len: 0,
        }
    }

    fn then(mut self, op: u32) -> Trail {
        self.depth += 1;
        if (self.len as usize) < EXPLAIN_RECENT_OPS {
            self.recent[self.len as usize] = op;
            self.len += 1;
        } else {
            self.recent.rotate_left(1);
            self.recent[EXPLAIN_RECENT_OPS - 1] = op;
        }
        self
    }

    fn recent(&self) -> &[u32] {
        &self.recent[..self.len as usize]
    }
}

/// A partial linearization, as far as its future is concerned. Plain data
/// (no allocation), since the search makes one per step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Config {
    /// Interned register value.
    state: u32,
    /// In-flight completed ops already linearized, a bit per slot.
    lin: u128,
    /// Interned set of the optional ops used.
    used: u32,
}

fn is_subset(small: &[u32], big: &[u32]) -> bool {
    if small.len() > big.len() {
        return false;
    }
    let mut j = 0;
    for &x in small {
        while j < big.len() && big[j] < x {
            j += 1;
        }
        if j == big.len() || big[j] != x {
            return false;
        }
        j += 1;
    }
    true
}

/// Interned sets of optional ops (sorted indices); id 0 is the empty set.
struct UsedSets {
    sets: Vec<Vec<u32>>,
    ids: BTreeMap<Vec<u32>, u32>,
    /// Memoized `set ∪ {op}`.
    plus: FxMap<(u32, u32), u32>,
}

impl UsedSets {
    fn new() -> UsedSets {
        UsedSets {
            sets: vec![Vec::new()],
            // The empty set (id 0) is found without the map.
            ids: BTreeMap::new(),
            plus: FxMap::default(),
        }
    }

    fn intern(&mut self, set: Vec<u32>) -> u32 {
        if set.is_empty() {
            return 0;
        }
        if let Some(id) = self.ids.get(&set) {
            return *id;
        }
        let id = self.sets.len() as u32;
        self.sets.push(set.clone());
        self.ids.insert(set, id);
        id
    }

    fn plus(&mut self, id: u32, op: u32) -> u32 {
        if let Some(p) = self.plus.get(&(id, op)) {
            return *p;
        }
        let mut set = self.sets[id as usize].clone();
        if let Err(at) = set.binary_search(&op) {
            set.insert(at, op);
        }
        let p = self.intern(set);
        self.plus.insert((id, op), p);
        p
    }

    fn get(&self, id: u32) -> &[u32] {
        &self.sets[id as usize]
    }

    fn contains(&self, id: u32, op: u32) -> bool {
        self.get(id).binary_search(&op).is_ok()
    }

    fn subset(&self, a: u32, b: u32) -> bool {
        a == b || a == 0 || is_subset(self.get(a), self.get(b))
    }
}

/// The Fx hash (Firefox, rustc): fast, and the same on every platform. The
/// maps hashed with it are only looked up, never iterated, so nothing
/// depends on their order.
#[derive(Clone, Copy, Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u32(&mut self, word: u32) {
        self.write_u64(u64::from(word));
    }

    fn write_u128(&mut self, word: u128) {
        self.write_u64(word as u64);
        self.write_u64((word >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// A set of configurations with only the undominated ones kept: among those
/// with the same state and the same linearized completed ops, the ones that
/// used no superset of another's optional ops. Kept in insertion order.
#[derive(Default)]
struct Antichain {
    /// Configurations, each linked to the previous one of its group; a
    /// dominated one is struck out (`None`).
    entries: Vec<(Option<(Config, Trail)>, u32)>,
    /// Each (state, linearized ops) group's newest entry; built only once
    /// there are more than [`SMALL_ANTICHAIN`] entries (the groups of a
    /// smaller one are found by a scan: most checks carry one or two
    /// configurations, and a map costs more to build than it saves).
    groups: FxMap<(u32, u128), u32>,
    len: usize,
}

/// Entries an [`Antichain`] scans before it keeps a map of its groups.
const SMALL_ANTICHAIN: usize = 8;

/// Register values a [`Run`] interns by a scan before it keeps a map.
const SMALL_STATES: usize = 8;

/// The end of an [`Antichain`] group's list.
const NO_ENTRY: u32 = u32::MAX;

impl Antichain {
    /// Adds `c` unless an element dominates it, dropping the elements it
    /// dominates; says whether it was added.
    fn insert(&mut self, c: Config, trail: Trail, used: &UsedSets) -> bool {
        let new = self.entries.len() as u32;
        if self.entries.len() < SMALL_ANTICHAIN {
            // The same walk as the map's, newest first, over the group's
            // entries that are still in.
            let mut head = NO_ENTRY;
            for (e, (entry, _)) in self.entries.iter_mut().enumerate().rev() {
                let Some((other, _)) = entry else { continue };
                if (other.state, other.lin) != (c.state, c.lin) {
                    continue;
                }
                if head == NO_ENTRY {
                    head = e as u32;
                }
                if used.subset(other.used, c.used) {
                    return false;
                }
                if used.subset(c.used, other.used) {
                    *entry = None;
                    self.len -= 1;
                }
            }
            // Links (the newest same-group entry still in) are only followed
            // once the map exists; see `build_groups`.
            self.entries.push((Some((c, trail)), head));
            self.len += 1;
            if self.entries.len() == SMALL_ANTICHAIN {
                self.build_groups();
            }
            return true;
        }
        let head = self.groups.entry((c.state, c.lin)).or_insert(NO_ENTRY);
        let mut e = *head;
        while e != NO_ENTRY {
            let (entry, previous) = &mut self.entries[e as usize];
            if let Some((other, _)) = entry {
                if used.subset(other.used, c.used) {
                    return false;
                }
                if used.subset(c.used, other.used) {
                    *entry = None;
                    self.len -= 1;
                }
            }
            e = *previous;
        }
        self.entries.push((Some((c, trail)), *head));
        *head = new;
        self.len += 1;
        true
    }

    /// Links the entries still in by group, and maps each group to its
    /// newest, as inserting them one by one into the map would have.
    fn build_groups(&mut self) {
        for e in 0..self.entries.len() {
            let (entry, previous) = &mut self.entries[e];
            let Some((c, _)) = entry else { continue };
            let head = self.groups.entry((c.state, c.lin)).or_insert(NO_ENTRY);
            *previous = *head;
            *head = e as u32;
        }
    }

    fn into_configs(self) -> Vec<(Config, Trail)> {
        self.entries.into_iter().filter_map(|(e, _)| e).collect()
    }

    /// Empties it, keeping its buffers.
    fn clear(&mut self) {
        self.entries.clear();
        self.groups.clear();
        self.len = 0;
    }

    /// Appends the configurations still in to `configs`, in order (as
    /// [`Antichain::into_configs`], into a vector already there).
    fn append_to(&self, configs: &mut Vec<(Config, Trail)>) {
        configs.extend(self.entries.iter().filter_map(|(e, _)| *e));
    }
}

/// Buffers a search leaves to the next one, empty: the per-op vectors of a
/// [`Run`] and the sets and frontiers of [`Run::closure`]. A live check
/// allocated about 30 vectors and freed them (the allocator's part of the
/// checker was a fifth of it, callgrind); the [`LiveChecker`] keeps one
/// `Scratch` from check to check. No part of any result.
#[derive(Default)]
struct Scratch {
    done: Antichain,
    seen: Antichain,
    frontier: Vec<(Config, Trail, bool)>,
    next: Vec<(Config, Trail, bool)>,
    invoked: Vec<bool>,
    retired: Vec<bool>,
    slot_of: Vec<u8>,
    transitions: Vec<Vec<u32>>,
    calls: Vec<(u64, u32)>,
    forgiven: Vec<bool>,
    events: Vec<(u64, bool, usize)>,
    states: Vec<Reg>,
    starts: Vec<Reg>,
    configs: Vec<(Config, Trail)>,
}

/// A clone starts empty: the buffers are no part of the checker's state.
impl Clone for Scratch {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scratch")
    }
}

/// `v` emptied and filled with `n` copies of `x`, in its own buffer.
fn refill<T: Clone>(mut v: Vec<T>, n: usize, x: T) -> Vec<T> {
    v.clear();
    v.resize(n, x);
    v
}

/// Where a failed check got furthest.
struct Stuck {
    /// The op whose return no configuration could reach.
    blocked: usize,
    /// How many ops the deepest configuration there had placed.
    depth: usize,
    /// The last few of them, oldest first.
    recent: Vec<usize>,
    /// Its register value.
    state: Reg,
    /// The candidate it started from.
    start: Reg,
}

/// The step budget ran out.
struct OutOfSteps;

/// A memoized transition not computed yet.
const UNKNOWN: u32 = u32::MAX;
/// A memoized transition that is not allowed.
const REFUSED: u32 = u32::MAX - 1;

/// The slots set in `mask`, lowest first.
fn slots(mut mask: u128) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let k = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            k
        })
    })
}

/// The replay of one key's window.
struct Run<'a> {
    key: &'a str,
    config: &'a CheckConfig,
    ops: Vec<SearchOp<'a>>,
    /// Optional ops grouped by class: identical ops share one, and only
    /// the first unused one of a class is tried. Each class lists its ops in
    /// invocation order; the classes of puts come first.
    classes: Vec<Vec<u32>>,
    /// Where the classes of ops other than puts begin in `classes`.
    first_non_put: usize,
    invoked: Vec<bool>,
    /// Optional ops no configuration may use any more: every one used
    /// them, or (forgiven ops) their answer has come.
    retired: Vec<bool>,
    /// Completed ops in flight at a widening: now optional.
    forgiven: Vec<bool>,
    /// Each in-flight completed op's slot, and the op in each slot.
    slot_of: Vec<u8>,
    slot_op: [u32; MAX_IN_FLIGHT],
    /// Slots in use, and those of ops other than puts (they observe the
    /// value, so optional ops placed before them matter).
    in_flight: u128,
    observing: u128,
    states: Vec<Reg>,
    state_ids: FxMap<Reg, u32>,
    /// Memoized transitions, per op and state.
    transitions: Vec<Vec<u32>>,
    used: UsedSets,
    configs: Vec<(Config, Trail)>,
    /// Candidates' states (and states widened to), for explanations.
    starts: Vec<Reg>,
    steps_left: u64,
    steps: u64,
    /// Whether the budget was renewed after a widening (never, in a check
    /// with a cut: the next check goes on from there).
    second_budget_used: bool,
    /// Past the second budget: returns are no longer checked.
    blind: bool,
    undecided: Option<Undecided>,
    /// Every call, in time order (for what may come before an answer), and
    /// the first not made yet.
    calls: Vec<(u64, u32)>,
    next_call: usize,
    /// What the ops left may write, for the return being placed.
    reach: Option<Reach>,
    /// [`Run::viable`]'s answers for the return being placed, per value and
    /// in-flight op.
    reach_memo: FxMap<(u32, u32), bool>,
    /// What optional ops other than puts can write, and
    /// [`Run::next_accepts`]'s answers, for the return being placed.
    optional_reach: Option<Reach>,
    next_memo: FxMap<(u32, u32), bool>,
    /// Buffers from the previous search, and for the next.
    scratch: Scratch,
}

/// What some ops can write to the register: [`Run::reach_context`].
#[derive(Default)]
struct Reach {
    /// Values put.
    bases: BTreeSet<String>,
    /// CAS ops that may succeed: (from, to).
    swaps: BTreeSet<(String, String)>,
    /// Words appended.
    words: BTreeSet<String>,
    /// Filled by [`Reach::finish`]: each swap with the suffixes of its
    /// `from` made of words, and every value the puts and swaps can make
    /// whatever the value was.
    swap_tables: Vec<(String, String, Vec<bool>)>,
    closed: Vec<String>,
}

impl Reach {
    fn add(&mut self, op: &KvOp) {
        match op {
            KvOp::Put { value, .. } => {
                self.bases.insert(value.clone());
            }
            KvOp::Cas { from, to, .. } => {
                self.swaps.insert((from.clone(), to.clone()));
            }
            KvOp::Append { value, .. } => {
                self.words.insert(value.clone());
            }
            KvOp::Get { .. } => {}
        }
    }

    /// `ok[i]`: whether `t[i..]` is a sequence of appended words (each as
    /// often as needed).
    fn suffixes(&self, t: &str) -> Vec<bool> {
        let mut ok = vec![false; t.len() + 1];
        ok[t.len()] = true;
        for i in (0..t.len()).rev() {
            ok[i] = self
                .words
                .iter()
                .any(|w| !w.is_empty() && t[i..].starts_with(w.as_str()) && ok[i + w.len()]);
        }
        ok
    }

    /// Whether `t` is one of `starts` followed by appended words.
    fn made(starts: &[&str], t: &str, t_ok: &[bool]) -> bool {
        starts.iter().any(|b| t.starts_with(b) && t_ok[b.len()])
    }

    /// Precomputes what does not depend on the value searched from.
    fn finish(mut self) -> Reach {
        self.swap_tables = self
            .swaps
            .iter()
            .map(|(from, to)| (from.clone(), to.clone(), self.suffixes(from)))
            .collect();
        let mut closed: Vec<String> = self.bases.iter().cloned().collect();
        let mut enabled = vec![false; self.swap_tables.len()];
        loop {
            let before = closed.len();
            for (k, (from, to, from_ok)) in self.swap_tables.iter().enumerate() {
                let starts: Vec<&str> = closed.iter().map(String::as_str).collect();
                if !enabled[k] && Reach::made(&starts, from, from_ok) {
                    enabled[k] = true;
                    closed.push(to.clone());
                }
            }
            if closed.len() == before {
                break;
            }
        }
        self.closed = closed;
        self
    }
}

/// Whether ops writing what `reach` says can turn value `v` into `target`:
/// it must be `v`, a value put, or the new value of a CAS whose expected
/// value can be made so, followed by appended words (each as often as
/// needed). An over-approximation (order and each op placed at most once
/// are ignored), so a value it rules out is unreachable.
fn reaches(v: Option<&str>, target: Option<&str>, reach: &Reach) -> bool {
    let Some(target) = target else {
        // Nothing unsets a key.
        return v.is_none();
    };
    let t_ok = reach.suffixes(target);
    let closed: Vec<&str> = reach.closed.iter().map(String::as_str).collect();
    if Reach::made(&closed, target, &t_ok) {
        return true;
    }
    // Appending to an unset key starts from the empty string.
    let mut starts: Vec<&str> = vec![v.unwrap_or("")];
    let mut enabled = vec![false; reach.swap_tables.len()];
    loop {
        let before = starts.len();
        for (k, (from, to, from_ok)) in reach.swap_tables.iter().enumerate() {
            if !enabled[k] && Reach::made(&starts, from, from_ok) {
                enabled[k] = true;
                starts.push(to);
            }
        }
        if starts.len() == before {
            break;
        }
    }
    Reach::made(&starts, target, &t_ok)
}

impl<'a> Run<'a> {
    fn new(
        key: &'a str,
        config: &'a CheckConfig,
        ops: Vec<SearchOp<'a>>,
        forgiven: Vec<bool>,
        mut scratch: Scratch,
    ) -> Run<'a> {
        let n = ops.len();
        let invoked = refill(std::mem::take(&mut scratch.invoked), n, false);
        let retired = refill(std::mem::take(&mut scratch.retired), n, false);
        let slot_of = refill(std::mem::take(&mut scratch.slot_of), n, u8::MAX);
        // The rows keep their buffers too; each is emptied.
        let mut transitions = std::mem::take(&mut scratch.transitions);
        transitions.truncate(n);
        for row in &mut transitions {
            row.clear();
        }
        transitions.resize(n, Vec::new());
        let mut calls = std::mem::take(&mut scratch.calls);
        calls.clear();
        let mut states = std::mem::take(&mut scratch.states);
        states.clear();
        let mut starts = std::mem::take(&mut scratch.starts);
        starts.clear();
        let mut configs = std::mem::take(&mut scratch.configs);
        configs.clear();
        let mut run = Run {
            key,
            config,
            ops,
            classes: Vec::new(),
            first_non_put: 0,
            invoked,
            retired,
            forgiven,
            slot_of,
            slot_op: [0; MAX_IN_FLIGHT],
            in_flight: 0,
            observing: 0,
            states,
            state_ids: FxMap::default(),
            transitions,
            used: UsedSets::new(),
            configs,
            starts,
            steps_left: config.max_steps,
            steps: 0,
            second_budget_used: false,
            blind: false,
            undecided: None,
            calls,
            next_call: 0,
            reach: None,
            reach_memo: FxMap::default(),
            optional_reach: None,
            next_memo: FxMap::default(),
            scratch,
        };
        let calls = run
            .ops
            .iter()
            .enumerate()
            .map(|(i, o)| (o.invoke_us, i as u32));
        run.calls.extend(calls);
        run.calls.sort();
        run.classify();
        run
    }

    fn optional(&self, i: usize) -> bool {
        self.ops[i].complete.is_none() || self.forgiven[i]
    }

    fn is_put(&self, i: u32) -> bool {
        matches!(self.ops[i as usize].op, KvOp::Put { .. })
    }

    /// Groups identical optional ops into classes, puts first.
    fn classify(&mut self) {
        let mut by_op: BTreeMap<(bool, &KvOp), Vec<u32>> = BTreeMap::new();
        for i in 0..self.ops.len() {
            if self.optional(i) {
                let op = &self.ops[i].op;
                let is_put = matches!(op, KvOp::Put { .. });
                by_op.entry((!is_put, op)).or_default().push(i as u32);
            }
        }
        self.first_non_put = by_op.keys().take_while(|(other, _)| !other).count();
        self.classes = by_op.into_values().collect();
    }

    fn intern(&mut self, r: Reg) -> u32 {
        // A few states are found by a scan; the map is built past that
        // (a check of a short window has one to three).
        if self.states.len() <= SMALL_STATES {
            if let Some(id) = self.states.iter().position(|s| *s == r) {
                return id as u32;
            }
        } else if let Some(id) = self.state_ids.get(&r) {
            return *id;
        }
        let id = self.states.len() as u32;
        self.states.push(r);
        if self.states.len() > SMALL_STATES {
            if self.state_ids.is_empty() {
                for (k, s) in self.states.iter().enumerate() {
                    self.state_ids.insert(s.clone(), k as u32);
                }
            } else {
                self.state_ids.insert(self.states[id as usize].clone(), id);
            }
        }
        id
    }

    /// The buffers, for the next search.
    fn into_scratch(self) -> Scratch {
        Scratch {
            invoked: self.invoked,
            retired: self.retired,
            slot_of: self.slot_of,
            transitions: self.transitions,
            calls: self.calls,
            forgiven: self.forgiven,
            states: self.states,
            starts: self.starts,
            configs: self.configs,
            ..self.scratch
        }
    }

    fn step(&mut self) -> Result<(), OutOfSteps> {
        if self.steps_left == 0 {
            return Err(OutOfSteps);
        }
        self.steps_left -= 1;
        self.steps += 1;
        Ok(())
    }

    /// The state after op `i` from state `s`, if allowed: a checked op must
    /// give its result; an optional op is skipped when it changes nothing
    /// (not applying it dominates applying it).
    fn transition(&mut self, s: u32, i: u32) -> Option<u32> {
        if let Some(&t) = self.transitions[i as usize].get(s as usize) {
            if t != UNKNOWN {
                return (t != REFUSED).then_some(t);
            }
        }
        let op = &self.ops[i as usize];
        let unchanged = match (&self.states[s as usize], &op.op, &op.complete) {
            // Reads, and CAS ops that fail, leave the value as it is: no
            // need to build it again.
            (Reg::Known(v), KvOp::Get { .. }, Some((_, result))) => {
                Some(answers_read(result, v.as_deref()))
            }
            (Reg::Known(v), KvOp::Cas { from, .. }, complete) if v.as_deref() != Some(from) => {
                Some(
                    !self.optional(i as usize)
                        && complete
                            .as_ref()
                            .is_some_and(|(_, r)| answers_failed_cas(r, v.as_deref())),
                )
            }
            _ => None,
        };
        if let Some(allowed) = unchanged {
            let t = if allowed { s } else { REFUSED };
            self.memo(s, i, t);
            return allowed.then_some(s);
        }
        let next = if self.optional(i as usize) {
            match &self.states[s as usize] {
                Reg::Known(v) => {
                    let (next, _) = step_register(v.as_deref(), op.op);
                    (next != *v).then_some(Reg::Known(next))
                }
                // Any value already covers what an append or a CAS may
                // leave; only a put makes the value known again.
                Reg::Any => match &op.op {
                    KvOp::Put { value, .. } => Some(Reg::Known(Some(value.clone()))),
                    _ => None,
                },
            }
        } else {
            let expected = op.complete.as_ref().map(|c| &c.1);
            match &self.states[s as usize] {
                Reg::Known(v) => {
                    let (next, result) = step_register(v.as_deref(), op.op);
                    (Some(&result) == expected.copied()).then_some(Reg::Known(next))
                }
                Reg::Any => expected.and_then(|r| after_any(op.op, r)),
            }
        };
        let t = next.map_or(REFUSED, |r| self.intern(r));
        self.memo(s, i, t);
        (t != REFUSED).then_some(t)
    }

    fn memo(&mut self, s: u32, i: u32, t: u32) {
        let row = &mut self.transitions[i as usize];
        if row.len() <= s as usize {
            row.resize(s as usize + 1, UNKNOWN);
        }
        row[s as usize] = t;
    }

    /// The value checked op `j` must find, if its result pins one down
    /// (`Some(None)`: unset); `None` if it accepts any (an append).
    fn needs(&self, j: u32) -> Option<Option<&str>> {
        let op = &self.ops[j as usize];
        match (&op.op, &op.complete.as_ref()?.1) {
            (KvOp::Get { .. }, KvResult::Value(v)) => Some(Some(v)),
            (KvOp::Cas { from, .. }, KvResult::Ok) => Some(Some(from)),
            (KvOp::Cas { .. }, KvResult::Error(KvError::PreconditionFailed { current })) => {
                Some(Some(current))
            }
            (KvOp::Get { .. } | KvOp::Cas { .. }, KvResult::Error(KvError::KeyDoesNotExist)) => {
                Some(None)
            }
            _ => None,
        }
    }

    /// Whether a configuration with value `s` that has linearized the
    /// in-flight ops in `lin` (and `also`) can still give every other
    /// in-flight op that pins a value down (a read, a CAS) the value it
    /// needs. Each must find it when it is placed, before its answer came,
    /// so the ops that may go first are those invoked by then and not done;
    /// [`reaches`] over-approximates what they can build, so a
    /// configuration found dead here is dead.
    fn viable(&mut self, s: u32, lin: u128, also: u128) -> bool {
        if matches!(self.states[s as usize], Reg::Any) {
            return true;
        }
        for k in slots(self.observing & !lin & !also) {
            let j = self.slot_op[k];
            if let Some(&ok) = self.reach_memo.get(&(s, j)) {
                if !ok {
                    return false;
                }
                continue;
            }
            if self.reach.is_none() {
                self.reach = Some(self.reach_context());
            }
            let ok = match (self.needs(j), &self.states[s as usize], &self.reach) {
                (Some(target), Reg::Known(v), Some(reach)) => reaches(v.as_deref(), target, reach),
                _ => true,
            };
            self.reach_memo.insert((s, j), ok);
            if !ok {
                return false;
            }
        }
        true
    }

    /// Whether, after optional ops left value `s`, more of them can make a
    /// value the next checked op accepts: an in-flight one not linearized
    /// in `lin` that is an append (any value), or that needs a value built
    /// from `s` or a CAS's new value by appended words. Puts cannot come
    /// next (see [`Run::expand`]).
    fn next_accepts(&mut self, s: u32, lin: u128) -> bool {
        let Reg::Known(v) = &self.states[s as usize] else {
            return true;
        };
        let v = v.clone();
        for k in slots(self.observing & !lin) {
            let j = self.slot_op[k];
            let ok = match self.next_memo.get(&(s, j)) {
                Some(&ok) => ok,
                None => {
                    if self.optional_reach.is_none() {
                        self.optional_reach = Some(self.optional_reach_context());
                    }
                    let ok = match (self.needs(j), &self.optional_reach) {
                        (None, _) => true,
                        (Some(target), Some(reach)) => reaches(v.as_deref(), target, reach),
                        (Some(_), None) => true,
                    };
                    self.next_memo.insert((s, j), ok);
                    ok
                }
            };
            if ok {
                return true;
            }
        }
        false
    }

    /// What the optional ops on offer can write, except puts.
    fn optional_reach_context(&self) -> Reach {
        let mut reach = Reach::default();
        for class in &self.classes[self.first_non_put..] {
            if let Some(&m) = class
                .iter()
                .find(|&&m| !self.retired[m as usize] && self.invoked[m as usize])
            {
                reach.add(self.ops[m as usize].op);
            }
        }
        reach.finish()
    }

    /// What the ops that may still be placed before the in-flight ones
    /// answer can write: the values puts and CAS ops set, and the words
    /// appends add.
    fn reach_context(&self) -> Reach {
        let mut reach = Reach::default();
        let mut add = |op: &KvOp| reach.add(op);
        let mut horizon_us = 0;
        for k in slots(self.in_flight) {
            let op = &self.ops[self.slot_op[k] as usize];
            add(op.op);
            horizon_us = horizon_us.max(op.complete.as_ref().map_or(0, |c| c.0));
        }
        for class in &self.classes {
            if let Some(&m) = class
                .iter()
                .find(|&&m| !self.retired[m as usize] && self.invoked[m as usize])
            {
                add(self.ops[m as usize].op);
            }
        }
        for &(at_us, j) in &self.calls[self.next_call..] {
            if at_us > horizon_us {
                break;
            }
            if !self.invoked[j as usize] {
                add(self.ops[j as usize].op);
            }
        }
        reach.finish()
    }

    /// Starts from the candidates: the in-flight ops they linearized are
    /// invoked first (they were invoked before the cut).
    fn start(&mut self, candidates: &[(Reg, Vec<u32>)], at_us: u64) {
        let mut set = std::mem::take(&mut self.scratch.seen);
        set.clear();
        for (state, applied) in candidates {
            let start = self.starts.len() as u32;
            self.starts.push(state.clone());
            let s = self.intern(state.clone());
            let mut lin = 0u128;
            let mut used = Vec::new();
            for &i in applied {
                if self.optional(i as usize) {
                    used.push(i);
                } else {
                    self.invoke(i as usize, at_us);
                    if let Some(&k) = self.slot_of.get(i as usize).filter(|&&k| k != u8::MAX) {
                        lin |= 1 << k;
                    }
                }
            }
            let used = self.used.intern(used);
            set.insert(
                Config {
                    state: s,
                    lin,
                    used,
                },
                Trail::root(start),
                &self.used,
            );
        }
        self.configs.clear();
        set.append_to(&mut self.configs);
        self.scratch.seen = set;
    }

    fn invoke(&mut self, i: usize, at_us: u64) {
        if self.invoked[i] {
            return;
        }
        self.invoked[i] = true;
        while self
            .calls
            .get(self.next_call)
            .is_some_and(|&(_, j)| self.invoked[j as usize])
        {
            self.next_call += 1;
        }
        if self.optional(i) || self.blind {
            return;
        }
        if self.in_flight == u128::MAX {
            self.widen(Limit::InFlight(MAX_IN_FLIGHT), at_us);
            self.forgiven[i] = true;
            self.classify();
            return;
        }
        let k = self.in_flight.trailing_ones() as usize;
        self.slot_of[i] = k as u8;
        self.slot_op[k] = i as u32;
        self.in_flight |= 1 << k;
        if !self.is_put(i as u32) {
            self.observing |= 1 << k;
        }
    }

    fn free_slot(&mut self, i: usize) {
        let k = self.slot_of[i];
        if k != u8::MAX {
            self.in_flight &= !(1 << k);
            self.observing &= !(1 << k);
            self.slot_of[i] = u8::MAX;
        }
    }

    /// The op a class offers to `c`: its first member not used or retired,
    /// if invoked.
    fn offered(&self, class: usize, c: &Config) -> Option<u32> {
        let m = *self.classes[class]
            .iter()
            .find(|&&m| !self.retired[m as usize] && !self.used.contains(c.used, m))?;
        self.invoked[m as usize].then_some(m)
    }

    /// The return of completed op `i`: every configuration must linearize
    /// it now, after a chain of other available ops.
    fn ret(&mut self, i: usize, at_us: u64) -> Result<(), Stuck> {
        if self.forgiven[i] {
            self.settle_forgiven(i, at_us);
            return Ok(());
        }
        if self.blind || self.slot_of[i] == u8::MAX {
            self.free_slot(i);
            return Ok(());
        }
        let outcome = self.closure(i as u32);
        self.free_slot(i);
        match outcome {
            Ok(Some(stuck)) => return Err(stuck),
            Ok(None) => {}
            Err(OutOfSteps) => {
                self.out_of_steps(at_us);
                return Ok(());
            }
        }
        self.after_return(at_us);
        Ok(())
    }

    /// The return of a forgiven op: it took effect before the widening
    /// (the value already covers it), or since, or it does now, after a
    /// chain of other ops, with whatever result. Then it is off the search.
    fn settle_forgiven(&mut self, i: usize, at_us: u64) {
        if !self.blind && self.in_flight != u128::MAX {
            let k = self.in_flight.trailing_ones() as usize;
            self.slot_of[i] = k as u8;
            self.slot_op[k] = i as u32;
            self.in_flight |= 1 << k;
            if !self.is_put(i as u32) {
                self.observing |= 1 << k;
            }
            let before = self.configs.clone();
            let outcome = self.closure(i as u32);
            self.free_slot(i);
            match outcome {
                Ok(Some(_)) => self.configs = before,
                Ok(None) => {
                    let mut set = Antichain::default();
                    for (c, t) in before.into_iter().chain(std::mem::take(&mut self.configs)) {
                        set.insert(c, t, &self.used);
                    }
                    self.configs = set.into_configs();
                    self.after_return(at_us);
                }
                Err(OutOfSteps) => self.out_of_steps(at_us),
            }
        }
        self.retired[i] = true;
    }

    /// The step budget ran out placing a return at `at_us`: widen, and go
    /// on with a second budget, or without checking once that is spent.
    fn out_of_steps(&mut self, at_us: u64) {
        self.widen(Limit::Steps(self.config.max_steps), at_us);
        if self.second_budget_used {
            self.blind = true;
        } else {
            self.second_budget_used = true;
            self.steps_left = self.config.max_steps;
        }
    }

    /// Bounds the configurations a return left, and retires the optional
    /// ops all of them used.
    fn after_return(&mut self, at_us: u64) {
        if self.configs.len() > self.config.max_configs {
            self.widen(Limit::Configurations(self.config.max_configs), at_us);
        }
        self.retire();
    }

    /// Replaces the configurations by those that linearized `o` (see
    /// [`Run::ret`]); `Some` if there are none.
    fn closure(&mut self, o: u32) -> Result<Option<Stuck>, OutOfSteps> {
        let o_bit = 1u128 << self.slot_of[o as usize];
        // Built when first needed: most returns need neither.
        self.reach = None;
        self.reach_memo.clear();
        self.optional_reach = None;
        self.next_memo.clear();
        let mut done = std::mem::take(&mut self.scratch.done);
        let mut seen = std::mem::take(&mut self.scratch.seen);
        let mut frontier = std::mem::take(&mut self.scratch.frontier);
        done.clear();
        seen.clear();
        frontier.clear();
        let mut deepest: Option<(Config, Trail)> = None;
        let mut configs = std::mem::take(&mut self.configs);
        for &(mut c, t) in &configs {
            if c.lin & o_bit != 0 {
                c.lin &= !o_bit;
                done.insert(c, t, &self.used);
            } else if seen.insert(c, t, &self.used) {
                frontier.push((c, t, false));
            }
        }
        configs.clear();
        let expanded = self.expand(o, &mut frontier, &mut done, &mut seen, &mut deepest);
        self.scratch.frontier = frontier;
        if expanded.is_ok() && done.len > 0 {
            done.append_to(&mut configs);
            self.configs = configs;
        }
        let found = done.len > 0;
        self.scratch.done = done;
        self.scratch.seen = seen;
        expanded?;
        if !found {
            let (c, t) = deepest.unwrap_or((
                Config {
                    state: 0,
                    lin: 0,
                    used: 0,
                },
                Trail::root(0),
            ));
            return Ok(Some(Stuck {
                blocked: o as usize,
                depth: t.depth as usize,
                recent: t.recent().iter().map(|&r| r as usize).collect(),
                state: self
                    .states
                    .get(c.state as usize)
                    .cloned()
                    .unwrap_or(Reg::Any),
                start: self
                    .starts
                    .get(t.start as usize)
                    .cloned()
                    .unwrap_or(Reg::Any),
            }));
        }
        Ok(None)
    }

    /// The breadth-first part of [`Run::closure`]: chains one op longer per
    /// round, so a configuration reached with fewer optional ops is seen
    /// first and dominates the rest.
    #[allow(clippy::too_many_arguments)]
    fn expand(
        &mut self,
        o: u32,
        frontier: &mut Vec<(Config, Trail, bool)>,
        done: &mut Antichain,
        seen: &mut Antichain,
        deepest: &mut Option<(Config, Trail)>,
    ) -> Result<(), OutOfSteps> {
        let o_bit = 1u128 << self.slot_of[o as usize];
        let mut next = std::mem::take(&mut self.scratch.next);
        while !frontier.is_empty() {
            next.clear();
            for &(c, t, after_optional) in frontier.iter() {
                if deepest.as_ref().is_none_or(|(_, d)| t.depth > d.depth) {
                    *deepest = Some((c, t));
                }
                for k in slots(self.in_flight & !c.lin) {
                    let j = self.slot_op[k];
                    // A put right after an optional op would overwrite it
                    // unseen: the chain without that op dominates.
                    if after_optional && self.is_put(j) {
                        continue;
                    }
                    // A forgiven op already used as an optional one is not
                    // placed again.
                    if j == o && self.forgiven[o as usize] && self.used.contains(c.used, o) {
                        continue;
                    }
                    self.step()?;
                    let Some(s) = self.transition(c.state, j) else {
                        continue;
                    };
                    if j == o {
                        if !self.viable(s, c.lin, o_bit) {
                            continue;
                        }
                        let c2 = Config { state: s, ..c };
                        done.insert(c2, t.then(j), &self.used);
                    } else {
                        let c2 = Config {
                            state: s,
                            lin: c.lin | 1 << k,
                            used: c.used,
                        };
                        if !self.viable(s, c2.lin, 0) {
                            continue;
                        }
                        if seen.insert(c2, t.then(j), &self.used) {
                            next.push((c2, t.then(j), false));
                        }
                    }
                }
                // An optional op is worth placing only if a checked op that
                // is not a put can still follow and see it.
                let observers = self.observing & !c.lin;
                let tried = match (observers == 0, after_optional) {
                    (true, _) => 0..0,
                    (false, true) => self.first_non_put..self.classes.len(),
                    (false, false) => 0..self.classes.len(),
                };
                for class in tried {
                    let Some(m) = self.offered(class, &c) else {
                        continue;
                    };
                    self.step()?;
                    let Some(s) = self.transition(c.state, m) else {
                        continue;
                    };
                    if !self.next_accepts(s, c.lin) || !self.viable(s, c.lin, 0) {
                        continue;
                    }
                    let c2 = Config {
                        state: s,
                        lin: c.lin,
                        used: self.used.plus(c.used, m),
                    };
                    if seen.insert(c2, t.then(m), &self.used) {
                        next.push((c2, t.then(m), true));
                    }
                }
            }
            std::mem::swap(frontier, &mut next);
        }
        self.scratch.next = next;
        Ok(())
    }

    /// Gives up exactness: one configuration where the value may be
    /// anything and the ops in flight are optional (see the module doc).
    fn widen(&mut self, limit: Limit, at_us: u64) {
        for k in slots(self.in_flight) {
            let j = self.slot_op[k] as usize;
            self.forgiven[j] = true;
            self.slot_of[j] = u8::MAX;
        }
        self.in_flight = 0;
        self.observing = 0;
        // Retired ops stay out: every configuration had used them, so the
        // widened one may as well.
        self.classify();
        let start = self.starts.len() as u32;
        self.starts.push(Reg::Any);
        let any = self.intern(Reg::Any);
        self.configs = vec![(
            Config {
                state: any,
                lin: 0,
                used: 0,
            },
            Trail::root(start),
        )];
        if self.undecided.is_none() {
            self.undecided = Some(Undecided {
                key: self.key.to_string(),
                at_us,
                limit,
            });
        }
    }

    /// Optional ops every configuration used are out of the search.
    fn retire(&mut self) {
        if self.configs.iter().any(|(c, _)| c.used == 0) {
            return;
        }
        let ids: BTreeSet<u32> = self.configs.iter().map(|(c, _)| c.used).collect();
        let mut ids = ids.into_iter();
        let Some(first) = ids.next() else {
            return;
        };
        let mut common = self.used.get(first).to_vec();
        for id in ids {
            let set = self.used.get(id);
            common.retain(|u| set.binary_search(u).is_ok());
        }
        if common.is_empty() {
            return;
        }
        for &u in &common {
            self.retired[u as usize] = true;
        }
        let mut set = Antichain::default();
        for (mut c, t) in std::mem::take(&mut self.configs) {
            let rest: Vec<u32> = self
                .used
                .get(c.used)
                .iter()
                .copied()
                .filter(|u| common.binary_search(u).is_err())
                .collect();
            c.used = self.used.intern(rest);
            set.insert(c, t, &self.used);
        }
        self.configs = set.into_configs();
    }

    /// The configurations now, as candidates for the ops of `kh` kept past
    /// a cut at `cut_us`.
    fn cut(&self, history: &History, kh: &KeyHistory, cut_us: u64) -> Cut {
        let applied = |c: &Config| -> BTreeSet<OpId> {
            slots(c.lin)
                .map(|k| self.slot_op[k])
                .chain(self.used.get(c.used).iter().copied())
                .map(|i| self.ops[i as usize].id)
                .collect()
        };
        // Sorted and without duplicates, as a set would keep them (most
        // cuts have one candidate: a vector costs less than a tree).
        let mut candidates: Vec<Candidate> = self
            .configs
            .iter()
            .map(|(c, _)| Candidate {
                state: self.states[c.state as usize].clone(),
                applied: applied(c),
            })
            .collect();
        candidates.sort();
        candidates.dedup();
        // The searched ops are the kept ones in the same order, less some
        // (see [`Window::new`]): a walk finds each one's index.
        let mut next_searched = 0;
        let mut dropped: BTreeSet<OpId> = BTreeSet::new();
        let mut forgiven = BTreeSet::new();
        for id in &kh.ops {
            let searched = self
                .ops
                .get(next_searched)
                .filter(|o| o.id == *id)
                .map(|_| next_searched);
            let Some(i) = searched else {
                // Not searched: a read whose outcome is not known. Before
                // the cut it can no longer complete.
                if history.op(*id).is_some_and(|h| h.invoke_us < cut_us) {
                    dropped.insert(*id);
                }
                continue;
            };
            next_searched += 1;
            let op = &self.ops[i];
            let returned = op.complete.as_ref().is_some_and(|c| c.0 < cut_us);
            let used_everywhere = self.optional(i)
                && (self.retired[i]
                    || self
                        .configs
                        .iter()
                        .all(|(c, _)| self.used.contains(c.used, i as u32)));
            if op.invoke_us < cut_us && (returned || used_everywhere) {
                dropped.insert(*id);
            } else if self.forgiven[i] {
                forgiven.insert(*id);
            }
        }
        for c in &mut candidates {
            c.applied.retain(|id| !dropped.contains(id));
        }
        candidates.sort();
        candidates.dedup();
        Cut {
            candidates,
            dropped,
            forgiven,
            undecided: self.undecided.clone(),
        }
    }
}

/// Whether `result` is what a `get` answers when the value is `v`
/// ([`step_register`], without building the answer).
fn answers_read(result: &KvResult, v: Option<&str>) -> bool {
    match result {
        KvResult::Value(r) => Some(r.as_str()) == v,
        KvResult::Error(KvError::KeyDoesNotExist) => v.is_none(),
        _ => false,
    }
}

/// Whether `result` is what a CAS answers when the value is `v` and not the
/// one it expects.
fn answers_failed_cas(result: &KvResult, v: Option<&str>) -> bool {
    match result {
        KvResult::Error(KvError::PreconditionFailed { current }) => Some(current.as_str()) == v,
        KvResult::Error(KvError::KeyDoesNotExist) => v.is_none(),
        _ => false,
    }
}

/// One step of [`Run::depth_first`]: a configuration at an event, and
/// whether the chain being built there ended with an optional op.
#[derive(Clone, Copy)]
struct Node {
    at: u32,
    config: Config,
    after_optional: bool,
    trail: Trail,
}

/// What [`Run::depth_first`] found.
enum DepthFirst {
    /// An order that explains every result.
    Found,
    /// None exists.
    Stuck(Stuck),
    /// The step budget ran out.
    OutOfSteps,
}

/// The events of a window with what the depth-first search needs at each:
/// the checked ops in flight before it (slot, op), and the event of each
/// op's call.
struct Timeline {
    events: Vec<(u64, bool, usize)>,
    in_flight: Vec<Vec<(u8, u32)>>,
    call_at: Vec<u32>,
}

impl Run<'_> {
    /// Lays out the slots of the checked ops over `events`, from the slots
    /// [`Run::start`] gave the ops the candidates linearized. `None` if
    /// more than [`MAX_IN_FLIGHT`] are in flight at once.
    fn timeline(&self, events: &[(u64, bool, usize)]) -> Option<Timeline> {
        let mut used: u128 = self.in_flight;
        let mut slot_of = self.slot_of.clone();
        let mut flight: Vec<(u8, u32)> = slots(self.in_flight)
            .map(|k| (k as u8, self.slot_op[k]))
            .collect();
        let mut in_flight = Vec::with_capacity(events.len());
        let mut call_at = vec![u32::MAX; self.ops.len()];
        for (e, &(_, is_return, i)) in events.iter().enumerate() {
            in_flight.push(flight.clone());
            if !is_return {
                call_at[i] = e as u32;
                if !self.optional(i) && slot_of[i] == u8::MAX {
                    if used == u128::MAX {
                        return None;
                    }
                    let k = used.trailing_ones() as u8;
                    used |= 1 << k;
                    slot_of[i] = k;
                    flight.push((k, i as u32));
                }
            } else if slot_of[i] != u8::MAX {
                used &= !(1 << slot_of[i]);
                flight.retain(|&(_, j)| j as usize != i);
            }
        }
        Some(Timeline {
            events: events.to_vec(),
            in_flight,
            call_at,
        })
    }

    /// Lowe's just-in-time search, depth first: from each configuration,
    /// the first move that works is followed to the end of the window, and
    /// others only tried when it fails. A linearizable history is usually
    /// decided in a few steps per op, without enumerating every
    /// configuration the breadth-first replay carries (timed-out appends
    /// make those many). Configurations already explored at an event, or
    /// dominated by one, are not explored again.
    fn depth_first(&mut self, t: &Timeline) -> DepthFirst {
        let n = t.events.len() as u32;
        let mut visited: FxMap<(u32, u32, u128, bool), Vec<u32>> = FxMap::default();
        let mut contexts: FxMap<u32, (Reach, Reach)> = FxMap::default();
        let mut memo: FxMap<(u32, u32, u32, bool), bool> = FxMap::default();
        let mut stack: Vec<(Vec<Node>, usize)> = Vec::new();
        let starts: Vec<Node> = self
            .configs
            .iter()
            .map(|&(config, trail)| Node {
                at: 0,
                config,
                after_optional: false,
                trail,
            })
            .collect();
        let mut deepest: Option<Node> = None;
        stack.push((starts, 0));
        while let Some((moves, next)) = stack.last_mut() {
            let Some(&node) = moves.get(*next) else {
                stack.pop();
                continue;
            };
            *next += 1;
            if node.at == n {
                return DepthFirst::Found;
            }
            let key = (
                node.at,
                node.config.state,
                node.config.lin,
                node.after_optional,
            );
            let seen = visited.entry(key).or_default();
            if seen.iter().any(|&u| self.used.subset(u, node.config.used)) {
                continue;
            }
            seen.retain(|&u| !self.used.subset(node.config.used, u));
            seen.push(node.config.used);
            if deepest.is_none_or(|d| (node.at, node.trail.depth) > (d.at, d.trail.depth)) {
                deepest = Some(node);
            }
            match self.moves(t, node, &mut contexts, &mut memo) {
                Ok(moves) => stack.push((moves, 0)),
                Err(OutOfSteps) => return DepthFirst::OutOfSteps,
            }
        }
        let d = deepest.unwrap_or(Node {
            at: 0,
            config: Config {
                state: 0,
                lin: 0,
                used: 0,
            },
            after_optional: false,
            trail: Trail::root(0),
        });
        // Blame the first answer at or after the deepest point.
        let blocked = t.events[d.at as usize..]
            .iter()
            .find(|e| e.1)
            .map_or(0, |e| e.2);
        DepthFirst::Stuck(Stuck {
            blocked,
            depth: d.trail.depth as usize,
            recent: d.trail.recent().iter().map(|&r| r as usize).collect(),
            state: self
                .states
                .get(d.config.state as usize)
                .cloned()
                .unwrap_or(Reg::Any),
            start: self
                .starts
                .get(d.trail.start as usize)
                .cloned()
                .unwrap_or(Reg::Any),
        })
    }

    /// The moves from `node`, the likeliest first: past a call; at a
    /// return, the returning op itself, then other ops in flight, then
    /// optional ops (the same rules as [`Run::expand`]).
    fn moves(
        &mut self,
        t: &Timeline,
        node: Node,
        contexts: &mut FxMap<u32, (Reach, Reach)>,
        memo: &mut FxMap<(u32, u32, u32, bool), bool>,
    ) -> Result<Vec<Node>, OutOfSteps> {
        let e = node.at;
        let (_, is_return, i) = t.events[e as usize];
        let c = node.config;
        let past = |config: Config, trail: Trail| Node {
            at: e + 1,
            config,
            after_optional: false,
            trail,
        };
        if !is_return {
            return Ok(vec![past(c, node.trail)]);
        }
        let flight = &t.in_flight[e as usize];
        let slot_of_o = flight.iter().find(|&&(_, j)| j as usize == i).map(|p| p.0);
        let mut moves = Vec::new();
        let o = i as u32;
        let o_bit = slot_of_o.map_or(0, |k| 1u128 << k);
        if self.forgiven[i] {
            // It took effect before, or never: go on without it.
            moves.push(past(c, node.trail));
        } else if c.lin & o_bit != 0 {
            return Ok(vec![past(
                Config {
                    lin: c.lin & !o_bit,
                    ..c
                },
                node.trail,
            )]);
        }
        let observing = flight
            .iter()
            .filter(|&&(k, j)| {
                c.lin & (1 << k) == 0 && !self.is_put(j) && !self.optional(j as usize)
            })
            .fold(0u128, |m, &(k, _)| m | 1 << k);
        let (reach, optional_reach) = &*contexts.entry(e).or_insert_with(|| self.contexts_at(t, e));
        let mut viable = |run: &Self, s: u32, lin: u128, also: u128, next: bool| -> bool {
            let Reg::Known(v) = &run.states[s as usize] else {
                return true;
            };
            let mut any = false;
            for &(k, j) in flight {
                let bit = 1u128 << k;
                if observing & bit == 0 || (lin | also) & bit != 0 {
                    continue;
                }
                let ok = *memo
                    .entry((e, s, j, next))
                    .or_insert_with(|| match run.needs(j) {
                        None => true,
                        Some(target) => reaches(
                            v.as_deref(),
                            target,
                            if next { optional_reach } else { reach },
                        ),
                    });
                if next && ok {
                    return true;
                }
                if !next && !ok {
                    return false;
                }
                any = true;
            }
            !next || !any
        };
        // The returning op, then the other checked ops in flight.
        let mut candidates: Vec<(u8, u32)> = Vec::with_capacity(flight.len());
        if let Some(k) = slot_of_o {
            candidates.push((k, o));
        }
        candidates.extend(flight.iter().filter(|&&(_, j)| j != o).copied());
        for (k, j) in candidates {
            let bit = 1u128 << k;
            if c.lin & bit != 0 || (node.after_optional && self.is_put(j)) {
                continue;
            }
            if j == o && self.forgiven[i] && self.used.contains(c.used, o) {
                continue;
            }
            if j != o && self.optional(j as usize) {
                continue;
            }
            self.step()?;
            let Some(s) = self.transition(c.state, j) else {
                continue;
            };
            if j == o {
                if viable(self, s, c.lin, o_bit, false) {
                    moves.push(past(Config { state: s, ..c }, node.trail.then(j)));
                }
            } else {
                let lin = c.lin | bit;
                if viable(self, s, lin, 0, false) {
                    moves.push(Node {
                        at: e,
                        config: Config {
                            state: s,
                            lin,
                            used: c.used,
                        },
                        after_optional: false,
                        trail: node.trail.then(j),
                    });
                }
            }
        }
        if self.forgiven[i] && !self.used.contains(c.used, o) {
            self.step()?;
            if let Some(s) = self.transition(c.state, o) {
                let used = self.used.plus(c.used, o);
                moves.push(past(
                    Config {
                        state: s,
                        used,
                        ..c
                    },
                    node.trail.then(o),
                ));
            }
        }
        // Optional ops, only if a checked op that is not a put can see them.
        if observing == 0 {
            return Ok(moves);
        }
        // Ops that make a value an op in flight needs go first.
        let wanted: Vec<Reg> = flight
            .iter()
            .filter(|&&(k, _)| observing & (1 << k) != 0)
            .filter_map(|&(_, j)| self.needs(j).map(|v| Reg::Known(v.map(str::to_string))))
            .collect();
        let mut later = Vec::new();
        let first = if node.after_optional {
            self.first_non_put
        } else {
            0
        };
        for ci in first..self.classes.len() {
            let Some(&m) = self.classes[ci]
                .iter()
                .find(|&&m| !self.used.contains(c.used, m))
            else {
                continue;
            };
            if t.call_at[m as usize] >= e {
                continue;
            }
            self.step()?;
            let Some(s) = self.transition(c.state, m) else {
                continue;
            };
            if !viable(self, s, c.lin, 0, true) || !viable(self, s, c.lin, 0, false) {
                continue;
            }
            let next = Node {
                at: e,
                config: Config {
                    state: s,
                    lin: c.lin,
                    used: self.used.plus(c.used, m),
                },
                after_optional: true,
                trail: node.trail.then(m),
            };
            if wanted.contains(&self.states[s as usize]) {
                moves.push(next);
            } else {
                later.push(next);
            }
        }
        moves.extend(later);
        Ok(moves)
    }

    /// [`Run::reach_context`] and [`Run::optional_reach_context`] at event
    /// `e` of `t`.
    fn contexts_at(&self, t: &Timeline, e: u32) -> (Reach, Reach) {
        let mut all = Reach::default();
        let mut optional = Reach::default();
        let add = |reach: &mut Reach, op: &KvOp| reach.add(op);
        let mut horizon_us = 0;
        for &(_, j) in &t.in_flight[e as usize] {
            let op = &self.ops[j as usize];
            add(&mut all, op.op);
            horizon_us = horizon_us.max(op.complete.as_ref().map_or(0, |c| c.0));
        }
        for (ci, class) in self.classes.iter().enumerate() {
            if let Some(&m) = class.iter().find(|&&m| t.call_at[m as usize] < e) {
                add(&mut all, self.ops[m as usize].op);
                if ci >= self.first_non_put && !matches!(self.ops[m as usize].op, KvOp::Put { .. })
                {
                    add(&mut optional, self.ops[m as usize].op);
                }
            }
        }
        for &(at_us, is_return, j) in &t.events[e as usize..] {
            if at_us > horizon_us {
                break;
            }
            if !is_return {
                add(&mut all, self.ops[j].op);
            }
        }
        (all.finish(), optional.finish())
    }
}

/// The state after completed op `op` answered `result` from a register
/// that may hold any value, if such an answer is possible at all.
fn after_any(op: &KvOp, result: &KvResult) -> Option<Reg> {
    match (op, result) {
        (KvOp::Get { .. }, KvResult::Value(v)) => Some(Reg::Known(Some(v.clone()))),
        (KvOp::Get { .. } | KvOp::Cas { .. }, KvResult::Error(KvError::KeyDoesNotExist)) => {
            Some(Reg::Known(None))
        }
        (KvOp::Put { value, .. }, KvResult::Ok) => Some(Reg::Known(Some(value.clone()))),
        (KvOp::Append { .. }, KvResult::Ok) => Some(Reg::Any),
        (KvOp::Cas { to, .. }, KvResult::Ok) => Some(Reg::Known(Some(to.clone()))),
        (KvOp::Cas { from, .. }, KvResult::Error(KvError::PreconditionFailed { current }))
            if current != from =>
        {
            Some(Reg::Known(Some(current.clone())))
        }
        _ => None,
    }
}

/// One key's window, ready for a search: the ops searched, their events,
/// and the candidates as op indices.
struct Window<'a> {
    ops: Vec<SearchOp<'a>>,
    forgiven: Vec<bool>,
    events: Vec<(u64, bool, usize)>,
    candidates: Vec<(Reg, Vec<u32>)>,
}

impl<'a> Window<'a> {
    fn new(history: &'a History, kh: &KeyHistory, scratch: &mut Scratch) -> Window<'a> {
        // The ops searched: kept ops minus reads whose outcome is not known.
        // Ids grow with invocations, so `ops` is sorted by id.
        let mut ops: Vec<SearchOp<'a>> = Vec::with_capacity(kh.ops.len());
        let mut forgiven = std::mem::take(&mut scratch.forgiven);
        forgiven.clear();
        for h in kh.ops.iter().filter_map(|id| history.op(*id)) {
            let complete = match &h.outcome {
                Outcome::Ok {
                    result,
                    complete_us,
                } => Some((*complete_us, result)),
                Outcome::Pending | Outcome::Unknown if h.op.is_read() => continue,
                Outcome::Pending | Outcome::Unknown => None,
            };
            forgiven.push(kh.forgiven.contains(&h.id));
            ops.push(SearchOp {
                id: h.id,
                op: &h.op,
                invoke_us: h.invoke_us,
                complete,
            });
        }
        // Events: a call per op, a return per checked op. At equal times
        // calls sort first, so touching intervals count as concurrent (the
        // lenient reading: the simulator's clock cannot order them).
        let mut events = std::mem::take(&mut scratch.events);
        events.clear();
        for (i, op) in ops.iter().enumerate() {
            events.push((op.invoke_us, false, i));
            if let Some((complete_us, _)) = &op.complete {
                events.push((*complete_us, true, i));
            }
        }
        events.sort();
        let candidates = kh
            .initial
            .iter()
            .map(|c| {
                // In id order, so the indices come sorted and distinct.
                let applied = c
                    .applied
                    .iter()
                    .filter_map(|id| ops.binary_search_by_key(id, |o| o.id).ok())
                    .map(|i| i as u32)
                    .collect();
                (c.state.clone(), applied)
            })
            .collect();
        Window {
            ops,
            forgiven,
            events,
            candidates,
        }
    }

    fn run(&self, key: &'a str, config: &'a CheckConfig) -> Run<'a> {
        let mut run = Run::new(
            key,
            config,
            self.ops.clone(),
            self.forgiven.clone(),
            Scratch::default(),
        );
        run.start(&self.candidates, self.events.first().map_or(0, |e| e.0));
        run
    }

    /// The depth-first search over the window, and its steps.
    fn depth_first(
        &self,
        key: &'a str,
        config: &'a CheckConfig,
    ) -> (DepthFirst, Vec<SearchOp<'a>>, u64) {
        let mut run = self.run(key, config);
        let outcome = match run.timeline(&self.events) {
            Some(timeline) => run.depth_first(&timeline),
            None => DepthFirst::OutOfSteps,
        };
        (outcome, run.ops, run.steps)
    }
}

/// Checks `kh`'s window from its candidates and, if `cut_us` is given,
/// records the configurations before the first event at or after it, for
/// compaction.
///
/// A check with a cut (the live checker's) replays the window breadth
/// first, since the cut needs every configuration there, and stops
/// checking at its first widening: the next check goes on from the cut,
/// widened. It takes at most [`CheckConfig::max_steps`] steps. A check
/// without a cut searches depth first ([`Run::depth_first`], which needs
/// one path, not every configuration), then, if that runs out, breadth
/// first with a second budget after a widening, to still catch a later
/// violation: at most three times [`CheckConfig::max_steps`].
fn check_window(
    history: &History,
    key: &str,
    kh: &KeyHistory,
    config: &CheckConfig,
    cut_us: Option<u64>,
    scratch: &mut Scratch,
) -> Checked {
    if let Some(checked) = cut_us.and_then(|cut_us| sequential(history, kh, config, cut_us)) {
        // Every test build proves the shortcut gives what the search gives
        // (steps aside: the search also tries a pending write, which the
        // replay leaves out).
        #[cfg(debug_assertions)]
        {
            let searched = search_window(history, key, kh, config, cut_us, scratch);
            assert!(
                checked.steps <= searched.steps,
                "the shortcut took more steps"
            );
            let checked = Checked {
                steps: searched.steps,
                ..checked
            };
            assert_eq!(checked, searched, "the sequential shortcut differs");
            return checked;
        }
        #[cfg(not(debug_assertions))]
        return checked;
    }
    search_window(history, key, kh, config, cut_us, scratch)
}

/// The longest window [`sequential`] decides (see there).
const SEQUENTIAL_MAX_OPS: usize = 50;
/// The most configurations a window [`sequential`] decides may start from.
const SEQUENTIAL_MAX_CANDIDATES: usize = 4;

/// The live check of a window whose answered ops are one after another in
/// real time (each returned before the next was invoked), from a few known
/// values (the candidates of the last cut) with no op in flight across
/// that cut, and with at most one write still pending, invoked at or after
/// the cut: the common case of a key written by a few clients, well apart.
/// Replaying the answered ops in real-time order from each candidate, the
/// pending write left out (it may never take effect), gives every
/// configuration the breadth-first search keeps at the cut (each
/// candidate's replay there, none in flight, while it still explains every
/// answer), and the window is linearizable if one replay explains them
/// all; without the search's setup (15 % of a run's instructions went to
/// the search). The search cannot run out of its budget on such a window:
/// one answered op at most is in flight at a time and one optional op at
/// most is on offer, so after `i` returns each candidate leaves at most
/// `i + 1` configurations (the one that never used the pending write, and
/// one more per return that placed it), each trying at most two ops per
/// round: `r` returns take under `k(r² + 4r)` steps for `k` candidates,
/// and windows are held under 4 candidates and 50 ops (10,800 steps,
/// against the live budget's 20,000). `None` (the search decides) for any
/// other window, and for one no replay explains, so a violation is
/// explained as before. A check decided here counts one step per return.
fn sequential(
    history: &History,
    kh: &KeyHistory,
    config: &CheckConfig,
    cut_us: u64,
) -> Option<Checked> {
    let k = kh.initial.len();
    if k > SEQUENTIAL_MAX_CANDIDATES
        || kh.undecided.is_some()
        || !kh.forgiven.is_empty()
        || kh.ops.len() >= SEQUENTIAL_MAX_OPS
        || SEQUENTIAL_MAX_CANDIDATES * SEQUENTIAL_MAX_OPS * (SEQUENTIAL_MAX_OPS + 4)
            >= config.max_steps as usize
        || SEQUENTIAL_MAX_CANDIDATES * (SEQUENTIAL_MAX_OPS + 2) > config.max_configs
        || kh
            .initial
            .iter()
            .any(|c| matches!(c.state, Reg::Any) || !c.applied.is_empty())
    {
        return None;
    }
    // The window's answered ops, in order; the shape checked first.
    let mut ops: Vec<(&KvOp, &KvResult, u64)> = Vec::with_capacity(kh.ops.len());
    let mut dropped = BTreeSet::new();
    let mut last_return: Option<u64> = None;
    let mut pending_write = false;
    for id in &kh.ops {
        let h = history.op(*id)?;
        let Outcome::Ok {
            result,
            complete_us,
        } = &h.outcome
        else {
            // One write still waiting for its answer, invoked after the
            // cut: optional, and left out of the replay.
            if h.outcome != Outcome::Pending
                || h.op.is_read()
                || h.invoke_us < cut_us
                || std::mem::replace(&mut pending_write, true)
            {
                return None;
            }
            continue;
        };
        // Touching intervals count as concurrent (see `Window::new`).
        if last_return.is_some_and(|r| r >= h.invoke_us) {
            return None;
        }
        last_return = Some(*complete_us);
        ops.push((&h.op, result, *complete_us));
        if *complete_us < cut_us {
            dropped.insert(*id);
        }
    }
    let mut candidates = Vec::with_capacity(k);
    let mut survived = false;
    for c in &kh.initial {
        let Reg::Known(start) = &c.state else {
            return None;
        };
        let (at_cut, lived) = replay(start.as_deref(), &ops, cut_us);
        survived |= lived;
        if let Some(state) = at_cut {
            candidates.push(Candidate {
                state: Reg::Known(state),
                applied: BTreeSet::new(),
            });
        }
    }
    if !survived {
        return None;
    }
    // As [`Run::cut`] keeps them.
    candidates.sort();
    candidates.dedup();
    Some(Checked {
        verdict: CheckResult::Linearizable,
        steps: ops.len() as u64,
        widened: false,
        cut: Some(Cut {
            candidates,
            dropped,
            forgiven: BTreeSet::new(),
            undecided: None,
        }),
    })
}

/// [`sequential`]'s replay of the answered `ops` from the value `start`:
/// the value at the cut, if the replay got there, and whether it explained
/// every answer.
fn replay(
    start: Option<&str>,
    ops: &[(&KvOp, &KvResult, u64)],
    cut_us: u64,
) -> (Option<Option<String>>, bool) {
    use std::borrow::Cow;
    let mut value: Option<Cow<'_, str>> = start.map(Cow::Borrowed);
    let mut at_cut: Option<Option<String>> = None;
    for &(op, result, complete_us) in ops {
        if complete_us >= cut_us && at_cut.is_none() {
            at_cut = Some(value.as_deref().map(str::to_string));
        }
        let v = value.as_deref();
        let next = match op {
            KvOp::Get { .. } => answers_read(result, v).then_some(value),
            KvOp::Put { value: put, .. } => {
                (*result == KvResult::Ok).then_some(Some(Cow::Borrowed(put.as_str())))
            }
            KvOp::Append { value: word, .. } => (*result == KvResult::Ok).then(|| {
                let mut next = v.unwrap_or_default().to_string();
                next.push_str(word);
                Some(Cow::Owned(next))
            }),
            KvOp::Cas { from, to, .. } if v == Some(from.as_str()) => {
                (*result == KvResult::Ok).then_some(Some(Cow::Borrowed(to.as_str())))
            }
            KvOp::Cas { .. } => answers_failed_cas(result, v).then_some(value),
        };
        match next {
            Some(next) => value = next,
            None => return (at_cut, false),
        }
    }
    let state = at_cut.unwrap_or_else(|| value.map(Cow::into_owned));
    (Some(state), true)
}

/// [`check_window`] by a search (breadth first with a cut, else depth
/// first, then breadth first).
fn search_window(
    history: &History,
    key: &str,
    kh: &KeyHistory,
    config: &CheckConfig,
    cut_us: Option<u64>,
    scratch: &mut Scratch,
) -> Checked {
    let window = Window::new(history, kh, scratch);
    let decided = |outcome: DepthFirst, ops: &[SearchOp<'_>]| match outcome {
        DepthFirst::Found => Some(match &kh.undecided {
            Some(why) => CheckResult::undecided(why.clone()),
            None => CheckResult::Linearizable,
        }),
        DepthFirst::Stuck(stuck) => Some(not_linearizable(key, ops, &stuck)),
        DepthFirst::OutOfSteps => None,
    };
    let mut steps = 0;
    if cut_us.is_none() {
        let (outcome, ops, spent) = window.depth_first(key, config);
        steps += spent;
        if let Some(verdict) = decided(outcome, &ops) {
            return Checked {
                verdict,
                steps,
                widened: false,
                cut: None,
            };
        }
    }
    // The last use of the window: its ops move into the run.
    let Window {
        ops,
        forgiven,
        events,
        candidates,
    } = window;
    let mut run = Run::new(key, config, ops, forgiven, std::mem::take(scratch));
    run.start(&candidates, events.first().map_or(0, |e| e.0));
    run.second_budget_used = cut_us.is_some();
    let mut cut = None;
    let mut verdict = None;
    for &(at_us, is_return, i) in &events {
        if let Some(cut_us) = cut_us.filter(|&c| at_us >= c && cut.is_none()) {
            cut = Some(run.cut(history, kh, cut_us));
        }
        if !is_return {
            run.invoke(i, at_us);
        } else if let Err(stuck) = run.ret(i, at_us) {
            verdict = Some(not_linearizable(key, &run.ops, &stuck));
            break;
        }
    }
    if let (Some(cut_us), None, None) = (cut_us, &cut, &verdict) {
        cut = Some(run.cut(history, kh, cut_us));
    }
    steps += run.steps;
    let widened = run.undecided.is_some();
    // A search that widened past the cut would widen again at every later
    // check until the cut passes that point: widen at the cut instead.
    if let (Some(why), Some(c), Some(cut_us)) = (&run.undecided, &mut cut, cut_us) {
        if c.undecided.is_none() {
            c.widen(history, kh, cut_us, why.clone());
        }
    }
    let verdict =
        verdict.unwrap_or_else(
            || match kh.undecided.clone().or_else(|| run.undecided.clone()) {
                Some(why) => CheckResult::undecided(why),
                None => CheckResult::Linearizable,
            },
        );
    *scratch = Scratch {
        events,
        ..run.into_scratch()
    };
    Checked {
        verdict,
        steps,
        widened,
        cut,
    }
}

fn describe(op: &SearchOp<'_>) -> String {
    match &op.complete {
        Some((complete_us, result)) => format!(
            "{} {} [{}us..{}us] -> {}",
            op.id, op.op, op.invoke_us, complete_us, result
        ),
        None => format!("{} {} [{}us..] -> unknown", op.id, op.op, op.invoke_us),
    }
}

fn describe_value(key: &str, value: &Reg) -> String {
    match value {
        Reg::Known(Some(v)) => format!("{key} = {v:?}"),
        Reg::Known(None) => format!("{key} unset"),
        Reg::Any => format!("{key} may hold any value (the search widened)"),
    }
}

fn not_linearizable(key: &str, ops: &[SearchOp<'_>], stuck: &Stuck) -> CheckResult {
    let Some(blocked) = ops.get(stuck.blocked) else {
        return CheckResult::NotLinearizable {
            key: key.to_string(),
            explanation: format!("key {key:?} is not linearizable"),
            ops_involved: Vec::new(),
            why: None,
        };
    };
    let blocked_end = blocked.complete.as_ref().map_or(u64::MAX, |c| c.0);
    // Ops not among the last placed that overlap the blocked one: the
    // candidates that could have gone first.
    let placed: BTreeSet<usize> = stuck.recent.iter().copied().collect();
    let concurrent: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(i, o)| {
            *i != stuck.blocked
                && !placed.contains(i)
                && o.invoke_us <= blocked_end
                && o.complete.as_ref().is_none_or(|c| c.0 >= blocked.invoke_us)
        })
        .map(|(i, _)| i)
        .take(EXPLAIN_RECENT_OPS)
        .collect();
    let mut text = format!(
        "key {key:?} is not linearizable: no order places {}",
        describe(blocked)
    );
    text.push_str(&format!("\n  start: {}", describe_value(key, &stuck.start)));
    if stuck.depth > 0 {
        text.push_str(&format!(
            "\n  longest linearizable prefix: {} op(s), ending with:",
            stuck.depth
        ));
        for &i in &stuck.recent {
            text.push_str(&format!("\n    {}", describe(&ops[i])));
        }
    }
    text.push_str(&format!(
        "\n  state there: {}",
        describe_value(key, &stuck.state)
    ));
    if !concurrent.is_empty() {
        text.push_str("\n  concurrent ops not yet placed:");
        for &i in &concurrent {
            text.push_str(&format!("\n    {}", describe(&ops[i])));
        }
    }
    let mut involved = vec![blocked.id];
    involved.extend(stuck.recent.iter().map(|&i| ops[i].id));
    involved.extend(concurrent.iter().map(|&i| ops[i].id));
    let why = Unexplained {
        op: blocked.op.clone(),
        invoke_us: blocked.invoke_us,
        complete: blocked.complete.map(|(at, r)| (at, r.clone())),
        placed: stuck.depth,
        state: match &stuck.state {
            Reg::Known(v) => v.clone(),
            Reg::Any => None,
        },
        id: Some(blocked.id),
        prefix_tail: stuck.recent.iter().map(|&i| ops[i].id).collect(),
        concurrent: concurrent.iter().map(|&i| ops[i].id).collect(),
    };
    CheckResult::NotLinearizable {
        key: key.to_string(),
        explanation: text,
        ops_involved: involved,
        why: Some(Box::new(why)),
    }
}
