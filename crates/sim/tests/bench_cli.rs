//! `raftlab-sim bench` refuses what it cannot measure, naming what it takes.

use std::process::Command;

#[test]
fn bench_refuses_unknown_parts_and_out_of_range_seconds() {
    for (args, says) in [
        (
            &["bench", "--only", "everything"][..],
            "--only takes core, checkers-off, checkers-on or hour",
        ),
        (&["bench", "--seconds", "0"][..], "between 0.1 and 3600 s"),
        (&["bench", "--fast"][..], "unknown option"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_raftlab-sim"))
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
