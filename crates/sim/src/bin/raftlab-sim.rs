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
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use raftlab_core::Micros;
use raftlab_sim::fuzz::{bug_names, fuzz_one, set_bug, FuzzOptions, HistoryVerdict};
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
  raftlab-sim tour [ID] [--lang en|zh]   (no ID: list the guided tours)";

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

fn number<T: std::str::FromStr>(s: &str, flag: &str) -> Result<T, String> {
    s.replace('_', "")
        .parse()
        .map_err(|_| format!("{flag}: {s:?} is not a valid number"))
}

fn fuzz(args: &[String]) -> Result<(), String> {
    let mut seeds = 0..1u64;
    let mut opts = FuzzOptions::default();
    let mut expect_violation = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                let s: u64 = number(value(args, &mut i, "--seed")?, "--seed")?;
                seeds = s..s + 1;
            }
            "--seeds" => {
                let v = value(args, &mut i, "--seeds")?;
                seeds = match v.split_once("..") {
                    Some((a, b)) => number(a, "--seeds")?..number(b, "--seeds")?,
                    None => 0..number(v, "--seeds")?,
                };
            }
            "--events" => opts.events = number(value(args, &mut i, "--events")?, "--events")?,
            "--nodes" => {
                let n: usize = number(value(args, &mut i, "--nodes")?, "--nodes")?;
                if !(1..=51).contains(&n) {
                    return Err(format!("--nodes must be between 1 and 51, got {n}"));
                }
                opts.nodes = Some(n);
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
    if seeds.is_empty() {
        return Err("the seed range is empty".into());
    }
    outln!(
        "fuzz: seeds {}..{} events {} nodes {} bugs [{}] membership {} profile {}",
        seeds.start,
        seeds.end,
        opts.events,
        opts.nodes.map_or("seeded".to_string(), |n| n.to_string()),
        bug_names(&opts.bugs).join(", "),
        opts.membership_changes,
        opts.profile.name()
    );
    let started = Instant::now();
    let total = seeds.end - seeds.start;
    let (mut passed, mut failed, mut events) = (0u64, 0u64, 0u64);
    // How the calm phase's linearizability checks went: decided (at first,
    // or by the longer search), undecided.
    let (mut decided, mut decided_longer, mut undecided) = (0u64, 0u64, 0u64);
    let mut first_catch = None;
    for (n, seed) in seeds.clone().enumerate() {
        let o = fuzz_one(&FuzzOptions {
            seed,
            ..opts.clone()
        });
        events += o.events;
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
                bug_names(&opts.bugs).join(", ")
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
        match raftlab_sim::scenario::run_file(&text, rewrite) {
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
                    "--seed" => config.seed = number(value(args, &mut i, "--seed")?, "--seed")?,
                    "--until-ms" => {
                        until = Micros::from_ms(number(
                            value(args, &mut i, "--until-ms")?,
                            "--until-ms",
                        )?)
                    }
                    "--with-events" => with_events = true,
                    other => return Err(format!("trace export: unknown option {other:?}")),
                }
                i += 1;
            }
            let mut t = Timeline::new(config).map_err(|e| e.to_string())?;
            t.advance_to(until);
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
            "--seconds" => seconds = number(value(args, &mut i, "--seconds")?, "--seconds")?,
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
        let mut events = 0u64;
        while started.elapsed().as_secs_f64() < seconds {
            for _ in 0..10_000 {
                w.step();
            }
            w.take_notes();
            events += 10_000;
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
            failed += usize::from(o.failed);
            match o.output.as_str() {
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
