//! Linearizability checker for client histories of the key-value store.
//!
//! Clients record each operation's invocation and completion; the checker
//! decides whether some total order of the operations (1) respects real time,
//! i.e. an operation that completed before another was invoked comes first,
//! and (2) gives every completed operation the result it actually received
//! when replayed on a single register. That is linearizability (Herlihy &
//! Wing 1990), the guarantee the Raft thesis §6.3 promises to clients.
//!
//! # Algorithm
//!
//! Wing & Gong's search, with Lowe's improvements ("Testing for
//! linearizability", 2016): call and return events sit in one time-ordered
//! list; the search repeatedly tries to linearize a call that appears before
//! the first pending return, lifting the operation out of the list, and
//! backtracks when it reaches a return whose operation it could not place.
//! Lowe's cache remembers every (set of linearized operations, model state)
//! configuration already explored, so each is explored once.
//!
//! A key-value history is linearizable iff each key's sub-history is
//! (P-compositionality, Herlihy & Wing), so keys are checked independently
//! and the model is one `Option<String>` register.
//!
//! # Outcomes that are not known
//!
//! An operation whose outcome is [`Outcome::Pending`] or [`Outcome::Unknown`]
//! (the client timed out or gave up) may have taken effect at any time after
//! its invocation, or never. Its return is placed at infinity and any result
//! is accepted. Leaving it out is the same as linearizing it after every
//! completed operation, where nobody observes it, so the search stops as soon
//! as every completed operation is placed. Reads with unknown outcomes cannot
//! change the state or constrain anything and are not searched at all.
//!
//! # Limits
//!
//! The problem is NP-complete in general. Every search has a step budget
//! ([`CheckConfig::max_steps`]); when it runs out the verdict is
//! [`CheckResult::Unknown`] rather than a hang.
//!
//! # Retention policy of [`LiveChecker`]
//!
//! The simulator checks after events over hour-long runs, so each key's
//! history is compacted as it settles. A *quiescent cut* of a key is a point
//! where every operation invoked before it has completed (or been given up),
//! and every completion before it happened strictly before any later
//! invocation. No operation after the cut can be ordered before a completed
//! operation before it, so the rest of the history depends only on the
//! configurations the prefix can end in: the register's value, plus the
//! given-up writes the prefix has not linearized (they may still take effect
//! later). At the latest cut, the checker enumerates those configurations,
//! from every configuration the key may have started in, and drops those
//! another one subsumes: the same value with a superset of writes left
//! floating (floating more writes allows strictly more futures, since a
//! floating write can still be placed first or never). The prefix is then
//! replaced by the remaining *candidate* configurations: the completed and
//! linearized operations are dropped, and the writes floating in any
//! candidate are kept as operations of the rest (each candidate remembers
//! which of them it has already applied). A write that timed out (an
//! `append`, say) and that no later read settles leaves two candidates, one
//! where it took effect and one where it did not; the rest is linearizable
//! if it is from any candidate. Past [`MAX_CANDIDATES`] the prefix is kept
//! and compaction is retried at a later cut.
//!
//! So memory is bounded by the operations since the last cut, the given-up
//! writes that no read has ever settled, and [`MAX_CANDIDATES`]; each check
//! searches only that window, once per candidate. Verdicts are identical
//! with and without compaction (property-tested). A violation is sticky: once a key's window is not
//! linearizable, it is reported on every later call and no longer compacted.
//!
//! Timestamps given to a [`LiveChecker`] must not decrease (the simulated
//! clock); an earlier one is clamped to the latest seen instead of
//! invalidating cuts already taken.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kv::{step_register, ClientId, KvOp, KvResult};

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

/// One configuration a compacted prefix may have ended in.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    /// The register's value.
    state: Option<String>,
    /// Kept writes (from before the cut) that this configuration has
    /// already linearized: they take no further part in its searches.
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
}

impl Default for KeyHistory {
    fn default() -> Self {
        KeyHistory {
            initial: vec![Candidate::default()],
            ops: Vec::new(),
            compacted: 0,
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
        self.keys
            .entry(op.key().to_string())
            .or_default()
            .ops
            .push(id);
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

    /// The values `key` may have held before its kept operations: one,
    /// unless compaction passed timed-out writes that may or may not have
    /// taken effect (`None` is unset).
    pub fn initial_values(&self, key: &str) -> Vec<Option<&str>> {
        self.keys.get(key).map_or(vec![None], |k| {
            k.initial.iter().map(|c| c.state.as_deref()).collect()
        })
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
    /// The key's value after that order (`None`: unset).
    pub state: Option<String>,
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
    /// The search budget ran out before a verdict.
    Unknown {
        /// The key whose search gave up.
        key: String,
        /// Why.
        reason: String,
    },
}

impl CheckResult {
    /// Whether the verdict is [`CheckResult::Linearizable`].
    pub fn is_linearizable(&self) -> bool {
        matches!(self, CheckResult::Linearizable)
    }

    /// Violations outrank unknowns, which outrank success.
    fn severity(&self) -> u8 {
        match self {
            CheckResult::Linearizable => 0,
            CheckResult::Unknown { .. } => 1,
            CheckResult::NotLinearizable { .. } => 2,
        }
    }
}

impl fmt::Display for CheckResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckResult::Linearizable => write!(f, "linearizable"),
            CheckResult::NotLinearizable { explanation, .. } => write!(f, "{explanation}"),
            CheckResult::Unknown { key, reason } => {
                write!(f, "key {key:?}: linearizability unknown: {reason}")
            }
        }
    }
}

/// Limits of one search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckConfig {
    /// Search steps allowed per key and check before giving up with
    /// [`CheckResult::Unknown`].
    pub max_steps: u64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        Self {
            max_steps: 2_000_000,
        }
    }
}

/// Checks the sub-history of `key` with the default budget.
pub fn check_key(history: &History, key: &str) -> CheckResult {
    check_key_with(history, key, &CheckConfig::default())
}

/// Checks every key with the default budget; reports the first violation,
/// else the first unknown, in key order.
pub fn check_all(history: &History) -> CheckResult {
    check_all_with(history, &CheckConfig::default())
}

/// [`check_key`] with an explicit budget.
pub fn check_key_with(history: &History, key: &str, config: &CheckConfig) -> CheckResult {
    let Some(kh) = history.keys.get(key) else {
        return CheckResult::Linearizable;
    };
    let mut budget = config.max_steps;
    // The history is linearizable if it is from any candidate configuration.
    let mut first_stuck = None;
    let mut out_of_budget = None;
    for candidate in &kh.initial {
        let ops = search_ops(history, &kh.ops, &candidate.applied);
        match search(&candidate.state, &ops, &mut budget, false) {
            Search::Found | Search::Configs(_) => return CheckResult::Linearizable,
            Search::Stuck(stuck) => {
                if first_stuck.is_none() {
                    first_stuck = Some(not_linearizable(key, &candidate.state, &ops, &stuck));
                }
            }
            Search::OutOfBudget => out_of_budget = Some(ops.len()),
        }
    }
    match (out_of_budget, first_stuck) {
        (Some(n), _) => CheckResult::Unknown {
            key: key.to_string(),
            reason: format!(
                "search budget of {} steps exhausted over {n} ops",
                config.max_steps
            ),
        },
        (None, Some(verdict)) => verdict,
        (None, None) => CheckResult::Linearizable, // unreachable: never empty
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

/// Checks a history as it grows, re-checking only keys that changed and
/// compacting each key's settled prefix (see the module doc).
#[derive(Clone, Debug, Default)]
pub struct LiveChecker {
    history: History,
    config: CheckConfig,
    dirty: BTreeSet<String>,
    verdicts: BTreeMap<String, CheckResult>,
    now_us: u64,
    compaction: bool,
}

impl LiveChecker {
    /// A checker with the default budget and compaction on.
    pub fn new() -> Self {
        Self::with_config(CheckConfig::default())
    }

    /// A checker with an explicit budget.
    pub fn with_config(config: CheckConfig) -> Self {
        Self {
            config,
            compaction: true,
            ..Self::default()
        }
    }

    /// Turns prefix compaction on or off (off keeps every op; for tests).
    pub fn set_compaction(&mut self, on: bool) {
        self.compaction = on;
    }

    /// Records an invocation; see [`History::invoke`].
    pub fn invoke(&mut self, client: ClientId, op: KvOp, at_us: u64) -> OpId {
        let at_us = self.tick(at_us);
        self.dirty.insert(op.key().to_string());
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

    /// Re-checks the keys changed since the last call, compacts their settled
    /// prefixes, and returns the worst verdict over all keys.
    pub fn check_dirty(&mut self) -> CheckResult {
        let dirty = std::mem::take(&mut self.dirty);
        for key in dirty {
            if self.verdicts.get(&key).is_some_and(|v| v.severity() == 2) {
                continue; // violations are sticky
            }
            let verdict = check_key_with(&self.history, &key, &self.config);
            if verdict.is_linearizable() && self.compaction {
                self.compact(&key);
            }
            self.verdicts.insert(key, verdict);
        }
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
            self.dirty.insert(op.op.key().to_string());
        }
    }

    /// Replaces the prefix before the latest quiescent cut of `key` (trying
    /// the few latest cuts) by the configurations it may end in, if there are
    /// at most [`MAX_CANDIDATES`] of them.
    fn compact(&mut self, key: &str) {
        let Some(kh) = self.history.keys.get(key) else {
            return;
        };
        let cuts = quiescent_cuts(&self.history, kh, self.now_us);
        let mut budget = self.config.max_steps;
        let mut found = None;
        // The latest cuts first (most progress), then the earliest (cheap,
        // and they settle first when the latest end on concurrent writes).
        // Between them, a few evenly spaced ones.
        let mut tried: Vec<usize> = cuts
            .iter()
            .rev()
            .take(COMPACTION_CUTS_TRIED)
            .copied()
            .collect();
        let stride = (cuts.len() / COMPACTION_CUTS_TRIED).max(1);
        let spaced = cuts
            .iter()
            .rev()
            .step_by(stride)
            .take(COMPACTION_CUTS_TRIED);
        for &cut in spaced.chain(cuts.iter().take(COMPACTION_CUTS_TRIED)) {
            if !tried.contains(&cut) {
                tried.push(cut);
            }
        }
        'cuts: for cut in tried {
            // Every (state, floating writes) the prefix can end in, from
            // every candidate it may have started from.
            let mut ends: BTreeSet<(Option<String>, BTreeSet<OpId>)> = BTreeSet::new();
            for candidate in &kh.initial {
                let ops = search_ops(&self.history, &kh.ops[..cut], &candidate.applied);
                match search(&candidate.state, &ops, &mut budget, true) {
                    Search::Configs(configs) => {
                        for (state, floating) in configs {
                            ends.insert((state, floating.iter().map(|&i| ops[i].id).collect()));
                        }
                    }
                    // This start cannot explain the prefix; the others do.
                    Search::Stuck(_) => {}
                    Search::Found | Search::OutOfBudget => return,
                }
            }
            let ends = undominated(ends);
            if ends.is_empty() || ends.len() > MAX_CANDIDATES {
                continue 'cuts;
            }
            found = Some((cut, ends));
            break;
        }
        let Some((cut, ends)) = found else {
            return;
        };
        // Writes floating in any end stay; each end's candidate lists the
        // kept writes it has already linearized.
        let keep: BTreeSet<OpId> = ends.iter().flat_map(|(_, f)| f.iter().copied()).collect();
        let initial = ends
            .into_iter()
            .map(|(state, floating)| Candidate {
                state,
                applied: keep.difference(&floating).copied().collect(),
            })
            .collect();
        let Some(kh) = self.history.keys.get_mut(key) else {
            return;
        };
        // Everything else before the cut goes, reads with unknown outcomes
        // included (they constrain nothing).
        let dropped: Vec<OpId> = kh.ops[..cut]
            .iter()
            .copied()
            .filter(|id| !keep.contains(id))
            .collect();
        let rest = kh.ops.split_off(cut);
        kh.ops.retain(|id| keep.contains(id));
        kh.ops.extend(rest);
        kh.initial = initial;
        kh.compacted += dropped.len() as u64;
        for id in dropped {
            self.history.ops.remove(&id);
        }
    }
}

/// Most configurations a compacted key may carry. A timed-out write that no
/// later read settles doubles them; past this bound the prefix is kept and
/// only the search budget bounds the work.
pub const MAX_CANDIDATES: usize = 16;

/// How many of the latest, and of the earliest, quiescent cuts one
/// compaction tries: a cut whose end state is ambiguous (concurrent writes
/// not yet read) is often preceded by one that is not.
const COMPACTION_CUTS_TRIED: usize = 4;

/// Indices in `kh.ops` of the quiescent cuts, ascending, all above 0.
///
/// Ops are in invocation order. A cut before index `i` is quiescent when no
/// op before `i` is pending, and every completion before `i` is strictly
/// earlier than the invocation of op `i` (or than `now_us`, for a cut at the
/// end: later invocations cannot be earlier than the clock).
fn quiescent_cuts(history: &History, kh: &KeyHistory, now_us: u64) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut max_complete_us: Option<u64> = None;
    for (i, id) in kh.ops.iter().enumerate() {
        let Some(op) = history.op(*id) else {
            return cuts;
        };
        if i > 0 && max_complete_us.is_none_or(|c| c < op.invoke_us) {
            cuts.push(i);
        }
        match &op.outcome {
            Outcome::Pending => return cuts,
            Outcome::Ok { complete_us, .. } => {
                max_complete_us =
                    Some(max_complete_us.map_or(*complete_us, |c| c.max(*complete_us)));
            }
            Outcome::Unknown => {}
        }
    }
    if !kh.ops.is_empty() && max_complete_us.is_none_or(|c| c < now_us) {
        cuts.push(kh.ops.len());
    }
    cuts
}

/// Drops every end another end subsumes: the same state with a superset of
/// floating writes (a floating write can still be placed first or never, so
/// floating more allows strictly more futures).
fn undominated(
    ends: BTreeSet<(Option<String>, BTreeSet<OpId>)>,
) -> Vec<(Option<String>, BTreeSet<OpId>)> {
    let all: Vec<_> = ends.into_iter().collect();
    all.iter()
        .enumerate()
        .filter(|(i, (state, floating))| {
            !all.iter().enumerate().any(|(j, (s2, f2))| {
                // The ends are distinct, so a subset of the same length is itself.
                j != *i && s2 == state && floating.len() < f2.len() && floating.is_subset(f2)
            })
        })
        .map(|(_, e)| e.clone())
        .collect()
}

/// One op as the search sees it.
#[derive(Clone, Debug)]
struct SearchOp {
    id: OpId,
    op: KvOp,
    invoke_us: u64,
    /// `None`: the op may take effect any time after its invocation, or
    /// never, and any result is accepted.
    complete: Option<(u64, KvResult)>,
}

/// The ops a search from one candidate places: `ids` minus the writes that
/// candidate has already applied, and minus reads with unknown outcomes.
fn search_ops(history: &History, ids: &[OpId], applied: &BTreeSet<OpId>) -> Vec<SearchOp> {
    ids.iter()
        .filter(|id| !applied.contains(id))
        .filter_map(|id| history.op(*id))
        .filter_map(|h| {
            let complete = match &h.outcome {
                Outcome::Ok {
                    result,
                    complete_us,
                } => Some((*complete_us, result.clone())),
                // An unknown read cannot change anything: leave it out.
                Outcome::Pending | Outcome::Unknown if h.op.is_read() => return None,
                Outcome::Pending | Outcome::Unknown => None,
            };
            Some(SearchOp {
                id: h.id,
                op: h.op.clone(),
                invoke_us: h.invoke_us,
                complete,
            })
        })
        .collect()
}

/// Where a failed search got furthest.
#[derive(Clone, Debug)]
struct Stuck {
    /// The op whose return was reached without a way to place it.
    blocked: usize,
    /// How many ops were linearized at that point.
    depth: usize,
    /// The last few ops linearized there, oldest first.
    recent: Vec<usize>,
    /// The register value there.
    state: Option<String>,
}

enum Search {
    /// A linearization exists (first-solution mode).
    Found,
    /// Every configuration the ops can end in: register value and indices
    /// of unknown-outcome ops left unlinearized (enumeration mode).
    Configs(Vec<(Option<String>, Vec<usize>)>),
    /// No linearization exists.
    Stuck(Stuck),
    /// The step budget ran out.
    OutOfBudget,
}

/// How many linearized ops an explanation shows before the blocked one.
const EXPLAIN_RECENT_OPS: usize = 6;

/// Wing–Gong–Lowe search over one key. In enumeration mode it explores
/// every configuration instead of stopping at the first linearization.
fn search(initial: &Option<String>, ops: &[SearchOp], budget: &mut u64, enumerate: bool) -> Search {
    // Events: a call per op, a return per completed op. At equal times calls
    // sort first, so touching intervals count as concurrent (the lenient
    // reading: the simulator's clock cannot order them).
    let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(ops.len() * 2);
    for (i, op) in ops.iter().enumerate() {
        events.push((op.invoke_us, false, i));
        if let Some((complete_us, _)) = &op.complete {
            events.push((*complete_us, true, i));
        }
    }
    events.sort();
    let n = events.len();
    let head = n;
    let nil = n + 1;
    // Doubly linked list over the events, `head` as sentinel and `nil` as
    // the end, so that lifting an op out and putting it back are O(1).
    let mut next: Vec<usize> = (1..=n).collect();
    if n > 0 {
        next[n - 1] = nil;
    }
    next.push(if n == 0 { nil } else { 0 });
    let mut prev: Vec<usize> = (0..n).map(|e| if e == 0 { head } else { e - 1 }).collect();
    prev.push(nil);
    let mut return_of = vec![nil; ops.len()];
    for (e, &(_, is_return, i)) in events.iter().enumerate() {
        if is_return {
            return_of[i] = e;
        }
    }

    let completed_total = ops.iter().filter(|o| o.complete.is_some()).count();
    let mut completed_done = 0usize;
    let words = ops.len().div_ceil(64).max(1);
    let mut linearized = vec![0u64; words];
    let mut states: Vec<Option<String>> = vec![initial.clone()];
    let mut state_ids: BTreeMap<Option<String>, u32> = BTreeMap::new();
    state_ids.insert(initial.clone(), 0);
    let mut state: u32 = 0;
    // Lowe's cache. A BTreeSet keeps the checker free of hashing; each
    // entry is explored at most once either way.
    let mut cache: BTreeSet<(Vec<u64>, u32)> = BTreeSet::new();
    let mut calls: Vec<(usize, u32)> = Vec::new();
    let mut stuck: Option<Stuck> = None;

    let lift = |next: &mut Vec<usize>, prev: &mut Vec<usize>, e: usize| {
        let (p, q) = (prev[e], next[e]);
        next[p] = q;
        if q != nil {
            prev[q] = p;
        }
    };
    let unlift = |next: &mut Vec<usize>, prev: &mut Vec<usize>, e: usize| {
        let (p, q) = (prev[e], next[e]);
        next[p] = e;
        if q != nil {
            prev[q] = e;
        }
    };

    let mut configs: BTreeSet<(Option<String>, Vec<usize>)> = BTreeSet::new();
    let record = |configs: &mut BTreeSet<(Option<String>, Vec<usize>)>,
                  linearized: &[u64],
                  state: &Option<String>| {
        let floating = (0..ops.len())
            .filter(|&i| linearized[i / 64] & (1 << (i % 64)) == 0)
            .collect();
        configs.insert((state.clone(), floating));
    };
    if completed_total == 0 {
        if !enumerate {
            return Search::Found;
        }
        record(&mut configs, &linearized, initial);
    }

    let mut entry = next[head];
    loop {
        if *budget == 0 {
            return Search::OutOfBudget;
        }
        *budget -= 1;
        if entry != nil && !events[entry].1 {
            let i = events[entry].2;
            let (next_state, result) = step_register(states[state as usize].as_deref(), &ops[i].op);
            let ok = match &ops[i].complete {
                Some((_, expected)) => *expected == result,
                None => true,
            };
            if ok {
                let id = match state_ids.get(&next_state) {
                    Some(id) => *id,
                    None => {
                        let id = states.len() as u32;
                        state_ids.insert(next_state.clone(), id);
                        states.push(next_state);
                        id
                    }
                };
                linearized[i / 64] |= 1 << (i % 64);
                if cache.insert((linearized.clone(), id)) {
                    calls.push((entry, state));
                    state = id;
                    if ops[i].complete.is_some() {
                        completed_done += 1;
                    }
                    lift(&mut next, &mut prev, entry);
                    if return_of[i] != nil {
                        lift(&mut next, &mut prev, return_of[i]);
                    }
                    if completed_done == completed_total {
                        // Every completed op is placed; the unknown ones
                        // left may take effect later or never.
                        if !enumerate {
                            return Search::Found;
                        }
                        record(&mut configs, &linearized, &states[state as usize]);
                    }
                    entry = next[head];
                    continue;
                }
                linearized[i / 64] &= !(1 << (i % 64));
            }
            entry = next[entry];
            continue;
        }
        // A return (or the end) reached: the op it belongs to cannot be
        // placed here. Remember the deepest such point, then backtrack.
        if entry != nil && stuck.as_ref().is_none_or(|s| calls.len() > s.depth) {
            stuck = Some(Stuck {
                blocked: events[entry].2,
                depth: calls.len(),
                recent: calls
                    .iter()
                    .rev()
                    .take(EXPLAIN_RECENT_OPS)
                    .rev()
                    .map(|&(e, _)| events[e].2)
                    .collect(),
                state: states[state as usize].clone(),
            });
        }
        let Some((call, previous)) = calls.pop() else {
            break;
        };
        let i = events[call].2;
        state = previous;
        linearized[i / 64] &= !(1 << (i % 64));
        if ops[i].complete.is_some() {
            completed_done -= 1;
        }
        if return_of[i] != nil {
            unlift(&mut next, &mut prev, return_of[i]);
        }
        unlift(&mut next, &mut prev, call);
        entry = next[call];
    }
    if enumerate && !configs.is_empty() {
        return Search::Configs(configs.into_iter().collect());
    }
    match stuck {
        Some(s) => Search::Stuck(s),
        // Unreachable in practice: failing needs a return event, which
        // records `stuck`. Report it as a violation of the first op anyway.
        None => Search::Stuck(Stuck {
            blocked: 0,
            depth: 0,
            recent: Vec::new(),
            state: initial.clone(),
        }),
    }
}

fn describe(op: &SearchOp) -> String {
    match &op.complete {
        Some((complete_us, result)) => format!(
            "{} {} [{}us..{}us] -> {}",
            op.id, op.op, op.invoke_us, complete_us, result
        ),
        None => format!("{} {} [{}us..] -> unknown", op.id, op.op, op.invoke_us),
    }
}

fn describe_value(key: &str, value: &Option<String>) -> String {
    match value {
        Some(v) => format!("{key} = {v:?}"),
        None => format!("{key} unset"),
    }
}

fn not_linearizable(
    key: &str,
    initial: &Option<String>,
    ops: &[SearchOp],
    stuck: &Stuck,
) -> CheckResult {
    let Some(blocked) = ops.get(stuck.blocked) else {
        return CheckResult::NotLinearizable {
            key: key.to_string(),
            explanation: format!("key {key:?} is not linearizable"),
            ops_involved: Vec::new(),
            why: None,
        };
    };
    let blocked_end = blocked.complete.as_ref().map_or(u64::MAX, |c| c.0);
    // Ops still unplaced that overlap the blocked one: the candidates that
    // could have gone first.
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
    text.push_str(&format!("\n  start: {}", describe_value(key, initial)));
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
        complete: blocked.complete.clone(),
        placed: stuck.depth,
        state: stuck.state.clone(),
    };
    CheckResult::NotLinearizable {
        key: key.to_string(),
        explanation: text,
        ops_involved: involved,
        why: Some(Box::new(why)),
    }
}
