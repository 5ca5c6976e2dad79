//! The headless runner: chaos fuzzing over seed ranges, scenario scripts,
//! traces, and throughput benchmarks.
//!
//! ```text
//! raftlab-sim fuzz [--seed N | --seeds A..B | --seeds N] [--events M] [--nodes K]
//!                  [--bug NAME]... [--no-membership] [--expect-violation]
//!                  [--profile mixed|figure8|restarts]
//! raftlab-sim run FILE... [--rewrite]
//! raftlab-sim trace export --seed N [--until-ms T] [--with-events]   (JSON to stdout)
//! raftlab-sim trace check FILE
//! raftlab-sim bench [--seconds S]
//! raftlab-sim tour [ID] [--lang en|zh]
//! raftlab-sim fuzz-inputs [--count N] [--seed S]
//! ```
//!
//! Every number is checked against its limit in `raftlab_sim::limits`;
//! long runs report progress on stderr.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use raftlab_core::Micros;
use raftlab_sim::fuzz::{bug_names, fuzz_one, set_bug, FuzzOptions};
use raftlab_sim::limits::{self, Count, Real};
use raftlab_sim::profile::ChaosProfile;
use raftlab_sim::{Timeline, Trace, World, WorldConfig};

const USAGE: &str = "usage:
  raftlab-sim fuzz [--seed N | --seeds A..B | --seeds N] [--events M] [--nodes K]
                   [--bug NAME]... [--no-membership] [--expect-violation]
                   [--profile mixed|figure8|restarts]
  raftlab-sim run FILE... [--rewrite]
  raftlab-sim trace export --seed N [--until-ms T] [--with-events]
  raftlab-sim trace check FILE
  raftlab-sim bench [--seconds S]
  raftlab-sim tour [ID] [--lang en|zh]   (no ID: list the guided tours)
  raftlab-sim fuzz-inputs [--count N] [--seed S]   (mutated scripts and traces)";

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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("fuzz") => fuzz(&args[1..]),
        Some("run") => run_scripts(&args[1..]),
        Some("trace") => trace(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("tour") => tour(&args[1..]),
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
            "--bug" => set_bug(&mut opts.bugs, value(args, &mut i, "--bug")?, true)?,
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
        bug_names(&opts.bugs).join(", "),
        opts.membership_changes,
        opts.profile.name()
    );
    let started = Instant::now();
    let mut progress = Progress::new();
    let (mut passed, mut failed, mut events) = (0u64, 0u64, 0u64);
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
        if o.passed() {
            passed += 1;
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
                bug_names(&opts.bugs).join(", ")
            )),
        };
    }
    outln!("{passed} passed, {failed} failed");
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
            let f = args.get(1).ok_or("trace check: name a file")?;
            let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?;
            let trace = Trace::from_json(&text).map_err(|e| format!("{f}: {e}"))?;
            let t = trace
                .replay()
                .map_err(|e| format!("{f}: cannot replay: {e}"))?;
            let w = t.world();
            outln!(
                "{f}: seed {} replayed to {:.3} s, {} events, leader {}, {}",
                trace.config.seed,
                w.now().as_ms_f64() / 1000.0,
                w.event_count(),
                w.leader().map_or("none".into(), |l| l.to_string()),
                w.violation()
                    .map_or("all invariants hold".into(), |v| v.to_string())
            );
            Ok(())
        }
        _ => Err(format!("trace: say export or check\n{USAGE}")),
    }
}

fn bench(args: &[String]) -> Result<(), String> {
    let mut seconds = 3.0f64;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seconds" => {
                seconds = real(value(args, &mut i, "--seconds")?, &limits::BENCH_SECONDS)?
            }
            other => return Err(format!("bench: unknown option {other:?}")),
        }
        i += 1;
    }
    outln!("bench: 5 nodes, 20 client ops/s, release build, one core");
    for (label, checks, budget) in [
        ("checkers off", false, 1_000_000.0),
        ("checkers on", true, 300_000.0),
    ] {
        let mut cfg = WorldConfig::default();
        cfg.workload.ops_per_sec = 20.0;
        cfg.check_invariants = checks;
        cfg.check_linearizability = checks;
        let mut w = World::new(cfg).map_err(|e| e.to_string())?;
        let started = Instant::now();
        let mut progress = Progress::new();
        let mut events = 0u64;
        while started.elapsed().as_secs_f64() < seconds {
            for _ in 0..10_000 {
                w.step();
            }
            w.take_notes();
            events += 10_000;
            progress.tick(|| {
                format!(
                    "bench ({label}): {:.0} of {seconds} s, {events} events",
                    started.elapsed().as_secs_f64()
                )
            });
        }
        let rate = events as f64 / started.elapsed().as_secs_f64();
        outln!(
            "  simulated events/s ({label}): {:>12.0}   budget >= {:>9.0}   {}",
            rate,
            budget,
            if rate >= budget { "ok" } else { "BELOW BUDGET" }
        );
    }
    // Seek in a one-hour run.
    let mut cfg = WorldConfig::default();
    cfg.workload.ops_per_sec = 20.0;
    let built = Instant::now();
    let mut t = Timeline::new(cfg).map_err(|e| e.to_string())?;
    t.advance_to(Micros::from_ms(3_600_000));
    let build_s = built.elapsed().as_secs_f64();
    let mut worst = 0.0f64;
    let mut rng = raftlab_core::DetRng::new(7);
    for _ in 0..50 {
        let target = Micros(rng.gen_range(0..=3_600_000_000));
        let s = Instant::now();
        t.seek(target);
        worst = worst.max(s.elapsed().as_secs_f64() * 1000.0);
    }
    outln!(
        "  one-hour run: simulated in {:.1} s, {} events, {} checkpoints",
        build_s,
        t.world().event_count(),
        t.checkpoint_count()
    );
    outln!(
        "  seek anywhere in it (worst of 50): {worst:>8.2} ms   budget <= 16 ms   {}",
        if worst <= 16.0 { "ok" } else { "OVER BUDGET" }
    );
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
        check_script, check_trace, run, script_corpus, trace_corpus, Mutator,
    };
    let mut total = 1_000_000u64;
    let mut seed = 1u64;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--count" => total = count(value(args, &mut i, "--count")?, &limits::FUZZ_INPUTS)?,
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
    outln!("fuzz-inputs: seed {seed} count {total}");
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        CURRENT.with(|c| {
            let (part, seed, index, text) = &*c.borrow();
            eprintln!(
                "fuzz-inputs: {part} input #{index} panicked; reproduce with `raftlab-sim fuzz-inputs --seed {seed} --count {}`\n{text:?}",
                2 * (index + 1)
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
    outln!(
        "fuzz-inputs: {total} inputs, no panic, no accepted value beyond its limit ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
