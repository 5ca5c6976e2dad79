//! The tools an exercise may allow and its tracks (see
//! [`crate::exercise`]); the directives that name them are in `ast.rs`.

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
