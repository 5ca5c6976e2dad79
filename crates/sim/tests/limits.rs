//! Every number a user can type is limited, and a value out of range gets
//! one message naming the field, the range and the unit. Each case here is
//! one of an independent tester's reproductions: before, a debug build
//! panicked on it and a release build silently ran something else.

use raftlab_core::Micros;
use raftlab_sim::limits::{self, table};
use raftlab_sim::scenario::run_file;
use raftlab_sim::script::{parse_script, rewrite};
use raftlab_sim::{Timeline, Trace, World, WorldConfig};

fn parse_err(text: &str) -> String {
    parse_script(text).unwrap_err().to_string()
}

/// `set snapshot-every 18446744073709551615` compacted after every entry
/// (`base + every` wrapped).
#[test]
fn a_huge_snapshot_interval_is_refused() {
    assert_eq!(
        parse_err("nodes 3\nset snapshot-every 18446744073709551615\n"),
        "line 2:20: `snapshot-every` must be between 1 and 100000 entries (got 18446744073709551615)"
    );
    assert!(parse_err("set snapshot-every 0").contains("between 1 and 100000 entries (got 0)"));
    assert!(parse_script("set snapshot-every 100000").is_ok());
}

/// `run 99999999s` and `step 18446744073709551615` ran for hours.
#[test]
fn runs_and_steps_are_bounded() {
    assert_eq!(
        parse_err("run 99999999s"),
        "line 1:5: `run` must be between 0 and 86400000 ms (got 99999999s)"
    );
    assert_eq!(
        parse_err("step 18446744073709551615"),
        "line 1:6: `step` must be between 0 and 1000000 events (got 18446744073709551615)"
    );
    assert!(parse_err("run 99999999999999999999s").contains("`run` must be between"));
    assert!(parse_script("run 24h").is_err(), "h is not a unit");
    assert!(parse_script("run 86400s\nstep 1000000").is_ok());
    assert!(parse_err("run until leader within 86401s").contains("`within` must be between"));
    assert!(parse_err("skew n2 +61s").contains("`skew` must be between 0 and 60000 ms"));
    assert!(parse_err("expect term > 18446744073709551616").contains("`term` must be between"));
    assert!(parse_err("run until committed 99999999999 within 1s").contains("`log index`"));
}

/// Settings name the field as typed and the unit people use, ms.
#[test]
fn settings_messages_use_the_typed_name_and_ms() {
    assert_eq!(
        parse_err("set heartbeat 0ms"),
        "line 1:15: `heartbeat` must be between 1 and 60000 ms (got 0ms)"
    );
    assert_eq!(
        parse_err("set latency 5ms..61s"),
        "line 1:13: `latency` must be between 0 and 60000 ms (got 5ms..61s)"
    );
    assert_eq!(
        parse_err("set drop 1.5"),
        "line 1:10: `drop` must be between 0 and 1 (got 1.5)"
    );
    assert_eq!(
        parse_err("workload 1e-13"),
        "line 1:10: `workload` must be 0 (off) or between 0.01 and 10000 ops/s (got 1e-13)"
    );
    assert_eq!(
        parse_err("workload 5 keys 27"),
        "line 1:17: `keys` must be between 1 and 26 keys (got 27)"
    );
    assert!(parse_script("workload 0\nworkload 0.5 reads 0.25").is_ok());
}

/// A cross-field problem (heartbeat vs election timeout) is found when the
/// world is built: reported once, in ms, with the typed names, and the
/// directives after it do not each repeat it.
#[test]
fn refused_settings_are_reported_once() {
    let text = "nodes 3\nset heartbeat 200ms\nrun 1s\nrun 1s\ncrash n1\nexpect leader\n";
    let report = run_file(text, false).unwrap();
    assert_eq!(report.mismatches.len(), 1, "{:#?}", report.mismatches);
    assert_eq!(
        report.mismatches[0],
        "line 3: `run 1s`: invalid settings: `heartbeat` (200 ms) must be shorter than the shortest `election` timeout (150 ms); the script stops here"
    );
    assert_eq!(report.outputs.len(), 3);
    // A rewrite keeps the blocks of the directives that did not run.
    let text = "set heartbeat 200ms\nrun 1s\ncrash n1\n----\ncrashed n1\n";
    let report = run_file(text, true).unwrap();
    assert!(report.rewritten.contains("crash n1\n----\ncrashed n1"));
}

/// `promote n40` of a node that does not exist was accepted and stalled
/// every later commit (a voter that never votes).
#[test]
fn promoting_an_unknown_node_is_refused_naming_it() {
    let report = run_file("promote n40\nrun 1s\n", false).unwrap();
    assert_eq!(
        report.outputs[0],
        "error: there is no node n40 in the cluster (it has n1 n2 n3 n4 n5)"
    );
    assert!(parse_err("nodes 3\npromote n40").contains("unknown node \"n40\""));
}

fn trace_with(edit: impl FnOnce(&mut WorldConfig)) -> String {
    let t = Timeline::new(WorldConfig::default()).unwrap();
    let mut trace = Trace::from_timeline(&t);
    edit(&mut trace.config);
    trace.to_json()
}

/// `max_entries_per_msg: u64::MAX` in a trace replicated nothing
/// (`next + max - 1` wrapped).
#[test]
fn a_trace_with_a_huge_batch_size_is_refused() {
    let json = trace_with(|_| {}).replace(
        "\"max_entries_per_msg\": 64",
        "\"max_entries_per_msg\": 18446744073709551615",
    );
    let err = Trace::from_json(&json).unwrap_err().to_string();
    assert!(
        err.contains(
            "`raft.max_entries_per_msg` must be between 1 and 10000 entries (got 18446744073709551615)"
        ),
        "{err}"
    );
    for (edit, says) in [
        (
            Box::new(|c: &mut WorldConfig| c.raft.max_inflight_msgs = usize::MAX)
                as Box<dyn FnOnce(&mut WorldConfig)>,
            "`raft.max_inflight_msgs` must be between 1 and 1024 messages",
        ),
        (
            Box::new(|c: &mut WorldConfig| c.client_timeout = Micros(u64::MAX)),
            "`client_timeout` must be between 1 and 60000 ms",
        ),
        (
            Box::new(|c: &mut WorldConfig| c.workload.ops_per_sec = 1e-13),
            "`workload` must be 0 (off) or between 0.01 and 10000 ops/s (got 0.0000000000001)",
        ),
        (
            Box::new(|c: &mut WorldConfig| c.raft.election_timeout_max = Micros(u64::MAX)),
            "`election` must be between 1 and 60000 ms",
        ),
        (
            Box::new(|c: &mut WorldConfig| c.snapshot_every = Some(u64::MAX)),
            "`snapshot-every` must be between 1 and 100000 entries",
        ),
    ] {
        let err = Trace::from_json(&trace_with(edit)).unwrap_err().to_string();
        assert!(err.contains(says), "{err}");
    }
}

/// Zero turns the workload off; the slowest allowed rate runs a day
/// without overflow.
#[test]
fn the_slowest_workload_runs() {
    let mut c = WorldConfig::default();
    c.workload.ops_per_sec = limits::WORKLOAD.min;
    c.workload.clients = limits::CLIENTS.max as u32;
    let mut w = World::new(c).unwrap();
    w.run_until(Micros::from_ms(2_000));
    assert!(w.violation().is_none());
}

/// A stray second `----` turned every later directive into expected
/// output, never run, and `run --rewrite` then deleted them.
#[test]
fn a_stray_or_unclosed_separator_is_refused_with_its_line() {
    // `----` twice opens a block that must be closed by `----` twice.
    let text = "nodes 3\nrun 1s\n----\n----\nok\n\ncrash n1\n----\ncrashed n1\n\nexpect leader\n";
    assert_eq!(
        parse_err(text),
        "line 8:1: a single `----` inside the block opened on line 3: close the block with two `----` lines"
    );
    let text = "nodes 3\nrun 1s\n----\n----\nok\n\ncrash n1\nexpect leader\n";
    assert!(parse_err(text)
        .starts_with("line 3:1: the block opened by `----` `----` on lines 3-4 is never closed"));
    // A second `----` inside a single block.
    let text = "nodes 3\nrun 1s\n----\nok\n----\ncrash n1\n";
    assert!(parse_err(text).starts_with("line 5:1: a second `----` inside the output of line 2"));
    // `----` with nothing above it.
    assert!(parse_err("nodes 3\n\n----\nx\n").starts_with("line 3:1: `----` with no directive"));
    // The closing pair must be followed by a blank line.
    let text = "show cluster\n----\n----\na\n\nb\n----\n----\ncrash n1\n";
    assert!(parse_err(text).starts_with("line 9:1: a blank line must follow"));
    // The well-formed double block still reads.
    let text = "show cluster\n----\n----\na\n\nb\n----\n----\n\ncrash n1\n";
    assert_eq!(parse_script(text).unwrap().steps.len(), 2);
}

/// `--rewrite` never deletes a directive, even one swallowed into an
/// expected block by a missing blank line.
#[test]
fn rewrite_never_deletes_directives() {
    let text = "run 1s\n----\nold\ncrash n1\n";
    let err = rewrite(text, &["new".to_string()]).unwrap_err().to_string();
    assert!(
        err.contains("`crash n1` sits in the expected output of line 1"),
        "{err}"
    );
    let err = run_file(text, true).unwrap_err();
    assert!(err.contains("would be deleted"), "{err}");
    // The same output is fine, and so is a block with no directive in it.
    assert!(rewrite(text, &["old\ncrash n1".to_string()]).is_ok());
    assert!(rewrite("run 1s\n----\nold\n", &["new".to_string()]).is_ok());
}

/// The README's "Limits" list is the table.
#[test]
fn the_readme_lists_every_limit() {
    let readme = include_str!("../../../README.md");
    for row in table() {
        let line = format!("`{}` {}", row.name, row.range);
        assert!(readme.contains(&line), "README lacks {line:?}");
    }
}
