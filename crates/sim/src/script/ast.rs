//! The parsed form of a scenario script, and its canonical spelling.
//!
//! Long because every directive is a typed variant with its canonical
//! printing beside it (the round-trip tests read both).

use std::fmt;

use raftlab_core::{MessageKind, Micros, NodeId};

use super::exercise::{Tool, Track};
use crate::kv::KvOp;

/// A node named in a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeRef {
    /// A node by id: `n3`.
    Id(NodeId),
    /// Whichever node is leader when the directive runs: `leader`.
    Leader,
    /// Some follower, chosen deterministically by the executor: `follower`.
    AnyFollower,
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeRef::Id(id) => write!(f, "{id}"),
            NodeRef::Leader => write!(f, "leader"),
            NodeRef::AnyFollower => write!(f, "follower"),
        }
    }
}

/// A duration spelled canonically in a script (`2s`, `300ms`, `500us`);
/// the core's own `Display` for [`Micros`] is for logs (`300000µs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spelled(pub Micros);

impl fmt::Display for Spelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0 .0;
        if us != 0 && us.is_multiple_of(1_000_000) {
            write!(f, "{}s", us / 1_000_000)
        } else if us.is_multiple_of(1_000) {
            write!(f, "{}ms", us / 1_000)
        } else {
            write!(f, "{us}us")
        }
    }
}

/// A comparison in an assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cmp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl Cmp {
    /// Whether `left <op> right` holds.
    pub fn holds(self, left: u64, right: u64) -> bool {
        match self {
            Cmp::Eq => left == right,
            Cmp::Ne => left != right,
            Cmp::Gt => left > right,
            Cmp::Ge => left >= right,
            Cmp::Lt => left < right,
            Cmp::Le => left <= right,
        }
    }
}

impl fmt::Display for Cmp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
        })
    }
}

/// Where an assertion about per-node state is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum On {
    /// One node: `on n2`, `on leader`.
    Node(NodeRef),
    /// Every live node: `on all`.
    All,
}

impl fmt::Display for On {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            On::Node(n) => write!(f, "on {n}"),
            On::All => write!(f, "on all"),
        }
    }
}

/// A Raft role named by `expect role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleName {
    /// `follower`
    Follower,
    /// `precandidate` (PreVote phase)
    PreCandidate,
    /// `candidate`
    Candidate,
    /// `leader`
    Leader,
}

impl fmt::Display for RoleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RoleName::Follower => "follower",
            RoleName::PreCandidate => "precandidate",
            RoleName::Candidate => "candidate",
            RoleName::Leader => "leader",
        })
    }
}

/// A `set` directive: one knob of the world or the Raft configuration.
#[derive(Clone, Debug, PartialEq)]
pub enum Setting {
    /// `set election 150ms..300ms`: randomized election timeout range.
    Election {
        /// Lower bound.
        min: Micros,
        /// Upper bound (inclusive).
        max: Micros,
    },
    /// `set heartbeat 50ms`
    Heartbeat {
        /// Interval between leader heartbeats.
        interval: Micros,
    },
    /// `set latency 5ms..15ms`: one-way message delay range.
    Latency {
        /// Lower bound.
        min: Micros,
        /// Upper bound (inclusive).
        max: Micros,
    },
    /// `set drop 0.1`: probability that a message is lost.
    Drop {
        /// In `0.0..=1.0`.
        probability: f64,
    },
    /// `set duplicate 0.05`: probability that a message is delivered twice.
    Duplicate {
        /// In `0.0..=1.0`.
        probability: f64,
    },
    /// `set reorder on`
    Reorder(bool),
    /// `set prevote on` (thesis §9.6)
    PreVote(bool),
    /// `set checkquorum on` (thesis §6.2)
    CheckQuorum(bool),
    /// `set backoff on`: election backoff.
    Backoff(bool),
    /// `set lease on`: leader leases for reads (thesis §6.4.1).
    Lease(bool),
    /// `set disk 2ms`: time to persist before a node may answer.
    Disk {
        /// Write latency.
        write: Micros,
    },
    /// `set snapshot-every 100`: log entries between snapshots.
    SnapshotEvery {
        /// Entries.
        entries: u64,
    },
    /// `set hand-delivery on`: hand-driven delivery (every message held,
    /// timers fired by hand); during a run it is an action.
    HandDelivery(bool),
    /// `set max-entries 1`: entries one AppendEntries carries.
    MaxEntries {
        /// Entries per message.
        entries: u64,
    },
    /// `set bug <name> on`: enables a deliberately injected bug.
    Bug {
        /// The bug's name, as the core lists it.
        name: String,
        /// On or off.
        on: bool,
    },
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::Election { min, max } => {
                write!(f, "election {}..{}", Spelled(*min), Spelled(*max))
            }
            Setting::Heartbeat { interval } => write!(f, "heartbeat {}", Spelled(*interval)),
            Setting::Latency { min, max } => {
                write!(f, "latency {}..{}", Spelled(*min), Spelled(*max))
            }
            Setting::Drop { probability } => write!(f, "drop {probability}"),
            Setting::Duplicate { probability } => write!(f, "duplicate {probability}"),
            Setting::Reorder(on) => write!(f, "reorder {}", on_off(*on)),
            Setting::PreVote(on) => write!(f, "prevote {}", on_off(*on)),
            Setting::CheckQuorum(on) => write!(f, "checkquorum {}", on_off(*on)),
            Setting::Backoff(on) => write!(f, "backoff {}", on_off(*on)),
            Setting::Lease(on) => write!(f, "lease {}", on_off(*on)),
            Setting::Disk { write } => write!(f, "disk {}", Spelled(*write)),
            Setting::SnapshotEvery { entries } => write!(f, "snapshot-every {entries}"),
            Setting::Bug { name, on } => write!(f, "bug {name} {}", on_off(*on)),
            Setting::HandDelivery(on) => write!(f, "hand-delivery {}", on_off(*on)),
            Setting::MaxEntries { entries } => write!(f, "max-entries {entries}"),
        }
    }
}

/// A background client workload.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// Operations started per simulated second, over all clients: 0
    /// (off) or within [`crate::limits::WORKLOAD`].
    pub ops_per_s: f64,
    /// Fraction of reads, `0.0..=1.0`; the executor's default if `None`.
    pub reads: Option<f64>,
    /// Number of distinct keys.
    pub keys: Option<u64>,
    /// Number of concurrent clients.
    pub clients: Option<u64>,
}

/// An `expect` directive.
#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    /// `expect leader [in {n3 n4 n5}]`: exactly one leader in the latest
    /// term, optionally among the listed nodes.
    Leader {
        /// The nodes allowed to lead; any if empty.
        among: Vec<NodeId>,
    },
    /// `expect no leader`
    NoLeader,
    /// `expect leader == n3`, `expect leader != n3` (only `==`, `!=`).
    LeaderIs {
        /// `Eq` or `Ne`.
        cmp: Cmp,
        /// The node compared with.
        node: NodeRef,
    },
    /// `expect term > 2`: the highest term of any node.
    Term {
        /// Comparison.
        cmp: Cmp,
        /// Right-hand side.
        value: u64,
    },
    /// `expect committed >= 4 [on n2|on all]`
    Committed {
        /// Comparison.
        cmp: Cmp,
        /// Right-hand side (a log index).
        value: u64,
        /// Where; the leader's if `None`.
        on: Option<On>,
    },
    /// `expect applied >= 4 [on n2|on all]`
    Applied {
        /// Comparison.
        cmp: Cmp,
        /// Right-hand side (a log index).
        value: u64,
        /// Where; the leader's if `None`.
        on: Option<On>,
    },
    /// `expect role n2 follower`
    Role {
        /// The node.
        node: NodeRef,
        /// The role it must have.
        role: RoleName,
    },
    /// `expect logs match`: Log Matching holds over committed prefixes.
    LogsMatch,
    /// `expect value x == 1 [on n2|on all]`: a replica's store.
    Value {
        /// The key.
        key: String,
        /// `Eq` or `Ne`.
        cmp: Cmp,
        /// The value compared with.
        value: String,
        /// Where; the leader's if `None`.
        on: Option<On>,
    },
    /// `expect linearizable`: the client history so far.
    Linearizable,
    /// `expect safe`: every invariant holds.
    Safe,
    /// `expect violation <invariant-name>`: that invariant was broken.
    Violation(String),
    /// `expect last >= 4 [on n2|on all]`: the last index of a log
    /// (committed or not).
    Last {
        /// Comparison.
        cmp: Cmp,
        /// Right-hand side (a log index).
        value: u64,
        /// Where; the leader's if `None`.
        on: Option<On>,
    },
    /// `expect votes n2 == 2`: granted votes a (pre-)candidate holds,
    /// its own included.
    Votes {
        /// The candidate.
        node: NodeRef,
        /// Comparison.
        cmp: Cmp,
        /// Right-hand side.
        value: u64,
    },
    /// `expect voters {n3 n4 n5}`: the leader's configuration is exactly
    /// these voters, not joint (paper §6).
    Voters(Vec<NodeId>),
}

/// A `show` directive: print part of the world as the step's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// `show cluster`
    Cluster,
    /// `show log [n2]`
    Log(Option<NodeRef>),
    /// `show kv [n2]`
    Kv(Option<NodeRef>),
    /// `show messages`
    Messages,
    /// `show client`: what happened to the script's own client requests
    /// (sends, redirects, time-outs, retries, results).
    Client,
}

/// One directive of a script. `Display` gives its canonical spelling,
/// which parses back to the same value.
#[derive(Clone, Debug, PartialEq)]
pub enum Directive {
    /// `nodes 5`: a fresh cluster of n1..n5 (1..=51 nodes).
    Nodes(u64),
    /// `seed 42`: the run's seed.
    Seed(u64),
    /// `set <setting>`
    Set(Setting),
    /// `run 300ms`
    Run {
        /// Simulated time to advance.
        duration: Micros,
    },
    /// `run until leader [within 2s]`
    RunUntilLeader {
        /// Give up (and fail) after this long; the executor's default if
        /// `None`.
        within: Option<Micros>,
    },
    /// `run until committed 4 [on n2] [within 2s]`
    RunUntilCommitted {
        /// The log index that must be committed.
        index: u64,
        /// Where; the leader if `None`.
        on: Option<NodeRef>,
        /// Give up after this long.
        within: Option<Micros>,
    },
    /// `step [N]`: deliver the next N events (default 1).
    Step(u64),
    /// `crash n2`: stop a node, losing volatile state.
    Crash(NodeRef),
    /// `restart n2`: recover a crashed node from its persisted state.
    Restart(NodeRef),
    /// `pause n2`: freeze a node without losing state (a GC pause).
    Pause(NodeRef),
    /// `resume n2`
    Resume(NodeRef),
    /// `partition {n1 n2} {n3 n4 n5}`: only nodes in the same group talk.
    Partition(Vec<Vec<NodeId>>),
    /// `isolate n2`: cut a node off from everyone.
    Isolate(NodeRef),
    /// `cut n1 -> n2` (one way) or `cut n1 <-> n2` (both ways).
    Cut {
        /// Sender side.
        source: NodeRef,
        /// Receiver side.
        target: NodeRef,
        /// Whether the reverse direction is cut too.
        both_ways: bool,
    },
    /// `heal` (all links) or `heal n1 <-> n2`.
    Heal(Option<(NodeRef, NodeRef)>),
    /// `skew n2 +50ms`: shift a node's clock.
    Skew {
        /// The node.
        node: NodeRef,
        /// Signed offset.
        offset_us: i64,
    },
    /// `timeout n2`: force an election timeout.
    Timeout(NodeRef),
    /// `transfer n2`: leadership transfer (thesis §3.10).
    Transfer(NodeRef),
    /// `add n6 [learner]`: membership change adding a node.
    Add {
        /// The new node's id.
        node: NodeId,
        /// Whether it joins as a non-voting learner.
        learner: bool,
    },
    /// `promote n6`: learner to voter.
    Promote(NodeId),
    /// `remove n3`
    Remove(NodeRef),
    /// `joint {n1 n2 n3} [learners {n6}]`: joint-consensus change to the
    /// given configuration (thesis §4.3).
    Joint {
        /// The new voters.
        voters: Vec<NodeId>,
        /// The new learners.
        learners: Vec<NodeId>,
    },
    /// `compact n2`: take a snapshot and truncate the log.
    Compact(NodeRef),
    /// `put x 1 [via n2]` and the other client operations.
    Client {
        /// The operation.
        op: KvOp,
        /// The node the client sends to; the client's guess if `None`.
        via: Option<NodeRef>,
    },
    /// `workload 50 [reads 0.5] [keys 3] [clients 4]`
    Workload(Workload),
    /// `workload off`
    WorkloadOff,
    /// `expect ...`
    Expect(Expectation),
    /// `show ...`
    Show(Show),
    /// `say [en|zh] <free text>`: narration for guided tours, optionally
    /// tagged with the language it is written in.
    Say {
        /// `en` or `zh` when the first word is one of those tags.
        lang: Option<String>,
        /// The narration.
        text: String,
    },
    /// `tour <lang> <title...>`: tour metadata.
    Tour {
        /// Language tag, e.g. `en`, `zh`.
        lang: String,
        /// Free-text title.
        title: String,
    },
    /// `deliver`, `drop`, `duplicate`, `fire`: hand-driven delivery.
    Hand(HandDirective),
    /// An exercise file's metadata, goal or solution line.
    Exercise(ExerciseLine),
}

fn write_ids(f: &mut fmt::Formatter<'_>, ids: &[NodeId]) -> fmt::Result {
    f.write_str("{")?;
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{id}")?;
    }
    f.write_str("}")
}

fn write_within(f: &mut fmt::Formatter<'_>, within: &Option<Micros>) -> fmt::Result {
    match within {
        Some(t) => write!(f, " within {}", Spelled(*t)),
        None => Ok(()),
    }
}

fn write_on(f: &mut fmt::Formatter<'_>, on: &Option<On>) -> fmt::Result {
    match on {
        Some(on) => write!(f, " {on}"),
        None => Ok(()),
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Leader { among } if among.is_empty() => write!(f, "leader"),
            Expectation::Leader { among } => {
                write!(f, "leader in ")?;
                write_ids(f, among)
            }
            Expectation::NoLeader => write!(f, "no leader"),
            Expectation::LeaderIs { cmp, node } => write!(f, "leader {cmp} {node}"),
            Expectation::Term { cmp, value } => write!(f, "term {cmp} {value}"),
            Expectation::Committed { cmp, value, on } => {
                write!(f, "committed {cmp} {value}")?;
                write_on(f, on)
            }
            Expectation::Applied { cmp, value, on } => {
                write!(f, "applied {cmp} {value}")?;
                write_on(f, on)
            }
            Expectation::Role { node, role } => write!(f, "role {node} {role}"),
            Expectation::LogsMatch => write!(f, "logs match"),
            Expectation::Value {
                key,
                cmp,
                value,
                on,
            } => {
                write!(f, "value {key} {cmp} {value}")?;
                write_on(f, on)
            }
            Expectation::Linearizable => write!(f, "linearizable"),
            Expectation::Safe => write!(f, "safe"),
            Expectation::Violation(name) => write!(f, "violation {name}"),
            Expectation::Last { cmp, value, on } => {
                write!(f, "last {cmp} {value}")?;
                write_on(f, on)
            }
            Expectation::Votes { node, cmp, value } => write!(f, "votes {node} {cmp} {value}"),
            Expectation::Voters(ids) => {
                write!(f, "voters ")?;
                write_ids(f, ids)
            }
        }
    }
}

impl fmt::Display for Directive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Directive::Nodes(n) => write!(f, "nodes {n}"),
            Directive::Seed(s) => write!(f, "seed {s}"),
            Directive::Set(s) => write!(f, "set {s}"),
            Directive::Run { duration } => write!(f, "run {}", Spelled(*duration)),
            Directive::RunUntilLeader { within } => {
                write!(f, "run until leader")?;
                write_within(f, within)
            }
            Directive::RunUntilCommitted { index, on, within } => {
                write!(f, "run until committed {index}")?;
                if let Some(node) = on {
                    write!(f, " on {node}")?;
                }
                write_within(f, within)
            }
            Directive::Step(n) => write!(f, "step {n}"),
            Directive::Crash(n) => write!(f, "crash {n}"),
            Directive::Restart(n) => write!(f, "restart {n}"),
            Directive::Pause(n) => write!(f, "pause {n}"),
            Directive::Resume(n) => write!(f, "resume {n}"),
            Directive::Partition(groups) => {
                write!(f, "partition")?;
                for g in groups {
                    f.write_str(" ")?;
                    write_ids(f, g)?;
                }
                Ok(())
            }
            Directive::Isolate(n) => write!(f, "isolate {n}"),
            Directive::Cut {
                source,
                target,
                both_ways,
            } => {
                let arrow = if *both_ways { "<->" } else { "->" };
                write!(f, "cut {source} {arrow} {target}")
            }
            Directive::Heal(None) => write!(f, "heal"),
            Directive::Heal(Some((a, b))) => write!(f, "heal {a} <-> {b}"),
            Directive::Skew { node, offset_us } => {
                let sign = if *offset_us < 0 { '-' } else { '+' };
                write!(
                    f,
                    "skew {node} {sign}{}",
                    Spelled(Micros(offset_us.unsigned_abs()))
                )
            }
            Directive::Timeout(n) => write!(f, "timeout {n}"),
            Directive::Transfer(n) => write!(f, "transfer {n}"),
            Directive::Add { node, learner } => {
                write!(f, "add {node}")?;
                if *learner {
                    write!(f, " learner")?;
                }
                Ok(())
            }
            Directive::Promote(n) => write!(f, "promote {n}"),
            Directive::Remove(n) => write!(f, "remove {n}"),
            Directive::Joint { voters, learners } => {
                write!(f, "joint ")?;
                write_ids(f, voters)?;
                if !learners.is_empty() {
                    write!(f, " learners ")?;
                    write_ids(f, learners)?;
                }
                Ok(())
            }
            Directive::Compact(n) => write!(f, "compact {n}"),
            Directive::Client { op, via } => {
                write!(f, "{op}")?;
                if let Some(node) = via {
                    write!(f, " via {node}")?;
                }
                Ok(())
            }
            Directive::Workload(w) => {
                write!(f, "workload {}", w.ops_per_s)?;
                if let Some(r) = w.reads {
                    write!(f, " reads {r}")?;
                }
                if let Some(k) = w.keys {
                    write!(f, " keys {k}")?;
                }
                if let Some(c) = w.clients {
                    write!(f, " clients {c}")?;
                }
                Ok(())
            }
            Directive::WorkloadOff => write!(f, "workload off"),
            Directive::Expect(e) => write!(f, "expect {e}"),
            Directive::Show(Show::Cluster) => write!(f, "show cluster"),
            Directive::Show(Show::Messages) => write!(f, "show messages"),
            Directive::Show(Show::Client) => write!(f, "show client"),
            Directive::Show(Show::Log(n)) | Directive::Show(Show::Kv(n)) => {
                let what = if matches!(self, Directive::Show(Show::Log(_))) {
                    "log"
                } else {
                    "kv"
                };
                write!(f, "show {what}")?;
                if let Some(node) = n {
                    write!(f, " {node}")?;
                }
                Ok(())
            }
            Directive::Say {
                lang: Some(lang),
                text,
            } => write!(f, "say {lang} {text}"),
            Directive::Say { lang: None, text } => write!(f, "say {text}"),
            Directive::Tour { lang, title } => write!(f, "tour {lang} {title}"),
            Directive::Hand(h) => write!(f, "{h}"),
            Directive::Exercise(e) => write!(f, "{e}"),
        }
    }
}

// --- Hand-driven delivery and exercise files (issue 13). ---

/// Which held message a hand-driven directive means.
#[derive(Clone, Debug, PartialEq)]
pub enum Pick {
    /// `all`: every held message, oldest first.
    All,
    /// `n1 -> n2 [kind]`: the oldest held message on that link (of that
    /// kind).
    Link {
        /// Sender.
        source: NodeRef,
        /// Receiver.
        target: NodeRef,
        /// Only a message of this kind.
        kind: Option<MessageKind>,
    },
}

/// A hand-driven delivery directive.
#[derive(Clone, Debug, PartialEq)]
pub enum HandDirective {
    /// `deliver n1 -> n2 [kind]`, `deliver all`
    Deliver(Pick),
    /// `drop n1 -> n2 [kind]`, `drop all`
    Drop(Pick),
    /// `duplicate n1 -> n2 [kind]`
    Duplicate(Pick),
    /// `fire n2`: run to n2's next timer and fire it.
    Fire(NodeRef),
}

/// The script's name for each message kind (`deliver n1 -> n2 vote`).
pub const KIND_NAMES: [(MessageKind, &str); 10] = [
    (MessageKind::PreVote, "prevote"),
    (MessageKind::PreVoteResponse, "prevote-reply"),
    (MessageKind::RequestVote, "vote"),
    (MessageKind::RequestVoteResponse, "vote-reply"),
    (MessageKind::Heartbeat, "heartbeat"),
    (MessageKind::AppendEntries, "append"),
    (MessageKind::AppendEntriesResponse, "append-reply"),
    (MessageKind::InstallSnapshot, "snapshot"),
    (MessageKind::InstallSnapshotResponse, "snapshot-reply"),
    (MessageKind::TimeoutNow, "timeout-now"),
];

/// The script's name of a message kind.
pub fn kind_name(k: MessageKind) -> &'static str {
    KIND_NAMES
        .iter()
        .find(|(kind, _)| *kind == k)
        .map_or("?", |(_, n)| n)
}

impl fmt::Display for Pick {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pick::All => f.write_str("all"),
            Pick::Link {
                source,
                target,
                kind,
            } => {
                write!(f, "{source} -> {target}")?;
                match kind {
                    Some(k) => write!(f, " {}", kind_name(*k)),
                    None => Ok(()),
                }
            }
        }
    }
}

impl fmt::Display for HandDirective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandDirective::Deliver(p) => write!(f, "deliver {p}"),
            HandDirective::Drop(p) => write!(f, "drop {p}"),
            HandDirective::Duplicate(p) => write!(f, "duplicate {p}"),
            HandDirective::Fire(n) => write!(f, "fire {n}"),
        }
    }
}

/// One line of an exercise file.
#[derive(Clone, Debug, PartialEq)]
pub enum ExerciseLine {
    /// `exercise en <title>`
    Title {
        /// Language tag.
        lang: String,
        /// The title.
        text: String,
    },
    /// `text en <paragraph>`: what to do and why.
    Text {
        /// Language tag.
        lang: String,
        /// One paragraph.
        text: String,
    },
    /// `hint en <hint>`: revealed one at a time; the n-th `hint en` goes
    /// with the n-th `hint zh`.
    Hint {
        /// Language tag.
        lang: String,
        /// The hint.
        text: String,
    },
    /// `track make-it-work` or `track break-it`.
    Track(Track),
    /// `allow crash restart client`: the tools the student may use.
    Allow(Vec<Tool>),
    /// `limit actions 12`
    LimitActions(u64),
    /// `limit time 5s`: virtual time from the start.
    LimitTime(Micros),
    /// `goal <expectation>`: every goal must hold at once.
    Goal(Expectation),
    /// `solution <directive>`: one step of the reference solution.
    Solution(Box<Directive>),
}

impl fmt::Display for ExerciseLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExerciseLine::Title { lang, text } => write!(f, "exercise {lang} {text}"),
            ExerciseLine::Text { lang, text } => write!(f, "text {lang} {text}"),
            ExerciseLine::Hint { lang, text } => write!(f, "hint {lang} {text}"),
            ExerciseLine::Track(t) => write!(f, "track {}", t.name()),
            ExerciseLine::Allow(tools) => {
                f.write_str("allow")?;
                for t in tools {
                    write!(f, " {}", t.name())?;
                }
                Ok(())
            }
            ExerciseLine::LimitActions(n) => write!(f, "limit actions {n}"),
            ExerciseLine::LimitTime(t) => write!(f, "limit time {}", Spelled(*t)),
            ExerciseLine::Goal(e) => write!(f, "goal {e}"),
            ExerciseLine::Solution(d) => write!(f, "solution {d}"),
        }
    }
}
