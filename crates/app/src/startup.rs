//! How a run starts: the idle beginning is fast-forwarded so the first
//! election is on screen at once.
//!
//! At the start every node is a follower waiting for its election timer
//! (150–300 ms); nothing is on the wire. At the page's opening speed (1/25×)
//! that would be 4–8 s of a still picture, so the timeline is stepped
//! event by event until the first message is in flight (the first vote
//! request), and the page tells the user how much idle time it skipped.

use raftlab_core::Micros;
use raftlab_sim::{SimError, Timeline, WorldConfig};

/// Longest idle start that is fast-forwarded.
pub const FAST_FORWARD_LIMIT: Micros = Micros::from_ms(5_000);

/// A new timeline for `config`, fast-forwarded to its first message;
/// returns it with the idle time skipped.
pub fn new_timeline(config: WorldConfig) -> Result<(Timeline, Micros), SimError> {
    let mut tl = Timeline::new(config)?;
    while tl.world().network().in_flight.is_empty() && tl.now() < FAST_FORWARD_LIMIT {
        if !tl.step_event() {
            break;
        }
    }
    let skipped = tl.now();
    Ok((tl, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::speed::DEFAULT_SPEED;

    #[test]
    fn the_start_is_skipped_up_to_the_first_vote_request() {
        let (tl, skipped) = new_timeline(WorldConfig::default()).unwrap();
        assert!(
            skipped >= Micros::from_ms(150) && skipped <= Micros::from_ms(300),
            "{skipped}"
        );
        assert!(!tl.world().network().in_flight.is_empty());
        assert!(tl.world().leader().is_none());
    }

    /// "Within a second of opening, a leader": at the opening speed one
    /// wall second is `DEFAULT_SPEED` seconds of virtual time. Split votes
    /// can take longer, but most seeds must make it.
    #[test]
    fn most_seeds_elect_a_leader_within_one_wall_second_at_the_opening_speed() {
        let budget = Micros((1_000_000.0 * DEFAULT_SPEED) as u64);
        let mut ok = 0;
        for seed in 1..=20 {
            let cfg = WorldConfig {
                seed,
                ..WorldConfig::default()
            };
            let (mut tl, skipped) = new_timeline(cfg).unwrap();
            tl.advance_to(skipped + budget);
            if tl.world().leader().is_some() {
                ok += 1;
            }
        }
        assert!(
            ok >= 16,
            "only {ok} of 20 seeds elected a leader within {budget}"
        );
    }

    /// "Entries start to replicate" in the first seconds: with the page's
    /// workload, the clients' first commands are committed within five wall
    /// seconds at the opening speed for most seeds, and within ten for all.
    #[test]
    fn client_commands_commit_within_seconds_of_opening() {
        use crate::view_model::params::page_config;
        use raftlab_sim::snapshot::EntryKind;
        let wall = |s: f64| Micros((1_000_000.0 * s * DEFAULT_SPEED) as u64);
        let mut by_five = 0;
        for seed in 1..=20 {
            let cfg = WorldConfig {
                seed,
                ..page_config()
            };
            let (mut tl, skipped) = new_timeline(cfg).unwrap();
            let committed_command = |tl: &raftlab_sim::Timeline| {
                tl.world().snapshot().nodes.iter().any(|n| {
                    n.log
                        .iter()
                        .any(|e| e.committed && e.kind == EntryKind::Command)
                })
            };
            tl.advance_to(skipped + wall(5.0));
            if committed_command(&tl) {
                by_five += 1;
            }
            tl.advance_to(skipped + wall(10.0));
            assert!(
                committed_command(&tl),
                "seed {seed}: no command committed in 10 wall seconds"
            );
        }
        assert!(
            by_five >= 15,
            "only {by_five} of 20 seeds committed a command within 5 wall seconds"
        );
    }

    #[test]
    fn invalid_settings_are_refused_with_a_message() {
        let cfg = WorldConfig {
            nodes: 0,
            ..WorldConfig::default()
        };
        let Err(err) = new_timeline(cfg) else {
            panic!("zero nodes is invalid")
        };
        assert!(err
            .to_string()
            .contains("`nodes` must be between 1 and 51 nodes (got 0)"));
    }
}
