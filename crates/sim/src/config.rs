//! World configuration: everything that, together with the seed and the
//! action log, determines a run.

use raftlab_core::{Config as RaftConfig, Micros};
use serde::{Deserialize, Serialize};

use crate::SimError;

/// Most nodes the page draws: the page sets [`WorldConfig::max_nodes`] to
/// it, so adding a tenth node there is refused like any other bad action.
pub const MAX_NODES_PAGE: usize = 9;
/// Most nodes any world may ever hold, added ones included: the one limit
/// behind [`WorldConfig::max_nodes`], whatever builds the world (page,
/// script, trace, command line). Every node costs memory in each
/// checkpoint, so the limit is on nodes ever started, not on members.
pub const MAX_NODES: usize = 51;

/// Network behaviour of one directed link (or the default for all links).
///
/// Latency is drawn uniformly from `latency_min..=latency_max` per message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkConfig {
    /// Smallest one-way delay.
    pub latency_min: Micros,
    /// Largest one-way delay.
    pub latency_max: Micros,
    /// Probability that a message is lost, in `0.0..=1.0`.
    pub drop_rate: f64,
    /// Probability that a message is delivered twice, in `0.0..=1.0`.
    pub duplicate_rate: f64,
    /// When false, a link delivers in FIFO order (like TCP); when true,
    /// jitter may reorder messages (like UDP).
    pub reorder: bool,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            latency_min: Micros::from_ms(10),
            latency_max: Micros::from_ms(20),
            drop_rate: 0.0,
            duplicate_rate: 0.0,
            reorder: false,
        }
    }
}

impl LinkConfig {
    /// Rejects settings that make no sense, with a message a user can act on.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.latency_min > self.latency_max {
            return Err(SimError::Config(format!(
                "latency min ({} ms) is above latency max ({} ms)",
                self.latency_min.as_ms_f64(),
                self.latency_max.as_ms_f64()
            )));
        }
        if self.latency_max > Micros::from_ms(60_000) {
            return Err(SimError::Config(
                "latency above 60 s is not supported".to_string(),
            ));
        }
        for (name, p) in [
            ("drop rate", self.drop_rate),
            ("duplicate rate", self.duplicate_rate),
        ] {
            if !(0.0..=1.0).contains(&p) || p.is_nan() {
                return Err(SimError::Config(format!(
                    "{name} must be between 0 and 1, got {p}"
                )));
            }
        }
        Ok(())
    }
}

/// The simulated client workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadConfig {
    /// Operations per second over all clients; 0 turns the workload off.
    pub ops_per_sec: f64,
    /// Fraction of operations that are reads (`get`), in `0.0..=1.0`.
    pub read_fraction: f64,
    /// Number of distinct keys (`a`, `b`, ...).
    pub keys: u32,
    /// Number of concurrent clients.
    pub clients: u32,
}

impl Default for WorkloadConfig {
    fn default() -> Self {
        WorkloadConfig {
            ops_per_sec: 2.0,
            read_fraction: 0.25,
            keys: 3,
            clients: 2,
        }
    }
}

/// Everything about a world except the user's actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorldConfig {
    /// Number of initial voting members.
    pub nodes: usize,
    /// The run's seed: every random choice derives from it.
    pub seed: u64,
    /// The Raft core's settings (timeouts, PreVote, CheckQuorum, bug switches).
    pub raft: RaftConfig,
    /// Default behaviour of every link.
    pub network: LinkConfig,
    /// Time a durable write takes; zero means writes complete instantly.
    pub disk_latency: Micros,
    /// The background client workload.
    pub workload: WorkloadConfig,
    /// How long a client waits for an answer before retrying elsewhere.
    pub client_timeout: Micros,
    /// How many attempts a client makes before giving up on an operation
    /// (its outcome is then unknown to the linearizability checker).
    pub client_max_attempts: u32,
    /// Each node snapshots its state machine and compacts its log once this
    /// many applied entries follow its last snapshot; `None` never compacts.
    pub snapshot_every: Option<u64>,
    /// Run the invariant checkers after every event.
    pub check_invariants: bool,
    /// Run the linearizability checker as operations complete.
    pub check_linearizability: bool,
    /// Most nodes this world may hold, those added later (and removed from
    /// the configuration) included; `AddNode` past it is refused. At most
    /// [`MAX_NODES`]; the page uses [`MAX_NODES_PAGE`]. Written to a trace
    /// only when it differs from [`MAX_NODES`], so older traces read as
    /// before.
    #[serde(
        default = "default_max_nodes",
        skip_serializing_if = "is_default_max_nodes"
    )]
    pub max_nodes: usize,
}

fn default_max_nodes() -> usize {
    MAX_NODES
}

fn is_default_max_nodes(n: &usize) -> bool {
    *n == MAX_NODES
}

impl Default for WorldConfig {
    fn default() -> Self {
        WorldConfig {
            nodes: 5,
            seed: 1,
            raft: RaftConfig::default(),
            network: LinkConfig::default(),
            disk_latency: Micros(0),
            workload: WorkloadConfig::default(),
            client_timeout: Micros::from_ms(1_000),
            client_max_attempts: 10,
            snapshot_every: Some(200),
            check_invariants: true,
            check_linearizability: true,
            max_nodes: MAX_NODES,
        }
    }
}

impl WorldConfig {
    /// Rejects absurd settings with a clear message instead of misbehaving.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.max_nodes == 0 || self.max_nodes > MAX_NODES {
            return Err(SimError::Config(format!(
                "the node limit (max_nodes) must be between 1 and {MAX_NODES}, got {}",
                self.max_nodes
            )));
        }
        if self.nodes == 0 || self.nodes > self.max_nodes {
            return Err(SimError::Config(format!(
                "node count must be between 1 and {}, got {}",
                self.max_nodes, self.nodes
            )));
        }
        self.raft
            .validate()
            .map_err(|e| SimError::Config(e.to_string()))?;
        self.network.validate()?;
        let w = &self.workload;
        if !(0.0..=10_000.0).contains(&w.ops_per_sec) || w.ops_per_sec.is_nan() {
            return Err(SimError::Config(format!(
                "workload rate must be between 0 and 10000 ops/s, got {}",
                w.ops_per_sec
            )));
        }
        if !(0.0..=1.0).contains(&w.read_fraction) || w.read_fraction.is_nan() {
            return Err(SimError::Config(format!(
                "read fraction must be between 0 and 1, got {}",
                w.read_fraction
            )));
        }
        if w.keys == 0 || w.keys > 26 {
            return Err(SimError::Config(format!(
                "key count must be between 1 and 26, got {}",
                w.keys
            )));
        }
        if w.clients == 0 || w.clients > 64 {
            return Err(SimError::Config(format!(
                "client count must be between 1 and 64, got {}",
                w.clients
            )));
        }
        if self.client_timeout < Micros::from_ms(1) {
            return Err(SimError::Config(
                "client timeout must be at least 1 ms".into(),
            ));
        }
        if self.client_max_attempts == 0 {
            return Err(SimError::Config("clients need at least one attempt".into()));
        }
        if self.disk_latency > Micros::from_ms(10_000) {
            return Err(SimError::Config(
                "disk latency above 10 s is not supported".into(),
            ));
        }
        if self.snapshot_every == Some(0) {
            return Err(SimError::Config(
                "snapshot interval must be at least 1 entry".into(),
            ));
        }
        Ok(())
    }
}
