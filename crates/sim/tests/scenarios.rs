//! Runs every scenario script in `crates/sim/scenarios/` and compares its
//! transcript with the golden blocks in the file. To accept new output:
//! `cargo run -p raftlab-sim --bin raftlab-sim -- run crates/sim/scenarios/*.txt --rewrite`
//! (or `RAFTLAB_REWRITE=1 cargo test -p raftlab-sim --test scenarios`).

use raftlab_core::NodeId;
use raftlab_sim::scenario::{check_dir, run_file, DirectiveError, Reply, Runner};
use raftlab_sim::script::parse_line;

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

/// Callers match on what a directive gave; only the transcript reads text,
/// and it spells each kind as the golden files do.
#[test]
fn directives_give_typed_replies_that_print_as_the_transcript() {
    let mut r = Runner::default();
    let mut exec = |line: &str| r.exec(&parse_line(line).unwrap());
    assert_eq!(exec("nodes 3"), Ok(Reply::Did(String::new())));
    let no_leader = exec("expect leader").unwrap();
    assert_eq!(no_leader, Reply::Failed("there is no leader".into()));
    assert_eq!(no_leader.to_string(), "FAILED: there is no leader");
    assert_eq!(exec("expect no leader"), Ok(Reply::Held("ok".into())));
    assert_eq!(exec("crash n2"), Ok(Reply::Did("crashed n2".into())));
    let refused = exec("transfer leader").unwrap_err();
    assert_eq!(refused, DirectiveError::NoLeader);
    assert_eq!(refused.to_string(), "there is no leader right now");
    let late = exec("seed 3").unwrap_err();
    assert!(matches!(late, DirectiveError::Script(_)), "{late:?}");
    let waited = exec("run until leader within 2s").unwrap();
    assert!(
        matches!(&waited, Reply::Held(s) if s.starts_with("leader n")),
        "{waited}"
    );
}

#[test]
fn a_node_outside_the_cluster_is_a_typed_error() {
    let mut r = Runner::default();
    r.exec(&parse_line("nodes 3").unwrap()).unwrap();
    r.exec(&parse_line("run 1ms").unwrap()).unwrap();
    // `nodes 3` in the same script would make the parser refuse n5 first;
    // a line parsed alone reaches the executor.
    let err = r.exec(&parse_line("crash n5").unwrap()).unwrap_err();
    assert_eq!(
        err,
        DirectiveError::NoSuchNode {
            id: NodeId(5),
            known: vec![NodeId(1), NodeId(2), NodeId(3)],
        }
    );
    assert_eq!(
        err.to_string(),
        "there is no node n5 in the cluster (it has n1 n2 n3)"
    );
}

/// The protocol's switches may change mid-run (the tours switch PreVote on
/// after showing what goes wrong without it); timings and disks may not,
/// and an unknown bug switch is named. A leader that gains CheckQuorum
/// cut off from the majority steps down within an election timeout.
/// Reference: thesis §6.2, §9.6.
#[test]
fn protocol_switches_change_mid_run_and_timings_do_not() {
    let mut r = Runner::default();
    for line in ["nodes 5", "seed 5", "run until leader within 2s"] {
        r.exec(&parse_line(line).unwrap()).unwrap();
    }
    let leader = r.world.as_ref().unwrap().leader().unwrap();
    for line in [
        "set prevote on",
        "set checkquorum on",
        "set bug apply_uncommitted on",
    ] {
        assert_eq!(
            r.exec(&parse_line(line).unwrap()),
            Ok(Reply::Did(String::new()))
        );
    }
    let w = r.world.as_ref().unwrap();
    assert!(w.config().raft.pre_vote && w.config().raft.check_quorum);
    assert!(w.config().raft.bugs.apply_uncommitted);
    for n in w.nodes().values() {
        assert!(n.raft.as_ref().unwrap().config().pre_vote, "{}", n.id);
    }
    // Switching it on again changes nothing and logs no action.
    let actions = w.action_log().len();
    r.exec(&parse_line("set prevote on").unwrap()).unwrap();
    assert_eq!(r.world.as_ref().unwrap().action_log().len(), actions);
    let err = r
        .exec(&parse_line("set bug no_such_bug on").unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("no_such_bug"), "{err}");
    let err = r
        .exec(&parse_line("set heartbeat 20ms").unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("before the run starts"), "{err}");
    r.exec(&parse_line(&format!("isolate {leader}")).unwrap())
        .unwrap();
    r.exec(&parse_line("run 400ms").unwrap()).unwrap();
    let w = r.world.as_ref().unwrap();
    assert_ne!(
        w.raft(leader).unwrap().role(),
        raftlab_core::Role::Leader,
        "a leader without a majority steps down once CheckQuorum is on"
    );
}
