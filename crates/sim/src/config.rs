//! World configuration: everything that, together with the seed and the
//! action log, determines a run.

use raftlab_core::{Bugs, Config as RaftConfig, Micros};
use serde::{Deserialize, Serialize};

use crate::limits;
use crate::SimError;

/// Most nodes the page draws: the page sets [`WorldConfig::max_nodes`] to
/// it, so adding a tenth node there is refused like any other bad action.
pub const MAX_NODES_PAGE: usize = crate::limits::PAGE_NODES.max as usize;
/// Most nodes any world may ever hold, added ones included: the one limit
/// behind [`WorldConfig::max_nodes`], whatever builds the world (page,
/// script, trace, command line). Every node costs memory in each
/// checkpoint, so the limit is on nodes ever started, not on members.
pub const MAX_NODES: usize = crate::limits::NODES.max as usize;

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
    /// Rejects settings that make no sense, with a message a user can act
    /// on: the name they type (`latency`, `drop`), the range, the unit.
    pub fn validate(&self) -> Result<(), SimError> {
        limits::LATENCY.check(self.latency_min).map_err(refuse)?;
        limits::LATENCY.check(self.latency_max).map_err(refuse)?;
        if self.latency_min > self.latency_max {
            return Err(SimError::Config(format!(
                "`latency` minimum ({}) is above its maximum ({})",
                limits::ms(self.latency_min),
                limits::ms(self.latency_max)
            )));
        }
        limits::DROP.check(self.drop_rate).map_err(refuse)?;
        limits::DUPLICATE
            .check(self.duplicate_rate)
            .map_err(refuse)?;
        Ok(())
    }
}

fn refuse(e: limits::OutOfRange) -> SimError {
    SimError::Config(e.to_string())
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
    /// Hand-driven delivery: the network holds every message until the
    /// user delivers, drops or duplicates it, and no timer fires until the
    /// user fires it, so time only moves when they act (DSLabs' visual
    /// debugger). Changed during a run by [`crate::Action::HandDelivery`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hand_delivery: bool,
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
            hand_delivery: false,
        }
    }
}

impl WorldConfig {
    /// Rejects absurd settings with one clear message (the first problem
    /// found) instead of misbehaving: every number is checked against its
    /// limit in [`crate::limits`], so the run's arithmetic cannot overflow.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.max_nodes == 0 || self.max_nodes > MAX_NODES {
            return Err(SimError::Config(format!(
                "the node limit (max_nodes) must be between 1 and {MAX_NODES} nodes (got {})",
                self.max_nodes
            )));
        }
        let nodes = u64::try_from(self.nodes).unwrap_or(u64::MAX);
        limits::NODES.check(nodes).map_err(refuse)?;
        if self.nodes > self.max_nodes {
            return Err(SimError::Config(format!(
                "`nodes` must be between 1 and {} nodes here (got {})",
                self.max_nodes, self.nodes
            )));
        }
        let r = &self.raft;
        limits::ELECTION
            .check(r.election_timeout_min)
            .map_err(refuse)?;
        limits::ELECTION
            .check(r.election_timeout_max)
            .map_err(refuse)?;
        if r.election_timeout_min > r.election_timeout_max {
            return Err(SimError::Config(format!(
                "`election` minimum ({}) is above its maximum ({})",
                limits::ms(r.election_timeout_min),
                limits::ms(r.election_timeout_max)
            )));
        }
        limits::HEARTBEAT
            .check(r.heartbeat_interval)
            .map_err(refuse)?;
        // Followers must hear a heartbeat before their election timer can
        // fire, or a healthy leader is deposed over and over (§5.6).
        if r.heartbeat_interval >= r.election_timeout_min {
            return Err(SimError::Config(format!(
                "`heartbeat` ({}) must be shorter than the shortest `election` timeout ({})",
                limits::ms(r.heartbeat_interval),
                limits::ms(r.election_timeout_min)
            )));
        }
        let count = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
        limits::MAX_INFLIGHT
            .check(count(r.max_inflight_msgs))
            .map_err(refuse)?;
        limits::MAX_ENTRIES_PER_MSG
            .check(count(r.max_entries_per_msg))
            .map_err(refuse)?;
        // Whatever the core checks besides; with the checks above its own
        // messages (internal field names, µs) never reach a user.
        r.validate().map_err(|e| SimError::Config(e.to_string()))?;
        self.network.validate()?;
        let w = &self.workload;
        limits::WORKLOAD.check(w.ops_per_sec).map_err(refuse)?;
        limits::READS.check(w.read_fraction).map_err(refuse)?;
        limits::KEYS.check(u64::from(w.keys)).map_err(refuse)?;
        limits::CLIENTS
            .check(u64::from(w.clients))
            .map_err(refuse)?;
        limits::CLIENT_TIMEOUT
            .check(self.client_timeout)
            .map_err(refuse)?;
        limits::CLIENT_ATTEMPTS
            .check(u64::from(self.client_max_attempts))
            .map_err(refuse)?;
        limits::DISK.check(self.disk_latency).map_err(refuse)?;
        if let Some(every) = self.snapshot_every {
            limits::SNAPSHOT_EVERY.check(every).map_err(refuse)?;
        }
        Ok(())
    }
}

/// The protocol's on/off options, which a run may change mid-way (the
/// tours turn PreVote on after showing what goes wrong without it). The
/// timings stay as the run began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Switches {
    /// PreVote (thesis §9.6).
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2).
    pub check_quorum: bool,
    /// Exponential election back-off.
    pub election_backoff: bool,
    /// Lease reads (thesis §6.4.1).
    pub lease_reads: bool,
    /// Deliberate protocol mutations.
    pub bugs: Bugs,
}

impl Switches {
    /// The switches of a Raft configuration.
    pub fn of(c: &RaftConfig) -> Switches {
        Switches {
            pre_vote: c.pre_vote,
            check_quorum: c.check_quorum,
            election_backoff: c.election_backoff,
            lease_reads: c.lease_reads,
            bugs: c.bugs,
        }
    }

    /// `c` with these switches.
    pub fn applied_to(self, c: &RaftConfig) -> RaftConfig {
        RaftConfig {
            pre_vote: self.pre_vote,
            check_quorum: self.check_quorum,
            election_backoff: self.election_backoff,
            lease_reads: self.lease_reads,
            bugs: self.bugs,
            ..c.clone()
        }
    }
}
