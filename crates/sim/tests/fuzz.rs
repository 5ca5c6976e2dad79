//! The chaos fuzzer over a small fixed seed range (CI runs a larger range
//! through the release binary: see scripts/test.sh), and proof that the
//! bug-switch detection runs through the release binary too.

use raftlab_sim::fuzz::{fuzz_one, FuzzOptions};

fn opts(seed: u64, events: u64) -> FuzzOptions {
    FuzzOptions {
        seed,
        events,
        ..FuzzOptions::default()
    }
}

#[test]
fn chaos_then_calm_holds_for_a_seed_range() {
    let mut failures = Vec::new();
    for seed in 0..12 {
        let o = fuzz_one(&opts(seed, 6_000));
        if !o.passed() {
            failures.push(format!(
                "seed {seed}: {}{}\n  reproduce: {}",
                o.violation
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                o.liveness.clone().unwrap_or_default(),
                o.options.repro_command()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
