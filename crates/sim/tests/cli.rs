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
