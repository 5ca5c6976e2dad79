//! Runs every scenario script in `crates/sim/scenarios/` and compares its
//! transcript with the golden blocks in the file. To accept new output:
//! `cargo run -p raftlab-sim --bin raftlab-sim -- run crates/sim/scenarios/*.txt --rewrite`
//! (or `RAFTLAB_REWRITE=1 cargo test -p raftlab-sim --test scenarios`).

use raftlab_sim::scenario::{check_dir, run_file};

#[test]
fn every_scenario_matches_its_golden_transcript() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"));
    let rewrite = std::env::var_os("RAFTLAB_REWRITE").is_some();
    let (files, failures) = check_dir(dir, rewrite).expect("scenarios directory");
    assert!(files >= 12, "the MIT 6.5840 ports are all there");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_wrong_golden_block_is_reported() {
    let text = "nodes 3\nrun until leader within 2s\n----\nleader n9 (term 7)\n\n";
    let report = run_file(text, false).unwrap();
    assert_eq!(report.mismatches.len(), 1, "{:?}", report.mismatches);
    assert!(report.rewritten.contains("leader n"));
}

#[test]
fn a_failed_expectation_fails_even_without_golden_output() {
    let report = run_file("nodes 3\nrun 1ms\nexpect leader\n", false).unwrap();
    assert!(
        report.mismatches.iter().any(|m| m.contains("FAILED")),
        "{:?}",
        report.mismatches
    );
}

#[test]
fn bad_scripts_get_a_line_number_not_a_panic() {
    let err = run_file("nodes 3\nfrobnicate n1\n", false).unwrap_err();
    assert!(err.contains("line 2"), "{err}");
    let err = run_file("nodes 3\ncrash n9\n", false).unwrap_err();
    assert!(err.contains("n9"), "{err}");
    let report = run_file("nodes 3\nrun 1ms\ntransfer n2\n", false).unwrap();
    assert!(
        report.mismatches[0].contains("no leader"),
        "{:?}",
        report.mismatches
    );
}
