//! Every number a person can type, in one table: its name as they type it,
//! its allowed range and its unit. The script parser, the world
//! configuration (and so traces), the command-line runner and the page's
//! address parameters all check against these constants, so a value is
//! either refused with one message that names the field, the range and the
//! unit, or it is known to keep the run's arithmetic in range. ("Put a limit
//! on everything", TigerBeetle's VOPR.)
//!
//! Durations are held in microseconds but read and written in milliseconds,
//! the unit people use.

use std::fmt;

use raftlab_core::Micros;

/// The unit a limited number is read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A plain number (a seed, a probability, a term).
    None,
    /// Milliseconds.
    Ms,
    /// Seconds of wall time.
    Seconds,
    /// Log entries.
    Entries,
    /// Simulated events.
    Events,
    /// Servers.
    Nodes,
    /// Seeds.
    Seeds,
    /// Client operations per simulated second.
    OpsPerSec,
    /// Times real time (the page's speed).
    Times,
    /// Keys.
    Keys,
    /// Clients.
    Clients,
    /// Attempts.
    Attempts,
    /// Messages.
    Messages,
    /// Generated inputs.
    Inputs,
}

impl Unit {
    /// How the unit is written after a number; empty for [`Unit::None`].
    pub fn label(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::Ms => "ms",
            Unit::Seconds => "s",
            Unit::Entries => "entries",
            Unit::Events => "events",
            Unit::Nodes => "nodes",
            Unit::Seeds => "seeds",
            Unit::OpsPerSec => "ops/s",
            Unit::Times => "×",
            Unit::Keys => "keys",
            Unit::Clients => "clients",
            Unit::Attempts => "attempts",
            Unit::Messages => "messages",
            Unit::Inputs => "inputs",
        }
    }
}

/// A value outside its limit. `Display` is the one message a user sees:
/// "`snapshot-every` must be between 1 and 100000 entries (got 0)".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` must be {expected} (got {got})")]
pub struct OutOfRange {
    /// The field, as people type it.
    pub name: &'static str,
    /// What it must be: "between 1 and 9 nodes".
    pub expected: String,
    /// The value given, as given where we have the text.
    pub got: String,
}

fn with_unit(text: String, unit: Unit) -> String {
    match unit.label() {
        "" => text,
        u => format!("{text} {u}"),
    }
}

/// A whole number: a count, an index, a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    /// The name people type.
    pub name: &'static str,
    /// Smallest allowed.
    pub min: u64,
    /// Largest allowed.
    pub max: u64,
    /// Its unit.
    pub unit: Unit,
}

impl Count {
    /// "between 1 and 9 nodes".
    pub fn range(&self) -> String {
        with_unit(format!("between {} and {}", self.min, self.max), self.unit)
    }

    /// Whether `v` is allowed.
    pub fn contains(&self, v: u64) -> bool {
        (self.min..=self.max).contains(&v)
    }

    /// `v` if allowed.
    pub fn check(&self, v: u64) -> Result<u64, OutOfRange> {
        if self.contains(v) {
            Ok(v)
        } else {
            Err(self.refuse(v.to_string()))
        }
    }

    /// Reads `text` (ASCII digits only) and checks it. A number too large
    /// for 64 bits is out of range, not "not a number".
    pub fn parse(&self, text: &str) -> Result<u64, OutOfRange> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OutOfRange {
                name: self.name,
                expected: format!("a whole number {}", self.range()),
                got: format!("{text:?}"),
            });
        }
        match text.parse::<u64>() {
            Ok(v) => self.check(v),
            Err(_) => Err(self.refuse(text.to_string())),
        }
    }

    /// The error for a value given as `got`.
    pub fn refuse(&self, got: String) -> OutOfRange {
        OutOfRange {
            name: self.name,
            expected: self.range(),
            got,
        }
    }
}

/// A duration, held in microseconds, written in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration {
    /// The name people type.
    pub name: &'static str,
    /// Shortest allowed.
    pub min: Micros,
    /// Longest allowed.
    pub max: Micros,
}

/// `1500` µs as "1.5 ms": milliseconds without trailing zeros.
pub fn ms(t: Micros) -> String {
    let (whole, frac) = (t.0 / 1000, t.0 % 1000);
    if frac == 0 {
        format!("{whole} ms")
    } else {
        let frac = format!("{frac:03}");
        format!("{whole}.{} ms", frac.trim_end_matches('0'))
    }
}

impl Duration {
    /// "between 0 and 60000 ms".
    pub fn range(&self) -> String {
        let bare = |t: Micros| ms(t).trim_end_matches(" ms").to_string();
        format!("between {} and {} ms", bare(self.min), bare(self.max))
    }

    /// Whether `t` is allowed.
    pub fn contains(&self, t: Micros) -> bool {
        (self.min..=self.max).contains(&t)
    }

    /// `t` if allowed; the message shows it in ms.
    pub fn check(&self, t: Micros) -> Result<Micros, OutOfRange> {
        if self.contains(t) {
            Ok(t)
        } else {
            Err(self.refuse(ms(t)))
        }
    }

    /// The error for a value given as `got` (as typed, e.g. `99999999s`).
    pub fn refuse(&self, got: String) -> OutOfRange {
        OutOfRange {
            name: self.name,
            expected: self.range(),
            got,
        }
    }
}

/// A real number: a probability, a rate, a speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Real {
    /// The name people type.
    pub name: &'static str,
    /// Smallest allowed (besides 0 when `zero_is_off`).
    pub min: f64,
    /// Largest allowed.
    pub max: f64,
    /// Its unit.
    pub unit: Unit,
    /// Whether exactly 0 is allowed too, meaning "off". A rate just above
    /// zero (`1e-13`) is not "almost off": it is refused, so an operation
    /// every 60 million years never turns into arithmetic overflow.
    pub zero_is_off: bool,
}

impl Real {
    /// "between 0 and 1", "0 (off) or between 0.01 and 20 ops/s".
    pub fn range(&self) -> String {
        let r = with_unit(format!("between {} and {}", self.min, self.max), self.unit);
        if self.zero_is_off {
            format!("0 (off) or {r}")
        } else {
            r
        }
    }

    /// Whether `v` is allowed (never NaN).
    pub fn contains(&self, v: f64) -> bool {
        (self.zero_is_off && v == 0.0) || (self.min..=self.max).contains(&v)
    }

    /// `v` if allowed.
    pub fn check(&self, v: f64) -> Result<f64, OutOfRange> {
        if self.contains(v) {
            Ok(v)
        } else {
            Err(self.refuse(v.to_string()))
        }
    }

    /// Reads `text` as a decimal number and checks it.
    pub fn parse(&self, text: &str) -> Result<f64, OutOfRange> {
        match text.parse::<f64>() {
            Ok(v) if self.contains(v) => Ok(v),
            Ok(_) => Err(self.refuse(text.to_string())),
            Err(_) => Err(OutOfRange {
                name: self.name,
                expected: format!("a number {}", self.range()),
                got: format!("{text:?}"),
            }),
        }
    }

    /// The error for a value given as `got`.
    pub fn refuse(&self, got: String) -> OutOfRange {
        OutOfRange {
            name: self.name,
            expected: self.range(),
            got,
        }
    }
}

const fn secs(s: u64) -> Micros {
    Micros(s * 1_000_000)
}

const DAY: Micros = secs(24 * 3600);

// --- The world: scripts (`nodes`, `set ...`, `workload`) and traces. ---

/// `nodes N`: a cluster's size.
pub const NODES: Count = Count {
    name: "nodes",
    min: 1,
    max: 51,
    unit: Unit::Nodes,
};
/// `seed N`: any 64-bit number.
pub const SEED: Count = Count {
    name: "seed",
    min: 0,
    max: u64::MAX,
    unit: Unit::None,
};
/// `set election A..B`: each end of the randomized election timeout (§5.2).
pub const ELECTION: Duration = Duration {
    name: "election",
    min: Micros(1_000),
    max: secs(60),
};
/// `set heartbeat D`; also shorter than the shortest election timeout (§5.6).
pub const HEARTBEAT: Duration = Duration {
    name: "heartbeat",
    min: Micros(1_000),
    max: secs(60),
};
/// `set latency A..B`: each end of the one-way message delay.
pub const LATENCY: Duration = Duration {
    name: "latency",
    min: Micros(0),
    max: secs(60),
};
/// `set drop P`: probability that a message is lost.
pub const DROP: Real = Real {
    name: "drop",
    min: 0.0,
    max: 1.0,
    unit: Unit::None,
    zero_is_off: false,
};
/// `set duplicate P`: probability that a message arrives twice.
pub const DUPLICATE: Real = Real {
    name: "duplicate",
    min: 0.0,
    max: 1.0,
    unit: Unit::None,
    zero_is_off: false,
};
/// `set disk D`: time a durable write takes.
pub const DISK: Duration = Duration {
    name: "disk",
    min: Micros(0),
    max: secs(10),
};
/// `set snapshot-every N`: applied entries between snapshots.
pub const SNAPSHOT_EVERY: Count = Count {
    name: "snapshot-every",
    min: 1,
    max: 100_000,
    unit: Unit::Entries,
};
/// `workload R`: background operations per simulated second.
pub const WORKLOAD: Real = Real {
    name: "workload",
    min: 0.01,
    max: 10_000.0,
    unit: Unit::OpsPerSec,
    zero_is_off: true,
};
/// `workload … reads F`: fraction of reads.
pub const READS: Real = Real {
    name: "reads",
    min: 0.0,
    max: 1.0,
    unit: Unit::None,
    zero_is_off: false,
};
/// `workload … keys N`: distinct keys `a`..`z`.
pub const KEYS: Count = Count {
    name: "keys",
    min: 1,
    max: 26,
    unit: Unit::Keys,
};
/// `workload … clients N`: concurrent background clients.
pub const CLIENTS: Count = Count {
    name: "clients",
    min: 1,
    max: 64,
    unit: Unit::Clients,
};
/// `client_timeout` (traces): how long a client waits before retrying.
pub const CLIENT_TIMEOUT: Duration = Duration {
    name: "client_timeout",
    min: Micros(1_000),
    max: secs(60),
};
/// `client_max_attempts` (traces).
pub const CLIENT_ATTEMPTS: Count = Count {
    name: "client_max_attempts",
    min: 1,
    max: 1_000,
    unit: Unit::Attempts,
};
/// `raft.max_inflight_msgs` (traces): AppendEntries in flight to one follower.
pub const MAX_INFLIGHT: Count = Count {
    name: "raft.max_inflight_msgs",
    min: 1,
    max: 1_024,
    unit: Unit::Messages,
};
/// `raft.max_entries_per_msg` (traces): entries one AppendEntries carries.
pub const MAX_ENTRIES_PER_MSG: Count = Count {
    name: "raft.max_entries_per_msg",
    min: 1,
    max: 10_000,
    unit: Unit::Entries,
};

// --- Script directives that let time pass or compare. ---

/// `run D`: simulated time one directive may advance.
pub const RUN: Duration = Duration {
    name: "run",
    min: Micros(0),
    max: DAY,
};
/// `run until … within D`.
pub const WITHIN: Duration = Duration {
    name: "within",
    min: Micros(0),
    max: DAY,
};
/// `step N`: events one directive may process.
pub const STEP: Count = Count {
    name: "step",
    min: 0,
    max: 1_000_000,
    unit: Unit::Events,
};
/// `skew n2 ±D`: a node's clock offset, either way.
pub const SKEW: Duration = Duration {
    name: "skew",
    min: Micros(0),
    max: secs(60),
};
/// `set max-entries N`: entries one AppendEntries carries (1 lets a
/// leader send an old entry without its newer ones: Figure 8 by hand).
pub const MAX_ENTRIES: Count = Count {
    name: "max-entries",
    min: 1,
    max: 10_000,
    unit: Unit::Entries,
};
/// `limit actions N` in an exercise: the student's actions.
pub const EXERCISE_ACTIONS: Count = Count {
    name: "limit actions",
    min: 1,
    max: 1_000,
    unit: Unit::None,
};
/// `limit time D` in an exercise: virtual time from the start.
pub const EXERCISE_TIME: Duration = Duration {
    name: "limit time",
    min: Micros(1_000),
    max: secs(3_600),
};
/// A log index in `run until committed N`, `expect committed >= N`.
pub const LOG_INDEX: Count = Count {
    name: "log index",
    min: 0,
    max: 1_000_000_000,
    unit: Unit::None,
};
/// A term in `expect term > N`.
pub const TERM: Count = Count {
    name: "term",
    min: 0,
    max: 1_000_000_000,
    unit: Unit::None,
};

// --- The command-line runner. ---

/// `fuzz --events N`: events per seed.
pub const FUZZ_EVENTS: Count = Count {
    name: "--events",
    min: 1,
    max: 100_000_000,
    unit: Unit::Events,
};
/// `fuzz --seeds A..B`: how many seeds one run covers.
pub const FUZZ_SEEDS: Count = Count {
    name: "--seeds",
    min: 1,
    max: 1_000_000,
    unit: Unit::Seeds,
};
/// `fuzz`: seeds × events per seed, about three hours at a million events
/// a second.
pub const FUZZ_TOTAL_EVENTS: Count = Count {
    name: "--seeds × --events",
    min: 1,
    max: 10_000_000_000,
    unit: Unit::Events,
};
/// `bench --seconds S`: CPU time per simulator measurement (at least one run).
pub const BENCH_SECONDS: Real = Real {
    name: "--seconds",
    min: 0.1,
    max: 3_600.0,
    unit: Unit::Seconds,
    zero_is_off: false,
};
/// `trace export --until-ms T`: how far the exported run goes.
pub const TRACE_UNTIL_MS: Count = Count {
    name: "--until-ms",
    min: 0,
    max: DAY.0 / 1_000,
    unit: Unit::Ms,
};
/// `fuzz-inputs --count N`: generated inputs.
pub const FUZZ_INPUTS: Count = Count {
    name: "--count",
    min: 1,
    max: 100_000_000,
    unit: Unit::Inputs,
};

// --- The page's address (`?nodes=7&speed=0.1&workload=4`). ---

/// `nodes=`: the page draws at most nine servers.
pub const PAGE_NODES: Count = Count {
    name: "nodes",
    min: 1,
    max: 9,
    unit: Unit::None,
};
/// `speed=`: virtual seconds per wall second, 1/1000× to 100×.
pub const PAGE_SPEED: Real = Real {
    name: "speed",
    min: 0.001,
    max: 100.0,
    unit: Unit::Times,
    zero_is_off: false,
};
/// `workload=`: what the page's slider offers.
pub const PAGE_WORKLOAD: Real = Real {
    name: "workload",
    min: 0.01,
    max: 20.0,
    unit: Unit::OpsPerSec,
    zero_is_off: true,
};

// --- The page's settings panel (what its number fields accept, in ms). ---

/// Settings' election timeout ends: inside [`ELECTION`], short enough to
/// watch and long enough to outlast a heartbeat.
pub const PAGE_ELECTION: Duration = Duration {
    name: "election",
    min: Micros(2_000),
    max: secs(20),
};
/// Settings' heartbeat: inside [`HEARTBEAT`].
pub const PAGE_HEARTBEAT: Duration = Duration {
    name: "heartbeat",
    min: Micros(1_000),
    max: secs(5),
};
/// Settings' latency ends: inside [`LATENCY`].
pub const PAGE_LATENCY: Duration = Duration {
    name: "latency",
    min: Micros(0),
    max: secs(5),
};

/// One row of [`table`].
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Where it is typed: `script`, `trace`, `cli`, `page`.
    pub place: &'static str,
    /// The name people type.
    pub name: &'static str,
    /// What it must be, unit included.
    pub range: String,
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: `{}` {}", self.place, self.name, self.range)
    }
}

/// Every limit above, for documentation (the README's list is checked
/// against it) and for the input fuzzer's report.
pub fn table() -> Vec<Row> {
    let c = |place, l: Count| Row {
        place,
        name: l.name,
        range: l.range(),
    };
    let d = |place, l: Duration| Row {
        place,
        name: l.name,
        range: l.range(),
    };
    let r = |place, l: Real| Row {
        place,
        name: l.name,
        range: l.range(),
    };
    vec![
        c("script", NODES),
        c("script", SEED),
        d("script", ELECTION),
        d("script", HEARTBEAT),
        d("script", LATENCY),
        r("script", DROP),
        r("script", DUPLICATE),
        d("script", DISK),
        c("script", SNAPSHOT_EVERY),
        r("script", WORKLOAD),
        r("script", READS),
        c("script", KEYS),
        c("script", CLIENTS),
        d("script", RUN),
        d("script", WITHIN),
        c("script", STEP),
        d("script", SKEW),
        c("script", LOG_INDEX),
        c("script", TERM),
        c("script", MAX_ENTRIES),
        c("exercise", EXERCISE_ACTIONS),
        d("exercise", EXERCISE_TIME),
        d("trace", CLIENT_TIMEOUT),
        c("trace", CLIENT_ATTEMPTS),
        c("trace", MAX_INFLIGHT),
        c("trace", MAX_ENTRIES_PER_MSG),
        c("cli", FUZZ_EVENTS),
        c("cli", FUZZ_SEEDS),
        c("cli", FUZZ_TOTAL_EVENTS),
        r("cli", BENCH_SECONDS),
        c("cli", TRACE_UNTIL_MS),
        c("cli", FUZZ_INPUTS),
        c("page", PAGE_NODES),
        r("page", PAGE_SPEED),
        r("page", PAGE_WORKLOAD),
        d("page", PAGE_ELECTION),
        d("page", PAGE_HEARTBEAT),
        d("page", PAGE_LATENCY),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the settings panel accepts, the simulator accepts too.
    #[test]
    fn the_page_settings_lie_inside_the_simulators_limits() {
        for (page, sim) in [
            (PAGE_ELECTION, ELECTION),
            (PAGE_HEARTBEAT, HEARTBEAT),
            (PAGE_LATENCY, LATENCY),
        ] {
            assert_eq!(page.name, sim.name);
            assert!(
                sim.contains(page.min) && sim.contains(page.max),
                "{}",
                page.name
            );
            // The panel works in whole ms.
            assert_eq!(page.min.0 % 1000, 0, "{}", page.name);
        }
        assert!(NODES.contains(PAGE_NODES.min) && NODES.contains(PAGE_NODES.max));
    }

    #[test]
    fn messages_name_the_field_the_range_and_the_unit() {
        assert_eq!(
            SNAPSHOT_EVERY
                .parse("18446744073709551615")
                .unwrap_err()
                .to_string(),
            "`snapshot-every` must be between 1 and 100000 entries (got 18446744073709551615)"
        );
        assert_eq!(
            SNAPSHOT_EVERY
                .parse("99999999999999999999999")
                .unwrap_err()
                .got,
            "99999999999999999999999"
        );
        assert_eq!(
            SNAPSHOT_EVERY.parse("ten").unwrap_err().to_string(),
            "`snapshot-every` must be a whole number between 1 and 100000 entries (got \"ten\")"
        );
        assert_eq!(
            HEARTBEAT.check(Micros(500)).unwrap_err().to_string(),
            "`heartbeat` must be between 1 and 60000 ms (got 0.5 ms)"
        );
        assert_eq!(
            WORKLOAD.parse("1e-13").unwrap_err().to_string(),
            "`workload` must be 0 (off) or between 0.01 and 10000 ops/s (got 1e-13)"
        );
        assert_eq!(WORKLOAD.parse("0"), Ok(0.0));
        assert!(DROP.parse("NaN").is_err());
        assert!(PAGE_SPEED.parse("inf").is_err());
        assert_eq!(ms(Micros(1_500)), "1.5 ms");
        assert_eq!(ms(Micros(1)), "0.001 ms");
        assert_eq!(ms(Micros(60_000_000)), "60000 ms");
    }

    #[test]
    fn every_limit_is_a_real_range() {
        for row in table() {
            assert!(row.range.starts_with("between") || row.range.starts_with("0 (off)"));
        }
        assert!(TRACE_UNTIL_MS.max.checked_mul(1_000).is_some());
        assert!(FUZZ_SEEDS.max.checked_mul(FUZZ_EVENTS.max).is_some());
    }
}
