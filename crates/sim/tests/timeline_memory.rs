//! The timeline's memory stays bounded: the checkpoint size estimate is
//! held against what a clone really allocates (counted by this test
//! binary's allocator), the checkpoints against their budget over a long
//! run of the page's busiest world, and the markers and the action log
//! against their limits. Thinning never changes a run.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeSet;

use raftlab_core::{Micros, NodeId};
use raftlab_sim::action::MAX_ACTIONS;
use raftlab_sim::config::MAX_NODES_PAGE;
use raftlab_sim::kv::KvOp;
use raftlab_sim::timeline::{world_bytes, MAX_MARKERS};
use raftlab_sim::{Action, Timeline, World, WorldConfig};

/// Counts the bytes each thread allocates and holds, so tests running in
/// parallel do not see each other's allocations.
struct Counting;

thread_local! {
    /// Bytes allocated so far.
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
    /// Bytes allocated minus bytes freed (by this thread).
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn count(allocated: usize, freed: usize) {
    let _ = ALLOCATED.try_with(|c| c.set(c.get() + allocated));
    let _ = LIVE.try_with(|c| c.set(c.get() + allocated as isize - freed as isize));
}

// SAFETY: every call is passed straight to the system allocator; the
// counters are const-initialized thread-locals that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), 0);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(0, layout.size());
        System.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), 0);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size, layout.size());
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Bytes a clone of `w` takes: what it allocates plus the world itself.
fn clone_bytes(w: &World) -> usize {
    let before = ALLOCATED.with(Cell::get);
    let copy = w.clone();
    let after = ALLOCATED.with(Cell::get);
    drop(copy);
    after - before + std::mem::size_of::<World>()
}

fn ms(v: u64) -> Micros {
    Micros::from_ms(v)
}

/// The page's busiest world: `?nodes=9&workload=20` (see
/// `crates/app/src/view_model/params.rs` and `driver.rs`: the page's
/// defaults, nine nodes, 20 background operations a second, every checker
/// on, and the page's node limit).
fn page_world_config(seed: u64) -> WorldConfig {
    let mut c = WorldConfig {
        seed,
        nodes: MAX_NODES_PAGE,
        max_nodes: MAX_NODES_PAGE,
        ..WorldConfig::default()
    };
    c.workload.ops_per_sec = 20.0;
    assert!(c.check_invariants && c.check_linearizability);
    c
}

/// Worlds of every shape the page or a script can make: the estimate must
/// cover what their clones really allocate, without wasting the budget.
fn shapes() -> Vec<(&'static str, World)> {
    let mut out = Vec::new();
    let run = |cfg: WorldConfig, t: u64| {
        let mut w = World::new(cfg).unwrap();
        w.run_until(ms(t));
        w
    };
    out.push((
        "fresh default world",
        World::new(WorldConfig::default()).unwrap(),
    ));
    out.push(("default world, 10 s", run(WorldConfig::default(), 10_000)));
    out.push((
        "page's busiest world, 10 s",
        run(page_world_config(1), 10_000),
    ));
    out.push((
        "page's busiest world, 120 s",
        run(page_world_config(2), 120_000),
    ));
    out.push((
        "one node",
        run(
            WorldConfig {
                nodes: 1,
                ..WorldConfig::default()
            },
            5_000,
        ),
    ));
    out.push((
        "51 nodes",
        run(
            WorldConfig {
                nodes: 51,
                ..WorldConfig::default()
            },
            2_000,
        ),
    ));
    // Long logs: no compaction, a busy workload.
    let mut cfg = WorldConfig {
        snapshot_every: None,
        ..WorldConfig::default()
    };
    cfg.workload.ops_per_sec = 100.0;
    out.push(("no compaction, 100 ops/s, 30 s", run(cfg, 30_000)));
    // A leader cut off in the minority piles up uncommitted entries.
    let mut cfg = WorldConfig::default();
    cfg.workload.ops_per_sec = 50.0;
    let mut w = World::new(cfg).unwrap();
    w.run_until(ms(2_000));
    let leader = w.leader().unwrap();
    let minority: BTreeSet<NodeId> = [leader].into();
    w.apply(Action::Partition(vec![minority])).unwrap();
    for i in 0..300 {
        w.apply(Action::ClientRequest {
            op: KvOp::Put {
                key: "k".into(),
                value: format!("value {i} with some length to it"),
            },
            via: Some(leader),
        })
        .unwrap();
    }
    w.run_until(ms(6_000));
    out.push(("minority leader with 300 uncommitted puts", w));
    // Slow disks: writes pending, inputs queued.
    let mut cfg = WorldConfig {
        disk_latency: ms(40),
        ..WorldConfig::default()
    };
    cfg.workload.ops_per_sec = 50.0;
    out.push(("40 ms disks, 50 ops/s", run(cfg, 5_000)));
    // Held messages and many recorded actions.
    let mut w = World::new(WorldConfig::default()).unwrap();
    w.run_until(ms(3_000));
    for _ in 0..200 {
        w.run_events(3);
        let ids: Vec<_> = w.network().in_flight.keys().copied().collect();
        for id in ids {
            let _ = w.apply(Action::Hold(id));
        }
    }
    for _ in 0..1_500 {
        w.apply(Action::HealAll).unwrap();
    }
    out.push(("held messages, 1,500+ actions", w));
    // A timeline takes a world's notes (for its markers) before it
    // checkpoints it.
    for (_, w) in &mut out {
        w.take_notes();
    }
    out
}

/// The estimate a checkpoint is charged is never below what its clone
/// allocates, and not so far above that the budget is wasted.
#[test]
fn the_checkpoint_estimate_covers_what_a_clone_allocates() {
    let mut report = Vec::new();
    for (name, w) in shapes() {
        let real = clone_bytes(&w);
        let estimate = world_bytes(&w);
        let ratio = estimate as f64 / real as f64;
        report.push(format!(
            "{name}: clone {real} B, estimate {estimate} B ({ratio:.2}x)"
        ));
        assert!(
            estimate >= real,
            "{name}: the estimate {estimate} B is below the clone's {real} B\n{}",
            report.join("\n")
        );
        assert!(
            ratio <= 3.0,
            "{name}: the estimate {estimate} B wastes the budget on a {real} B clone\n{}",
            report.join("\n")
        );
    }
    println!("{}", report.join("\n"));
}

/// Runs the page's busiest world for `minutes` of virtual time with the
/// checkpoints held to `budget` bytes, checking every minute that they
/// stay under it, and that the heap the run holds (the timeline with its
/// checkpoints, markers and actions, counted by this binary's allocator)
/// stays under the budget plus 2 MiB for the live world, plus the
/// checker's committed history (16 bytes an entry, shared by every clone,
/// the one thing still growing with the run: about 0.5 MiB a simulated
/// hour here).
fn soak(minutes: u64, budget: usize) -> Timeline {
    const MIB: usize = 1 << 20;
    let before = LIVE.with(Cell::get);
    let mut t = Timeline::new(page_world_config(1)).unwrap();
    t.set_checkpoint_budget(budget);
    let mut thinned = false;
    for m in 1..=minutes {
        t.advance_to(ms(m * 60_000));
        assert!(
            t.world().violation().is_none(),
            "{:?}",
            t.world().violation()
        );
        assert!(
            t.checkpoint_bytes() <= budget,
            "minute {m}: {} bytes of checkpoints, budget {budget}",
            t.checkpoint_bytes()
        );
        let held = (LIVE.with(Cell::get) - before) as usize;
        let history = 2 * 16 * t.world().invariants().committed_len() as usize;
        assert!(
            held <= budget + 2 * MIB + history,
            "minute {m}: the run holds {held} bytes of heap with a {budget}-byte budget \
             and {history} bytes of committed history"
        );
        thinned |= t.checkpoint_events().len() < t.world().event_count() as usize / 4_096;
        assert!(t.markers().len() <= MAX_MARKERS);
    }
    assert!(
        thinned,
        "the budget never made the timeline thin its checkpoints"
    );
    t
}

/// The page's busiest world for 20 minutes of virtual time, checkpoints
/// held to 2 MiB (a handful), so the thinning runs all along: memory stays
/// under the budget, and the checkpoints grow sparser into the past.
#[test]
fn the_page_world_stays_under_a_small_checkpoint_budget() {
    let budget = 2 << 20;
    let t = soak(20, budget);
    let ev = t.checkpoint_events();
    assert!(ev.len() >= 4, "{ev:?}");
    assert_eq!(ev[0], 0, "the start is always kept");
    let gaps: Vec<u64> = ev.windows(2).map(|w| w[1] - w[0]).collect();
    // The newest gap is the shortest, the oldest among the longest.
    assert_eq!(gaps.last(), gaps.iter().min(), "{gaps:?}");
    assert!(gaps[0] * 2 >= *gaps.iter().max().unwrap(), "{gaps:?}");
}

/// The whole day, with the page's real budget: `scripts/fuzz.sh` runs it
/// natively as `raftlab-sim soak --hours 24` (this is the same check, for
/// `cargo test --release -- --ignored`; a debug build takes a quarter of
/// an hour).
#[test]
#[ignore = "24 simulated hours: run by scripts/fuzz.sh as `raftlab-sim soak --hours 24`"]
fn the_page_world_stays_under_64_mib_for_a_day() {
    soak(24 * 60, raftlab_sim::timeline::CHECKPOINT_BUDGET_BYTES);
}

/// Which checkpoint a seek starts from never changes the run: a timeline
/// thinned to a few checkpoints shows, everywhere, what one keeping all of
/// them shows, forks and recorded actions included.
#[test]
fn thinning_never_changes_the_run() {
    let mut thin = Timeline::new(page_world_config(5)).unwrap();
    thin.set_checkpoint_budget(1 << 20);
    let mut full = Timeline::new(page_world_config(5)).unwrap();
    for t in [&mut thin, &mut full] {
        t.advance_to(ms(20_000));
        let leader = t.world().leader().unwrap();
        t.apply(Action::Crash(leader)).unwrap();
        t.advance_to(ms(40_000));
        t.apply(Action::Restart(leader)).unwrap();
        t.advance_to(ms(70_000));
        // Fork: back to 50 s, a partition instead of what followed.
        t.seek(ms(50_000));
        let group: BTreeSet<NodeId> = [NodeId(1), NodeId(2)].into();
        t.apply(Action::Partition(vec![group])).unwrap();
        t.advance_to(ms(90_000));
    }
    assert!(thin.checkpoint_count() < full.checkpoint_count() / 2);
    let mut rng = raftlab_core::DetRng::new(3);
    for _ in 0..12 {
        let at = Micros(rng.gen_range(0..=90_000_000));
        thin.seek(at);
        full.seek(at);
        assert_eq!(
            serde_json::to_string(&thin.world().snapshot()).unwrap(),
            serde_json::to_string(&full.world().snapshot()).unwrap(),
            "at {at}"
        );
    }
}

/// However many actions a run records, its markers stay under the limit:
/// the most numerous kind is thinned in its older half, the newest kept.
#[test]
fn markers_stay_under_their_limit() {
    let mut t = Timeline::new(WorldConfig::default()).unwrap();
    t.advance_to(ms(1_000));
    for i in 0..(MAX_MARKERS + MAX_MARKERS / 2) {
        let now = t.now();
        t.advance_to(now + ms(5));
        t.apply(Action::ClientRequest {
            op: KvOp::Get {
                key: format!("k{}", i % 3),
            },
            via: None,
        })
        .unwrap();
        assert!(t.markers().len() <= MAX_MARKERS, "{}", t.markers().len());
    }
    let m = t.markers();
    assert!(m.windows(2).all(|w| w[0].at <= w[1].at), "in time order");
    let last = t.actions().last().unwrap();
    assert!(
        m.iter()
            .rev()
            .take(3)
            .any(|m| m.event == last.at_event && m.at == last.at),
        "the newest action is marked"
    );
}

/// The action log replay needs cannot be thinned, so it is capped: the
/// 100,001st action is refused, with the limit named, and a trace with
/// more is refused on import.
#[test]
fn the_action_log_is_capped() {
    let mut w = World::new(WorldConfig::default()).unwrap();
    for _ in 0..MAX_ACTIONS {
        w.apply(Action::HealAll).unwrap();
        if w.action_count().is_multiple_of(10_000) {
            w.take_notes();
        }
    }
    let err = w.apply(Action::HealAll).unwrap_err().to_string();
    assert!(err.contains(&MAX_ACTIONS.to_string()), "{err}");
    assert_eq!(w.action_count(), MAX_ACTIONS);
    let mut trace = raftlab_sim::Trace::from_world(&w);
    trace.actions.push(trace.actions[0].clone());
    let err = raftlab_sim::Trace::from_json(&trace.to_json())
        .unwrap_err()
        .to_string();
    assert!(err.contains("100001 actions"), "{err}");
}
