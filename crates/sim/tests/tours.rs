//! The guided tours (`crates/sim/tours/*.txt`): each one parses, is written
//! in every language, passes its golden transcript, and gives that very
//! transcript when played a frame at a time on a [`Timeline`], as the page
//! plays it. To accept new output:
//! `RAFTLAB_REWRITE=1 cargo test -p raftlab-sim --test tours`.

use raftlab_core::Micros;
use raftlab_sim::scenario::{check_dir, run_file};
use raftlab_sim::script::Directive;
use raftlab_sim::tour::{builtin, parse_tour, Phase, TourRun, BUILTIN, LANGS};
use raftlab_sim::Timeline;

#[test]
fn every_tour_passes_its_golden_transcript() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tours"));
    let rewrite = std::env::var_os("RAFTLAB_REWRITE").is_some();
    let (files, failures) = check_dir(dir, rewrite).expect("tours directory");
    assert_eq!(files, BUILTIN.len(), "every tour file is built in");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_tour_speaks_every_language() {
    let tours = builtin().expect("built-in tours parse");
    for t in &tours {
        for lang in LANGS {
            assert!(!t.title(lang).is_empty());
            for (i, s) in t.stops.iter().enumerate() {
                assert!(
                    s.say.get(lang).is_some_and(|p| !p.is_empty()),
                    "{} stop {} has no {lang} narration",
                    t.id,
                    i + 1
                );
            }
        }
        // Chinese narration is Chinese, not a copy of the English.
        for s in &t.stops {
            assert_ne!(s.say("en"), s.say("zh"), "{}", t.id);
            assert!(s
                .say("zh")
                .iter()
                .all(|p| p.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))));
        }
    }
}

/// Plays a tour the way the page does: frames of varying length, each
/// limited to a slice of simulated time, on a Timeline.
fn play(text_id: &str, text: &str, frame_us: &[u64]) -> Vec<String> {
    let tour = parse_tour(text_id, text).expect("parses");
    let mut tl = Timeline::new(tour.config.clone()).expect("valid config");
    let mut run = TourRun::new(tour);
    let mut outputs = Vec::new();
    let mut frame = 0;
    loop {
        let limit = tl.now() + Micros(frame_us[frame % frame_us.len()]);
        frame += 1;
        assert!(frame < 10_000_000, "{text_id}: the tour never finished");
        match run.advance(&mut tl, limit) {
            Phase::Running => continue,
            phase => {
                outputs.extend(run.outcomes.iter().map(|o| o.output()));
                if phase == Phase::Finished {
                    return outputs;
                }
                let next = run.stop + 1;
                run.go_to(next);
            }
        }
    }
}

#[test]
fn tours_played_frame_by_frame_match_their_transcripts() {
    for (id, text) in BUILTIN {
        let golden = run_file(text, false).expect("runs");
        let script = raftlab_sim::script::parse_script(text).expect("parses");
        // Setup (nodes, seed, set) before the first narration is the
        // tour's config; a `set` inside a stop is one of its directives.
        let first_say = script
            .steps
            .iter()
            .position(|s| matches!(s.directive, Directive::Say { .. }))
            .expect("a tour has narration");
        let expected: Vec<String> = script
            .steps
            .iter()
            .zip(&golden.outputs)
            .enumerate()
            .filter(|(i, (s, _))| {
                let narration =
                    matches!(s.directive, Directive::Say { .. } | Directive::Tour { .. });
                let setup = *i < first_say
                    && matches!(
                        s.directive,
                        Directive::Nodes(_) | Directive::Seed(_) | Directive::Set(_)
                    );
                !narration && !setup
            })
            .map(|(_, pair)| pair)
            .map(|(_, o)| o.clone())
            .collect();
        // 1/25x at 60 frames/s is ~670 us a frame; also coarse frames.
        for frames in [&[667u64][..], &[50_000, 3, 16_000, 900]] {
            let got = play(id, text, frames);
            assert_eq!(got, expected, "tour {id} with frames {frames:?}");
        }
    }
}

#[test]
fn malformed_tours_are_refused_with_the_line() {
    let cases = [
        ("nodes 3\nrun 1s\n", "comes before the first narration"),
        (
            "tour en T\ntour zh T\nsay en hi\nrun 1s\n",
            "stop 1 has no `say zh`",
        ),
        ("tour en T\nsay en hi\nsay zh 你好\n", "no `tour zh"),
        (
            "tour en T\ntour zh T\nsay fr salut\n",
            "narration must start with a language tag",
        ),
        ("tour en T\ntour fr T\n", "unknown language"),
        ("tour en T\ntour zh T\n", "no stops"),
        (
            "tour en T\ntour zh T\nnodes 0\nsay en a\nsay zh 乙\n",
            "`nodes` must be between 1 and 51 nodes (got 0)",
        ),
        ("tour en T\ntour zh T\nfrobnicate\n", "line 3"),
    ];
    for (text, want) in cases {
        let err = parse_tour("t", text).expect_err(text);
        assert!(err.contains(want), "{text:?}: {err}");
    }
}

/// Back and Replay in the page: each stop, replayed from the exact place it
/// began (`Timeline::restore`), gives what it gave the first time — even a
/// stop that opens with an action, like `crash leader`, at the instant the
/// previous one ended. Replayed from the last stop back to the first, so
/// each replay also starts from a run that was cut and re-grown.
#[test]
fn every_stop_replays_exactly_from_where_it_began() {
    for tour in builtin().unwrap() {
        let mut tl = Timeline::new(tour.config.clone()).unwrap();
        let mut run = TourRun::new(tour.clone());
        let mut starts = vec![tl.position()];
        let mut first: Vec<Vec<String>> = Vec::new();
        loop {
            let limit = tl.now() + Micros(20_000);
            match run.advance(&mut tl, limit) {
                Phase::Running => continue,
                phase => {
                    first.push(run.outcomes.iter().map(|o| o.output()).collect());
                    if phase == Phase::Finished {
                        break;
                    }
                    starts.push(tl.position());
                    let next = run.stop + 1;
                    run.go_to(next);
                }
            }
        }
        for stop in (0..tour.stops.len()).rev() {
            tl.restore(starts[stop]);
            assert_eq!(tl.position(), starts[stop], "{} stop {stop}", tour.id);
            tl.truncate_future();
            run.go_to(stop);
            loop {
                let limit = tl.now() + Micros(20_000);
                if run.advance(&mut tl, limit) != Phase::Running {
                    break;
                }
            }
            let again: Vec<String> = run.outcomes.iter().map(|o| o.output()).collect();
            assert_eq!(
                again, first[stop],
                "{}: stop {stop} replayed differently",
                tour.id
            );
        }
    }
}

/// The menu groups every tour once, in the order `BUILTIN` lists them.
#[test]
fn topics_group_every_tour_once_in_builtin_order() {
    use raftlab_sim::tour::{topic_of, TOPICS};
    let grouped: Vec<&str> = TOPICS
        .iter()
        .flat_map(|(_, ids)| ids.iter().copied())
        .collect();
    let builtin: Vec<&str> = BUILTIN.iter().map(|(id, _)| *id).collect();
    assert_eq!(grouped, builtin);
    for (topic, ids) in TOPICS {
        assert!(!ids.is_empty());
        for id in *ids {
            assert_eq!(topic_of(id), Some(*topic), "{id}");
        }
    }
    assert_eq!(topic_of("nope"), None);
}

/// A tour's length is found by playing it: one duration per stop, the
/// simulated time its waits really took (not their `within` bounds).
#[test]
fn stop_durations_are_what_the_stops_take() {
    use raftlab_sim::tour::stop_durations;
    for tour in builtin().unwrap() {
        let d = stop_durations(&tour).unwrap();
        assert_eq!(d.len(), tour.stops.len(), "{}", tour.id);
        assert!(d.iter().any(|t| t.0 > 0), "{}", tour.id);
        let total: u64 = d.iter().map(|t| t.0).sum();
        assert!(total < 60_000_000, "{}: {total} us", tour.id);
    }
    // The back-off tour's `run until leader within 20s` takes its real
    // length: stop 3 (n3 elected in term 14) is seconds, not twenty.
    let tours = builtin().unwrap();
    let backoff = tours.iter().find(|t| t.id == "backoff").unwrap();
    let d = stop_durations(backoff).unwrap();
    assert!(d[2] < Micros::from_ms(5_000), "{:?}", d[2]);
    assert!(d[1] == Micros::from_ms(2_000), "{:?}", d[1]);
}
