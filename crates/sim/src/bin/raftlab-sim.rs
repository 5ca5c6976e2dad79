//! The headless runner: chaos fuzzing over seed ranges, scenario scripts,
//! traces, and throughput benchmarks.
//!
//! ```text
//! raftlab-sim fuzz [--seed N | --seeds A..B | --seeds N] [--events M] [--nodes K]
//!                  [--bug NAME]... [--no-membership] [--expect-violation]
//!                  [--profile mixed|figure8|restarts]
//! raftlab-sim run FILE... [--rewrite]
//! raftlab-sim trace export --seed N [--until-ms T] [--with-events]   (JSON to stdout)
//! raftlab-sim trace check FILE|-   (- reads stdin)
//! raftlab-sim bench [--seconds S]
//! raftlab-sim soak [--hours H] [--seed N] [--budget-mib M]
//! raftlab-sim tour [ID] [--lang en|zh]
//! ```

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use raftlab_core::Micros;
use raftlab_sim::fuzz::{bug_names, fuzz_one, set_bug, FuzzOptions};
use raftlab_sim::profile::ChaosProfile;
use raftlab_sim::{Timeline, Trace, World, WorldConfig};

const USAGE: &str = "usage:
  raftlab-sim fuzz [--seed N | --seeds A..B | --seeds N] [--events M] [--nodes K]
                   [--bug NAME]... [--no-membership] [--expect-violation]
                   [--profile mixed|figure8|restarts]
  raftlab-sim run FILE... [--rewrite]
  raftlab-sim trace export --seed N [--until-ms T] [--with-events]
  raftlab-sim trace check FILE|-   (- reads stdin)
  raftlab-sim bench [--seconds S]
  raftlab-sim soak [--hours H] [--seed N] [--budget-mib M]
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
        Some("soak") => soak(&args[1..]),
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
    let mut first_catch = None;
    for (n, seed) in seeds.clone().enumerate() {
        let o = fuzz_one(&FuzzOptions {
            seed,
            ..opts.clone()
        });
        events += o.events;
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
        let (cpu, wall) = (thread_cpu_ns(), Instant::now());
        t.seek(target);
        let ms = match (cpu, thread_cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e6,
            _ => wall.elapsed().as_secs_f64() * 1000.0,
        };
        worst = worst.max(ms);
    }
    outln!(
        "  one-hour run: simulated in {:.1} s, {} events, {} checkpoints ({:.1} MiB estimated)",
        build_s,
        t.head_event(),
        t.checkpoint_count(),
        t.checkpoint_bytes() as f64 / f64::from(1u32 << 20)
    );
    outln!(
        "  seek anywhere in it (worst of 50, CPU time): {worst:>8.2} ms   budget <= 16 ms   {}",
        if worst <= 16.0 { "ok" } else { "OVER BUDGET" }
    );
    Ok(())
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
            "--hours" => hours = number(value(args, &mut i, "--hours")?, "--hours")?,
            "--seed" => seed = number(value(args, &mut i, "--seed")?, "--seed")?,
            "--budget-mib" => {
                budget_mib = number(value(args, &mut i, "--budget-mib")?, "--budget-mib")?
            }
            other => return Err(format!("soak: unknown option {other:?}\n{USAGE}")),
        }
        i += 1;
    }
    if !(1..=168).contains(&hours) {
        return Err(format!(
            "soak: --hours must be between 1 and 168 (a week), got {hours}"
        ));
    }
    if !(1..=4_096).contains(&budget_mib) {
        return Err(format!(
            "soak: --budget-mib must be between 1 and 4096, got {budget_mib}"
        ));
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
