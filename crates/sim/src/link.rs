//! Run links: a whole run in a few hundred characters of an address, so a
//! teacher can send the partition that shows Figure 8 to a class.
//!
//! A link holds what a trace holds (the initial configuration with its
//! seed, every action with the event and time it was taken at, where the
//! run stopped), plus where the viewer stands in it, the run's fingerprint
//! as its author saw it, and the page's view (language, open panels, tour
//! stop). Laid out as bytes, then written in URL-safe base64 without
//! padding:
//!
//! ```text
//! version: u8 | body length: varint | body: postcard | checksum: u32 LE
//! ```
//!
//! The body is [postcard](https://docs.rs/postcard) (varints, no field
//! names): a five-minute run with 30 actions is about 400 characters,
//! so compression would not pay for its code. The checksum is FNV-1a over
//! everything before it, folded to 32 bits: a damaged link is refused,
//! never opened as a different run. A newer layout gets a new
//! [`LINK_VERSION`]; a link from a future version is refused by name.
//! Whatever else changes (the simulator itself), the fingerprint the link
//! carries is compared after replay ([`RunLink::open`]), so a link that
//! would replay differently is refused too.
//!
//! Decoding never panics, never reads more than [`LINK_MAX_CHARS`], and
//! holds the decoded run to the same rules as a trace file
//! ([`Trace::validate`]); `raftlab-sim fuzz-inputs` feeds it mutated links.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};
use raftlab_core::{Config as RaftConfig, Micros};
use serde::{Deserialize, Serialize};

use crate::action::{Action, LoggedAction};
use crate::config::{LinkConfig, WorkloadConfig, WorldConfig};
use crate::timeline::{Position, ReplayError, Timeline};
use crate::trace::{fnv1a, Trace, TraceError, TRACE_FORMAT, TRACE_VERSION};

/// The link layout this build writes and reads. Bump it whenever
/// [`WorldConfig`], [`Action`] or anything they hold changes shape: the
/// body names no fields, so an old decoder would misread a new layout.
/// (A new field in `WorldConfig` stops `ConfigWire::from` compiling, as a
/// reminder.)
pub const LINK_VERSION: u8 = 1;

/// Longest link text accepted (characters): the most an address can carry
/// in Chromium (2 MiB). The run's own size is limited as a trace's is.
pub const LINK_MAX_CHARS: usize = 2 * 1024 * 1024;

/// Most panel names and characters per name a link's view carries.
pub const LINK_MAX_PANELS: usize = 32;
/// Longest panel name, language tag or tour id in a link (characters).
pub const LINK_MAX_NAME: usize = 32;

/// A run as a link carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunLink {
    /// The run: configuration, action log, where it stopped. Its `events`
    /// are always `None` and its `until_event` always set.
    pub trace: Trace,
    /// Where the viewer stood (at or before the trace's end).
    pub position: Position,
    /// [`Trace::fingerprint`] of the run with its events, as the author saw
    /// it ([`crate::trace::fingerprint`]).
    pub fingerprint: u64,
    /// The page's view of the run.
    pub view: LinkView,
}

/// What the page showed, as an open set: names the page does not know are
/// kept in the link and ignored, so a page with new panels opens old
/// links and an old page opens new ones.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkView {
    /// The page language's tag (`en`, `zh`), if the author's was known.
    pub lang: Option<String>,
    /// The names of the panels that were open.
    pub panels: Vec<String>,
    /// The guided tour and its stop (0-based), when one was open.
    pub tour: Option<(String, u32)>,
}

/// Why a link was refused. Each says what is wrong in terms a reader of
/// the link can act on; the page words them in `i18n.rs`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// No text at all.
    #[error("the run link is empty")]
    Empty,
    /// More than [`LINK_MAX_CHARS`].
    #[error("the run link is longer than {LINK_MAX_CHARS} characters, the most Raftlab reads")]
    TooLong,
    /// Not base64url text.
    #[error("this is not a Raftlab run link (character {at} is not allowed in one)")]
    NotALink {
        /// 0-based offset of the first bad character.
        at: usize,
    },
    /// Written by a newer Raftlab.
    #[error("this run link has format version {found}, but this Raftlab reads versions up to {supported}; open it with a newer Raftlab")]
    FutureVersion {
        /// The link's version.
        found: u8,
        /// The newest this build reads.
        supported: u8,
    },
    /// Shorter than its header says: cut off when it was copied.
    #[error("the run link is cut short: it has {have} of its {need} bytes")]
    Truncated {
        /// Bytes present.
        have: usize,
        /// Bytes the header announces.
        need: usize,
    },
    /// The checksum does not match: a character was changed.
    #[error("the run link is damaged: its checksum does not match")]
    Checksum,
    /// Well-formed, but the content does not make a run.
    #[error("the run link is damaged: {0}")]
    Damaged(String),
}

/// Why a decoded link could not be opened as the run its author saw.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The replay was refused (see [`ReplayError`]).
    #[error("the run link cannot be replayed: {0}")]
    Replay(#[from] ReplayError),
    /// The replay went differently: made by a Raftlab that simulates
    /// differently, so it is not the author's run.
    #[error("the run link replays differently here (fingerprint {found:016x}, its author saw {expected:016x}); it was made with a different version of Raftlab")]
    Fingerprint {
        /// The author's.
        expected: u64,
        /// This replay's.
        found: u64,
    },
}

/// [`WorldConfig`] field for field, every field always written: the
/// config's own serde form leaves out a default `max_nodes`, which a
/// format without field names cannot tell from the next field.
#[derive(Serialize, Deserialize)]
struct ConfigWire {
    nodes: u64,
    seed: u64,
    raft: RaftConfig,
    network: LinkConfig,
    disk_latency: Micros,
    workload: WorkloadConfig,
    client_timeout: Micros,
    client_max_attempts: u32,
    snapshot_every: Option<u64>,
    check_invariants: bool,
    check_linearizability: bool,
    max_nodes: u64,
    hand_delivery: bool,
}

impl From<&WorldConfig> for ConfigWire {
    fn from(c: &WorldConfig) -> ConfigWire {
        // Exhaustive on purpose: a new field must be added here (and
        // LINK_VERSION bumped).
        let WorldConfig {
            nodes,
            seed,
            raft,
            network,
            disk_latency,
            workload,
            client_timeout,
            client_max_attempts,
            snapshot_every,
            check_invariants,
            check_linearizability,
            max_nodes,
            hand_delivery,
        } = c.clone();
        ConfigWire {
            nodes: nodes as u64,
            seed,
            raft,
            network,
            disk_latency,
            workload,
            client_timeout,
            client_max_attempts,
            snapshot_every,
            check_invariants,
            check_linearizability,
            max_nodes: max_nodes as u64,
            hand_delivery,
        }
    }
}

impl ConfigWire {
    fn into_config(self) -> Result<WorldConfig, LinkError> {
        let size = |v: u64, what: &str| {
            usize::try_from(v).map_err(|_| LinkError::Damaged(format!("{what} is out of range")))
        };
        Ok(WorldConfig {
            nodes: size(self.nodes, "`nodes`")?,
            seed: self.seed,
            raft: self.raft,
            network: self.network,
            disk_latency: self.disk_latency,
            workload: self.workload,
            client_timeout: self.client_timeout,
            client_max_attempts: self.client_max_attempts,
            snapshot_every: self.snapshot_every,
            check_invariants: self.check_invariants,
            check_linearizability: self.check_linearizability,
            max_nodes: size(self.max_nodes, "the node limit")?,
            hand_delivery: self.hand_delivery,
        })
    }
}

/// The body. Times and event counts are deltas from the previous action
/// (small varints); wrapping, so any input decodes without overflow and
/// an out-of-order result is caught by [`Trace::validate`].
#[derive(Serialize, Deserialize)]
struct Body {
    config: ConfigWire,
    /// (events since the previous action, µs since it, the action).
    actions: Vec<(u64, u64, Action)>,
    /// The end, as deltas from the last action.
    until_event: u64,
    until: u64,
    /// The viewer's position, absolute.
    at_event: u64,
    at_actions: u64,
    at_now: u64,
    fingerprint: u64,
    view: LinkView,
}

/// Reads what [`URL_SAFE_NO_PAD`] writes, and a link cut anywhere: the
/// bits left over in a cut character are ignored, so the length check
/// below can say "cut short" rather than "damaged".
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

fn checksum(bytes: &[u8]) -> [u8; 4] {
    let h = fnv1a(bytes);
    ((h ^ (h >> 32)) as u32).to_le_bytes()
}

impl RunLink {
    /// The link of a timeline's current branch, standing where it stands.
    /// Costs one replay of the run (for the fingerprint).
    pub fn of_timeline(t: &Timeline, view: LinkView) -> Result<RunLink, ReplayError> {
        let trace = Trace::from_timeline(t);
        let fingerprint = trace.clone().with_events()?.fingerprint();
        Ok(RunLink {
            trace,
            position: t.position(),
            fingerprint,
            view,
        })
    }

    /// The link text (URL-safe base64, no padding).
    pub fn encode(&self) -> String {
        let mut actions = Vec::with_capacity(self.trace.actions.len());
        let (mut ev, mut at) = (0u64, 0u64);
        for a in &self.trace.actions {
            actions.push((
                a.at_event.wrapping_sub(ev),
                a.at.0.wrapping_sub(at),
                a.action.clone(),
            ));
            (ev, at) = (a.at_event, a.at.0);
        }
        let until_event = self.trace.until_event.unwrap_or(self.position.events);
        let body = Body {
            config: ConfigWire::from(&self.trace.config),
            actions,
            until_event: until_event.wrapping_sub(ev),
            until: self.trace.until.0.wrapping_sub(at),
            at_event: self.position.events,
            at_actions: self.position.actions as u64,
            at_now: self.position.now.0,
            fingerprint: self.fingerprint,
            view: self.view.clone(),
        };
        let body = postcard::to_allocvec(&body).expect("a link body always serializes");
        seal(LINK_VERSION, &body)
    }

    /// Reads a link's text; never panics. Surrounding whitespace is
    /// ignored (a link pasted from a mail).
    pub fn decode(text: &str) -> Result<RunLink, LinkError> {
        if text.len() > LINK_MAX_CHARS {
            return Err(LinkError::TooLong);
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(LinkError::Empty);
        }
        if let Some(at) = text
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            return Err(LinkError::NotALink {
                at: text[..at].chars().count(),
            });
        }
        // One base64 character past a whole byte cannot be: the text
        // was cut within a byte.
        let whole = text.len() - usize::from(text.len() % 4 == 1);
        let bytes = LENIENT
            .decode(&text[..whole])
            .map_err(|_| LinkError::Checksum)?;
        let (&version, rest) = bytes.split_first().ok_or(LinkError::Empty)?;
        if version > LINK_VERSION {
            return Err(LinkError::FutureVersion {
                found: version,
                supported: LINK_VERSION,
            });
        }
        if version == 0 {
            return Err(LinkError::Damaged("format version 0 does not exist".into()));
        }
        let Ok((len, after)) = postcard::take_from_bytes::<u64>(rest) else {
            return Err(LinkError::Truncated {
                have: bytes.len(),
                need: bytes.len() + 1,
            });
        };
        let header = bytes.len() - after.len();
        let need = usize::try_from(len)
            .ok()
            .and_then(|l| l.checked_add(header + 4))
            .unwrap_or(usize::MAX);
        if bytes.len() < need {
            if need > LINK_MAX_CHARS {
                return Err(LinkError::Checksum);
            }
            return Err(LinkError::Truncated {
                have: bytes.len(),
                need,
            });
        }
        if bytes.len() > need {
            return Err(LinkError::Damaged(format!(
                "{} stray bytes follow its end",
                bytes.len() - need
            )));
        }
        let (signed, sum) = bytes.split_at(need - 4);
        if checksum(signed) != sum {
            return Err(LinkError::Checksum);
        }
        let body: Body = postcard::from_bytes(&signed[header..])
            .map_err(|e| LinkError::Damaged(format!("its content cannot be read ({e})")))?;
        RunLink::from_body(body)
    }

    fn from_body(body: Body) -> Result<RunLink, LinkError> {
        let mut actions = Vec::with_capacity(body.actions.len());
        let (mut ev, mut at) = (0u64, 0u64);
        for (dev, dat, action) in body.actions {
            (ev, at) = (ev.wrapping_add(dev), at.wrapping_add(dat));
            actions.push(LoggedAction {
                at_event: ev,
                at: Micros(at),
                action,
            });
        }
        let trace = Trace {
            format: TRACE_FORMAT.to_string(),
            version: TRACE_VERSION,
            config: body.config.into_config()?,
            actions,
            until: Micros(at.wrapping_add(body.until)),
            until_event: Some(ev.wrapping_add(body.until_event)),
            events: None,
        };
        trace.validate().map_err(|e| match e {
            TraceError::Invalid(m) => LinkError::Damaged(m),
            other => LinkError::Damaged(other.to_string()),
        })?;
        let position = Position {
            events: body.at_event,
            actions: usize::try_from(body.at_actions).unwrap_or(usize::MAX),
            now: Micros(body.at_now),
        };
        if Some(position.events) > trace.until_event
            || position.now > trace.until
            || position.actions > trace.actions.len()
        {
            return Err(LinkError::Damaged(
                "its position lies after the end of its run".into(),
            ));
        }
        let view = body.view;
        let long = |s: &String| s.chars().count() > LINK_MAX_NAME;
        if view.panels.len() > LINK_MAX_PANELS
            || view.panels.iter().any(long)
            || view.lang.as_ref().is_some_and(long)
            || view.tour.as_ref().is_some_and(|(id, _)| long(id))
        {
            return Err(LinkError::Damaged(format!(
                "its view names more than {LINK_MAX_PANELS} panels or a name longer than {LINK_MAX_NAME} characters"
            )));
        }
        Ok(RunLink {
            trace,
            position,
            fingerprint: body.fingerprint,
            view,
        })
    }

    /// Replays the run and stands where its author stood, having checked
    /// that the replay is the author's run (same fingerprint). Costs two
    /// replays of the run (the second records its events to hash them).
    pub fn open(&self) -> Result<Timeline, OpenError> {
        let found = self.trace.clone().with_events()?.fingerprint();
        if found != self.fingerprint {
            return Err(OpenError::Fingerprint {
                expected: self.fingerprint,
                found,
            });
        }
        let mut t = self.trace.replay()?;
        t.restore(self.position);
        Ok(t)
    }
}

/// For the fuzzer: the bodies of `links` (their bytes between header and
/// checksum), so mutations can reach the decoder behind the checksum.
pub fn bodies(links: &[String]) -> Vec<Vec<u8>> {
    links
        .iter()
        .filter_map(|l| URL_SAFE_NO_PAD.decode(l).ok())
        .filter_map(|b| {
            let (_, after) = postcard::take_from_bytes::<u64>(b.get(1..)?).ok()?;
            let start = b.len() - after.len();
            Some(b.get(start..b.len().checked_sub(4)?)?.to_vec())
        })
        .collect()
}

/// For the fuzzer: a link around any `body`, with a right header and
/// checksum (`version` as given, to try future and zero versions too).
pub fn seal(version: u8, body: &[u8]) -> String {
    let mut bytes = vec![version];
    bytes.extend(postcard::to_allocvec(&(body.len() as u64)).expect("a length always serializes"));
    bytes.extend(body);
    let sum = checksum(&bytes);
    bytes.extend(sum);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference_link() -> RunLink {
        let w = crate::trace::reference_run().unwrap();
        let t = Timeline::replay(
            w.initial_config().clone(),
            w.action_log(),
            w.now(),
            Some(w.event_count()),
        )
        .unwrap();
        RunLink::of_timeline(&t, LinkView::default()).unwrap()
    }

    #[test]
    fn the_reference_run_round_trips_with_its_pinned_fingerprint() {
        let link = reference_link();
        assert_eq!(link.fingerprint, crate::trace::REFERENCE_FINGERPRINT);
        let text = link.encode();
        let back = RunLink::decode(&text).unwrap();
        assert_eq!(back, link);
        let t = back.open().unwrap();
        assert_eq!(t.position(), link.position);
        assert_eq!(
            crate::trace::fingerprint(t.world()).unwrap(),
            crate::trace::REFERENCE_FINGERPRINT
        );
    }

    #[test]
    fn every_cut_and_every_changed_character_is_refused() {
        let text = reference_link().encode();
        for cut in 0..text.len() {
            assert!(RunLink::decode(&text[..cut]).is_err(), "cut at {cut}");
        }
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..text.len() {
            let mut b = text.clone().into_bytes();
            b[i] = alphabet[(alphabet.iter().position(|c| *c == b[i]).unwrap() + 17) % 64];
            let changed = String::from_utf8(b).unwrap();
            // The last character may carry only padding bits.
            if let Ok(l) = RunLink::decode(&changed) {
                assert_eq!(i, text.len() - 1);
                assert_eq!(l, RunLink::decode(&text).unwrap());
            }
        }
    }
}
