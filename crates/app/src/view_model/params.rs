//! Address parameters: `?seed=42&nodes=7&speed=0.1&workload=4&lang=zh&embed=1&prevote=1&checkquorum=1`,
//! and `?tour=election` to open a guided tour.
//!
//! A bad parameter never stops the page: it is ignored, and the page shows
//! a banner naming it with a link to the default page.

use raftlab_sim::config::MAX_NODES_PAGE;
use raftlab_sim::WorldConfig;

use super::speed::{SPEED_MAX, SPEED_MIN};
use crate::i18n::{Lang, K};

/// The background clients' operations per (virtual) second when the page
/// opens. At the opening speed (1/25×) this is one operation every two
/// wall seconds or so: the first commands reach the log within the first
/// seconds, and each can still be followed. (The simulator's own default,
/// 2 ops/s, left a newcomer watching an empty log for half a minute.)
pub const PAGE_OPS_PER_SEC: f64 = 12.0;

/// The most the workload slider and `workload=` offer, in ops/s.
pub const MAX_OPS_PER_SEC: f64 = 20.0;

/// The settings the page opens with, and returns to on Reset.
pub fn page_config() -> WorldConfig {
    let mut c = WorldConfig::default();
    c.workload.ops_per_sec = PAGE_OPS_PER_SEC;
    c
}

/// The parameters the page understands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// `seed`: the run's seed.
    pub seed: Option<u64>,
    /// `nodes`: initial cluster size, 1–9.
    pub nodes: Option<usize>,
    /// `speed`: simulation speed, 0.001–100.
    pub speed: Option<f64>,
    /// `workload`: background client operations per second, 0–20.
    pub workload: Option<f64>,
    /// `lang`: `en` or `zh`.
    pub lang: Option<Lang>,
    /// `embed=1`: hide everything but the cluster and the time controls.
    pub embed: bool,
    /// `prevote=0|1`.
    pub pre_vote: Option<bool>,
    /// `checkquorum=0|1`.
    pub check_quorum: Option<bool>,
    /// `tour=<id>`: open this guided tour (one of
    /// [`raftlab_sim::tour::BUILTIN`]).
    pub tour: Option<String>,
}

impl Params {
    /// The world settings the address asks for (defaults for the rest).
    pub fn world_config(&self) -> WorldConfig {
        let mut c = page_config();
        if let Some(w) = self.workload {
            c.workload.ops_per_sec = w;
        }
        if let Some(s) = self.seed {
            c.seed = s;
        }
        if let Some(n) = self.nodes {
            c.nodes = n;
        }
        if let Some(b) = self.pre_vote {
            c.raft.pre_vote = b;
        }
        if let Some(b) = self.check_quorum {
            c.raft.check_quorum = b;
        }
        c
    }
}

/// Why a parameter was ignored.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Not a number.
    NotNumber,
    /// Outside `min..=max`.
    Range {
        /// Smallest allowed.
        min: String,
        /// Largest allowed.
        max: String,
    },
    /// Not one of the parameters above.
    Unknown,
    /// Not one of these values.
    OneOf(String),
}

/// One ignored parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamError {
    /// Its name.
    pub param: String,
    /// Its value as given.
    pub value: String,
    /// Why it was ignored.
    pub reason: Reason,
}

impl ParamError {
    /// A sentence for the banner.
    pub fn describe(&self, lang: Lang) -> String {
        let reason = match &self.reason {
            Reason::NotNumber => lang.t(K::ParamNotNumber).to_string(),
            Reason::Range { min, max } => lang.f(K::ParamRange, &[("min", min), ("max", max)]),
            Reason::Unknown => lang.t(K::ParamUnknown).to_string(),
            Reason::OneOf(values) => lang.f(K::ParamOneOf, &[("values", values)]),
        };
        lang.f(
            K::ParamBad,
            &[
                ("param", &self.param),
                ("value", &self.value),
                ("reason", &reason),
            ],
        )
    }
}

/// Decodes `%xx` and `+` of a query component (invalid escapes stay as they are).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn flag(v: &str) -> Option<bool> {
    match v {
        "1" | "true" | "on" | "yes" | "" => Some(true),
        "0" | "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

/// Parses a query string (with or without the leading `?`).
pub fn parse(query: &str) -> (Params, Vec<ParamError>) {
    let mut p = Params::default();
    let mut errors = Vec::new();
    let q = query.strip_prefix('?').unwrap_or(query);
    for pair in q.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k), decode(v));
        let err = |reason| ParamError {
            param: k.clone(),
            value: v.clone(),
            reason,
        };
        let range = |min: &str, max: &str| Reason::Range {
            min: min.to_string(),
            max: max.to_string(),
        };
        match k.as_str() {
            "seed" => match v.trim().parse::<u64>() {
                Ok(s) => p.seed = Some(s),
                Err(_) => errors.push(err(Reason::NotNumber)),
            },
            "nodes" => match v.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_NODES_PAGE).contains(&n) => p.nodes = Some(n),
                Ok(_) => errors.push(err(range("1", &MAX_NODES_PAGE.to_string()))),
                Err(_) => errors.push(err(Reason::NotNumber)),
            },
            "speed" => match v.trim().parse::<f64>() {
                Ok(s) if (SPEED_MIN..=SPEED_MAX).contains(&s) => p.speed = Some(s),
                Ok(_) => errors.push(err(range("0.001", "100"))),
                Err(_) => errors.push(err(Reason::NotNumber)),
            },
            "workload" => match v.trim().parse::<f64>() {
                Ok(w) if (0.0..=MAX_OPS_PER_SEC).contains(&w) => p.workload = Some(w),
                Ok(_) => errors.push(err(range("0", &MAX_OPS_PER_SEC.to_string()))),
                Err(_) => errors.push(err(Reason::NotNumber)),
            },
            "lang" => match Lang::parse(&v) {
                Some(l) => p.lang = Some(l),
                None => errors.push(err(range("en", "zh"))),
            },
            "embed" => match flag(&v) {
                Some(b) => p.embed = b,
                None => errors.push(err(range("0", "1"))),
            },
            "prevote" => match flag(&v) {
                Some(b) => p.pre_vote = Some(b),
                None => errors.push(err(range("0", "1"))),
            },
            "checkquorum" => match flag(&v) {
                Some(b) => p.check_quorum = Some(b),
                None => errors.push(err(range("0", "1"))),
            },
            "tour" => {
                let ids: Vec<&str> = raftlab_sim::tour::BUILTIN
                    .iter()
                    .map(|(id, _)| *id)
                    .collect();
                match ids.iter().find(|id| **id == v.trim()) {
                    Some(id) => p.tour = Some(id.to_string()),
                    None => errors.push(err(Reason::OneOf(ids.join(", ")))),
                }
            }
            _ => errors.push(err(Reason::Unknown)),
        }
    }
    (p, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_parameters_are_read() {
        let (p, e) = parse("?seed=42&nodes=7&speed=0.5&lang=zh&embed=1&prevote=1&checkquorum=0");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.seed, Some(42));
        assert_eq!(p.nodes, Some(7));
        assert_eq!(p.speed, Some(0.5));
        assert_eq!(p.lang, Some(Lang::Zh));
        assert!(p.embed);
        assert_eq!(p.pre_vote, Some(true));
        assert_eq!(p.check_quorum, Some(false));
    }

    #[test]
    fn parameters_become_world_settings() {
        let (p, _) = parse("seed=9&nodes=3&prevote=1&checkquorum=1");
        let c = p.world_config();
        assert_eq!(
            (c.seed, c.nodes, c.raft.pre_vote, c.raft.check_quorum),
            (9, 3, true, true)
        );
        assert!(c.validate().is_ok());
        assert_eq!(Params::default().world_config(), page_config());
        let (p, errors) = parse("workload=0");
        assert!(errors.is_empty());
        assert_eq!(p.world_config().workload.ops_per_sec, 0.0);
        for bad in [
            "workload=21",
            "workload=-1",
            "workload=nan",
            "workload=lots",
        ] {
            let (p, errors) = parse(bad);
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(p.world_config().workload.ops_per_sec, PAGE_OPS_PER_SEC);
        }
    }

    #[test]
    fn an_empty_query_is_the_default_page() {
        assert_eq!(parse(""), (Params::default(), vec![]));
        assert_eq!(parse("?"), (Params::default(), vec![]));
    }

    #[test]
    fn bad_parameters_are_ignored_and_explained() {
        let (p, e) = parse("seed=abc&nodes=12&speed=-1&color=red&nodes=x%20y");
        assert_eq!(p, Params::default());
        assert_eq!(e.len(), 5);
        assert_eq!(e[0].describe(Lang::En), "seed=abc: not a whole number");
        assert_eq!(e[1].describe(Lang::En), "nodes=12: must be between 1 and 9");
        assert_eq!(e[3].describe(Lang::En), "color=red: unknown parameter");
        assert_eq!(e[4].value, "x y");
        assert!(e[1].describe(Lang::Zh).contains("1"));
    }

    #[test]
    fn a_tour_is_named_by_its_id() {
        let (p, e) = parse("tour=partition");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.tour.as_deref(), Some("partition"));
        let (p, e) = parse("tour=nope");
        assert_eq!(p.tour, None);
        let msg = e[0].describe(Lang::En);
        assert!(
            msg.starts_with("tour=nope: must be one of election, "),
            "{msg}"
        );
    }

    #[test]
    fn percent_escapes_are_decoded_and_broken_ones_kept() {
        assert_eq!(decode("a%20b+c"), "a b c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%é"), "%é");
    }
}
