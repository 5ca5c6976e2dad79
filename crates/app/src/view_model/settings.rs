//! The settings form's own check: the relations between fields that the
//! form's per-field limits cannot keep (min above max, an election timeout
//! no longer than the heartbeat), worded in the page's language before the
//! run restarts. The simulator checks the same relations (its test below
//! keeps the two in step); anything else it refuses still shows as an
//! action error.

use raftlab_core::Micros;
use raftlab_sim::WorldConfig;

use crate::i18n::{Lang, K};

/// What is wrong with a draft of the settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Latency min above latency max.
    Latency {
        /// Min.
        min: Micros,
        /// Max.
        max: Micros,
    },
    /// Election timeout max below its min.
    Election {
        /// Min.
        min: Micros,
        /// Max.
        max: Micros,
    },
    /// Election timeout min not longer than the heartbeat interval.
    Heartbeat {
        /// Election timeout min.
        min: Micros,
        /// Heartbeat interval.
        heartbeat: Micros,
    },
}

/// The first problem of a draft, if any.
pub fn problem(c: &WorldConfig) -> Option<Problem> {
    let (n, r) = (&c.network, &c.raft);
    if n.latency_min > n.latency_max {
        Some(Problem::Latency {
            min: n.latency_min,
            max: n.latency_max,
        })
    } else if r.election_timeout_min <= r.heartbeat_interval {
        Some(Problem::Heartbeat {
            min: r.election_timeout_min,
            heartbeat: r.heartbeat_interval,
        })
    } else if r.election_timeout_max < r.election_timeout_min {
        Some(Problem::Election {
            min: r.election_timeout_min,
            max: r.election_timeout_max,
        })
    } else {
        None
    }
}

/// The problem in words.
pub fn describe(lang: Lang, p: Problem) -> String {
    let ms = |m: Micros| m.0 / 1000;
    match p {
        Problem::Latency { min, max } => {
            lang.f(K::SetErrLatency, &[("min", &ms(min)), ("max", &ms(max))])
        }
        Problem::Election { min, max } => {
            lang.f(K::SetErrElection, &[("min", &ms(min)), ("max", &ms(max))])
        }
        Problem::Heartbeat { min, heartbeat } => lang.f(
            K::SetErrHeartbeat,
            &[("min", &ms(min)), ("hb", &ms(heartbeat))],
        ),
    }
}

/// The settings panel's label for a bug switch of the core's table
/// ([`raftlab_core::BUG_SWITCHES`]); `None` for a switch that has no words
/// yet (a test below fails until it has them in both languages).
pub fn bug_label(name: &str) -> Option<K> {
    Some(match name {
        "commit_prior_term_by_counting" => K::BugCommitPrior,
        "vote_without_log_check" => K::BugVoteNoLog,
        "forget_vote_on_restart" => K::BugForgetVote,
        "truncate_on_append_without_conflict" => K::BugTruncate,
        "leader_ignores_higher_term" => K::BugIgnoreHigher,
        "read_index_without_quorum" => K::BugReadNoQuorum,
        "apply_uncommitted" => K::BugApplyUncommitted,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every combination the form can produce around the boundaries: the
    /// page finds a problem exactly when the simulator refuses the settings.
    #[test]
    fn the_form_refuses_exactly_what_the_simulator_refuses() {
        let ms = Micros::from_ms;
        let values = [1, 49, 50, 51, 150, 300, 301];
        let mut refused = 0;
        for &lmin in &[0, 10, 20, 21] {
            for &lmax in &[0, 10, 20] {
                for &hb in &values {
                    for &emin in &values {
                        for &emax in &values {
                            let mut c = WorldConfig::default();
                            c.network.latency_min = ms(lmin);
                            c.network.latency_max = ms(lmax);
                            c.raft.heartbeat_interval = ms(hb);
                            c.raft.election_timeout_min = ms(emin);
                            c.raft.election_timeout_max = ms(emax);
                            let sim = raftlab_sim::World::new(c.clone()).is_err();
                            assert_eq!(problem(&c).is_some(), sim, "{c:?}");
                            refused += sim as usize;
                        }
                    }
                }
            }
        }
        assert!(refused > 0);
    }

    #[test]
    fn problems_read_in_both_languages() {
        let p = Problem::Election {
            min: Micros::from_ms(300),
            max: Micros::from_ms(150),
        };
        assert_eq!(
            describe(Lang::En, p),
            "election timeout max (150 ms) is below its min (300 ms)"
        );
        assert_eq!(
            describe(Lang::Zh, p),
            "选举超时最大值（150 毫秒）小于最小值（300 毫秒）"
        );
    }

    #[test]
    fn every_bug_switch_has_a_label_in_both_languages() {
        let mut labels = std::collections::HashSet::new();
        for s in &raftlab_core::BUG_SWITCHES {
            let k =
                bug_label(s.name).unwrap_or_else(|| panic!("no label for bug switch {}", s.name));
            assert!(labels.insert(k), "{} shares a label", s.name);
            assert!(!Lang::En.t(k).is_empty() && !Lang::Zh.t(k).is_empty());
        }
    }
}
