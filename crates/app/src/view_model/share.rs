//! Handing a run on (issue 12): the pure parts of run links, trace import
//! and the embed API — names of panels, the embed's address parameters,
//! actions named in API calls, Pym.js height messages, and the words for
//! every way a link or a trace can be refused, in both languages.

use std::collections::BTreeSet;

use raftlab_core::NodeId;
use raftlab_sim::kv::KvOp;
use raftlab_sim::link::{LinkError, OpenError};
use raftlab_sim::trace::{ReplayError, TraceError};
use raftlab_sim::{Action, MsgId, WorldSnapshot};

use crate::i18n::{Lang, K};

/// The embed protocol's version: every message carries it as `raftlab`.
/// A host speaking a newer version gets an error reply naming this one.
pub const PROTOCOL_VERSION: u32 = 1;

/// Short panel names for `panels=` and run links, and the `data-testid`
/// of the panel each names. Run links record open panels by these names
/// (an open set: names a page does not know are ignored), so new panels
/// only add a row.
pub const PANELS: &[(&str, &str)] = &[
    ("logs", "log-view"),
    ("network", "network-panel"),
    ("kv", "kv-view"),
    ("inspector", "inspector"),
    ("settings", "settings"),
    ("legend", "legend"),
    ("tour", "tour-card"),
];

/// The names `panels=` accepts, for its error message.
pub const PANEL_NAMES: &[&str] = &[
    "logs",
    "network",
    "kv",
    "inspector",
    "settings",
    "legend",
    "tour",
];

/// The panel's short name for a `data-testid`, or the test id itself for
/// a panel not in [`PANELS`] (kept, so the set stays open).
pub fn panel_name(testid: &str) -> &str {
    PANELS
        .iter()
        .find(|(_, t)| *t == testid)
        .map_or(testid, |(n, _)| n)
}

/// The `data-testid` for a short panel name.
pub fn panel_testid(name: &str) -> &str {
    PANELS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, t)| t)
}

/// Most names `panels=` takes.
const MAX_PANELS_PARAM: usize = 16;

/// `panels=logs,network`: known names only, at most 16.
pub fn parse_panels(v: &str) -> Option<Vec<String>> {
    let names: Vec<String> = v
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (names.len() <= MAX_PANELS_PARAM && names.iter().all(|n| PANEL_NAMES.contains(&n.as_str())))
        .then_some(names)
}

/// Longest `origin=` accepted.
const MAX_ORIGIN_CHARS: usize = 200;

/// `origin=`: an `http(s)://host[:port]` origin, nothing after it (a
/// trailing `/` is dropped). Never `*`: an embed answers one host only.
pub fn parse_origin(v: &str) -> Option<String> {
    let v = v.trim().trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && v.len() <= MAX_ORIGIN_CHARS
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    ok.then(|| v.to_string())
}

/// `childId=` (Pym.js): letters, digits, `-` and `_`, at most 64.
pub fn parse_child_id(v: &str) -> Option<String> {
    let ok = !v.is_empty()
        && v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| v.to_string())
}

/// Pym.js's height message: `pymxPYMx{id}xPYMxheightxPYMx{px}`.
pub fn pym_height(child_id: &str, height_px: u32) -> String {
    format!("pymxPYMx{child_id}xPYMxheightxPYMx{height_px}")
}

/// The address of a run: the page's own address (`base`, without query
/// or fragment) with `run=`, and `lang=` when given.
pub fn run_url(base: &str, link: &str) -> String {
    format!("{base}?run={link}")
}

/// A node named in an API call: `3`, `"n3"`, or `"leader"` (the current
/// one, refused when there is none).
pub fn node_ref(v: &str, snap: &WorldSnapshot) -> Result<NodeId, String> {
    let v = v.trim();
    if v == "leader" {
        return snap
            .leader
            .ok_or_else(|| "there is no leader right now".to_string());
    }
    let digits = v.strip_prefix('n').unwrap_or(v);
    match digits.parse::<u64>() {
        Ok(n) if snap.nodes.iter().any(|x| x.id == NodeId(n)) => Ok(NodeId(n)),
        Ok(n) => Err(format!("there is no node n{n}")),
        Err(_) => Err(format!("{v:?} is not a node (use 3, \"n3\" or \"leader\")")),
    }
}

/// An action as an API call names it (the `act` command's fields).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActSpec {
    /// `crash`, `restart`, `pause`, `resume`, `timeout`, `transfer`,
    /// `add`, `promote`, `remove`, `compact`, `partition`, `heal`, `cut`,
    /// `heal-link`, `hold`, `release`, `drop`, `put`, `get`.
    pub action: String,
    /// The node (`crash`, `restart`, ...).
    pub node: Option<String>,
    /// Sender side (`cut`, `heal-link`).
    pub source: Option<String>,
    /// Receiver side (`cut`, `heal-link`).
    pub target: Option<String>,
    /// Groups (`partition`); nodes not named form one more group.
    pub groups: Vec<Vec<String>>,
    /// The message (`hold`, `release`, `drop`); `drop` without one drops
    /// the oldest message in flight.
    pub msg: Option<u64>,
    /// The key (`put`, `get`).
    pub key: Option<String>,
    /// The value (`put`).
    pub value: Option<String>,
    /// Send through this node instead of the presumed leader (`put`, `get`).
    pub via: Option<String>,
    /// Add as a learner (`add`).
    pub learner: bool,
}

/// Longest key or value an API call may send (characters).
pub const MAX_KV_CHARS: usize = 64;

/// The world action an API call asks for, or why not (in English: the
/// API's errors are for the programmer writing the host page).
pub fn action(spec: &ActSpec, snap: &WorldSnapshot) -> Result<Action, String> {
    let need = |v: &Option<String>, what: &str| -> Result<NodeId, String> {
        match v {
            Some(v) => node_ref(v, snap),
            None => Err(format!("`{}` needs `{what}`", spec.action)),
        }
    };
    let node = || need(&spec.node, "node");
    let text = |v: &Option<String>, what: &str| -> Result<String, String> {
        match v {
            Some(s) if s.chars().count() <= MAX_KV_CHARS && !s.is_empty() => Ok(s.clone()),
            Some(_) => Err(format!("`{what}` must be 1 to {MAX_KV_CHARS} characters")),
            None => Err(format!("`{}` needs `{what}`", spec.action)),
        }
    };
    let via = || spec.via.as_deref().map(|v| node_ref(v, snap)).transpose();
    let msg = || match spec.msg {
        Some(m) => Ok(MsgId(m)),
        None => Err(format!("`{}` needs `msg`", spec.action)),
    };
    Ok(match spec.action.as_str() {
        "crash" => Action::Crash(node()?),
        "restart" => Action::Restart(node()?),
        "pause" => Action::Pause(node()?),
        "resume" => Action::Resume(node()?),
        "timeout" => Action::Campaign(node()?),
        "transfer" => Action::TransferLeadership(node()?),
        "add" => Action::AddNode {
            learner: spec.learner,
        },
        "promote" => Action::Promote(node()?),
        "remove" => Action::RemoveNode(node()?),
        "compact" => Action::Compact(node()?),
        "partition" => {
            if spec.groups.is_empty() {
                return Err("`partition` needs `groups`, e.g. [[\"leader\"]]".into());
            }
            let mut groups = Vec::new();
            for g in &spec.groups {
                let set: Result<BTreeSet<NodeId>, String> =
                    g.iter().map(|n| node_ref(n, snap)).collect();
                groups.push(set?);
            }
            Action::Partition(groups)
        }
        "heal" => Action::HealAll,
        "cut" => Action::Cut {
            source: need(&spec.source, "source")?,
            target: need(&spec.target, "target")?,
        },
        "heal-link" => Action::HealLink {
            source: need(&spec.source, "source")?,
            target: need(&spec.target, "target")?,
        },
        "hold" => Action::Hold(msg()?),
        "release" => Action::Release(msg()?),
        "drop" => match spec.msg {
            Some(m) => Action::Drop(MsgId(m)),
            None => match snap.messages.first() {
                Some(m) => Action::Drop(m.id),
                None => return Err("no message is in flight".into()),
            },
        },
        "put" => Action::ClientRequest {
            op: KvOp::Put {
                key: text(&spec.key, "key")?,
                value: text(&spec.value, "value")?,
            },
            via: via()?,
        },
        "get" => Action::ClientRequest {
            op: KvOp::Get {
                key: text(&spec.key, "key")?,
            },
            via: via()?,
        },
        other => return Err(format!("unknown action {other:?}")),
    })
}

/// Why a run link was refused, for the banner.
pub fn link_error(lang: Lang, e: &LinkError) -> String {
    match e {
        LinkError::Empty => lang.t(K::LinkEmpty).to_string(),
        LinkError::TooLong => lang.f(
            K::LinkTooLong,
            &[("max", &raftlab_sim::link::LINK_MAX_CHARS)],
        ),
        LinkError::NotALink { at } => lang.f(K::LinkNotALink, &[("at", at)]),
        LinkError::FutureVersion { found, supported } => {
            lang.f(K::LinkFuture, &[("found", found), ("supported", supported)])
        }
        LinkError::Truncated { have, need } => {
            lang.f(K::LinkTruncated, &[("have", have), ("need", need)])
        }
        LinkError::Checksum => lang.t(K::LinkChecksum).to_string(),
        LinkError::Damaged(why) => lang.f(K::LinkDamaged, &[("why", why)]),
    }
}

/// Why a decoded run link could not be opened.
pub fn open_error(lang: Lang, e: &OpenError) -> String {
    match e {
        OpenError::Replay(r) => lang.f(K::LinkReplay, &[("why", &replay_error(lang, r))]),
        OpenError::Fingerprint { .. } => lang.t(K::LinkDiffers).to_string(),
    }
}

/// Why a trace's run could not be replayed (the action's number and the
/// simulator's own reason, quoted).
pub fn replay_error(lang: Lang, e: &ReplayError) -> String {
    match e {
        ReplayError::Refused { number, error, .. } => lang.f(
            K::ReplayRefused,
            &[
                ("number", number),
                ("why", &crate::view_model::words::sim_error(lang, error)),
            ],
        ),
        other => lang.f(K::ReplayOther, &[("why", other)]),
    }
}

/// Why a trace file was refused: where and what, in the page's language
/// (a JSON parser's own message is quoted as it is).
pub fn trace_error(lang: Lang, e: &TraceError) -> String {
    match e {
        TraceError::Io(why) => lang.f(K::TraceIo, &[("why", why)]),
        TraceError::TooLarge => lang.f(
            K::TraceTooLarge,
            &[("mib", &(raftlab_sim::trace::TRACE_MAX_BYTES >> 20))],
        ),
        TraceError::NotText { at } => lang.f(K::TraceNotText, &[("at", at)]),
        TraceError::Json {
            line,
            column,
            message,
            ..
        } => lang.f(
            K::TraceJson,
            &[("line", line), ("column", column), ("why", message)],
        ),
        TraceError::NotATrace(why) => lang.f(K::TraceNotATrace, &[("why", why)]),
        TraceError::FutureVersion { found, supported } => lang.f(
            K::TraceFuture,
            &[("found", found), ("supported", supported)],
        ),
        TraceError::Field {
            field,
            line,
            column,
            message,
        } => lang.f(
            K::TraceField,
            &[
                ("field", &if field.is_empty() { "-" } else { field }),
                ("line", line),
                ("column", column),
                ("why", message),
            ],
        ),
        TraceError::Invalid(why) => lang.f(K::TraceInvalid, &[("why", why)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_sim::{World, WorldConfig};

    fn snap() -> WorldSnapshot {
        let mut w = World::new(WorldConfig::default()).unwrap();
        w.run_until(raftlab_core::Micros::from_ms(2_000));
        w.snapshot()
    }

    #[test]
    fn api_calls_name_actions_and_nodes() {
        let s = snap();
        let leader = s.leader.unwrap();
        let spec = |a: &str, node: Option<&str>| ActSpec {
            action: a.into(),
            node: node.map(str::to_string),
            ..ActSpec::default()
        };
        assert_eq!(
            action(&spec("crash", Some("leader")), &s),
            Ok(Action::Crash(leader))
        );
        assert_eq!(
            action(&spec("restart", Some("n2")), &s),
            Ok(Action::Restart(NodeId(2)))
        );
        assert_eq!(
            action(&spec("timeout", Some("3")), &s),
            Ok(Action::Campaign(NodeId(3)))
        );
        assert_eq!(action(&spec("heal", None), &s), Ok(Action::HealAll));
        assert_eq!(
            action(&spec("crash", Some("n9")), &s),
            Err("there is no node n9".into())
        );
        assert_eq!(
            action(&spec("crash", None), &s),
            Err("`crash` needs `node`".into())
        );
        assert!(action(&spec("explode", None), &s).is_err());
        let p = ActSpec {
            action: "partition".into(),
            groups: vec![vec!["leader".into()]],
            ..ActSpec::default()
        };
        assert_eq!(action(&p, &s), Ok(Action::Partition(vec![[leader].into()])));
        let put = ActSpec {
            action: "put".into(),
            key: Some("x".into()),
            value: Some("x".repeat(65)),
            ..ActSpec::default()
        };
        assert!(action(&put, &s).unwrap_err().contains("1 to 64"));
    }

    #[test]
    fn embed_parameters_are_checked() {
        assert_eq!(
            parse_origin("https://blog.example/"),
            Some("https://blog.example".into())
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080".into())
        );
        for bad in [
            "*",
            "blog.example",
            "https://a/b",
            "javascript:x",
            "https://",
        ] {
            assert_eq!(parse_origin(bad), None, "{bad}");
        }
        assert_eq!(
            parse_panels("logs, network"),
            Some(vec!["logs".into(), "network".into()])
        );
        assert_eq!(parse_panels("logs,teapot"), None);
        assert_eq!(parse_child_id("raft-1"), Some("raft-1".into()));
        assert_eq!(parse_child_id("a b"), None);
        assert_eq!(pym_height("c1", 480), "pymxPYMxc1xPYMxheightxPYMx480");
        assert_eq!(panel_testid("logs"), "log-view");
        assert_eq!(panel_name("log-view"), "logs");
        assert_eq!(panel_name("new-panel"), "new-panel");
    }

    #[test]
    fn every_link_error_is_worded_in_both_languages() {
        let errors = [
            LinkError::Empty,
            LinkError::TooLong,
            LinkError::NotALink { at: 3 },
            LinkError::FutureVersion {
                found: 9,
                supported: 1,
            },
            LinkError::Truncated { have: 10, need: 20 },
            LinkError::Checksum,
            LinkError::Damaged("x".into()),
        ];
        for e in &errors {
            for lang in Lang::ALL {
                let s = link_error(lang, e);
                assert!(!s.contains('{'), "{s}");
            }
        }
        assert!(link_error(Lang::En, &errors[3]).contains("version 9"));
        assert!(link_error(Lang::Zh, &errors[4]).contains("10"));
    }
}
