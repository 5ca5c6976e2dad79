//! The directives of hand-driven delivery (`deliver`, `drop`, `duplicate`,
//! `fire`) and of exercise files (`exercise`, `text`, `hint`, `track`,
//! `allow`, `limit`, `goal`, `solution`): their parsed form and canonical
//! spelling. What an exercise means is in [`crate::exercise`].

use std::fmt;

use raftlab_core::{MessageKind, Micros};

use super::ast::{Directive, Expectation, NodeRef, Spelled};

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

/// An exercise's track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Track {
    /// `make-it-work`: reach a good state with the tools given.
    MakeItWork,
    /// `break-it`: reach a violation (with a bug switch on) or a bad
    /// state Raft allows.
    BreakIt,
}

impl Track {
    /// The name as written in a file.
    pub fn name(self) -> &'static str {
        match self {
            Track::MakeItWork => "make-it-work",
            Track::BreakIt => "break-it",
        }
    }
}

/// A tool an exercise may allow: a family of user actions, or the right
/// to change bug switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tool {
    /// Crash a server.
    Crash,
    /// Restart a crashed server.
    Restart,
    /// Pause and resume a server.
    Pause,
    /// Force an election time-out now (`timeout n2`).
    Timeout,
    /// Leadership transfer.
    Transfer,
    /// Membership changes (add, promote, remove, joint).
    Membership,
    /// Snapshot a server's log now.
    Compact,
    /// Partitions, cuts and heals.
    Partition,
    /// Clock skew.
    Skew,
    /// The student's own client requests.
    Client,
    /// The background workload.
    Workload,
    /// Network settings (latency, loss, ...).
    Network,
    /// Hold and release messages in flight.
    Hold,
    /// Drop a message.
    Drop,
    /// Deliver a held message by hand.
    Deliver,
    /// Duplicate a held message.
    Duplicate,
    /// Fire a node's timer by hand.
    Fire,
    /// Turn hand-driven delivery on or off.
    Hand,
    /// Change bug switches.
    Bugs,
}

impl Tool {
    /// Every tool, in the order files and the page list them.
    pub const ALL: [Tool; 19] = [
        Tool::Crash,
        Tool::Restart,
        Tool::Pause,
        Tool::Timeout,
        Tool::Transfer,
        Tool::Membership,
        Tool::Compact,
        Tool::Partition,
        Tool::Skew,
        Tool::Client,
        Tool::Workload,
        Tool::Network,
        Tool::Hold,
        Tool::Drop,
        Tool::Deliver,
        Tool::Duplicate,
        Tool::Fire,
        Tool::Hand,
        Tool::Bugs,
    ];

    /// The name as written after `allow`.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Crash => "crash",
            Tool::Restart => "restart",
            Tool::Pause => "pause",
            Tool::Timeout => "timeout",
            Tool::Transfer => "transfer",
            Tool::Membership => "membership",
            Tool::Compact => "compact",
            Tool::Partition => "partition",
            Tool::Skew => "skew",
            Tool::Client => "client",
            Tool::Workload => "workload",
            Tool::Network => "network",
            Tool::Hold => "hold",
            Tool::Drop => "drop",
            Tool::Deliver => "deliver",
            Tool::Duplicate => "duplicate",
            Tool::Fire => "fire",
            Tool::Hand => "hand",
            Tool::Bugs => "bugs",
        }
    }

    /// Parses a name written after `allow`.
    pub fn parse(s: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.name() == s)
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
