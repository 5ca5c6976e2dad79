//! A `run until … within D` that times out stops at its deadline, the same
//! when a script runs in one go (the CLI, the test suite) and when it is
//! played a frame at a time (the page, guided tours). Before, the one-go run
//! processed the first event past the deadline, so the CLI could print
//! `leader n1 (term 1)` where the page said "no leader within 1 ms", and
//! every later line of the two transcripts could differ.

use raftlab_core::Micros;
use raftlab_sim::scenario::run_file;
use raftlab_sim::tour::{parse_tour, Phase, TourRun};
use raftlab_sim::Timeline;

/// A one-stop tour around `body`, so `TourRun` can play it frame by frame.
fn as_tour(body: &str) -> String {
    format!("tour en T\ntour zh T\nnodes 3\nseed 5\nsay en go\nsay zh 走\n{body}")
}

/// The outputs of every directive after the setup, in one go.
fn one_go(text: &str) -> Vec<String> {
    let report = run_file(text, false).expect("runs");
    report.outputs[6..].to_vec()
}

/// The same, played on a Timeline in frames of `frame_us` simulated time.
fn frames(text: &str, frame_us: &[u64]) -> Vec<String> {
    let tour = parse_tour("t", text).expect("parses");
    let mut tl = Timeline::new(tour.config.clone()).expect("valid config");
    let mut run = TourRun::new(tour);
    for frame in 0.. {
        assert!(frame < 1_000_000, "never finished");
        let limit = tl.now() + Micros(frame_us[frame % frame_us.len()]);
        if run.advance(&mut tl, limit) != Phase::Running {
            break;
        }
    }
    run.outcomes.iter().map(|o| o.output()).collect()
}

/// Reference: the tester's report (a timed-out wait diverges between the
/// CLI and frame-by-frame play). Every start time in the first election's
/// window is tried, so some waits end just before the event that elects
/// the leader; the transcripts must agree for each, and after the timed-out
/// wait too.
#[test]
fn a_timed_out_wait_reads_the_same_in_one_go_and_frame_by_frame() {
    let mut timed_out = 0;
    let mut timed_out_with_event_right_after = 0;
    for start_ms in 140..420 {
        let text = as_tour(&format!(
            "run {start_ms}ms\nrun until leader within 1ms\nshow cluster\nrun 7ms\nshow cluster\n"
        ));
        let want = one_go(&text);
        if want[1].starts_with("FAILED: no leader within 1 ms") {
            timed_out += 1;
            // Did the first event past the deadline elect the leader? Then
            // the old one-go run would have printed a leader here.
            let next = one_go(&as_tour(&format!(
                "run {start_ms}ms\nrun until leader within 1ms\nstep\nexpect leader\n"
            )));
            if next[3] == "ok" {
                timed_out_with_event_right_after += 1;
            }
        }
        for f in [&[667u64][..], &[50_000, 3, 16_000, 900], &[97]] {
            assert_eq!(frames(&text, f), want, "start {start_ms} ms, frames {f:?}");
        }
    }
    assert!(timed_out > 0, "the sweep never timed out; it tests nothing");
    assert!(
        timed_out_with_event_right_after > 0,
        "no wait timed out just before the election; the sweep misses the case"
    );
}

/// A timed-out wait leaves the clock at its deadline, not later.
#[test]
fn a_timed_out_wait_ends_at_its_deadline() {
    let text = "nodes 3\nrun until leader within 1ms\n";
    let report = run_file(text, false).unwrap();
    assert_eq!(report.outputs[1], "FAILED: no leader within 1 ms");
    let w = report.world.unwrap();
    assert_eq!(w.now(), Micros::from_ms(1));
    assert_eq!(w.leader(), None);
}
