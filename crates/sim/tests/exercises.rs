//! Classroom exercises: every built-in one is sound (its reference solution
//! reaches the goal within the limits with the allowed tools, its starting
//! state alone does not) and written in both languages; malformed files get
//! errors that name their line.

use std::process::Command;

use raftlab_sim::exercise::{builtin, parse_exercise, Problem, BUILTIN};
use raftlab_sim::script::{parse_line, Track};

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_builtin_exercise_is_sound() {
    let all = builtin().expect("the built-in exercises parse");
    assert!(all.len() >= 12, "{} exercises", all.len());
    for e in &all {
        let report = e
            .check()
            .unwrap_or_else(|err| panic!("exercise {}: {err}", e.id));
        let r = report.reference;
        assert!(r.actions >= 1, "{}: the reference takes an action", e.id);
        assert!(e.within_limits(r), "{}: {r:?}", e.id);
    }
}

#[test]
fn every_builtin_exercise_is_written_in_english_and_chinese() {
    for e in builtin().unwrap() {
        for lang in ["en", "zh"] {
            assert!(!e.title(lang).is_empty(), "{} {lang}", e.id);
            assert!(!e.text(lang).is_empty(), "{} {lang}", e.id);
        }
        assert!(has_cjk(&e.title["zh"]), "{}: Chinese title", e.id);
        assert!(!has_cjk(&e.title["en"]), "{}: English title", e.id);
        for p in &e.text["zh"] {
            assert!(has_cjk(p), "{}: Chinese text {p:?}", e.id);
        }
        assert!(!e.hints.is_empty(), "{}: hints", e.id);
        for h in &e.hints {
            assert!(has_cjk(&h["zh"]) && !has_cjk(&h["en"]), "{}: {h:?}", e.id);
        }
    }
}

#[test]
fn both_tracks_are_covered() {
    let all = builtin().unwrap();
    let work = all.iter().filter(|e| e.track == Track::MakeItWork).count();
    let break_it = all.iter().filter(|e| e.track == Track::BreakIt).count();
    assert!(work >= 5 && break_it >= 5, "{work} / {break_it}");
    let ids: std::collections::BTreeSet<_> = BUILTIN.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), BUILTIN.len(), "ids are unique");
}

fn figure8_text() -> &'static str {
    BUILTIN.iter().find(|(id, _)| *id == "figure8").unwrap().1
}

/// The same moves with the current-term rule kept break nothing: the
/// checker that grades the exercise can say no. Reference: Raft paper
/// §5.4.2.
#[test]
fn figure8_without_the_bug_is_not_solvable() {
    let text = figure8_text().replace(
        "set bug commit_prior_term_by_counting on",
        "set bug commit_prior_term_by_counting off",
    );
    let e = parse_exercise("figure8-fixed", &text).unwrap();
    assert_eq!(e.check().unwrap_err().problem, Problem::SolutionMissesGoal);
}

#[test]
fn a_solution_using_a_tool_not_allowed_is_refused() {
    let text = figure8_text().replace(
        "allow fire deliver drop duplicate crash restart client",
        "allow fire deliver drop duplicate restart client",
    );
    let e = parse_exercise("x", &text).unwrap();
    let err = e.check().unwrap_err();
    assert!(
        matches!(err.problem, Problem::SolutionNotAllowed(_)),
        "{err}"
    );
    assert!(err.line > 0);
    assert!(err.to_string().contains("uses `crash`"), "{err}");
}

#[test]
fn malformed_files_name_the_line() {
    let good = BUILTIN[0].1;
    let cases = [
        (
            good.replace("allow client crash restart", "allow client crahs"),
            7,
            "unknown tool \"crahs\"",
        ),
        (
            good.replace("limit time 5s", "limit time 5 s"),
            9,
            "`limit time`",
        ),
        (
            good.replace("goal value x == 1 on all", "goal value x >> 1"),
            14,
            "comparison",
        ),
        (
            good.replace("solution put x 1", "solution put x"),
            20,
            "expected a value",
        ),
        (
            good.replace(
                "nodes 5\nseed 1\nrun until leader within 2s\n",
                "run until leader within 2s\nnodes 5\n",
            ),
            16,
            "setup",
        ),
    ];
    for (text, line, says) in cases {
        let err = parse_exercise("bad", &text).unwrap_err();
        assert_eq!(err.line, line, "{err}");
        assert!(err.to_string().contains(says), "{err}");
        assert!(
            err.to_string().starts_with(&format!("line {line}")),
            "{err}"
        );
    }
    let no_zh = good.replace("exercise zh 两台服务器宕机时提交\n", "");
    assert_eq!(
        parse_exercise("bad", &no_zh).unwrap_err().problem,
        Problem::NoTitle("zh".into())
    );
    let one_less = good.replacen("hint zh ", "# hint zh ", 1);
    assert_eq!(
        parse_exercise("bad", &one_less).unwrap_err().problem,
        Problem::HintsUnpaired { en: 2, zh: 1 }
    );
    let solved = good.replace(
        "crash n1\ncrash n2\n",
        "crash n1\ncrash n2\nput x 1\nrun 2s\n",
    );
    let e = parse_exercise("solved", &solved).unwrap();
    assert_eq!(e.check().unwrap_err().problem, Problem::StartReachesGoal);
}

#[test]
fn the_new_directives_print_as_they_parse() {
    for line in [
        "deliver n1 -> n2 vote",
        "deliver all",
        "drop n3 -> n1 append-reply",
        "drop all",
        "duplicate n2 -> n4",
        "fire n3",
        "set hand-delivery on",
        "set max-entries 1",
        "exercise en Two leaders",
        "text zh 手动投递已开启。",
        "hint en Fire two timers.",
        "track break-it",
        "allow fire deliver crash",
        "limit actions 20",
        "limit time 1500ms",
        "goal votes n1 == 2",
        "goal voters {n3 n4 n5}",
        "goal last >= 3 on n2",
        "solution deliver n1 -> n2 vote",
    ] {
        let d = parse_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(d.to_string(), line);
    }
    let err = parse_line("deliver n1 -> n2 votes").unwrap_err();
    assert!(
        err.to_string().contains("unknown message kind \"votes\""),
        "{err}"
    );
    let err = parse_line("limit actions 0").unwrap_err();
    assert!(
        err.to_string()
            .contains("`limit actions` must be between 1 and 1000"),
        "{err}"
    );
    let err = parse_line("solution frie n1").unwrap_err();
    assert_eq!((err.line, err.column), (1, 10), "{err}");
}

#[test]
fn the_command_line_checks_and_lists_exercises() {
    let bin = env!("CARGO_BIN_EXE_raftlab-sim");
    let out = Command::new(bin)
        .args(["exercise", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert_eq!(text.lines().count(), BUILTIN.len());
    assert!(
        text.contains("figure8 break-it Figure 8, by hand"),
        "{text}"
    );
    let dir = std::env::temp_dir().join(format!("raftlab-ex-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.txt");
    std::fs::write(&good, BUILTIN[2].1).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, BUILTIN[2].1.replace("allow fire", "allow fyre")).unwrap();
    let out = Command::new(bin)
        .args(["exercise", "check"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok "));
    let out = Command::new(bin)
        .args(["exercise", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("line 7:7: unknown tool \"fyre\""), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_solution_cannot_nest() {
    let line = "solution ".repeat(10_000) + "fire n1";
    let err = parse_line(&line).unwrap_err();
    assert!(
        err.to_string().contains("cannot be an exercise line"),
        "{err}"
    );
}

/// The page fetches the files `BUILTIN_FILES` names and parses them with
/// `parse_builtin`: the same exercises as the compiled-in texts, and a
/// missing file is an error naming the counts, not a shorter list.
#[test]
fn fetched_files_parse_like_the_compiled_in_texts() {
    use raftlab_sim::exercise::{parse_builtin, BUILTIN_FILES};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let texts: Vec<String> = BUILTIN_FILES
        .iter()
        .map(|(_, file)| std::fs::read_to_string(dir.join(file)).expect(file))
        .collect();
    let fetched = parse_builtin(&texts).unwrap();
    let compiled = builtin().unwrap();
    assert_eq!(fetched.len(), compiled.len());
    for (f, c) in fetched.iter().zip(&compiled) {
        assert_eq!(f.id, c.id);
        assert_eq!(f.title("en"), c.title("en"));
        assert_eq!(f.goal, c.goal);
    }
    let err = parse_builtin(&texts[1..]).unwrap_err();
    assert!(err.contains("11 exercise files for 12 exercises"), "{err}");
}
