//! The input fuzzer in the ordinary test suite: a smaller count than the CI
//! run (`scripts/fuzz.sh`, `raftlab-sim fuzz-inputs`), in the debug build,
//! whose overflow checks turn any overflow into a failing panic.
//! `RAFTLAB_FUZZ_INPUTS=N` sets how many inputs each part tries.

use raftlab_sim::input_fuzz::{
    check_script, check_trace, run, script_corpus, trace_corpus, Mutator,
};

fn count() -> u64 {
    std::env::var("RAFTLAB_FUZZ_INPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

#[test]
fn mutated_scripts_never_panic_and_never_pass_a_limit() {
    let mut m = Mutator::new(1, &script_corpus());
    let stats = run(&mut m, count(), &mut |_, _| {}, &mut check_script)
        .unwrap_or_else(|f| panic!("input #{} {:?}: {}", f.index, f.input, f.reason));
    assert_eq!(stats.inputs, count());
    // The oracle checks something: a fair share of mutants still parse.
    assert!(stats.accepted * 20 > stats.inputs, "{stats:?}");
}

#[test]
fn mutated_traces_never_panic_and_never_pass_a_limit() {
    let mut m = Mutator::new(2, &trace_corpus()).with_number_bias(800);
    let stats = run(&mut m, count(), &mut |_, _| {}, &mut check_trace)
        .unwrap_or_else(|f| panic!("input #{} {:?}: {}", f.index, f.input, f.reason));
    assert_eq!(stats.inputs, count());
    assert!(stats.accepted * 20 > stats.inputs, "{stats:?}");
}
