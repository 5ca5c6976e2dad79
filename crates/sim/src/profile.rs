//! Targeted chaos profiles: fault schedules that make one family of
//! dangerous interleavings likely, where the mixed chaos of [`crate::fuzz`]
//! reaches them too rarely. Like the mixed profile, every knob derives from
//! the seed, and the bug-free protocol must pass every profile.
//!
//! * [`ChaosProfile::Figure8`] — Raft paper §5.4.2, Figure 8: leaders of
//!   few-node clusters crash right after replicating to a minority, come
//!   back after short outages, and one-entry AppendEntries let a new
//!   leader's followers acknowledge an earlier term's entry before its own.
//! * [`ChaosProfile::Restarts`] — §5.2 and Figure 2's persistent state:
//!   voters crash and restart within milliseconds in the middle of forced,
//!   concurrent elections, while jittered links and a slow disk keep vote
//!   requests and grants in flight across the restart.

use raftlab_core::{Bugs, DetRng, Micros, NodeId};
use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::config::{LinkConfig, WorkloadConfig, WorldConfig};
use crate::world::{NodeStatus, World};

/// Which fault schedule the fuzzer runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChaosProfile {
    /// Every kind of fault, one every 100–1,500 events (the default).
    #[default]
    Mixed,
    /// Leader crashes after partial replication, short outages (§5.4.2, Figure 8).
    Figure8,
    /// Fast crash-restarts of voters during concurrent elections (§5.2, Figure 2).
    Restarts,
}

impl ChaosProfile {
    /// Every profile's command-line name.
    pub const NAMES: [&'static str; 3] = ["mixed", "figure8", "restarts"];

    /// The name the command line uses.
    pub fn name(self) -> &'static str {
        match self {
            ChaosProfile::Mixed => "mixed",
            ChaosProfile::Figure8 => "figure8",
            ChaosProfile::Restarts => "restarts",
        }
    }

    /// The profile whose fuzzing catches the bug switch `bug` within 100
    /// seeds (proved by `scripts/fuzz.sh`): the targeted profiles were built
    /// for one switch each; the mixed chaos catches the rest.
    pub fn catching(bug: &str) -> ChaosProfile {
        match bug {
            "commit_prior_term_by_counting" => ChaosProfile::Figure8,
            "forget_vote_on_restart" => ChaosProfile::Restarts,
            _ => ChaosProfile::Mixed,
        }
    }

    /// Parses a command-line name.
    pub fn parse(s: &str) -> Result<ChaosProfile, String> {
        match s {
            "mixed" => Ok(ChaosProfile::Mixed),
            "figure8" => Ok(ChaosProfile::Figure8),
            "restarts" => Ok(ChaosProfile::Restarts),
            other => Err(format!(
                "unknown chaos profile {other:?}; known: {}",
                ChaosProfile::NAMES.join(", ")
            )),
        }
    }
}

/// The world configuration a targeted profile's seed chooses (`nodes`: the
/// cluster size the run asked for, if any).
pub(crate) fn targeted_config(
    seed: u64,
    bugs: Bugs,
    nodes: Option<usize>,
    profile: ChaosProfile,
    rng: &mut DetRng,
) -> WorldConfig {
    let mut c = WorldConfig {
        seed,
        ..WorldConfig::default()
    };
    c.raft.bugs = bugs;
    c.raft.pre_vote = rng.gen_bool(0.3);
    c.raft.check_quorum = rng.gen_bool(0.3);
    c.raft.lease_reads = c.raft.check_quorum && rng.gen_bool(0.3);
    c.client_timeout = Micros::from_ms(400);
    // One-entry AppendEntries replicate a backlog slowly after a long
    // outage; clients keep retrying through the catch-up (about 24 s).
    c.client_max_attempts = 60;
    c.check_linearizability = false;
    match profile {
        // `Mixed` has its own configuration (`fuzz::chaos_config`); it never reaches here.
        ChaosProfile::Figure8 | ChaosProfile::Mixed => {
            c.nodes = nodes.unwrap_or_else(|| [3, 3, 3, 5][rng.gen_range(0..=3) as usize]);
            // One entry per AppendEntries: a follower acknowledges an earlier
            // term's entry before the new leader's own (Figure 8 (c)).
            c.raft.max_entries_per_msg = 1;
            c.raft.max_inflight_msgs = rng.gen_range(1..=2) as usize;
            let lat_min = rng.gen_range(1..=5);
            c.network = LinkConfig {
                latency_min: Micros::from_ms(lat_min),
                latency_max: Micros::from_ms(lat_min + rng.gen_range(5..=30)),
                drop_rate: [0.0, 0.02, 0.1][rng.gen_range(0..=2) as usize],
                duplicate_rate: 0.0,
                reorder: rng.gen_bool(0.5),
            };
            c.workload = WorkloadConfig {
                ops_per_sec: [10.0, 20.0][rng.gen_range(0..=1) as usize],
                read_fraction: 0.2,
                keys: rng.gen_range(1..=3) as u32,
                clients: rng.gen_range(2..=4) as u32,
            };
            c.snapshot_every = Some(200);
        }
        ChaosProfile::Restarts => {
            c.nodes = nodes.unwrap_or_else(|| [3, 3, 5][rng.gen_range(0..=2) as usize]);
            let lat_min = rng.gen_range(1..=5);
            c.network = LinkConfig {
                latency_min: Micros::from_ms(lat_min),
                latency_max: Micros::from_ms(lat_min + rng.gen_range(20..=80)),
                drop_rate: [0.0, 0.02][rng.gen_range(0..=1) as usize],
                duplicate_rate: 0.0,
                reorder: true,
            };
            // Votes are durable only after the write: a crash mid-write loses
            // the vote before it was ever sent, which is safe.
            c.disk_latency = Micros::from_ms(rng.gen_range(0..=5));
            c.workload = WorkloadConfig {
                ops_per_sec: 10.0,
                read_fraction: 0.3,
                keys: 2,
                clients: 2,
            };
            c.snapshot_every = Some(50);
        }
    }
    c
}

/// Virtual time until the next fault of a targeted profile.
pub(crate) fn fault_gap(profile: ChaosProfile, rng: &mut DetRng) -> Micros {
    match profile {
        ChaosProfile::Restarts => Micros::from_ms(rng.gen_range(5..=60)),
        _ => Micros::from_ms(rng.gen_range(10..=150)),
    }
}

/// One fault of a targeted profile, and the outage after which a crashed
/// node restarts (`None` for faults that crash nothing).
pub(crate) fn targeted_action(
    world: &World,
    profile: ChaosProfile,
    rng: &mut DetRng,
) -> Option<(Action, Option<Micros>)> {
    let up: Vec<NodeId> = world
        .nodes()
        .values()
        .filter(|h| h.status == NodeStatus::Up)
        .map(|h| h.id)
        .collect();
    match profile {
        ChaosProfile::Figure8 | ChaosProfile::Mixed => match rng.gen_range(0..=9) {
            // The leader crashes, typically with entries on a minority only.
            0..=3 => {
                let outage = Micros::from_ms(rng.gen_range(5..=400));
                world.leader().map(|l| (Action::Crash(l), Some(outage)))
            }
            4 | 5 => rng
                .choose(&up)
                .copied()
                .map(|n| (Action::Campaign(n), None)),
            6 => {
                let outage = Micros::from_ms(rng.gen_range(5..=200));
                rng.choose(&up)
                    .copied()
                    .map(|n| (Action::Crash(n), Some(outage)))
            }
            _ => None,
        },
        ChaosProfile::Restarts => match rng.gen_range(0..=9) {
            // A voter crashes and is back within a few milliseconds, while
            // vote requests sent before the crash are still on the wire.
            0..=4 => {
                let outage = Micros::from_ms(rng.gen_range(0..=15));
                rng.choose(&up)
                    .copied()
                    .map(|n| (Action::Crash(n), Some(outage)))
            }
            5..=8 => rng
                .choose(&up)
                .copied()
                .map(|n| (Action::Campaign(n), None)),
            _ => {
                let outage = Micros::from_ms(rng.gen_range(0..=15));
                world.leader().map(|l| (Action::Crash(l), Some(outage)))
            }
        },
    }
}
