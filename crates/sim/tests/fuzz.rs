//! The chaos fuzzer over a small fixed seed range (CI runs a larger range
//! through the release binary: see scripts/test.sh), and proof that the
//! bug-switch detection runs through the release binary too.

use raftlab_sim::fuzz::{fuzz_one, FuzzOptions, HistoryVerdict};
use raftlab_sim::profile::ChaosProfile;

fn opts(seed: u64, events: u64) -> FuzzOptions {
    FuzzOptions {
        seed,
        events,
        ..FuzzOptions::default()
    }
}

#[test]
fn chaos_then_calm_holds_for_a_seed_range() {
    let mut failures = Vec::new();
    for seed in 0..12 {
        let o = fuzz_one(&opts(seed, 6_000));
        // Every history is decided, not just not refuted.
        if o.history != HistoryVerdict::Decided {
            failures.push(format!("seed {seed}: history {:?}", o.history));
        }
        if !o.passed() {
            failures.push(format!(
                "seed {seed}: {}{}\n  reproduce: {}",
                o.violation
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                o.liveness.clone().unwrap_or_default(),
                o.options.repro_command()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The first seed in `seeds` whose run the checkers fail, with what they said.
fn first_catch(
    profile: ChaosProfile,
    bug: &str,
    seeds: std::ops::Range<u64>,
) -> Option<(u64, String)> {
    seeds.into_iter().find_map(|seed| {
        let mut o = opts(seed, 20_000);
        o.profile = profile;
        o.bugs.set(bug, true).expect("known bug name");
        let out = fuzz_one(&o);
        out.violation.map(|v| (seed, v.to_string()))
    })
}

/// The Figure 8 profile catches a leader that commits an earlier term's
/// entry by counting replicas: a later leader lacks that committed entry.
/// Reference: Raft paper §5.4.2, Figure 8.
#[test]
fn figure8_profile_catches_commit_by_counting() {
    let caught = first_catch(
        ChaosProfile::Figure8,
        "commit_prior_term_by_counting",
        0..10,
    );
    let (seed, what) = caught.expect("commit_prior_term_by_counting not caught in seeds 0..10");
    assert!(
        what.contains("Leader Completeness") || what.contains("State Machine Safety"),
        "seed {seed}: unexpected violation {what}"
    );
}

/// The restarts profile catches a voter that forgets its vote on restart:
/// two leaders in one term. Reference: Raft paper §5.2, Figure 2 (votedFor
/// is persistent state).
#[test]
fn restarts_profile_catches_forgotten_votes() {
    let caught = first_catch(ChaosProfile::Restarts, "forget_vote_on_restart", 0..10);
    let (seed, what) = caught.expect("forget_vote_on_restart not caught in seeds 0..10");
    assert!(
        what.contains("Election Safety"),
        "seed {seed}: unexpected violation {what}"
    );
}

/// Without bugs, the targeted profiles' harsher schedules pass, calm phase
/// included (the catches above are not false positives).
#[test]
fn targeted_profiles_pass_without_bugs() {
    for profile in [ChaosProfile::Figure8, ChaosProfile::Restarts] {
        for seed in 0..10 {
            let mut o = opts(seed, 20_000);
            o.profile = profile;
            let out = fuzz_one(&o);
            assert!(
                out.passed(),
                "seed {seed} profile {}: {:?} {:?}\n  reproduce: {}",
                profile.name(),
                out.violation.map(|v| v.to_string()),
                out.liveness,
                out.options.repro_command()
            );
        }
    }
}

/// A leader that serves ReadIndex reads without confirming its leadership
/// with a quorum answers from a stale state: with seed 113, `get b` returns
/// 66 at 161.6 s, a value overwritten by 19.8 s and never written again.
/// The key's history has 266 operations, many of them timed out; the old
/// search gave up on it and the run passed. Reference: Raft thesis §6.4.
#[test]
fn stale_read_index_of_seed_113_is_reported() {
    let mut o = opts(113, 20_000);
    o.bugs
        .set("read_index_without_quorum", true)
        .expect("known bug name");
    let out = fuzz_one(&o);
    assert!(!out.passed());
    assert_eq!(out.history, HistoryVerdict::Decided);
    let what = out.liveness.unwrap_or_default();
    assert!(
        what.contains("not linearizable") && what.contains("get b") && what.contains("value 66"),
        "{what}"
    );
}
