//! `raftlab-sim trace check` as a user meets it: a trace it cannot replay
//! exactly fails with the action named, an endless input is refused at the
//! size limit, and stdin works like a file.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use raftlab_core::{Micros, NodeId};
use raftlab_sim::{Action, LoggedAction, Timeline, Trace, World, WorldConfig};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_raftlab-sim"))
}

fn check_stdin(json: &str) -> Output {
    let mut child = bin()
        .args(["trace", "check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(json.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn five_seconds() -> Trace {
    let mut t = Timeline::new(WorldConfig::default()).unwrap();
    t.advance_to(Micros::from_ms(5_000));
    Trace::from_timeline(&t)
}

#[test]
fn a_trace_replays_from_stdin_and_says_so() {
    let out = check_stdin(&five_seconds().with_events().unwrap().to_json());
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout} {stderr}");
    assert!(stdout.contains("replayed exactly to 5.000 s"), "{stdout}");
    assert!(stdout.contains("event log matches"), "{stdout}");
}

/// The tester's trace: `{"Crash": 9}` in a five-node world used to
/// "replay to 0.186 s … all invariants hold" and exit 0.
#[test]
fn a_refused_action_fails_the_check_and_is_named() {
    let mut trace = five_seconds();
    let mut probe = World::new(WorldConfig::default()).unwrap();
    probe.run_until(Micros::from_ms(186));
    trace.actions.push(LoggedAction {
        at_event: probe.event_count(),
        at: Micros::from_ms(186),
        action: Action::Crash(NodeId(9)),
    });
    let out = check_stdin(&trace.to_json());
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}");
    assert!(stderr.contains("cannot replay"), "{stderr}");
    assert!(stderr.contains("action 1 (crash n9"), "{stderr}");
    assert!(stderr.contains("there is no node n9"), "{stderr}");
}

/// A recorded event log the replay does not reproduce fails the check at
/// the first entry that differs.
#[test]
fn an_event_log_that_differs_fails_the_check() {
    let mut trace = five_seconds().with_events().unwrap();
    trace.events.as_mut().unwrap()[40]
        .what
        .push_str(" (edited)");
    let out = check_stdin(&trace.to_json());
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stderr.contains("differs from the recorded event log at entry 41"),
        "{stderr}"
    );
}

/// `trace check /dev/zero` used to read until memory ran out.
#[test]
fn an_endless_file_is_refused_at_the_size_limit() {
    let out = bin()
        .args(["trace", "check", "/dev/zero"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}");
    assert!(stderr.contains("larger than 64 MiB"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
