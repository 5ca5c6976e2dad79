//! Address parameters: `?seed=42&nodes=7&speed=0.1&workload=4&lang=zh&embed=1&prevote=1&checkquorum=1`,
//! and `?tour=election` to open a guided tour; `?run=<link>` to open a run
//! link; for embeds `origin=`, `controls=`, `panels=`, `theme=`,
//! `autoplay=` and Pym.js's `childId=` (README.md, "Embedding").
//!
//! A bad parameter never stops the page: it is ignored, and the page shows
//! a banner naming it with a link to the default page.

use raftlab_sim::limits::{self, Count, Real, Unit};
use raftlab_sim::WorldConfig;

use crate::i18n::{Lang, K};

/// The background clients' operations per (virtual) second when the page
/// opens. At the opening speed (1/25×) this is one operation every two
/// wall seconds or so: the first commands reach the log within the first
/// seconds, and each can still be followed. (The simulator's own default,
/// 2 ops/s, left a newcomer watching an empty log for half a minute.)
pub const PAGE_OPS_PER_SEC: f64 = 12.0;

/// The most the workload slider and `workload=` offer, in ops/s.
pub const MAX_OPS_PER_SEC: f64 = limits::PAGE_WORKLOAD.max;

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
    /// `speed`: simulation speed, 0.001–100 ([`limits::PAGE_SPEED`]).
    pub speed: Option<f64>,
    /// `workload`: background client operations per second, 0 (off) or
    /// 0.01–20 ([`limits::PAGE_WORKLOAD`]).
    pub workload: Option<f64>,
    /// `lang`: `en` or `zh`.
    pub lang: Option<Lang>,
    /// `embed=1`: hide everything but the cluster and the time controls.
    pub embed: bool,
    /// `hint=0|1`: hide or show the first-visit hint, whatever the
    /// browser remembers (by default it shows once, and never in embeds).
    pub hint: Option<bool>,
    /// `prevote=0|1`.
    pub pre_vote: Option<bool>,
    /// `checkquorum=0|1`.
    pub check_quorum: Option<bool>,
    /// `tour=<id>`: open this guided tour (one of
    /// [`raftlab_sim::tour::BUILTIN_FILES`]).
    pub tour: Option<String>,
    /// `exercise=<id>`: open this built-in exercise (checked by the
    /// exercise panel, which knows the list).
    pub exercise: Option<String>,
    /// `exercise-file=<base64url>`: open this exercise file, e.g. a
    /// teacher's own (checked by the exercise panel).
    pub exercise_file: Option<String>,
    /// `run=<link>`: open this run ([`raftlab_sim::link`]); checked when
    /// the page opens it, so a bad one gets its own banner.
    pub run: Option<String>,
    /// `origin=https://host.example`: the one host page allowed to drive
    /// this page by `postMessage` (default: this page's own origin).
    pub origin: Option<String>,
    /// `controls=0`: hide the time controls in an embed.
    pub controls: Option<bool>,
    /// `panels=logs,network`: panels an embed shows besides the drawing
    /// (names from [`crate::view_model::share::panel_name`]).
    pub panels: Option<Vec<String>>,
    /// `theme=light|dark` (default: the reader's system setting).
    pub theme: Option<String>,
    /// `autoplay=0`: open paused.
    pub autoplay: Option<bool>,
    /// `childId`: the id Pym.js gives an embed, echoed in its height
    /// messages (Pym's `initialWidth`, `parentTitle` and `parentUrl` are
    /// accepted and ignored).
    pub child_id: Option<String>,
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
    /// Not a whole number in `min..=max`.
    Whole {
        /// Smallest allowed.
        min: String,
        /// Largest allowed.
        max: String,
    },
    /// Not a number in `min..=max` of `unit` (or 0, meaning off, when
    /// `off`).
    Number {
        /// Smallest allowed.
        min: String,
        /// Largest allowed.
        max: String,
        /// What the number counts.
        unit: Unit,
        /// Whether 0 (off) is allowed too.
        off: bool,
    },
    /// Not one of the parameters above.
    Unknown,
    /// Not one of these values.
    OneOf(String),
}

impl Reason {
    fn whole(l: &Count) -> Reason {
        Reason::Whole {
            min: l.min.to_string(),
            max: l.max.to_string(),
        }
    }

    fn number(l: &Real) -> Reason {
        Reason::Number {
            min: l.min.to_string(),
            max: l.max.to_string(),
            unit: l.unit,
            off: l.zero_is_off,
        }
    }
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

/// How much of a bad value the banner repeats.
const SHOWN_CHARS: usize = 40;

fn unit_words(lang: Lang, unit: Unit) -> String {
    match unit {
        Unit::Times => lang.t(K::UnitTimes).to_string(),
        Unit::OpsPerSec => lang.t(K::UnitOpsPerSec).to_string(),
        other => other.label().to_string(),
    }
}

impl ParamError {
    /// A sentence for the banner: the parameter, its value, the allowed
    /// range and its unit.
    pub fn describe(&self, lang: Lang) -> String {
        let reason = match &self.reason {
            Reason::Whole { min, max } => lang.f(K::ParamWhole, &[("min", min), ("max", max)]),
            Reason::Number {
                min,
                max,
                unit,
                off,
            } => lang.f(
                if *off {
                    K::ParamNumberOrOff
                } else {
                    K::ParamNumber
                },
                &[
                    ("min", min),
                    ("max", max),
                    ("unit", &unit_words(lang, *unit)),
                ],
            ),
            Reason::Unknown => lang.t(K::ParamUnknown).to_string(),
            Reason::OneOf(values) => lang.f(K::ParamOneOf, &[("values", values)]),
        };
        let mut value: String = self.value.chars().take(SHOWN_CHARS).collect();
        if value.len() < self.value.len() {
            value.push('…');
        }
        lang.f(
            K::ParamBad,
            &[
                ("param", &self.param),
                ("value", &value),
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
        let flag_values = || Reason::OneOf("0, 1".into());
        match k.as_str() {
            "seed" => match limits::SEED.parse(v.trim()) {
                Ok(s) => p.seed = Some(s),
                Err(_) => errors.push(err(Reason::whole(&limits::SEED))),
            },
            "nodes" => match limits::PAGE_NODES.parse(v.trim()) {
                // At most 9, so the conversion is exact.
                Ok(n) => p.nodes = Some(n as usize),
                Err(_) => errors.push(err(Reason::whole(&limits::PAGE_NODES))),
            },
            "speed" => match limits::PAGE_SPEED.parse(v.trim()) {
                Ok(s) => p.speed = Some(s),
                Err(_) => errors.push(err(Reason::number(&limits::PAGE_SPEED))),
            },
            "workload" => match limits::PAGE_WORKLOAD.parse(v.trim()) {
                Ok(w) => p.workload = Some(w),
                Err(_) => errors.push(err(Reason::number(&limits::PAGE_WORKLOAD))),
            },
            "lang" => match Lang::parse(&v) {
                Some(l) => p.lang = Some(l),
                None => errors.push(err(Reason::OneOf("en, zh".into()))),
            },
            "embed" => match flag(&v) {
                Some(b) => p.embed = b,
                None => errors.push(err(flag_values())),
            },
            "hint" => match flag(&v) {
                Some(b) => p.hint = Some(b),
                None => errors.push(err(flag_values())),
            },
            "prevote" => match flag(&v) {
                Some(b) => p.pre_vote = Some(b),
                None => errors.push(err(flag_values())),
            },
            "checkquorum" => match flag(&v) {
                Some(b) => p.check_quorum = Some(b),
                None => errors.push(err(flag_values())),
            },
            "tour" => {
                let ids: Vec<&str> = raftlab_sim::tour::BUILTIN_FILES
                    .iter()
                    .map(|(id, _)| *id)
                    .collect();
                match ids.iter().find(|id| **id == v.trim()) {
                    Some(id) => p.tour = Some(id.to_string()),
                    None => errors.push(err(Reason::OneOf(ids.join(", ")))),
                }
            }
            // Classroom exercises (issue 13): the exercise panel checks them.
            "exercise" => p.exercise = Some(v.trim().to_string()),
            "exercise-file" => p.exercise_file = Some(v.trim().to_string()),
            "run" => match v.trim() {
                "" => errors.push(err(Reason::OneOf("a run link".into()))),
                link => p.run = Some(link.to_string()),
            },
            "origin" => match crate::view_model::share::parse_origin(&v) {
                Some(o) => p.origin = Some(o),
                None => errors.push(err(Reason::OneOf("https://host.example".into()))),
            },
            "controls" => match flag(&v) {
                Some(b) => p.controls = Some(b),
                None => errors.push(err(flag_values())),
            },
            "autoplay" => match flag(&v) {
                Some(b) => p.autoplay = Some(b),
                None => errors.push(err(flag_values())),
            },
            "theme" => match v.trim() {
                t @ ("light" | "dark" | "auto") => p.theme = Some(t.to_string()),
                _ => errors.push(err(Reason::OneOf("light, dark, auto".into()))),
            },
            "panels" => match crate::view_model::share::parse_panels(&v) {
                Some(list) => p.panels = Some(list),
                None => errors.push(err(Reason::OneOf(
                    crate::view_model::share::PANEL_NAMES.join(", "),
                ))),
            },
            "childId" => match crate::view_model::share::parse_child_id(&v) {
                Some(id) => p.child_id = Some(id),
                None => errors.push(err(Reason::OneOf("A-Z a-z 0-9 - _".into()))),
            },
            "initialWidth" | "parentTitle" | "parentUrl" => {}
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
    fn a_solution_link_names_its_exercise_and_run() {
        let (p, e) = parse("?exercise=vote-by-hand&run=AbC-_9");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.exercise.as_deref(), Some("vote-by-hand"));
        assert_eq!(p.exercise_file, None);
        assert_eq!(p.run.as_deref(), Some("AbC-_9"));
        let (p, _) = parse("exercise-file=dGl0bGU");
        assert_eq!(p.exercise_file.as_deref(), Some("dGl0bGU"));
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
            "workload=1e-13",
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
        assert_eq!(
            e[0].describe(Lang::En),
            "seed=abc: must be a whole number between 0 and 18446744073709551615"
        );
        assert_eq!(
            e[1].describe(Lang::En),
            "nodes=12: must be a whole number between 1 and 9"
        );
        assert_eq!(
            e[2].describe(Lang::En),
            "speed=-1: must be a number between 0.001 and 100 (×)"
        );
        assert_eq!(e[3].describe(Lang::En), "color=red: unknown parameter");
        assert_eq!(e[4].value, "x y");
        assert_eq!(
            e[1].describe(Lang::Zh),
            "nodes=12：必须是 1 到 9 之间的整数"
        );
    }

    /// Reference: the tester's report. `speed` takes decimals, so "not a
    /// whole number" was wrong; each message names the range and unit once.
    #[test]
    fn every_number_names_its_range_and_unit() {
        let say = |q: &str, lang| parse(q).1[0].describe(lang);
        assert_eq!(
            say("speed=fast", Lang::En),
            "speed=fast: must be a number between 0.001 and 100 (×)"
        );
        assert_eq!(
            say("speed=fast", Lang::Zh),
            "speed=fast：必须是 0.001 到 100 之间的数（倍）"
        );
        assert_eq!(
            say("workload=1e-13", Lang::En),
            "workload=1e-13: must be 0 (off) or a number between 0.01 and 20 (ops/s)"
        );
        assert_eq!(
            say("workload=1e-13", Lang::Zh),
            "workload=1e-13：必须是 0（关闭）或 0.01 到 20 之间的数（次操作/秒）"
        );
        assert_eq!(
            say("seed=18446744073709551616", Lang::En),
            "seed=18446744073709551616: must be a whole number between 0 and 18446744073709551615"
        );
        assert_eq!(
            say("prevote=maybe", Lang::En),
            "prevote=maybe: must be one of 0, 1"
        );
        assert_eq!(say("lang=fr", Lang::En), "lang=fr: must be one of en, zh");
        for q in [
            "speed=inf",
            "speed=NaN",
            "speed=0",
            "speed=100.5",
            "nodes=0",
            "nodes=-1",
        ] {
            assert_eq!(parse(q).1.len(), 1, "{q}");
        }
        // A very long value is cut short in the banner.
        let long = format!("seed={}", "9".repeat(500));
        assert!(say(&long, Lang::En).chars().count() < 150);
    }

    /// Zero turns the workload off; anything between zero and the slowest
    /// rate is refused, not silently turned off (it used to overflow the
    /// think-time arithmetic and stop the clients).
    #[test]
    fn a_tiny_workload_is_refused_and_zero_is_off() {
        let (p, e) = parse("workload=0");
        assert!(e.is_empty());
        assert_eq!(p.world_config().workload.ops_per_sec, 0.0);
        let (p, e) = parse("workload=1e-13");
        assert_eq!(e.len(), 1);
        assert_eq!(p.workload, None);
        assert_eq!(p.world_config().workload.ops_per_sec, PAGE_OPS_PER_SEC);
        let (p, e) = parse("workload=0.01&speed=0.001&nodes=9");
        assert!(e.is_empty(), "{e:?}");
        assert!(p.world_config().validate().is_ok());
    }

    /// The page's own constants agree with the limits table.
    #[test]
    fn the_page_uses_the_limits_table() {
        use crate::view_model::speed::{SPEED_MAX, SPEED_MIN};
        assert_eq!(
            (SPEED_MIN, SPEED_MAX),
            (limits::PAGE_SPEED.min, limits::PAGE_SPEED.max)
        );
        assert_eq!(
            limits::PAGE_NODES.max,
            raftlab_sim::config::MAX_NODES_PAGE as u64
        );
        const {
            assert!(limits::PAGE_WORKLOAD.max <= limits::WORKLOAD.max);
            assert!(limits::PAGE_WORKLOAD.min >= limits::WORKLOAD.min);
        }
    }

    /// The oracle of the address fuzz: no panic; every value read is
    /// within its limit and gives settings the simulator accepts; every
    /// refusal reads in both languages.
    fn check_address(query: &str) -> Result<bool, String> {
        let (p, errors) = parse(query);
        for e in &errors {
            for lang in Lang::ALL {
                if e.describe(lang).trim().is_empty() {
                    return Err(format!("{e:?} has no words in {lang:?}"));
                }
            }
        }
        if let Some(n) = p.nodes {
            limits::PAGE_NODES
                .check(n as u64)
                .map_err(|e| e.to_string())?;
        }
        if let Some(s) = p.speed {
            limits::PAGE_SPEED.check(s).map_err(|e| e.to_string())?;
        }
        if let Some(w) = p.workload {
            limits::PAGE_WORKLOAD.check(w).map_err(|e| e.to_string())?;
        }
        p.world_config()
            .validate()
            .map_err(|e| format!("accepted, but the simulator refuses it: {e}"))?;
        // Accepted: at least one value was read (and checked above).
        Ok(p != Params::default())
    }

    /// Mutated addresses (byte flips, splices, huge and boundary numbers),
    /// seeded; `RAFTLAB_FUZZ_INPUTS=N` sets the count (`scripts/fuzz.sh`
    /// runs more). The test build has overflow checks on.
    #[test]
    fn mutated_addresses_never_panic_and_never_pass_a_limit() {
        use raftlab_sim::input_fuzz::{run, Mutator};
        let corpus: Vec<String> = [
            "?seed=42&nodes=7&speed=0.5&lang=zh&embed=1&prevote=1&checkquorum=0",
            "?workload=4&speed=0.04&nodes=5",
            "?tour=partition&lang=en",
            "?embed=1&seed=18446744073709551615&workload=0",
            "seed=9&nodes=3&prevote=1&checkquorum=1&workload=20&speed=100",
            "?speed=1e-3&workload=0.01&nodes=1&lang=zh-CN&tour=clients",
            "?nodes=x%20y&color=red&speed=fast&workload=%31%32",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let n = std::env::var("RAFTLAB_FUZZ_INPUTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20_000u64);
        let mut m = Mutator::new(3, &corpus);
        let stats = run(&mut m, n, &mut |_, _| {}, &mut check_address)
            .unwrap_or_else(|f| panic!("input #{} {:?}: {}", f.index, f.input, f.reason));
        assert_eq!(stats.inputs, n);
        assert!(stats.accepted * 2 > stats.inputs, "{stats:?}");
        println!(
            "address fuzz: {} inputs, {} read a value within its limit",
            stats.inputs, stats.accepted
        );
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
