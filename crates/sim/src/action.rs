//! User actions: everything a person (or a script, or the fuzzer) can do to
//! a running world. Each one is timestamped into the action log, which with
//! the seed is enough to reproduce a run exactly.

use std::collections::BTreeSet;

use raftlab_core::{Micros, NodeId};
use serde::{Deserialize, Serialize};

use crate::config::{LinkConfig, Switches, WorkloadConfig};
use crate::kv::KvOp;
use crate::network::MsgId;

/// Most actions one run records. The action log is what a trace replays,
/// so it cannot be thinned like the timeline's checkpoints and markers;
/// instead a run refuses its 100,001st action ("put a limit on
/// everything"). A person clicking once a second would need 28 hours.
pub const MAX_ACTIONS: usize = 100_000;

/// One thing done to the world from outside.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Crash a node: volatile state and unfinished writes are lost.
    Crash(NodeId),
    /// Restart a crashed node from its durable state.
    Restart(NodeId),
    /// Freeze a node's process: timers stop, messages queue.
    Pause(NodeId),
    /// Unfreeze a paused node.
    Resume(NodeId),
    /// Make a node time out and start an election now.
    Campaign(NodeId),
    /// Ask the leader to hand leadership to this node (thesis §3.10).
    TransferLeadership(NodeId),
    /// Start a new node and add it through the leader (as a learner or voter).
    AddNode {
        /// Add as a non-voting learner first.
        learner: bool,
    },
    /// Promote a learner to voter.
    Promote(NodeId),
    /// Remove a node from the configuration (single-server change).
    RemoveNode(NodeId),
    /// Joint-consensus change to a new voter set (paper §6).
    ChangeMembership {
        /// The new voters (C_new).
        voters: BTreeSet<NodeId>,
        /// Learners in the new configuration.
        learners: BTreeSet<NodeId>,
    },
    /// Snapshot a node's state machine and compact its log now.
    Compact(NodeId),
    /// Split the network into groups (nodes not named form one more group).
    Partition(Vec<BTreeSet<NodeId>>),
    /// Cut one direction of a link.
    Cut {
        /// Sender side.
        source: NodeId,
        /// Receiver side.
        target: NodeId,
    },
    /// Restore one direction of a link.
    HealLink {
        /// Sender side.
        source: NodeId,
        /// Receiver side.
        target: NodeId,
    },
    /// Remove every partition and cut.
    HealAll,
    /// Freeze a message in flight.
    Hold(MsgId),
    /// Let a held message continue.
    Release(MsgId),
    /// Drop a message in flight.
    Drop(MsgId),
    /// Turn hand-driven delivery on or off (see
    /// [`crate::WorldConfig::hand_delivery`]). Turning it on holds every
    /// message in the air and stops every timer; turning it off lets the
    /// held messages fly on and re-arms the timers.
    HandDelivery(bool),
    /// Hand a held message to its receiver now.
    Deliver(MsgId),
    /// Make a second held copy of a held message (a network duplicate).
    Duplicate(MsgId),
    /// Hand-driven delivery: let time run to this node's next timer and
    /// fire it: an election time-out for a follower or candidate (§5.2), a
    /// heartbeat for a leader.
    FireTimer(NodeId),
    /// Change the default behaviour of every link.
    SetNetwork(LinkConfig),
    /// Override (or with `None` reset) one directed link's behaviour.
    SetLink {
        /// Sender side.
        source: NodeId,
        /// Receiver side.
        target: NodeId,
        /// The override.
        config: Option<LinkConfig>,
    },
    /// Change the background workload.
    SetWorkload(WorkloadConfig),
    /// From now on, `node`'s clock reads the true time plus `offset_us`
    /// (negative: behind); replaces any earlier skew of that node. Its Raft
    /// core sees only its own clock: election and heartbeat timers, leases
    /// (thesis §6.4.1 assumes bounded drift). The core's clock never runs
    /// backwards: after a backward step it stands still until the skewed
    /// time catches up.
    ClockSkew {
        /// The node whose clock is skewed.
        node: NodeId,
        /// Its clock minus the true time, in microseconds.
        offset_us: i64,
    },
    /// Turn protocol options (PreVote, CheckQuorum, back-off, leases, bug
    /// switches) on or off on every server from now on, servers restarted or
    /// added later included.
    SetSwitches(Switches),
    /// The user's client sends one operation.
    ClientRequest {
        /// The operation.
        op: KvOp,
        /// Send the first attempt to this node instead of the presumed leader.
        via: Option<NodeId>,
    },
}

/// An action as recorded: where in the run it happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedAction {
    /// Number of events processed before it.
    pub at_event: u64,
    /// Virtual time when it was applied.
    pub at: Micros,
    /// The action.
    pub action: Action,
}

/// A short English description, for the timeline's markers, trace errors
/// and the CLI; the page words actions in `words.rs`.
impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Action::Crash(n) => format!("crash {n}"),
            Action::Restart(n) => format!("restart {n}"),
            Action::Pause(n) => format!("pause {n}"),
            Action::Resume(n) => format!("resume {n}"),
            Action::Campaign(n) => format!("timeout {n}"),
            Action::TransferLeadership(n) => format!("transfer to {n}"),
            Action::AddNode { learner } => {
                format!("add node{}", if *learner { " (learner)" } else { "" })
            }
            Action::Promote(n) => format!("promote {n}"),
            Action::RemoveNode(n) => format!("remove {n}"),
            Action::ChangeMembership { voters, .. } => {
                let v: Vec<String> = voters.iter().map(|n| n.to_string()).collect();
                format!("joint change to {{{}}}", v.join(" "))
            }
            Action::Compact(n) => format!("compact {n}"),
            Action::ClockSkew { node, offset_us } => {
                let sign = if *offset_us < 0 { '-' } else { '+' };
                let ms = offset_us.unsigned_abs() as f64 / 1000.0;
                format!("skew {node} clock {sign}{ms} ms")
            }
            Action::Partition(groups) => {
                let g: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        format!(
                            "{{{}}}",
                            g.iter()
                                .map(|n| n.to_string())
                                .collect::<Vec<_>>()
                                .join(" ")
                        )
                    })
                    .collect();
                format!("partition {}", g.join(" "))
            }
            Action::Cut { source, target } => format!("cut {source} -> {target}"),
            Action::HealLink { source, target } => format!("heal {source} -> {target}"),
            Action::HealAll => "heal".to_string(),
            Action::Hold(m) => format!("hold {m}"),
            Action::Release(m) => format!("release {m}"),
            Action::Drop(m) => format!("drop {m}"),
            Action::HandDelivery(on) => {
                format!("hand delivery {}", if *on { "on" } else { "off" })
            }
            Action::Deliver(m) => format!("deliver {m}"),
            Action::Duplicate(m) => format!("duplicate {m}"),
            Action::FireTimer(n) => format!("fire {n}'s timer"),
            Action::SetNetwork(_) => "network settings".to_string(),
            Action::SetLink { source, target, .. } => format!("link {source} -> {target} settings"),
            Action::SetWorkload(w) => format!("workload {} ops/s", w.ops_per_sec),
            Action::SetSwitches(_) => "protocol options".to_string(),
            Action::ClientRequest { op, via } => match via {
                Some(v) => format!("{op} via {v}"),
                None => op.to_string(),
            },
        };
        f.write_str(&text)
    }
}
