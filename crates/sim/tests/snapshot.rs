//! The world snapshot: typed views, and the one English line per message that
//! the CLI's `show messages` prints.

use std::collections::BTreeSet;

use raftlab_core::Micros;
use raftlab_sim::snapshot::BodyView;
use raftlab_sim::{World, WorldConfig};

#[test]
fn every_message_in_flight_has_its_english_line() {
    let mut w = World::new(WorldConfig {
        seed: 3,
        ..WorldConfig::default()
    })
    .expect("valid config");
    let mut seen = BTreeSet::new();
    // Sample the air every few milliseconds across an election and replication.
    for t in (0..3_000).step_by(7) {
        w.run_until(Micros::from_ms(t));
        for m in w.snapshot().messages {
            let line = m.to_string();
            let want = match &m.body {
                BodyView::AppendEntries {
                    entries,
                    leader_commit,
                    ..
                } if entries.is_empty() => {
                    format!("Heartbeat (commit {leader_commit})")
                }
                BodyView::AppendEntries { entries, .. } => {
                    assert!(
                        line.contains(&format!("from {}", entries[0].index)),
                        "{line}"
                    );
                    "AppendEntries prev ".to_string()
                }
                BodyView::RequestVote { .. } => format!("RequestVote term {} (last log", m.term),
                BodyView::RequestVoteResponse { granted: true } => "Vote granted".into(),
                BodyView::RequestVoteResponse { granted: false } => "Vote denied".into(),
                BodyView::AppendEntriesResponse {
                    success: true,
                    match_index,
                    ..
                } => {
                    format!("Append ok, match {match_index}")
                }
                _ => String::new(),
            };
            assert!(
                line.starts_with(&want),
                "{line:?} should start with {want:?}"
            );
            seen.insert(line.split(' ').next().unwrap_or_default().to_string());
        }
    }
    for kind in [
        "Heartbeat",
        "RequestVote",
        "Vote",
        "Append",
        "AppendEntries",
    ] {
        assert!(
            seen.contains(kind),
            "no {kind} message seen in 3 s: {seen:?}"
        );
    }
}
