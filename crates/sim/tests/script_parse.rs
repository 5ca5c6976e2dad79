//! The scenario script language: every directive, errors, datadriven
//! blocks and rewriting.

use proptest::prelude::*;
use raftlab_core::{Micros, NodeId};
use raftlab_sim::kv::KvOp;
use raftlab_sim::script::{
    parse_duration, parse_line, parse_script, rewrite, Directive, Expectation, NodeRef, Setting,
};

const ALL: &[&str] = &[
    "nodes 5",
    "seed 42",
    "set election 150ms..300ms",
    "set heartbeat 50ms",
    "set latency 5ms..15ms",
    "set drop 0.1",
    "set duplicate 0.05",
    "set reorder on",
    "set prevote off",
    "set checkquorum on",
    "set backoff on",
    "set lease off",
    "set disk 2ms",
    "set snapshot-every 100",
    "set bug stale-read on",
    "run 300ms",
    "run until leader",
    "run until leader within 2s",
    "run until committed 4",
    "run until committed 4 on n2 within 2s",
    "step 3",
    "crash leader",
    "crash n2",
    "restart n2",
    "pause follower",
    "resume n2",
    "partition {n1 n2} {n3 n4 n5}",
    "isolate leader",
    "cut n1 -> n2",
    "cut n1 <-> n2",
    "heal",
    "heal n1 <-> n2",
    "skew n2 +50ms",
    "skew n2 -1500us",
    "timeout n3",
    "transfer n3",
    "add n6",
    "add n6 learner",
    "promote n6",
    "remove n2",
    "joint {n1 n2 n3}",
    "joint {n1 n2 n3} learners {n6}",
    "compact n2",
    "put x 1",
    "put x 1 via n2",
    "get x via leader",
    "append x ab",
    "cas x 1 2 via n3",
    "workload 50",
    "workload 50 reads 0.5 keys 3 clients 4",
    "workload off",
    "expect leader",
    "expect leader in {n3 n4 n5}",
    "expect no leader",
    "expect leader == n3",
    "expect leader != n3",
    "expect term > 2",
    "expect term <= 2",
    "expect committed >= 4",
    "expect committed >= 4 on all",
    "expect applied == 4 on n2",
    "expect role n2 precandidate",
    "expect logs match",
    "expect value x == 1",
    "expect value x != 1 on all",
    "expect linearizable",
    "expect safe",
    "expect violation election-safety",
    "show cluster",
    "show log",
    "show log n2",
    "show kv n3",
    "show messages",
    "show client",
    "say en A leader is elected.",
    "say zh 领导者已经选出。",
    "say The leader is gone: who takes over?",
    "say 领导者崩溃了 # 不是注释",
    "tour zh 第一次选举",
];

/// Every directive parses, prints canonically and re-parses to itself.
#[test]
fn every_directive_round_trips() {
    for text in ALL {
        let d = parse_line(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(&d.to_string(), text, "canonical spelling");
        assert_eq!(parse_line(&d.to_string()).unwrap(), d);
    }
}

#[test]
fn non_canonical_spellings_normalize() {
    assert_eq!(parse_line("run 1.5s").unwrap().to_string(), "run 1500ms");
    assert_eq!(parse_line("step").unwrap(), Directive::Step(1));
    assert_eq!(
        parse_line("  crash   n2  ").unwrap().to_string(),
        "crash n2"
    );
    assert_eq!(
        parse_line("partition {n1 n2}{n3}").unwrap().to_string(),
        "partition {n1 n2} {n3}"
    );
}

#[test]
fn durations() {
    assert_eq!(parse_duration("300ms"), Ok(300_000));
    assert_eq!(parse_duration("2s"), Ok(2_000_000));
    assert_eq!(parse_duration("1.5s"), Ok(1_500_000));
    assert_eq!(parse_duration("500us"), Ok(500));
    assert!(parse_duration("1.5us").is_err());
    assert!(parse_duration("5").is_err());
    assert!(parse_duration("ms").is_err());
    assert!(parse_duration("99999999999999999999s").is_err());
}

#[test]
fn parsed_values() {
    assert_eq!(
        parse_line("set election 150ms..300ms").unwrap(),
        Directive::Set(Setting::Election {
            min: Micros(150_000),
            max: Micros(300_000)
        })
    );
    assert_eq!(
        parse_line("cas x 1 2 via leader").unwrap(),
        Directive::Client {
            op: KvOp::Cas {
                key: "x".into(),
                from: "1".into(),
                to: "2".into()
            },
            via: Some(NodeRef::Leader),
        }
    );
    assert_eq!(
        parse_line("expect leader in {n3 n4}").unwrap(),
        Directive::Expect(Expectation::Leader {
            among: vec![NodeId(3), NodeId(4)]
        })
    );
}

fn err(text: &str) -> (usize, usize, String) {
    let e = parse_script(text).unwrap_err();
    (e.line, e.column, e.to_string())
}

#[test]
fn errors_carry_line_and_column() {
    let (line, col, msg) = err("nodes 3\n# comment\ncrash n9\n");
    assert_eq!((line, col), (3, 7));
    assert_eq!(msg, "line 3:7: unknown node \"n9\"");

    let (line, col, _) = err("nodes 3\nrun 3 seconds");
    assert_eq!((line, col), (2, 5));
    let (line, col, msg) = err("explode n1");
    assert_eq!((line, col), (1, 1));
    assert!(msg.contains("unknown directive \"explode\""), "{msg}");
    let (_, col, msg) = err("nodes 52");
    assert_eq!(col, 7);
    assert!(
        msg.contains("`nodes` must be between 1 and 51 nodes (got 52)"),
        "{msg}"
    );
    let (_, col, msg) = err("set election 300ms..150ms");
    assert_eq!(col, 14);
    assert!(msg.contains("above"), "{msg}");
    let (_, col, msg) = err("crash");
    assert_eq!(col, 6);
    assert!(msg.contains("expected a node"), "{msg}");
    let (_, col, msg) = err("partition {n1 n2");
    assert_eq!(col, 17);
    assert!(msg.contains("unclosed"), "{msg}");
    let (_, col, _) = err("heal n1 n2");
    assert_eq!(col, 9);
    let (_, col, msg) = err("expect leader > n2");
    assert_eq!(col, 15);
    assert!(msg.contains("=="), "{msg}");
    let (_, col, msg) = err("get x extra");
    assert_eq!(col, 7);
    assert!(msg.contains("unexpected"), "{msg}");
    let (_, col, _) = err("set drop 1.5");
    assert_eq!(col, 10);
    // Columns count characters, not bytes.
    let (_, col, _) = err("nodes 3\nsay ok\ncut n1 => n2");
    assert_eq!(col, 8);
}

/// `add` introduces a node that later directives may name.
#[test]
fn added_nodes_become_known() {
    assert!(parse_script("nodes 3\npromote n6").is_err());
    assert!(
        parse_script("nodes 3\nadd n6 learner\npromote n6\njoint {n1 n2 n3} learners {n6}").is_ok()
    );
    // Without `nodes`, any id up to 51 is accepted.
    assert!(parse_script("crash n51").is_ok());
    assert!(parse_script("crash n52").is_err());
}

const GOLDEN: &str = "\
# Elect, then lose the leader.
nodes 3
seed 7

run until leader within 2s
----
n1 leader term 1

# the leader goes away
crash leader
show cluster
----
----
n1 crashed

n2 follower
----
----

say done
";

#[test]
fn datadriven_blocks_parse() {
    let script = parse_script(GOLDEN).unwrap();
    let lines: Vec<usize> = script.steps.iter().map(|s| s.line).collect();
    assert_eq!(lines, vec![2, 3, 5, 10, 11, 20]);
    assert_eq!(
        script.steps[2].expected.as_deref(),
        Some("n1 leader term 1")
    );
    assert_eq!(script.steps[3].expected, None);
    assert_eq!(
        script.steps[4].expected.as_deref(),
        Some("n1 crashed\n\nn2 follower")
    );
    assert_eq!(script.steps[4].text, "show cluster");
    assert_eq!(
        script.steps[5].directive,
        Directive::Say {
            lang: None,
            text: "done".into()
        }
    );
}

#[test]
fn rewrite_with_same_outputs_is_identity() {
    let script = parse_script(GOLDEN).unwrap();
    let outputs: Vec<String> = script
        .steps
        .iter()
        .map(|s| s.expected.clone().unwrap_or_default())
        .collect();
    // Steps without a block keep none when their output is empty.
    let once = rewrite(GOLDEN, &outputs).unwrap();
    assert_eq!(rewrite(&once, &outputs).unwrap(), once);
    assert!(once.contains("# Elect, then lose the leader.\n"));
    assert!(once.contains("# the leader goes away\n"));
    assert_eq!(parse_script(&once).unwrap().steps.len(), 6);
}

#[test]
fn rewrite_replaces_blocks_and_keeps_comments() {
    let text = "# intro\nnodes 3\n\nrun until leader\n----\nstale\n\n# end\nshow cluster\n";
    let outputs = vec![
        String::new(),
        "n2 leader term 2".to_string(),
        "a\nb".to_string(),
    ];
    let new = rewrite(text, &outputs).unwrap();
    assert_eq!(
        new,
        "# intro\nnodes 3\n\nrun until leader\n----\nn2 leader term 2\n\n# end\nshow cluster\n----\na\nb\n",
        "a directive written without a block keeps none while its output is empty"
    );
    let script = parse_script(&new).unwrap();
    assert_eq!(
        script.steps[1].expected.as_deref(),
        Some("n2 leader term 2")
    );
    assert_eq!(script.steps[2].expected.as_deref(), Some("a\nb"));
}

#[test]
fn rewrite_with_fewer_outputs_keeps_old_blocks() {
    let text = "nodes 3\n----\nold\n\nrun 1s\n----\nkept\n";
    let new = rewrite(text, &["fresh".to_string()]).unwrap();
    assert_eq!(new, "nodes 3\n----\nfresh\n\nrun 1s\n----\nkept\n");
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        let _ = parse_script(&text);
        let _ = rewrite(&text, &[]);
    }

    #[test]
    fn directive_like_text_never_panics(
        words in prop::collection::vec(prop::sample::select(vec![
            "nodes", "set", "run", "until", "leader", "committed", "within", "on", "all",
            "expect", "{", "}", "n1", "n99", "->", "<->", "1.5s", "0.5", "==", ">", "cut",
            "partition", "workload", "reads", "say", "tour", "x", "1", "show", "log", "skew",
            "+5ms", "-", "joint", "learners", "add", "value", "role", "heal", "----", "#",
        ]), 0..8),
    ) {
        let line = words.join(" ");
        if let Ok(d) = parse_line(&line) {
            prop_assert_eq!(parse_line(&d.to_string()), Ok(d));
        }
        let _ = parse_script(&format!("{line}\n----\n{line}\n"));
    }
}
