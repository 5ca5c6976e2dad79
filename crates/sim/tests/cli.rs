//! The command-line runner as a user meets it: in a pipe, and with bad input.

use std::io::Read;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_raftlab-sim"))
}

/// `raftlab-sim trace export … | head` closes the pipe early: the runner
/// must stop quietly, not panic.
#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    for args in [
        &["trace", "export", "--seed", "3"][..],
        &["tour", "election"][..],
    ] {
        let mut child = bin()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The read end is dropped here, as `head` does.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{args:?}: {:?}, stderr: {stderr}",
            out.status
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn bad_arguments_get_a_message_and_a_failing_exit() {
    for (args, says) in [
        (&["fuzz", "--seeds", "x..y"][..], "--seeds"),
        (&["bogus"][..], "unknown command"),
        (&["tour", "no-such-tour"][..], "no-such-tour"),
        (&["run", "/no/such/file.raft"][..], "/no/such/file.raft"),
    ] {
        let out = bin().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{args:?} succeeded: {stdout}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains(says) || stdout.contains(says),
            "{args:?} should mention {says:?}: stdout {stdout} stderr {stderr}"
        );
    }
}

/// The tester's reproductions: each ran for hours or silently ran something
/// else (`--until-ms 18446744073709552` wrapped to 384 µs); each is now
/// refused with the flag, its range and its unit, before anything runs.
#[test]
fn every_number_on_the_command_line_is_limited() {
    for (args, says) in [
        (
            &["trace", "export", "--until-ms", "18446744073709552"][..],
            "`--until-ms` must be between 0 and 86400000 ms (got 18446744073709552)",
        ),
        (
            &["fuzz", "--events", "1000000000000"][..],
            "`--events` must be between 1 and 100000000 events (got 1000000000000)",
        ),
        (
            &["bench", "--seconds", "inf"][..],
            "`--seconds` must be between 0.1 and 3600 s (got inf)",
        ),
        (
            &["bench", "--seconds", "NaN"][..],
            "`--seconds` must be between 0.1 and 3600 s",
        ),
        (
            &["fuzz", "--seeds", "0..2000000"][..],
            "`--seeds` must be between 1 and 1000000 seeds (got 2000000)",
        ),
        (
            &["fuzz", "--seeds", "0..100000", "--events", "100000000"][..],
            "`--seeds × --events` must be between 1 and 10000000000 events",
        ),
        (&["fuzz", "--seeds", "7..7"][..], "the range is empty"),
        (
            &["fuzz", "--nodes", "52"][..],
            "`--nodes` must be between 1 and 51 nodes (got 52)",
        ),
        (
            &["fuzz", "--seed", "18446744073709551616"][..],
            "`--seed` must be between 0 and 18446744073709551615 (got 18446744073709551616)",
        ),
        (
            &["fuzz-inputs", "--count", "0"][..],
            "`--count` must be between 1 and 100000000 inputs (got 0)",
        ),
    ] {
        let out = bin().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// The largest seed runs (it used to overflow `seed..seed + 1`).
#[test]
fn the_last_seed_is_a_seed() {
    let out = bin()
        .args(["fuzz", "--seed", "18446744073709551615", "--events", "50"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("seeds 18446744073709551615..18446744073709551616"),
        "{stdout}"
    );
}

/// `run --rewrite` on a file whose `----` blocks are malformed refuses
/// with the line and leaves the file as it was.
#[test]
fn rewrite_leaves_a_malformed_file_alone() {
    let dir = std::env::temp_dir().join(format!("raftlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("stray.txt");
    let text =
        "nodes 3\nrun 1s\n----\n----\nstale\n\ncrash n1\n----\ncrashed n1\n\nexpect leader\n";
    std::fs::write(&f, text).unwrap();
    let out = bin()
        .args(["run", f.to_str().unwrap(), "--rewrite"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("line 8:1"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), text);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The input fuzzer runs from the command line and says what it did.
#[test]
fn fuzz_inputs_reports_its_count() {
    let out = bin()
        .args([
            "fuzz-inputs",
            "--count",
            "300",
            "--links",
            "200",
            "--seed",
            "5",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("fuzz-inputs: 300 inputs and 200 run links, no panic"),
        "{stdout}"
    );
    assert!(stdout.contains("  links: 200 inputs"), "{stdout}");
}
