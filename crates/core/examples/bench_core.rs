//! Throughput of the core on its hot path: a 5-node leader handling proposals and
//! AppendEntries responses. Run: `cargo run -p raftlab-core --release --example bench_core`.

use raftlab_core::*;
use std::time::Instant;

fn main() {
    let ids: Vec<NodeId> = (1..=5).map(NodeId).collect();
    let config = Config::default();
    let mut leader = RawNode::<u64>::new(
        ids[0],
        config,
        Membership::voters(ids.clone()),
        DetRng::new(1),
        Micros::ZERO,
    )
    .expect("valid config");
    let now = Micros::ZERO;
    leader.campaign(now);
    for v in &ids[1..3] {
        let vote = Message {
            from: *v,
            to: ids[0],
            term: leader.term(),
            body: MessageBody::RequestVoteResponse { granted: true },
        };
        leader.step(now, vote).expect("vote accepted");
    }
    assert_eq!(leader.role(), Role::Leader);

    let mut steps: u64 = 0;
    let mut pending: Vec<Message<u64>> = Vec::new();
    let start = Instant::now();
    let rounds = 200_000u64;
    for i in 0..rounds {
        leader.propose(now, i).expect("leader accepts proposals");
        steps += 1;
        let rd = leader.ready();
        // Followers acknowledge every append they were sent (simulated, no follower nodes).
        for m in &rd.messages {
            if let MessageBody::AppendEntries {
                prev_log_index,
                entries,
                read_seq,
                ..
            } = &m.body
            {
                pending.push(Message {
                    from: m.to,
                    to: m.from,
                    term: m.term,
                    body: MessageBody::AppendEntriesResponse {
                        success: true,
                        match_index: prev_log_index.plus(entries.len() as u64),
                        conflict: None,
                        read_seq: *read_seq,
                    },
                });
            }
        }
        leader.advance(&rd);
        for m in pending.drain(..) {
            leader.step(now, m).expect("response accepted");
            steps += 1;
        }
        if i % 1024 == 1023 {
            // The application compacts now and then, as a real one would.
            let applied = leader.applied_index();
            leader
                .compact(applied, Vec::new())
                .expect("compaction of applied prefix");
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "commit index {} after {rounds} proposals, {steps} steps in {secs:.3}s",
        leader.commit_index()
    );
    println!(
        "core steps/s: {:.0} (budget >= 2,000,000)",
        steps as f64 / secs
    );
}
