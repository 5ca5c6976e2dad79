//! Tunables (defaults are the paper's numbers) and deliberate bugs for teaching.

use crate::bugs::Bugs;
use crate::errors::ConfigError;
use crate::ids::Micros;
use serde::{Deserialize, Serialize};

/// Per-node settings. `Default` gives the paper's timing (§5.2, §9.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Lower bound of the randomized election timeout (paper §5.2: 150 ms).
    pub election_timeout_min: Micros,
    /// Upper bound of the randomized election timeout (paper §5.2: 300 ms).
    pub election_timeout_max: Micros,
    /// How often an idle leader sends heartbeats; well below the election timeout (§5.6).
    pub heartbeat_interval: Micros,
    /// Probe with PreVote before bumping the term, so a rejoining node cannot disrupt (thesis §9.6).
    pub pre_vote: bool,
    /// A leader steps down if it has not heard from a quorum within an election timeout, and
    /// voters ignore vote requests while they hear from a leader (thesis §6.2, §4.2.3).
    pub check_quorum: bool,
    /// After each failed election, double the randomized range, up to 8x; reset on hearing a leader.
    pub election_backoff: bool,
    /// How many AppendEntries may be in flight to one follower in Replicate state (flow control).
    pub max_inflight_msgs: usize,
    /// The most entries one AppendEntries carries.
    pub max_entries_per_msg: usize,
    /// Serve reads from the leader's lease without a heartbeat round (thesis §6.4.1).
    /// Only honoured with `check_quorum`; assumes bounded clock drift.
    pub lease_reads: bool,
    /// Deliberate protocol mutations (all off by default).
    pub bugs: Bugs,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            election_timeout_min: Micros::from_ms(150),
            election_timeout_max: Micros::from_ms(300),
            heartbeat_interval: Micros::from_ms(50),
            pre_vote: false,
            check_quorum: false,
            election_backoff: false,
            max_inflight_msgs: 8,
            max_entries_per_msg: 64,
            lease_reads: false,
            bugs: Bugs::default(),
        }
    }
}

impl Config {
    /// Checks the relations Raft's liveness depends on (broadcast time << election timeout, §5.6).
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.heartbeat_interval.0 == 0 {
            return Err(ConfigError("heartbeat_interval must be > 0".into()));
        }
        if self.election_timeout_min <= self.heartbeat_interval {
            return Err(ConfigError(format!(
                "election_timeout_min ({}) must exceed heartbeat_interval ({})",
                self.election_timeout_min, self.heartbeat_interval
            )));
        }
        if self.election_timeout_max < self.election_timeout_min {
            return Err(ConfigError(format!(
                "election_timeout_max ({}) must be >= election_timeout_min ({})",
                self.election_timeout_max, self.election_timeout_min
            )));
        }
        if self.max_inflight_msgs == 0 {
            return Err(ConfigError("max_inflight_msgs must be > 0".into()));
        }
        if self.max_entries_per_msg == 0 {
            return Err(ConfigError("max_entries_per_msg must be > 0".into()));
        }
        Ok(())
    }

    /// Whether lease-based reads are in effect (they are unsafe without CheckQuorum).
    pub fn lease_reads_enabled(&self) -> bool {
        self.lease_reads && self.check_quorum
    }
}
