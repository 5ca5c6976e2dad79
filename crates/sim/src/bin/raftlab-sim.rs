//! The headless runner: chaos fuzzing over seed ranges, scenario scripts,
//! traces, and throughput benchmarks.
//!
//! Long because it parses every subcommand's arguments (each number
//! checked against `limits.rs`) and prints their progress and results.
//!
//! ```text
//! raftlab-sim fuzz [--seed N | --seeds A..B | --seeds N] [--events M] [--nodes K]
//!                  [--bug NAME]... [--no-membership] [--expect-violation]
//!                  [--profile mixed|figure8|restarts]
//! raftlab-sim run FILE... [--rewrite]
//! raftlab-sim trace export --seed N [--until-ms T] [--with-events]   (JSON to stdout)
//! raftlab-sim trace check FILE|-   (- reads stdin)
//! raftlab-sim bench [--seconds S] [--only core|checkers-off|checkers-on|hour]
//! raftlab-sim soak [--hours H] [--seed N] [--budget-mib M]
//! raftlab-sim tour [ID] [--lang en|zh]
//! raftlab-sim bugs
//! raftlab-sim exercise list | check FILE... | check --builtin
//! raftlab-sim fuzz-inputs [--count N] [--links N] [--seed S]
//! ```
//!
//! Every number is checked against its limit in `raftlab_sim::limits`;
//! long runs report progress on stderr.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use raftlab_core::Micros;
use raftlab_core::BUG_SWITCHES;
use raftlab_sim::fuzz::{fuzz_one, FuzzOptions, HistoryVerdict};
use raftlab_sim::limits::{self, Count, Real};
use raftlab_sim::profile::ChaosProfile;
use raftlab_sim::{Timeline, Trace, World, WorldConfig};

const USAGE: &str = "usage:
  raftlab-sim fuzz [--seed N | --seeds A..B | --seeds N] [--events M] [--nodes K]
                   [--bug NAME]... [--no-membership] [--expect-violation]
                   [--profile mixed|figure8|restarts]
  raftlab-sim run FILE... [--rewrite]
  raftlab-sim trace export --seed N [--until-ms T] [--with-events]
  raftlab-sim trace check FILE|-   (- reads stdin)
  raftlab-sim bench [--seconds S] [--only core|checkers-off|checkers-on|hour]
  raftlab-sim soak [--hours H] [--seed N] [--budget-mib M]
  raftlab-sim tour [ID] [--lang en|zh]   (no ID: list the guided tours)
  raftlab-sim bugs                       (the bug switches: name, profile that catches it, rule)
  raftlab-sim exercise list              (the built-in exercises: id, track, title)
  raftlab-sim exercise check FILE... | --builtin   (prove each exercise sound)
  raftlab-sim fuzz-inputs [--count N] [--links N] [--seed S]   (mutated scripts, traces and run links)";

/// Writes one line to stdout. A reader that stops early (`raftlab-sim tour |
/// head`) closes the pipe: that ends the run quietly instead of panicking
/// the way `println!` does.
fn emit(line: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(line).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// `println!` through [`emit`].
macro_rules! outln {
    ($($arg:tt)*) => {
        emit(format_args!($($arg)*))
    };
}

#[path = "raftlab-sim/bench.rs"]
mod bench;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("fuzz") => fuzz(&args[1..]),
        Some("run") => run_scripts(&args[1..]),
        Some("trace") => trace(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("soak") => soak(&args[1..]),
        Some("tour") => tour(&args[1..]),
        Some("bugs") => bugs(&args[1..]),
        Some("exercise") => exercise(&args[1..]),
        Some("fuzz-inputs") => fuzz_inputs(&args[1..]),
        Some("help" | "--help" | "-h") => {
            outln!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn value<'a>(args: &'a [String], i: &mut usize, flag: &str) -> Result<&'a str, String> {
    *i += 1;
    args.get(*i)
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value"))
}

/// A whole number within `limit` (`_` may group digits: `20_000`).
fn count(s: &str, limit: &Count) -> Result<u64, String> {
    limit.parse(&s.replace('_', "")).map_err(|e| e.to_string())
}

/// A decimal number within `limit`.
fn real(s: &str, limit: &Real) -> Result<f64, String> {
    limit.parse(&s.replace('_', "")).map_err(|e| e.to_string())
}

/// Prints a progress line on stderr at most every [`PROGRESS_WALL_S`]
/// seconds of wall time, so a long run shows it is moving.
struct Progress {
    last: Instant,
}

const PROGRESS_WALL_S: f64 = 10.0;

impl Progress {
    fn new() -> Progress {
        Progress {
            last: Instant::now(),
        }
    }

    fn tick(&mut self, line: impl FnOnce() -> String) {
        if self.last.elapsed().as_secs_f64() >= PROGRESS_WALL_S {
            eprintln!("{}", line());
            self.last = Instant::now();
        }
    }
}

fn fuzz(args: &[String]) -> Result<(), String> {
    // The seeds to run, first and last inclusive, so `--seed 18446744073709551615`
    // needs no `+ 1` that would overflow.
    let mut seeds = (0u64, 0u64);
    let mut opts = FuzzOptions::default();
    let mut expect_violation = false;
    let seed_limit = Count {
        name: "--seed",
        ..limits::SEED
    };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                let s = count(value(args, &mut i, "--seed")?, &seed_limit)?;
                seeds = (s, s);
            }
            "--seeds" => {
                let v = value(args, &mut i, "--seeds")?;
                let bound = Count {
                    name: "--seeds",
                    ..limits::SEED
                };
                let (a, b) = match v.split_once("..") {
                    Some((a, b)) => (count(a, &bound)?, count(b, &bound)?),
                    None => (0, count(v, &limits::FUZZ_SEEDS)?),
                };
                if b <= a {
                    return Err(format!("--seeds {v}: the range is empty"));
                }
                limits::FUZZ_SEEDS.check(b - a).map_err(|e| e.to_string())?;
                seeds = (a, b - 1);
            }
            "--events" => {
                opts.events = count(value(args, &mut i, "--events")?, &limits::FUZZ_EVENTS)?
            }
            "--nodes" => {
                let limit = Count {
                    name: "--nodes",
                    ..limits::NODES
                };
                let n = count(value(args, &mut i, "--nodes")?, &limit)?;
                opts.nodes = Some(n as usize);
            }
            "--bug" => opts
                .bugs
                .set(value(args, &mut i, "--bug")?, true)
                .map_err(|e| e.to_string())?,
            "--no-membership" => opts.membership_changes = false,
            "--profile" => {
                opts.profile = ChaosProfile::parse(value(args, &mut i, "--profile")?)?;
            }
            "--expect-violation" => expect_violation = true,
            other => return Err(format!("fuzz: unknown option {other:?}\n{USAGE}")),
        }
        i += 1;
    }
    let total = seeds.1 - seeds.0 + 1;
    limits::FUZZ_EVENTS
        .check(opts.events)
        .map_err(|e| e.to_string())?;
    limits::FUZZ_TOTAL_EVENTS
        .check(total.saturating_mul(opts.events))
        .map_err(|e| e.to_string())?;
    outln!(
        "fuzz: seeds {}..{} events {} nodes {} bugs [{}] membership {} profile {}",
        seeds.0,
        u128::from(seeds.1) + 1,
        opts.events,
        opts.nodes.map_or("seeded".to_string(), |n| n.to_string()),
        opts.bugs,
        opts.membership_changes,
        opts.profile.name()
    );
    let started = Instant::now();
    let mut progress = Progress::new();
    let (mut passed, mut failed, mut events) = (0u64, 0u64, 0u64);
    // How the calm phase's linearizability checks went: decided (at first,
    // or by the longer search), undecided.
    let (mut decided, mut decided_longer, mut undecided) = (0u64, 0u64, 0u64);
    let mut first_catch = None;
    for (n, seed) in (seeds.0..=seeds.1).enumerate() {
        progress.tick(|| {
            format!(
                "fuzz: at seed {seed} ({n} of {total} done, {events} events, {:.0} s)",
                started.elapsed().as_secs_f64()
            )
        });
        let o = fuzz_one(&FuzzOptions {
            seed,
            ..opts.clone()
        });
        events = events.saturating_add(o.events);
        match o.history {
            HistoryVerdict::NotChecked => {}
            HistoryVerdict::Decided => decided += 1,
            HistoryVerdict::DecidedByLongerSearch => decided_longer += 1,
            HistoryVerdict::Undecided => undecided += 1,
        }
        if o.passed() {
            passed += 1;
        } else if expect_violation && o.history == HistoryVerdict::Undecided {
            // Not a catch: the checker could not tell.
            failed += 1;
            outln!(
                "undecided at seed {seed} (not a catch): {}",
                o.liveness.clone().unwrap_or_default()
            );
        } else {
            failed += 1;
            first_catch.get_or_insert(seed);
            if !expect_violation {
                outln!("FAIL seed {seed}");
                if let Some(v) = &o.violation {
                    outln!("  {v}");
                }
                if let Some(l) = &o.liveness {
                    outln!("  {l}");
                }
                outln!("  reproduce: {}", o.options.repro_command());
            } else {
                let what = o
                    .violation
                    .as_ref()
                    .map_or_else(|| o.liveness.clone().unwrap_or_default(), |v| v.to_string());
                outln!("caught at seed {seed}: {what}");
                outln!("  reproduce: {}", o.options.repro_command());
                break;
            }
        }
        if (n + 1) % 25 == 0 || n as u64 + 1 == total {
            outln!(
                "  {}/{} seeds, {} events, {:.1} s",
                n + 1,
                total,
                events,
                started.elapsed().as_secs_f64()
            );
        }
    }
    if expect_violation {
        return match first_catch {
            Some(_) => Ok(()),
            None => Err(format!(
                "expected the checkers to catch [{}] within {total} seeds, but every seed passed",
                opts.bugs
            )),
        };
    }
    outln!("{passed} passed, {failed} failed");
    outln!(
        "linearizability: {} of {} histories checked decided ({decided_longer} only by the longer search), {undecided} undecided",
        decided + decided_longer,
        decided + decided_longer + undecided,
    );
    if failed > 0 {
        Err(format!("{failed} seed(s) failed"))
    } else {
        Ok(())
    }
}

fn run_scripts(args: &[String]) -> Result<(), String> {
    let rewrite = args.iter().any(|a| a == "--rewrite");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if files.is_empty() {
        return Err("run: name at least one script file".into());
    }
    let mut failures = 0;
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?;
        let mut progress = Progress::new();
        let mut report = |step: &raftlab_sim::script::Step, w: &World| {
            progress.tick(|| {
                format!(
                    "{f}: line {} `{}`: at {:.0} s simulated, {} events",
                    step.line,
                    step.text,
                    w.now().as_ms_f64() / 1000.0,
                    w.event_count()
                )
            })
        };
        match raftlab_sim::scenario::run_file_with_progress(&text, rewrite, &mut report) {
            Ok(report) => {
                if rewrite {
                    std::fs::write(f, &report.rewritten)
                        .map_err(|e| format!("cannot write {f}: {e}"))?;
                    outln!("rewrote {f}");
                } else if report.mismatches.is_empty() {
                    outln!("ok   {f} ({} steps)", report.steps);
                } else {
                    failures += 1;
                    outln!("FAIL {f}");
                    for m in &report.mismatches {
                        outln!("{m}");
                    }
                    outln!("  rewrite with: cargo run -p raftlab-sim --bin raftlab-sim -- run {f} --rewrite");
                }
            }
            Err(e) => {
                failures += 1;
                outln!("FAIL {f}: {e}");
            }
        }
    }
    if failures > 0 {
        Err(format!("{failures} script(s) failed"))
    } else {
        Ok(())
    }
}

fn trace(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("export") => {
            let mut config = WorldConfig::default();
            let mut until = Micros::from_ms(5_000);
            let mut with_events = false;
            let mut i = 1;
            while i < args.len() {
                match args[i].as_str() {
                    "--seed" => {
                        let limit = Count {
                            name: "--seed",
                            ..limits::SEED
                        };
                        config.seed = count(value(args, &mut i, "--seed")?, &limit)?
                    }
                    "--until-ms" => {
                        let ms =
                            count(value(args, &mut i, "--until-ms")?, &limits::TRACE_UNTIL_MS)?;
                        // Within the limit, so the µs fit in 64 bits.
                        until = Micros(ms.checked_mul(1_000).ok_or("--until-ms: too large")?);
                    }
                    "--with-events" => with_events = true,
                    other => return Err(format!("trace export: unknown option {other:?}")),
                }
                i += 1;
            }
            let mut t = Timeline::new(config).map_err(|e| e.to_string())?;
            let mut progress = Progress::new();
            while t.now() < until {
                let before = t.now();
                t.advance_to(until.min(before.saturating_add(Micros::from_ms(60_000))));
                progress.tick(|| {
                    format!(
                        "trace export: at {:.0} of {:.0} s simulated, {} events",
                        t.now().as_ms_f64() / 1000.0,
                        until.as_ms_f64() / 1000.0,
                        t.world().event_count()
                    )
                });
                if t.world().violation().is_some() || t.now() <= before {
                    break;
                }
            }
            let mut trace = Trace::from_timeline(&t);
            if with_events {
                trace = trace.with_events().map_err(|e| e.to_string())?;
            }
            outln!("{}", trace.to_json());
            Ok(())
        }
        Some("check") => {
            let f = args
                .get(1)
                .ok_or("trace check: name a file (or - for stdin)")?;
            if let Some(extra) = args.get(2) {
                return Err(format!("trace check: unexpected argument {extra:?}"));
            }
            let trace = if f == "-" {
                Trace::read_from(std::io::stdin().lock())
            } else {
                let file = std::fs::File::open(f).map_err(|e| format!("cannot read {f}: {e}"))?;
                Trace::read_from(file)
            }
            .map_err(|e| format!("{f}: {e}"))?;
            let t = trace
                .replay()
                .map_err(|e| format!("{f}: cannot replay: {e}"))?;
            if let Some(recorded) = &trace.events {
                let again = Trace {
                    events: None,
                    ..trace.clone()
                }
                .with_events()
                .map_err(|e| format!("{f}: cannot replay: {e}"))?;
                let replayed = again.events.unwrap_or_default();
                let differs = recorded
                    .iter()
                    .zip(&replayed)
                    .position(|(a, b)| a != b)
                    .or((recorded.len() != replayed.len())
                        .then(|| recorded.len().min(replayed.len())));
                if let Some(i) = differs {
                    let show = |e: Option<&raftlab_sim::trace::TraceEvent>| {
                        e.map_or("nothing".to_string(), |e| {
                            cut_chars(&format!("event {} at {}: {}", e.event, e.at, e.what), 200)
                        })
                    };
                    return Err(format!(
                        "{f}: the replay differs from the recorded event log at entry {}: recorded {}, replayed {}",
                        i + 1,
                        show(recorded.get(i)),
                        show(replayed.get(i))
                    ));
                }
            }
            let w = t.world();
            outln!(
                "{f}: seed {} replayed exactly to {:.3} s, {} events, {} actions{}, leader {}, {}",
                trace.config.seed,
                w.now().as_ms_f64() / 1000.0,
                w.event_count(),
                trace.actions.len(),
                if trace.events.is_some() {
                    ", event log matches"
                } else {
                    ""
                },
                w.leader().map_or("none".into(), |l| l.to_string()),
                w.violation()
                    .map_or("all invariants hold".into(), |v| v.to_string())
            );
            Ok(())
        }
        _ => Err(format!("trace: say export or check\n{USAGE}")),
    }
}

/// `s`, cut to `n` characters.
fn cut_chars(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// CPU time this thread has used, in ns (Linux; `None` elsewhere): seek
/// times are measured in CPU time, which other work on a shared machine
/// does not inflate. The kernel brings the count up to date when the
/// thread leaves the CPU, so it sleeps for a moment first.
fn thread_cpu_ns() -> Option<u64> {
    std::thread::sleep(std::time::Duration::from_micros(20));
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// This process's peak resident memory, in KiB (Linux; `None` elsewhere).
fn peak_rss_kib() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `soak --hours`: up to a week of virtual time (hours).
const SOAK_HOURS: Count = Count {
    name: "--hours",
    min: 1,
    max: 168,
    unit: limits::Unit::None,
};
/// `soak --budget-mib`: the checkpoint budget (MiB).
const SOAK_BUDGET_MIB: Count = Count {
    name: "--budget-mib",
    min: 1,
    max: 4_096,
    unit: limits::Unit::None,
};

/// Runs the page's busiest world (9 nodes, 20 client ops/s, checkers on:
/// `?nodes=9&workload=20`) through the timeline for hours of virtual time
/// and fails if its checkpoints ever pass the budget, its markers their
/// limit, or (on Linux) the process's peak memory the budget plus 64 MiB.
/// Then seeks into the far past, to show what the thinning costs.
fn soak(args: &[String]) -> Result<(), String> {
    use raftlab_sim::config::MAX_NODES_PAGE;
    use raftlab_sim::timeline::{CHECKPOINT_BUDGET_BYTES, MAX_MARKERS};
    let mut hours = 24u64;
    let mut seed = 1u64;
    let mut budget_mib = (CHECKPOINT_BUDGET_BYTES >> 20) as u64;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--hours" => hours = count(value(args, &mut i, "--hours")?, &SOAK_HOURS)?,
            "--seed" => seed = count(value(args, &mut i, "--seed")?, &limits::SEED)?,
            "--budget-mib" => {
                budget_mib = count(value(args, &mut i, "--budget-mib")?, &SOAK_BUDGET_MIB)?
            }
            other => return Err(format!("soak: unknown option {other:?}\n{USAGE}")),
        }
        i += 1;
    }
    let budget = (budget_mib as usize) << 20;
    outln!(
        "soak: the page's world (9 nodes, 20 client ops/s, checkers on), seed {seed}, \
         {hours} h of virtual time, checkpoint budget {budget_mib} MiB"
    );
    let mut cfg = WorldConfig {
        seed,
        nodes: MAX_NODES_PAGE,
        max_nodes: MAX_NODES_PAGE,
        ..WorldConfig::default()
    };
    cfg.workload.ops_per_sec = 20.0;
    let mut t = Timeline::new(cfg).map_err(|e| e.to_string())?;
    t.set_checkpoint_budget(budget);
    let repro = format!("raftlab-sim soak --seed {seed} --hours {hours} --budget-mib {budget_mib}");
    let mib = |b: usize| b as f64 / f64::from(1u32 << 20);
    let started = Instant::now();
    let (mut peak, mut peak_markers) = (0usize, 0usize);
    for minute in 1..=hours * 60 {
        t.advance_to(Micros::from_ms(minute * 60_000));
        peak = peak.max(t.checkpoint_bytes());
        peak_markers = peak_markers.max(t.markers().len());
        if let Some(v) = t.world().violation() {
            return Err(format!("soak: {v}\n  reproduce: {repro}"));
        }
        if minute % 60 == 0 {
            let w = t.world();
            outln!(
                "  {:>3} h: {:>11} events, {:>4} checkpoints, {:>5.1} MiB of {budget_mib} MiB, \
                 {:>5} markers, committed history {:>4.1} MiB (shared), peak RSS {}, {:.0} s",
                minute / 60,
                w.event_count(),
                t.checkpoint_count(),
                mib(t.checkpoint_bytes()),
                t.markers().len(),
                mib(w.invariants().committed_len() as usize * 16),
                peak_rss_kib().map_or("n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0)),
                started.elapsed().as_secs_f64()
            );
        }
    }
    // Seeks back from the head: the worst of five targets spread over a
    // tenth of each distance (where a target falls in its checkpoint gap
    // decides how much it replays).
    let head = t.head();
    for back_min in [1u64, 60, 6 * 60, 23 * 60] {
        if back_min * 60_000_000 >= head.0 {
            continue;
        }
        let (mut worst_ms, mut clock) = (0.0f64, "CPU time");
        for k in 0..5u64 {
            let back_us = back_min * 60_000_000 * (100 - 2 * k) / 100;
            t.seek(head);
            let (cpu, wall) = (thread_cpu_ns(), Instant::now());
            t.seek(Micros(head.0 - back_us));
            let ms = match (cpu, thread_cpu_ns()) {
                (Some(a), Some(b)) => (b - a) as f64 / 1e6,
                _ => {
                    clock = "wall-clock time";
                    wall.elapsed().as_secs_f64() * 1e3
                }
            };
            worst_ms = worst_ms.max(ms);
        }
        outln!(
            "  seek {back_min:>4} min back from the head: {worst_ms:.1} ms {clock} (worst of 5)"
        );
    }
    outln!(
        "soak: checkpoints peaked at {:.1} MiB of {budget_mib} MiB, markers at {peak_markers} of {MAX_MARKERS}",
        mib(peak)
    );
    if peak > budget {
        return Err(format!(
            "soak: checkpoints reached {:.1} MiB, over the {budget_mib} MiB budget\n  reproduce: {repro}",
            mib(peak)
        ));
    }
    // The estimate is what the budget holds; the process's own peak checks
    // it: the budget plus 64 MiB for the live world, the binary, the
    // markers and the checker's committed history (12 MiB in a day).
    let rss_limit_kib = (budget_mib + 64) * 1024;
    if let Some(kib) = peak_rss_kib().filter(|k| *k > rss_limit_kib) {
        return Err(format!(
            "soak: peak RSS reached {} MiB, over the {budget_mib} MiB budget plus 64 MiB\n  reproduce: {repro}",
            kib / 1024
        ));
    }
    if peak_markers > MAX_MARKERS {
        return Err(format!(
            "soak: {peak_markers} markers, over the limit of {MAX_MARKERS}\n  reproduce: {repro}"
        ));
    }
    Ok(())
}

/// Plays a guided tour in the terminal: each stop's narration, then what its
/// directives did. Without an id, lists the tours.
fn tour(args: &[String]) -> Result<(), String> {
    use raftlab_sim::tour::{builtin, Phase, TourRun, LANGS};
    let mut lang = "en".to_string();
    let mut id = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--lang" => lang = value(args, &mut i, "--lang")?.to_string(),
            a if a.starts_with("--") => return Err(format!("tour: unknown option {a}\n{USAGE}")),
            a => id = Some(a.to_string()),
        }
        i += 1;
    }
    if !LANGS.contains(&lang.as_str()) {
        return Err(format!("tour: --lang must be one of {}", LANGS.join(", ")));
    }
    let tours = builtin()?;
    let Some(id) = id else {
        for t in &tours {
            outln!("{:<12} {} ({} stops)", t.id, t.title(&lang), t.stops.len());
        }
        return Ok(());
    };
    let Some(tour) = tours.into_iter().find(|t| t.id == id) else {
        return Err(format!(
            "tour: no tour {id:?}; `raftlab-sim tour` lists them"
        ));
    };
    outln!(
        "# {} (seed {}, {} nodes)",
        tour.title(&lang),
        tour.config.seed,
        tour.config.nodes
    );
    let stops = tour.stops.len();
    let mut world = World::new(tour.config.clone()).map_err(|e| e.to_string())?;
    let mut run = TourRun::new(tour);
    let mut failed = 0;
    loop {
        outln!("\n## {}/{stops}", run.stop + 1);
        for p in run.tour.stops[run.stop].say(&lang) {
            outln!("{p}\n");
        }
        let phase = run.advance(&mut world, Micros(u64::MAX));
        for o in &run.outcomes {
            failed += usize::from(o.failed());
            match o.output().as_str() {
                "" => outln!("  > {}", o.text),
                out => outln!("  > {}\n    {}", o.text, out.replace('\n', "\n    ")),
            }
        }
        if phase == Phase::Finished {
            break;
        }
        let next = run.stop + 1;
        run.go_to(next);
    }
    if failed > 0 {
        Err(format!("{failed} step(s) of the tour failed"))
    } else {
        Ok(())
    }
}

thread_local! {
    /// The input being checked, for the panic hook: (part, seed, index, text).
    static CURRENT: std::cell::RefCell<(&'static str, u64, u64, String)> =
        const { std::cell::RefCell::new(("", 0, 0, String::new())) };
}

/// Mutated scripts and traces (`raftlab_sim::input_fuzz`): no input may
/// panic (CI builds this with overflow checks), and no accepted input may
/// hold a number beyond its limit. Half the inputs are scripts, half traces.
fn fuzz_inputs(args: &[String]) -> Result<(), String> {
    use raftlab_sim::input_fuzz::{
        check_link, check_script, check_trace, run, script_corpus, trace_corpus, LinkMutator,
        Mutator,
    };
    let mut total = 1_000_000u64;
    let mut links = 1_000_000u64;
    let mut seed = 1u64;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--count" => total = count(value(args, &mut i, "--count")?, &limits::FUZZ_INPUTS)?,
            "--links" => {
                let limit = Count {
                    name: "--links",
                    ..limits::FUZZ_INPUTS
                };
                links = count(value(args, &mut i, "--links")?, &limit)?
            }
            "--seed" => {
                let limit = Count {
                    name: "--seed",
                    ..limits::SEED
                };
                seed = count(value(args, &mut i, "--seed")?, &limit)?
            }
            other => return Err(format!("fuzz-inputs: unknown option {other:?}\n{USAGE}")),
        }
        i += 1;
    }
    outln!("fuzz-inputs: seed {seed} count {total} links {links}");
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        CURRENT.with(|c| {
            let (part, seed, index, text) = &*c.borrow();
            let again = if *part == "link" {
                format!("--count 1 --links {}", index + 1)
            } else {
                format!("--count {}", 2 * (index + 1))
            };
            eprintln!(
                "fuzz-inputs: {part} input #{index} panicked; reproduce with `raftlab-sim fuzz-inputs --seed {seed} {again}`\n{text:?}",
            );
        });
        default_hook(info);
    }));
    let started = Instant::now();
    type Check = fn(&str) -> Result<bool, String>;
    let parts: [(&'static str, Vec<String>, u64, Check); 2] = [
        ("script", script_corpus(), seed, check_script),
        ("trace", trace_corpus(), seed.wrapping_add(1), check_trace),
    ];
    let mut progress = Progress::new();
    for (part, corpus, part_seed, check) in parts {
        let n = if part == "script" {
            total.div_ceil(2)
        } else {
            total / 2
        };
        let t0 = Instant::now();
        // Traces are JSON: most byte flips break it, so mutate their numbers.
        let bias = if part == "trace" { 800 } else { 0 };
        let mut m = Mutator::new(part_seed, &corpus).with_number_bias(bias);
        let mut seen = |index: u64, text: &str| {
            CURRENT.with(|c| {
                let mut c = c.borrow_mut();
                c.0 = part;
                c.1 = seed;
                c.2 = index;
                c.3.clear();
                c.3.push_str(text);
            });
            progress.tick(|| format!("fuzz-inputs: {part} {index} of {n}"));
        };
        let mut check = |text: &str| check(text);
        let stats = run(&mut m, n, &mut seen, &mut check).map_err(|f| {
            format!(
                "{part} input #{} breaks a limit: {}\n{:?}\nreproduce with: raftlab-sim fuzz-inputs --seed {seed} --count {}",
                f.index,
                f.reason,
                f.input,
                2 * (f.index + 1)
            )
        })?;
        outln!(
            "  {part}s: {} inputs, {} accepted and within limits, {:.1} s",
            stats.inputs,
            stats.accepted,
            t0.elapsed().as_secs_f64()
        );
    }
    // Run links, on top of the count: the decoder alone takes its
    // million in seconds.
    let t0 = Instant::now();
    let link_seed = seed.wrapping_add(2);
    let mut m = LinkMutator::new(link_seed);
    let mut seen = |index: u64, text: &str| {
        CURRENT.with(|c| {
            let mut c = c.borrow_mut();
            c.0 = "link";
            c.1 = seed;
            c.2 = index;
            c.3.clear();
            c.3.push_str(text);
        });
        progress.tick(|| format!("fuzz-inputs: link {index} of {links}"));
    };
    let mut check = |text: &str| check_link(text);
    let stats = run(&mut m, links, &mut seen, &mut check).map_err(|f| {
        format!(
            "link input #{} is accepted but wrong: {}\n{:?}\nreproduce with: raftlab-sim fuzz-inputs --seed {seed} --count 1 --links {}",
            f.index,
            f.reason,
            f.input,
            f.index + 1
        )
    })?;
    outln!(
        "  links: {} inputs, {} accepted and within limits, {:.1} s",
        stats.inputs,
        stats.accepted,
        t0.elapsed().as_secs_f64()
    );
    outln!(
        "fuzz-inputs: {total} inputs and {links} run links, no panic, no accepted value beyond its limit ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `raftlab-sim bugs`: one line per bug switch — its name, the chaos profile
/// whose fuzzing must catch it, and the rule it breaks. `scripts/fuzz.sh`
/// reads it, so a new row in the core's table is fuzzed with no other edit.
fn bugs(args: &[String]) -> Result<(), String> {
    if let Some(a) = args.first() {
        return Err(format!("bugs: takes no arguments, got {a:?}\n{USAGE}"));
    }
    for s in &BUG_SWITCHES {
        outln!(
            "{} {} {}",
            s.name,
            ChaosProfile::catching(s.name).name(),
            s.rule
        );
    }
    Ok(())
}

/// `exercise list` and `exercise check FILE... | --builtin`: each file
/// parses, its starting state alone never reaches the goal within the time
/// limit, and its reference solution does, within the limits, using only
/// the allowed tools.
fn exercise(args: &[String]) -> Result<(), String> {
    use raftlab_sim::exercise::{builtin, parse_exercise, BUILTIN};
    match args.first().map(String::as_str) {
        Some("list") => {
            let all = builtin()?;
            for e in &all {
                outln!("{} {} {}", e.id, e.track.name(), e.title("en"));
            }
            Ok(())
        }
        Some("check") => {
            let mut files: Vec<(String, String)> = Vec::new();
            for a in &args[1..] {
                if a == "--builtin" {
                    files.extend(
                        BUILTIN
                            .iter()
                            .map(|(id, t)| (id.to_string(), t.to_string())),
                    );
                } else {
                    let text = std::fs::read_to_string(a).map_err(|e| format!("{a}: {e}"))?;
                    files.push((a.clone(), text));
                }
            }
            if files.is_empty() {
                return Err(format!("exercise check: name a FILE or --builtin\n{USAGE}"));
            }
            let mut failed = 0;
            for (name, text) in &files {
                let id = std::path::Path::new(name)
                    .file_stem()
                    .map_or(name.clone(), |s| s.to_string_lossy().into_owned());
                match parse_exercise(&id, text).and_then(|e| e.check()) {
                    Ok(r) => outln!(
                        "ok {name}: the reference solution reaches the goal in {} actions and {} ms; the starting state alone does not",
                        r.reference.actions,
                        r.reference.time.as_ms_f64()
                    ),
                    Err(e) => {
                        failed += 1;
                        outln!("FAILED {name}: {e}");
                    }
                }
            }
            if failed > 0 {
                return Err(format!("{failed} of {} exercises failed", files.len()));
            }
            Ok(())
        }
        _ => Err(format!("exercise: expected list or check\n{USAGE}")),
    }
}
