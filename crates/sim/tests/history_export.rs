//! Exported client histories read back: 100 fuzzed seeds (chaos, then
//! calm), each written in Porcupine's JSON and Jepsen's EDN, read back
//! into the very same history, with the same verdict from the checker.

use raftlab_sim::fuzz::{fuzz_run, FuzzOptions};
use raftlab_sim::history_export::{history_of, Format};
use raftlab_sim::linearizability::check_all;
use raftlab_sim::Trace;

#[test]
fn exported_histories_of_100_fuzzed_seeds_read_back() {
    let mut ops_total = 0;
    let mut unknown = 0;
    for seed in 0..100 {
        let opts = FuzzOptions {
            seed,
            events: 6_000,
            ..FuzzOptions::default()
        };
        let (_, world) = fuzz_run(&opts);
        let world = world.expect("the fuzzer's settings are valid");
        let history = history_of(&Trace::from_world(&world))
            .unwrap_or_else(|e| panic!("seed {seed}: replay: {e}"));
        // The full history holds every operation the live checker still
        // keeps, under the same id.
        for op in world.linearizability().history().ops() {
            assert_eq!(history.op(op.id), Some(op), "seed {seed}: op {}", op.id);
        }
        assert!(!history.is_empty(), "seed {seed}: no client operation");
        let verdict = check_all(&history);
        for f in [Format::Porcupine, Format::Edn] {
            let text = f.write(&history);
            let back = f
                .read(&text)
                .unwrap_or_else(|e| panic!("seed {seed} {f:?}: {e}"));
            assert_eq!(
                back.ops().collect::<Vec<_>>(),
                history.ops().collect::<Vec<_>>(),
                "seed {seed} {f:?}"
            );
            assert_eq!(check_all(&back), verdict, "seed {seed} {f:?}");
        }
        ops_total += history.len();
        unknown += history
            .ops()
            .filter(|o| o.outcome == raftlab_sim::linearizability::Outcome::Unknown)
            .count();
    }
    // The seeds exercise what the formats must carry.
    assert!(ops_total > 1_000, "{ops_total} operations");
    assert!(unknown > 0, "no operation with an unknown outcome");
}
