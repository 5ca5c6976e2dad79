//! Throughput of the core with everything a driver does: a 5-node cluster
//! (leader and four followers, all running), one proposal at a time, every
//! `Ready` persisted to a [`Durable`] before its messages are sent (paper
//! Figure 2), committed entries applied, the clock ticking (heartbeats,
//! election timers) and each node compacting its log every 1,024 applied
//! entries (§7). Messages are delivered at once, so this measures the core
//! and its disk, not a network.
//!
//! Reports proposals committed per CPU second (`CLOCK_PROCESS_CPUTIME_ID`,
//! which other work on a shared machine does not inflate).
//!
//! Run: `cargo run --profile fast -p raftlab-core --example bench_core`
//! (`make bench` runs it and folds its figure into one table; `--machine`
//! prints one `key=value` line for that).

use raftlab_core::*;
use std::collections::{BTreeMap, VecDeque};

/// Proposals committed per run.
const PROPOSALS: u64 = 200_000;
/// Virtual time between proposals: 1 ms, so a heartbeat (50 ms) goes out
/// every 50 proposals and the followers' election timers stay quiet.
const STEP: Micros = Micros(1_000);
/// Applied entries between compactions.
const COMPACT_EVERY: u64 = 1_024;

struct Host {
    raft: RawNode<u64>,
    disk: Durable<u64>,
    /// The state machine: the sum of applied commands, so applying is not
    /// optimised away.
    sum: u64,
    last_compacted: LogIndex,
}

/// Persists, sends and applies `host`'s pending `Ready`s (the drive loop of
/// `lib.rs`), queueing its messages on `net`.
fn drain(host: &mut Host, net: &mut VecDeque<Message<u64>>) {
    while host.raft.has_ready() {
        let rd = host.raft.ready();
        host.disk.apply(&rd);
        net.extend(rd.messages.iter().cloned());
        for e in &rd.committed_entries {
            if let EntryPayload::Command(c) = &e.payload {
                host.sum = host.sum.wrapping_add(*c);
            }
        }
        host.raft.advance(&rd);
    }
}

/// Runs the cluster through `PROPOSALS` committed proposals; returns
/// (proposals committed, CPU seconds, entries each node persisted).
fn run() -> (u64, f64, u64) {
    let ids: Vec<NodeId> = (1..=5).map(NodeId).collect();
    let mut now = Micros::ZERO;
    let mut hosts: BTreeMap<NodeId, Host> = ids
        .iter()
        .map(|&id| {
            let raft = RawNode::new(
                id,
                Config::default(),
                Membership::voters(ids.clone()),
                DetRng::new(id.0),
                now,
            )
            .expect("valid config");
            let host = Host {
                raft,
                disk: Durable::new(),
                sum: 0,
                last_compacted: LogIndex(0),
            };
            (id, host)
        })
        .collect();
    let mut net: VecDeque<Message<u64>> = VecDeque::new();
    let leader = ids[0];
    hosts.get_mut(&leader).expect("node 1").raft.campaign(now);
    let deliver = |hosts: &mut BTreeMap<NodeId, Host>, net: &mut VecDeque<Message<u64>>, now| {
        for h in hosts.values_mut() {
            drain(h, net);
        }
        while let Some(m) = net.pop_front() {
            let h = hosts.get_mut(&m.to).expect("known node");
            h.raft.step(now, m).expect("message accepted");
            drain(h, net);
        }
    };
    deliver(&mut hosts, &mut net, now);
    assert_eq!(hosts[&leader].raft.role(), Role::Leader);
    let first = hosts[&leader].raft.commit_index();

    let started = cpu_seconds();
    let mut persisted = 0u64;
    for i in 0..PROPOSALS {
        now = now + STEP;
        for h in hosts.values_mut() {
            h.raft.tick(now);
        }
        let before = hosts[&ids[1]].disk.last_index();
        hosts
            .get_mut(&leader)
            .expect("node 1")
            .raft
            .propose(now, i)
            .expect("leader accepts proposals");
        deliver(&mut hosts, &mut net, now);
        persisted += hosts[&ids[1]].disk.last_index().0 - before.0;
        for h in hosts.values_mut() {
            let applied = h.raft.applied_index();
            if applied.0 - h.last_compacted.0 >= COMPACT_EVERY {
                h.raft
                    .compact(applied, h.sum.to_le_bytes().to_vec())
                    .expect("compaction of applied prefix");
                h.last_compacted = applied;
                drain(h, &mut net);
            }
        }
    }
    let secs = cpu_seconds() - started;
    let l = &hosts[&leader].raft;
    assert_eq!(l.role(), Role::Leader, "the leader kept its term");
    let committed = l.commit_index().0 - first.0;
    assert!(committed >= PROPOSALS, "every proposal committed");
    for h in hosts.values() {
        assert!(
            h.disk.last_index() >= l.commit_index(),
            "followers persisted"
        );
        assert_eq!(h.sum, hosts[&leader].sum, "same state machine everywhere");
    }
    (committed, secs, persisted)
}

fn main() {
    let machine = std::env::args().any(|a| a == "--machine");
    let (committed, secs, persisted) = run();
    let rate = committed as f64 / secs;
    if machine {
        println!("proposals={committed} cpu_s={secs:.6} persisted={persisted} rate={rate:.0}");
    } else {
        println!(
            "5 nodes, followers running, each Ready persisted: {committed} proposals committed \
             ({persisted} entries persisted by a follower) in {secs:.3} s of CPU time"
        );
        println!("core proposals committed/s (CPU time): {rate:.0}");
    }
}

/// CPU time this process has used, in seconds.
#[cfg(unix)]
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// Elsewhere there is no portable CPU clock in std: wall time, said so.
#[cfg(not(unix))]
fn cpu_seconds() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    eprintln!("warning: no CPU clock on this platform; timing by wall clock");
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}
