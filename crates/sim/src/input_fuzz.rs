//! Seeded mutation fuzzing of what people type: scenario scripts and tours,
//! trace files (and, from the page's crate, address parameters).
//!
//! Valid inputs (the shipped scenarios and tours, a recorded trace) are
//! mutated by bit flips, byte replacements, deletions, splices from other
//! inputs, duplicated lines, stray `----` lines, truncation, and numbers
//! swapped for huge or boundary values (every limit's `min - 1`, `min`,
//! `max`, `max + 1`, `u64::MAX`, `u64::MAX + 1`, `1e-13`, `NaN`, ...). Each
//! input is checked by an oracle: parsing never panics (the CI build has
//! overflow checks on, so an overflow is a panic too), and an accepted input
//! has every number within its limit in [`crate::limits`]. The generator is
//! seeded, so a failure names the seed and the input's index, and comes
//! back with the same command.

use raftlab_core::{DetRng, Micros};

use crate::limits::{self, Count, Duration, Real};
use crate::script::{
    parse_line, parse_script, rewrite, Directive, ExerciseLine, Expectation, Setting,
};
use crate::{Trace, WorldConfig};

/// A deterministic stream of mutated inputs.
pub struct Mutator {
    rng: DetRng,
    corpus: Vec<Vec<u8>>,
    numbers: Vec<String>,
    /// Per mille of mutations that swap a number (the rest are spread over
    /// the byte-level ones).
    number_bias: u64,
}

/// Bytes that matter to the parsers.
const INTERESTING: &[u8] = b"0123456789 .-+e\n{}=&%#,_:x\"[]nsmu";

impl Mutator {
    /// A mutator over `corpus` (valid inputs), seeded by `seed`.
    pub fn new(seed: u64, corpus: &[String]) -> Mutator {
        Mutator {
            rng: DetRng::new(seed),
            corpus: corpus.iter().map(|s| s.as_bytes().to_vec()).collect(),
            numbers: boundary_numbers(),
            number_bias: 0,
        }
    }

    /// A mutator over raw bytes (run link bodies, see [`link_corpus`]).
    pub fn over_bytes(seed: u64, corpus: Vec<Vec<u8>>) -> Mutator {
        Mutator {
            rng: DetRng::new(seed),
            corpus,
            numbers: boundary_numbers(),
            number_bias: 0,
        }
    }

    /// The next input as bytes: a corpus entry with one to four mutations.
    pub fn next_bytes(&mut self) -> Vec<u8> {
        let pick = self.below(self.corpus.len());
        let mut b = self.corpus.get(pick).cloned().unwrap_or_default();
        let rounds = 1 + self.below(4);
        for _ in 0..rounds {
            self.mutate(&mut b);
        }
        b
    }

    /// Draws a number below `n` (0 when `n` is 0).
    pub fn pick(&mut self, n: usize) -> usize {
        self.below(n)
    }

    /// Makes `per_mille` of the mutations number swaps: for structured
    /// inputs (JSON) that byte flips mostly break, so that more mutants are
    /// read and their numbers reach the limit checks.
    pub fn with_number_bias(mut self, per_mille: u64) -> Mutator {
        self.number_bias = per_mille.min(1000);
        self
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        self.rng.gen_range(0..=(n as u64 - 1)) as usize
    }

    /// The next input: a corpus entry with one to four mutations.
    pub fn next_input(&mut self) -> String {
        let pick = self.below(self.corpus.len());
        let mut b = self.corpus.get(pick).cloned().unwrap_or_default();
        let rounds = 1 + self.below(4);
        for _ in 0..rounds {
            self.mutate(&mut b);
        }
        String::from_utf8_lossy(&b).into_owned()
    }

    fn mutate(&mut self, b: &mut Vec<u8>) {
        if self.rng.gen_range(0..=999) < self.number_bias {
            self.swap_number(b);
            return;
        }
        match self.below(9) {
            0 if !b.is_empty() => {
                let i = self.below(b.len());
                b[i] ^= 1 << self.below(8);
            }
            1 if !b.is_empty() => {
                let i = self.below(b.len());
                b[i] = INTERESTING[self.below(INTERESTING.len())];
            }
            2 if !b.is_empty() => {
                let i = self.below(b.len());
                let n = 1 + self.below(16);
                b.drain(i..(i + n).min(b.len()));
            }
            3 => {
                let other = self.below(self.corpus.len());
                let src = self.corpus.get(other).cloned().unwrap_or_default();
                if !src.is_empty() {
                    let from = self.below(src.len());
                    let n = 1 + self.below(64);
                    let chunk = &src[from..(from + n).min(src.len())];
                    let at = self.below(b.len() + 1);
                    b.splice(at..at, chunk.iter().copied());
                }
            }
            4 | 5 => self.swap_number(b),
            6 => {
                // Duplicate a line (a `----` doubled, a directive repeated).
                let starts = line_starts(b);
                let k = self.below(starts.len());
                let (s, e) = line_span(b, &starts, k);
                let line: Vec<u8> = b[s..e].to_vec();
                b.splice(s..s, line);
            }
            7 => {
                let starts = line_starts(b);
                let k = self.below(starts.len());
                let at = starts.get(k).copied().unwrap_or(0);
                let sep: &[u8] = [&b"----\n"[..], b"----\n----\n", b"\n"][self.below(3)];
                b.splice(at..at, sep.iter().copied());
            }
            _ => {
                let n = self.below(b.len() + 1);
                b.truncate(n);
            }
        }
    }

    /// Replaces one run of digits (with its sign, fraction and exponent)
    /// by a boundary number.
    fn swap_number(&mut self, b: &mut Vec<u8>) {
        let runs = digit_runs(b);
        let Some(&(s, e)) = runs.get(self.below(runs.len())) else {
            return;
        };
        let k = self.below(self.numbers.len());
        let n = self.numbers[k].clone();
        b.splice(s..e, n.bytes());
    }
}

fn line_starts(b: &[u8]) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(
        b.iter()
            .enumerate()
            .filter(|(_, c)| **c == b'\n')
            .map(|(i, _)| i + 1),
    );
    v
}

fn line_span(b: &[u8], starts: &[usize], k: usize) -> (usize, usize) {
    let s = starts.get(k).copied().unwrap_or(0).min(b.len());
    let e = starts.get(k + 1).copied().unwrap_or(b.len());
    (s, e)
}

fn digit_runs(b: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            runs.push((s, i));
        } else {
            i += 1;
        }
    }
    runs
}

/// Huge, tiny, odd and boundary numbers: each limit's ends and one past
/// them (durations in ms, with a unit when the text has none to keep), and
/// the edges of the integer types.
pub fn boundary_numbers() -> Vec<String> {
    let mut v: Vec<String> = [
        "0",
        "1",
        "-1",
        "-0",
        "2",
        "255",
        "256",
        "65536",
        "4294967295",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "18446744073709552",
        "99999999999999999999999999",
        "1e-13",
        "1e308",
        "1e309",
        "0.0",
        "0.001",
        "0.0001",
        "0.5",
        "NaN",
        "inf",
        "-inf",
        "0x10",
        "1_000",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let count = |v: &mut Vec<String>, l: Count| {
        v.push(l.min.to_string());
        v.push(l.max.to_string());
        v.push(l.min.wrapping_sub(1).to_string());
        v.push((u128::from(l.max) + 1).to_string());
    };
    for l in [
        limits::NODES,
        limits::SNAPSHOT_EVERY,
        limits::KEYS,
        limits::CLIENTS,
        limits::CLIENT_ATTEMPTS,
        limits::MAX_INFLIGHT,
        limits::MAX_ENTRIES_PER_MSG,
        limits::STEP,
        limits::LOG_INDEX,
        limits::PAGE_NODES,
        limits::TRACE_UNTIL_MS,
    ] {
        count(&mut v, l);
    }
    for l in [
        limits::ELECTION,
        limits::HEARTBEAT,
        limits::LATENCY,
        limits::DISK,
        limits::RUN,
        limits::SKEW,
        limits::CLIENT_TIMEOUT,
    ] {
        for us in [l.min.0, l.max.0, l.max.0 + 1, l.min.0.saturating_sub(1)] {
            // As µs for JSON (a `Micros` is a bare number there), and as
            // a ms figure that keeps the text's own unit in scripts.
            v.push(us.to_string());
            v.push((us / 1000).to_string());
        }
    }
    for l in [
        limits::DROP,
        limits::WORKLOAD,
        limits::READS,
        limits::PAGE_SPEED,
        limits::PAGE_WORKLOAD,
        limits::BENCH_SECONDS,
    ] {
        v.push(l.min.to_string());
        v.push(l.max.to_string());
        v.push((l.max * 1.000_001).to_string());
        v.push((l.min / 2.0).to_string());
    }
    v
}

/// A deterministic stream of inputs for [`run`].
pub trait Inputs {
    /// The next input.
    fn next_input(&mut self) -> String;
}

impl Inputs for Mutator {
    fn next_input(&mut self) -> String {
        Mutator::next_input(self)
    }
}

impl Inputs for LinkMutator {
    fn next_input(&mut self) -> String {
        LinkMutator::next_input(self)
    }
}

/// What a fuzz run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Inputs tried.
    pub inputs: u64,
    /// Inputs the parser accepted (each then checked against the limits).
    pub accepted: u64,
}

/// An input the oracle refused: an accepted value beyond its limit, or an
/// inconsistency. (A panic ends the process instead; the runner's panic
/// hook prints the input.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The input's index in the seeded stream.
    pub index: u64,
    /// The input.
    pub input: String,
    /// What is wrong.
    pub reason: String,
}

/// Feeds `count` inputs from `m` to `check`, which returns whether the
/// input was accepted, or what is wrong with it. `seen` is called with each
/// input first (the runner keeps it for its panic hook).
pub fn run(
    m: &mut dyn Inputs,
    count: u64,
    seen: &mut dyn FnMut(u64, &str),
    check: &mut dyn FnMut(&str) -> Result<bool, String>,
) -> Result<Stats, Failure> {
    let mut stats = Stats::default();
    for index in 0..count {
        let input = m.next_input();
        seen(index, &input);
        match check(&input) {
            Ok(accepted) => stats.accepted += u64::from(accepted),
            Err(reason) => {
                return Err(Failure {
                    index,
                    input,
                    reason,
                })
            }
        }
        stats.inputs += 1;
    }
    Ok(stats)
}

/// The scripts to mutate: every scenario, tour and exercise, and one line of each
/// directive.
pub fn script_corpus() -> Vec<String> {
    let mut v: Vec<String> = SCENARIOS.iter().map(|s| s.to_string()).collect();
    // Only a build without the texts (the page, which never fuzzes) lacks
    // them.
    #[cfg(feature = "embed-texts")]
    {
        v.extend(crate::tour::BUILTIN.iter().map(|(_, t)| t.to_string()));
        v.extend(crate::exercise::BUILTIN.iter().map(|(_, t)| t.to_string()));
    }
    v.push(EVERY_DIRECTIVE.to_string());
    v
}

const SCENARIOS: &[&str] = &[
    include_str!("../scenarios/01_initial_election.txt"),
    include_str!("../scenarios/04_basic_agree.txt"),
    include_str!("../scenarios/09_figure8.txt"),
    include_str!("../scenarios/12_snapshots.txt"),
    include_str!("../scenarios/13_membership_joint.txt"),
    include_str!("../scenarios/16_lease_read_clock_skew.txt"),
];

const EVERY_DIRECTIVE: &str = "\
nodes 5
seed 42
set election 150ms..300ms
set heartbeat 50ms
set latency 5ms..15ms
set drop 0.1
set duplicate 0.05
set reorder on
set disk 2ms
set snapshot-every 100
workload 50 reads 0.5 keys 3 clients 4
run 300ms
run until leader within 2s
----
leader n1 (term 1)

run until committed 4 on n2 within 2s
----
----
committed 4

more
----
----

step 3
skew n2 -1500us
partition {n1 n2} {n3 n4 n5}
add n6 learner
promote n6
expect term > 2
expect committed >= 4 on all
";

/// The oracle for scripts: parsing never panics; an accepted script has
/// every number within its limit, prints back to itself, and rewrites
/// without losing a directive.
pub fn check_script(text: &str) -> Result<bool, String> {
    let Ok(script) = parse_script(text) else {
        return Ok(false);
    };
    for step in &script.steps {
        within_limits(&step.directive)
            .map_err(|e| format!("line {}: `{}` accepted: {e}", step.line, step.text))?;
        let again = parse_line(&step.directive.to_string());
        if again.as_ref() != Ok(&step.directive) {
            return Err(format!(
                "line {}: `{}` prints as `{}`, which reads back as {again:?}",
                step.line, step.text, step.directive
            ));
        }
    }
    let outputs: Vec<String> = script
        .steps
        .iter()
        .map(|s| s.expected.clone().unwrap_or_default())
        .collect();
    let again = rewrite(text, &outputs).map_err(|e| format!("rewrite refused: {e}"))?;
    let texts = |s: &crate::script::Script| -> Vec<String> {
        s.steps.iter().map(|s| s.text.clone()).collect()
    };
    match parse_script(&again) {
        Ok(s) if texts(&s) == texts(&script) => Ok(true),
        other => Err(format!("the rewrite reads back differently: {other:?}")),
    }
}

fn count(l: Count, v: u64) -> Result<(), String> {
    l.check(v).map(|_| ()).map_err(|e| e.to_string())
}

fn duration(l: Duration, t: Micros) -> Result<(), String> {
    l.check(t).map(|_| ()).map_err(|e| e.to_string())
}

fn real(l: Real, v: f64) -> Result<(), String> {
    l.check(v).map(|_| ()).map_err(|e| e.to_string())
}

/// Every number a directive carries, against its limit (independently of
/// the parser's own checks).
pub fn within_limits(d: &Directive) -> Result<(), String> {
    match d {
        Directive::Nodes(n) => count(limits::NODES, *n),
        Directive::Seed(s) => count(limits::SEED, *s),
        Directive::Set(s) => match s {
            Setting::Election { min, max } => {
                duration(limits::ELECTION, *min)?;
                duration(limits::ELECTION, *max)
            }
            Setting::Heartbeat { interval } => duration(limits::HEARTBEAT, *interval),
            Setting::Latency { min, max } => {
                duration(limits::LATENCY, *min)?;
                duration(limits::LATENCY, *max)
            }
            Setting::Drop { probability } => real(limits::DROP, *probability),
            Setting::Duplicate { probability } => real(limits::DUPLICATE, *probability),
            Setting::Disk { write } => duration(limits::DISK, *write),
            Setting::SnapshotEvery { entries } => count(limits::SNAPSHOT_EVERY, *entries),
            Setting::MaxEntries { entries } => count(limits::MAX_ENTRIES, *entries),
            Setting::HandDelivery(_)
            | Setting::Reorder(_)
            | Setting::PreVote(_)
            | Setting::CheckQuorum(_)
            | Setting::Backoff(_)
            | Setting::Lease(_)
            | Setting::Bug { .. } => Ok(()),
        },
        Directive::Run { duration: t } => duration(limits::RUN, *t),
        Directive::RunUntilLeader { within } => {
            within.map_or(Ok(()), |w| duration(limits::WITHIN, w))
        }
        Directive::RunUntilCommitted { index, within, .. } => {
            count(limits::LOG_INDEX, *index)?;
            within.map_or(Ok(()), |w| duration(limits::WITHIN, w))
        }
        Directive::Step(n) => count(limits::STEP, *n),
        Directive::Skew { offset_us, .. } => {
            duration(limits::SKEW, Micros(offset_us.unsigned_abs()))
        }
        Directive::Workload(w) => {
            real(limits::WORKLOAD, w.ops_per_s)?;
            w.reads.map_or(Ok(()), |r| real(limits::READS, r))?;
            w.keys.map_or(Ok(()), |k| count(limits::KEYS, k))?;
            w.clients.map_or(Ok(()), |c| count(limits::CLIENTS, c))
        }
        Directive::Expect(Expectation::Term { value, .. }) => count(limits::TERM, *value),
        Directive::Expect(Expectation::Committed { value, .. })
        | Directive::Expect(Expectation::Applied { value, .. }) => count(limits::LOG_INDEX, *value),
        Directive::Add { node, .. } | Directive::Promote(node) => count(limits::NODES, node.0),
        Directive::Joint { voters, learners } => voters
            .iter()
            .chain(learners)
            .try_for_each(|n| count(limits::NODES, n.0)),
        Directive::Partition(groups) => groups
            .iter()
            .flatten()
            .try_for_each(|n| count(limits::NODES, n.0)),
        Directive::Exercise(ExerciseLine::LimitActions(n)) => count(limits::EXERCISE_ACTIONS, *n),
        Directive::Exercise(ExerciseLine::LimitTime(t)) => duration(limits::EXERCISE_TIME, *t),
        Directive::Exercise(ExerciseLine::Goal(e)) => within_limits(&Directive::Expect(e.clone())),
        Directive::Exercise(ExerciseLine::Solution(d)) => within_limits(d),
        _ => Ok(()),
    }
}

/// The traces to mutate: the pinned reference run and a short run with
/// every knob away from its default.
pub fn trace_corpus() -> Vec<String> {
    let mut v = Vec::new();
    if let Ok(w) = crate::trace::reference_run() {
        v.push(Trace::from_world(&w).to_json());
    }
    let mut c = WorldConfig {
        seed: 9,
        nodes: 3,
        disk_latency: Micros::from_ms(2),
        snapshot_every: Some(10),
        ..WorldConfig::default()
    };
    c.raft.pre_vote = true;
    c.raft.max_entries_per_msg = 1;
    c.network.drop_rate = 0.05;
    c.workload.ops_per_sec = 20.0;
    if let Ok(mut w) = crate::World::new(c) {
        w.run_until(Micros::from_ms(300));
        v.push(Trace::from_world(&w).to_json());
    }
    v
}

/// The oracle for traces: reading never panics, and an accepted trace's
/// configuration has every number within its limit, builds a world, and
/// runs its first events (at the limits' extremes, with overflow checks on).
pub fn check_trace(text: &str) -> Result<bool, String> {
    let Ok(t) = Trace::from_json(text) else {
        return Ok(false);
    };
    config_within_limits(&t.config)?;
    let mut w = crate::World::new(t.config.clone())
        .map_err(|e| format!("accepted, but the world refuses it: {e}"))?;
    for _ in 0..TRACE_EVENTS {
        if !w.step() {
            break;
        }
    }
    Ok(true)
}

/// Events each accepted trace's world runs in [`check_trace`].
const TRACE_EVENTS: usize = 100;

/// Every number of a world configuration, against its limit.
pub fn config_within_limits(c: &WorldConfig) -> Result<(), String> {
    let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
    count(limits::NODES, n(c.nodes))?;
    duration(limits::ELECTION, c.raft.election_timeout_min)?;
    duration(limits::ELECTION, c.raft.election_timeout_max)?;
    duration(limits::HEARTBEAT, c.raft.heartbeat_interval)?;
    if c.raft.heartbeat_interval >= c.raft.election_timeout_min {
        return Err("heartbeat not shorter than the election timeout".into());
    }
    count(limits::MAX_INFLIGHT, n(c.raft.max_inflight_msgs))?;
    count(limits::MAX_ENTRIES_PER_MSG, n(c.raft.max_entries_per_msg))?;
    duration(limits::LATENCY, c.network.latency_min)?;
    duration(limits::LATENCY, c.network.latency_max)?;
    real(limits::DROP, c.network.drop_rate)?;
    real(limits::DUPLICATE, c.network.duplicate_rate)?;
    duration(limits::DISK, c.disk_latency)?;
    real(limits::WORKLOAD, c.workload.ops_per_sec)?;
    real(limits::READS, c.workload.read_fraction)?;
    count(limits::KEYS, u64::from(c.workload.keys))?;
    count(limits::CLIENTS, u64::from(c.workload.clients))?;
    duration(limits::CLIENT_TIMEOUT, c.client_timeout)?;
    count(limits::CLIENT_ATTEMPTS, u64::from(c.client_max_attempts))?;
    if let Some(e) = c.snapshot_every {
        count(limits::SNAPSHOT_EVERY, e)?;
    }
    Ok(())
}

/// Run links to mutate ([`crate::link`]): the reference run's, and a
/// short run's with every kind of action a page offers and a view.
pub fn link_corpus() -> Vec<String> {
    use crate::link::{LinkView, RunLink};
    let mut v = Vec::new();
    let link = |w: &crate::World, view: LinkView| {
        let t = crate::Timeline::replay(
            w.initial_config().clone(),
            w.action_log(),
            w.now(),
            Some(w.event_count()),
        )
        .ok()?;
        RunLink::of_timeline(&t, view).ok().map(|l| l.encode())
    };
    if let Ok(w) = crate::trace::reference_run() {
        v.extend(link(&w, LinkView::default()));
    }
    let c = WorldConfig {
        seed: 7,
        nodes: 3,
        snapshot_every: Some(10),
        ..WorldConfig::default()
    };
    if let Ok(mut w) = crate::World::new(c) {
        use crate::kv::KvOp;
        use crate::Action;
        use raftlab_core::NodeId;
        w.run_until(Micros::from_ms(400));
        let net = crate::LinkConfig {
            drop_rate: 0.1,
            ..crate::LinkConfig::default()
        };
        for a in [
            Action::ClientRequest {
                op: KvOp::Put {
                    key: "x".into(),
                    value: "1".into(),
                },
                via: Some(NodeId(2)),
            },
            Action::Partition(vec![[NodeId(1)].into()]),
            Action::SetNetwork(net),
            Action::ClockSkew {
                node: NodeId(3),
                offset_us: -20_000,
            },
            Action::AddNode { learner: true },
            Action::HealAll,
        ] {
            let _ = w.apply(a);
            w.run_until(w.now() + Micros::from_ms(50));
        }
        let view = LinkView {
            lang: Some("zh".into()),
            panels: vec!["settings".into(), "legend".into()],
            tour: Some(("election".into(), 2)),
        };
        v.extend(link(&w, view));
    }
    v
}

/// The oracle for run links: decoding never panics; an accepted link's
/// settings are within their limits, it encodes back to a link that
/// decodes to the same run, and its world builds and runs its first
/// events.
pub fn check_link(text: &str) -> Result<bool, String> {
    let Ok(l) = crate::link::RunLink::decode(text) else {
        return Ok(false);
    };
    config_within_limits(&l.trace.config)?;
    let again = crate::link::RunLink::decode(&l.encode())
        .map_err(|e| format!("accepted, but its re-encoding is refused: {e}"))?;
    if again != l {
        return Err("accepted, but it re-encodes to a different run".into());
    }
    let mut w = crate::World::new(l.trace.config.clone())
        .map_err(|e| format!("accepted, but the world refuses it: {e}"))?;
    for _ in 0..TRACE_EVENTS {
        if !w.step() {
            break;
        }
    }
    Ok(true)
}

/// Mutated run links: half mutate the text (most are refused by the
/// alphabet, the length or the checksum), half mutate the bytes behind the
/// checksum and reseal them, so the body's decoder and checks are fuzzed
/// too (a few with the version byte changed).
pub struct LinkMutator {
    text: Mutator,
    bytes: Mutator,
    turn: u64,
}

impl LinkMutator {
    /// Seeded mutators over [`link_corpus`].
    pub fn new(seed: u64) -> LinkMutator {
        let corpus = link_corpus();
        LinkMutator {
            text: Mutator::new(seed, &corpus),
            bytes: Mutator::over_bytes(seed.wrapping_add(1), crate::link::bodies(&corpus)),
            turn: 0,
        }
    }

    /// The next link text.
    pub fn next_input(&mut self) -> String {
        self.turn += 1;
        if self.turn.is_multiple_of(2) {
            return self.text.next_input();
        }
        let body = self.bytes.next_bytes();
        let version = match self.bytes.pick(50) {
            0 => 0,
            1 => crate::link::LINK_VERSION + 1,
            _ => crate::link::LINK_VERSION,
        };
        crate::link::seal(version, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_deterministic_and_mutates() {
        let corpus = script_corpus();
        let mut a = Mutator::new(3, &corpus);
        let mut b = Mutator::new(3, &corpus);
        let xs: Vec<String> = (0..50).map(|_| a.next_input()).collect();
        let ys: Vec<String> = (0..50).map(|_| b.next_input()).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().any(|x| !corpus.contains(x)));
    }

    #[test]
    fn the_oracles_catch_what_they_are_for() {
        // An over-limit directive, as if the parser had let it through.
        assert!(within_limits(&Directive::Set(Setting::SnapshotEvery {
            entries: u64::MAX
        }))
        .is_err());
        assert!(within_limits(&Directive::Step(u64::MAX)).is_err());
        let mut c = WorldConfig::default();
        c.raft.max_entries_per_msg = usize::MAX;
        assert!(config_within_limits(&c).is_err());
        // Every corpus entry is itself accepted.
        for s in script_corpus() {
            assert_eq!(check_script(&s), Ok(true), "{s}");
        }
        for t in trace_corpus() {
            assert_eq!(check_trace(&t), Ok(true));
        }
        let links = link_corpus();
        assert_eq!(links.len(), 2);
        for l in links {
            assert_eq!(check_link(&l), Ok(true));
        }
    }
}
