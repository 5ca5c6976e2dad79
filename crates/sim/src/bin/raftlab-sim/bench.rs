//! `raftlab-sim bench`: the benchmarks of `make bench`, as one table.
//!
//! Every figure is CPU time (`CLOCK_PROCESS_CPUTIME_ID`: work elsewhere on
//! a shared machine does not inflate it, as it does wall time) and is
//! printed beside its budget, with the machine's load before and after.
//! The workload is named by what it is: how many nodes and clients, the
//! writes offered and the reads, and what was committed.

use raftlab_core::{DetRng, Micros};
use raftlab_sim::{Timeline, World, WorldConfig};

use super::{emit, peak_rss_kib, real, value};
use raftlab_sim::limits;

/// Virtual seconds of one simulator run: ten minutes.
const RUN_SECONDS: u64 = 600;
/// The one-hour run that seeks are timed in.
const HOUR_SECONDS: u64 = 3_600;

/// Budgets, each with why it is what it is.
mod budget {
    /// A simulator at [`SIM_SPEED`] commits 72,000 writes a CPU second on
    /// the workload (5 nodes each persisting and applying them); a core at
    /// 200,000 leaves most of that second to the world around it.
    pub const CORE_PROPOSALS: f64 = 200_000.0;
    /// An hour of virtual time per CPU second, every checker on (issue 16).
    pub const SIM_SPEED: f64 = 3_600.0;
    /// One frame at 60 fps: a seek anywhere lands before the next frame.
    pub const SEEK_MS: f64 = 16.0;
    /// The timeline's checkpoint budget (64 MiB) plus 64 MiB for the world,
    /// the checker's history and the program, as `soak` allows.
    pub const MEMORY_MIB: f64 = 128.0;
}

/// The workload every simulator figure is measured on, RaftScope-matched:
/// 5 nodes; 20 clients, each writing (put, append or compare-and-set on 3
/// keys) then waiting 0.5–1.5 s after each answer: 20 writes a second
/// offered, no reads; checkers as asked; seed 1.
pub(crate) fn workload(checkers: bool) -> WorldConfig {
    let mut cfg = WorldConfig {
        nodes: 5,
        seed: 1,
        check_invariants: checkers,
        check_linearizability: checkers,
        ..WorldConfig::default()
    };
    cfg.workload.clients = 20;
    cfg.workload.ops_per_sec = 20.0;
    cfg.workload.read_fraction = 0.0;
    cfg.workload.keys = 3;
    cfg
}

/// Which part to run (`--only`), for profiling one of them alone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    All,
    Core,
    Off,
    On,
    Hour,
}

pub(crate) fn bench(args: &[String]) -> Result<(), String> {
    let mut seconds = 3.0f64;
    let mut part = Part::All;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seconds" => {
                seconds = real(value(args, &mut i, "--seconds")?, &limits::BENCH_SECONDS)?
            }
            "--only" => {
                part = match value(args, &mut i, "--only")? {
                    "core" => Part::Core,
                    "checkers-off" => Part::Off,
                    "checkers-on" => Part::On,
                    "hour" => Part::Hour,
                    other => {
                        return Err(format!(
                    "bench: --only takes core, checkers-off, checkers-on or hour (got {other:?})"
                ))
                    }
                }
            }
            other => return Err(format!("bench: unknown option {other:?}")),
        }
        i += 1;
    }
    let wants = |p: Part| part == Part::All || part == p;
    let load_before = load();
    outln!(
        "raftlab-sim bench: CPU time of this process (CLOCK_PROCESS_CPUTIME_ID), one thread; {} CPUs, load average {load_before} (1, 5, 15 min)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    outln!(
        "workload: 5 nodes, 20 clients offering 20 writes/s (each waits 0.5-1.5 s after an answer), no reads, 3 keys, seed 1; runs of {RUN_SECONDS} s of virtual time, repeated for at least {seconds} CPU s"
    );
    outln!("");
    outln!(
        "| {:<66} | {:>12} | {:>12} | {:<12} |",
        "figure",
        "measured",
        "budget",
        "verdict"
    );
    outln!("|{:-<68}|{:->14}|{:->14}|{:-<14}|", "", "", "", "");
    let mut notes = Vec::new();
    if wants(Part::Core) {
        match core_bench() {
            Ok(rate) => row(
                "core: proposals committed per CPU s (5 nodes, persisted)",
                rate,
                "",
                budget::CORE_PROPOSALS,
                true,
            ),
            Err(e) => notes.push(format!("core: not measured: {e}")),
        }
    }
    let mut speeds = [None, None];
    for (slot, label, checkers, p) in [
        (
            0,
            "simulator, checkers off: simulated s per CPU s",
            false,
            Part::Off,
        ),
        (
            1,
            "simulator, every checker on: simulated s per CPU s",
            true,
            Part::On,
        ),
    ] {
        if !wants(p) {
            continue;
        }
        let m = sim_speed(checkers, seconds)?;
        row(label, m.speed, "", budget::SIM_SPEED, true);
        notes.push(format!(
            "checkers {}: {} runs of {RUN_SECONDS} s in {:.2} CPU s; per run {} events, {:.1} writes/s committed by clients, {:.1} entries/s committed",
            if checkers { "on" } else { "off" },
            m.runs,
            m.cpu_s,
            m.events,
            m.writes as f64 / RUN_SECONDS as f64,
            m.committed as f64 / RUN_SECONDS as f64,
        ));
        speeds[slot] = Some(m);
    }
    if let [Some(off), Some(on)] = &speeds {
        let cost = 100.0 * (off.speed / on.speed - 1.0);
        outln!(
            "| {:<66} | {:>12} | {:>12} | {:<12} |",
            "what the checkers cost: CPU time, on over off",
            format!("+{cost:.0} %"),
            "-",
            "(measured)"
        );
    }
    if wants(Part::Hour) {
        let h = hour()?;
        row(
            "one-hour run: seek anywhere, worst of 50 (CPU ms)",
            h.worst_seek_ms,
            " ms",
            budget::SEEK_MS,
            false,
        );
        match h.peak_mib {
            Some(mib) => row(
                "one-hour run: peak resident memory (reset before the run)",
                mib,
                " MiB",
                budget::MEMORY_MIB,
                false,
            ),
            None => notes.push("one-hour run: peak memory not readable here".into()),
        }
        notes.push(format!(
            "one-hour run (timeline, checkers on): {} events, simulated in {:.2} CPU s ({:.0} simulated s per CPU s, checkpoints included), {} checkpoints ({:.1} MiB estimated)",
            h.events,
            h.cpu_s,
            HOUR_SECONDS as f64 / h.cpu_s,
            h.checkpoints,
            h.checkpoint_mib,
        ));
    }
    outln!("");
    for n in notes {
        outln!("{n}");
    }
    outln!("load average after: {} (before: {load_before})", load());
    Ok(())
}

/// Prints one table row: the figure, its budget (`at_least`: a floor, else
/// a ceiling) and whether it is met.
fn row(label: &str, measured: f64, unit: &str, budget: f64, at_least: bool) {
    let ok = if at_least {
        measured >= budget
    } else {
        measured <= budget
    };
    let fmt = |v: f64| {
        if v >= 100.0 {
            format!("{}{unit}", group(v.round() as u64))
        } else if v.fract() == 0.0 {
            format!("{v:.0}{unit}")
        } else {
            format!("{v:.1}{unit}")
        }
    };
    outln!(
        "| {:<66} | {:>12} | {:>12} | {:<12} |",
        label,
        fmt(measured),
        format!("{} {}", if at_least { ">=" } else { "<=" }, fmt(budget)),
        match (ok, at_least) {
            (true, _) => "ok",
            (false, true) => "BELOW BUDGET",
            (false, false) => "OVER BUDGET",
        }
    );
}

/// `1234567` as `1,234,567`.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs `bench_core` (the core crate's example, built next to this program
/// by `make bench`) and reads its rate: the core benchmarks itself, in its
/// own process, with its own CPU clock.
fn core_bench() -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = exe.parent().ok_or("no directory for this program")?;
    let path = dir.join("examples").join("bench_core");
    if !path.exists() {
        return Err(format!(
            "{} is not built (cargo build --profile fast -p raftlab-core --example bench_core)",
            path.display()
        ));
    }
    let out = std::process::Command::new(&path)
        .arg("--machine")
        .output()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .find_map(|kv| kv.strip_prefix("rate="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("bench_core said {text:?}"))
}

struct Speed {
    speed: f64,
    runs: u64,
    cpu_s: f64,
    events: u64,
    writes: u64,
    committed: u64,
}

/// Runs the workload for [`RUN_SECONDS`] of virtual time, again and again
/// until `min_cpu_s` of CPU time is spent (at least once): simulated
/// seconds per CPU second over all runs.
fn sim_speed(checkers: bool, min_cpu_s: f64) -> Result<Speed, String> {
    let (mut runs, mut cpu_s) = (0u64, 0.0f64);
    let (mut events, mut writes, mut committed) = (0, 0, 0);
    while runs == 0 || cpu_s < min_cpu_s {
        let started = cpu_seconds();
        let mut w = World::new(workload(checkers)).map_err(|e| e.to_string())?;
        // In slices, handing the notes on as the timeline does.
        for s in 1..=RUN_SECONDS {
            w.run_until(Micros::from_ms(s * 1_000));
            w.take_notes();
        }
        cpu_s += cpu_seconds() - started;
        runs += 1;
        if let Some(v) = w.violation() {
            return Err(format!("bench: the workload broke an invariant: {v}"));
        }
        events = w.event_count();
        writes = w.clients().values().map(|c| c.completed).sum::<u64>();
        committed = w
            .nodes()
            .keys()
            .filter_map(|id| w.raft(*id))
            .map(|r| r.commit_index().0)
            .max()
            .unwrap_or(0);
    }
    Ok(Speed {
        speed: (runs * RUN_SECONDS) as f64 / cpu_s,
        runs,
        cpu_s,
        events,
        writes,
        committed,
    })
}

struct Hour {
    events: u64,
    cpu_s: f64,
    checkpoints: usize,
    checkpoint_mib: f64,
    worst_seek_ms: f64,
    peak_mib: Option<f64>,
}

/// An hour of the workload (checkers on) through the timeline, as the page
/// runs it; then 50 seeks to random instants of it.
fn hour() -> Result<Hour, String> {
    reset_peak_memory();
    let started = cpu_seconds();
    let mut t = Timeline::new(workload(true)).map_err(|e| e.to_string())?;
    t.advance_to(Micros::from_ms(HOUR_SECONDS * 1_000));
    let cpu_s = cpu_seconds() - started;
    // The run's own count, before any seek moves the world back.
    let events = t.world().event_count();
    let mut worst = 0.0f64;
    let mut rng = DetRng::new(7);
    for _ in 0..50 {
        let target = Micros(rng.gen_range(0..=HOUR_SECONDS * 1_000_000));
        let before = cpu_seconds();
        t.seek(target);
        worst = worst.max((cpu_seconds() - before) * 1000.0);
    }
    Ok(Hour {
        events,
        cpu_s,
        checkpoints: t.checkpoint_count(),
        checkpoint_mib: t.checkpoint_bytes() as f64 / f64::from(1u32 << 20),
        worst_seek_ms: worst,
        peak_mib: peak_rss_kib().map(|k| k as f64 / 1024.0),
    })
}

/// The load average line of `/proc/loadavg` (1, 5 and 15 minutes).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// Resets the peak resident memory the kernel reports (Linux: writing `5`
/// to `clear_refs`), so the next reading is the one-hour run's own.
fn reset_peak_memory() {
    // Failing leaves the process's peak since start, which only overstates.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU time this process has used, in seconds.
#[cfg(unix)]
pub(crate) fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// Elsewhere std has no CPU clock: wall time, which a busy machine inflates.
#[cfg(not(unix))]
pub(crate) fn cpu_seconds() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}
