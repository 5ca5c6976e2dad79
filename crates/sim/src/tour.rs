//! Guided tours: scenario scripts with narration, in English and Chinese,
//! cut into stops the page plays one at a time.
//!
//! A tour file is an ordinary script (see [`crate::script`]) with golden
//! transcripts, so the test suite proves that every tour does what its
//! narration says. It adds three conventions:
//!
//! - `tour en <title>` and `tour zh <title>` name it;
//! - setup directives (`nodes`, `seed`, `set ...`) come first;
//! - a run of `say en ...` / `say zh ...` lines opens a stop; the directives
//!   after it, up to the next `say`, are what the stop does.
//!
//! ```text
//! tour en Your first election
//! tour zh 第一次选举
//! nodes 5
//!
//! say en Every server starts as a follower ...
//! say zh 所有服务器启动时都是跟随者……
//! run until leader within 2s
//! ----
//! leader n4 (term 1)
//! ```

use std::collections::BTreeMap;

use raftlab_core::Micros;

use crate::config::WorldConfig;
use crate::scenario::{configure, script_config, DirectiveError, Exec, Host, Reply, Started, Wait};
use crate::script::{parse_script, Directive, Step};

/// The languages every tour is written in.
pub const LANGS: [&str; 2] = ["en", "zh"];

// In the order a newcomer should take them (the order of [`TOPICS`]); file
// numbers say only when a tour was written.
crate::texts::builtin_texts! {
    "tours", "tours":
    ("election", "01_election.txt"),
    ("split-vote", "02_split_vote.txt"),
    ("backoff", "16_backoff.txt"),
    ("replication", "03_replication.txt"),
    ("failures", "04_failures.txt"),
    ("partition", "06_partition.txt"),
    ("prevote", "11_prevote.txt"),
    ("up-to-date", "05_up_to_date.txt"),
    ("commit-rule", "07_commit_rule.txt"),
    ("single-server", "15_single_server.txt"),
    ("membership", "08_membership.txt"),
    ("transfer", "14_transfer.txt"),
    ("snapshots", "10_snapshots.txt"),
    ("clients", "09_clients.txt"),
    ("reads", "12_reads.txt"),
    ("leases", "13_leases.txt"),
}

/// What a group of tours in the menu is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Leader election (paper §5.2).
    Election,
    /// Log replication, and how it survives crashes and partitions (paper
    /// §5.3, §5.5; thesis §9.6, §6.2).
    Replication,
    /// The rules that keep committed entries safe (paper §5.4).
    Safety,
    /// Changing the cluster and its leader (thesis §4, §3.10).
    Membership,
    /// Log compaction (paper §7).
    Compaction,
    /// Clients, and reads that stay linearizable (paper §8, thesis §6).
    Clients,
}

/// The menu's groups, in the order a course teaches them (the paper's:
/// §5, §6, §7, §8), each with its tours in order. Every built-in tour is
/// in exactly one group, and [`BUILTIN`] lists them in this order (a test
/// checks both).
pub const TOPICS: &[(Topic, &[&str])] = &[
    (Topic::Election, &["election", "split-vote", "backoff"]),
    (
        Topic::Replication,
        &["replication", "failures", "partition", "prevote"],
    ),
    (Topic::Safety, &["up-to-date", "commit-rule"]),
    (
        Topic::Membership,
        &["single-server", "membership", "transfer"],
    ),
    (Topic::Compaction, &["snapshots"]),
    (Topic::Clients, &["clients", "reads", "leases"]),
];

/// The topic tour `id` is grouped under.
pub fn topic_of(id: &str) -> Option<Topic> {
    TOPICS
        .iter()
        .find(|(_, ids)| ids.contains(&id))
        .map(|(t, _)| *t)
}

/// One stop of a tour: narration, then what happens.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// The narration by language tag; several `say` lines of one language
    /// are separate paragraphs.
    pub say: BTreeMap<String, Vec<String>>,
    /// The directives the stop runs, in order.
    pub steps: Vec<Step>,
}

/// A parsed tour.
#[derive(Clone, Debug, PartialEq)]
pub struct Tour {
    /// Stable id (used in links: `?tour=election`).
    pub id: String,
    /// Title by language tag.
    pub title: BTreeMap<String, String>,
    /// The world the tour starts from.
    pub config: WorldConfig,
    /// The stops, in order.
    pub stops: Vec<Stop>,
}

impl Tour {
    /// The title in `lang`, or in English when that language is missing.
    pub fn title(&self, lang: &str) -> &str {
        self.title
            .get(lang)
            .or_else(|| self.title.get("en"))
            .map_or(self.id.as_str(), String::as_str)
    }
}

impl Stop {
    /// The narration in `lang` (English when that language is missing).
    pub fn say(&self, lang: &str) -> &[String] {
        self.say
            .get(lang)
            .or_else(|| self.say.get("en"))
            .map_or(&[], Vec::as_slice)
    }
}

/// Parses a tour file. Every problem is an error naming the line: a
/// script error, narration in an unknown language, a stop or title missing
/// a language, a directive before the first narration.
pub fn parse_tour(id: &str, text: &str) -> Result<Tour, String> {
    let script = parse_script(text).map_err(|e| format!("tour {id}: {e}"))?;
    let mut config = script_config();
    let mut title = BTreeMap::new();
    let mut stops: Vec<Stop> = Vec::new();
    let mut last_was_say = false;
    for step in script.steps {
        let line = step.line;
        match &step.directive {
            Directive::Tour { lang, title: t } => {
                check_lang(id, line, lang)?;
                title.insert(lang.clone(), t.clone());
                continue;
            }
            Directive::Say { lang, text } => {
                let Some(lang) = lang else {
                    return Err(format!(
                        "tour {id}: line {line}: narration must start with a language tag (say en ... / say zh ...)"
                    ));
                };
                check_lang(id, line, lang)?;
                if !last_was_say {
                    stops.push(Stop {
                        say: BTreeMap::new(),
                        steps: Vec::new(),
                    });
                }
                let stop = stops.last_mut().expect("pushed above");
                stop.say.entry(lang.clone()).or_default().push(text.clone());
                last_was_say = true;
                continue;
            }
            _ => {}
        }
        last_was_say = false;
        match stops.last_mut() {
            None => {
                if !configure(&mut config, &step.directive)
                    .map_err(|e| format!("tour {id}: line {line}: {e}"))?
                {
                    return Err(format!(
                        "tour {id}: line {line}: `{}` comes before the first narration; only setup (nodes, seed, set) may",
                        step.text
                    ));
                }
            }
            Some(stop) => stop.steps.push(step),
        }
    }
    for lang in LANGS {
        if !title.contains_key(lang) {
            return Err(format!("tour {id}: no `tour {lang} <title>` line"));
        }
        if let Some(i) = stops.iter().position(|s| !s.say.contains_key(lang)) {
            return Err(format!(
                "tour {id}: stop {} has no `say {lang}` narration",
                i + 1
            ));
        }
    }
    if stops.is_empty() {
        return Err(format!(
            "tour {id}: no stops (a stop starts with `say en ...`)"
        ));
    }
    config.validate().map_err(|e| format!("tour {id}: {e}"))?;
    Ok(Tour {
        id: id.to_string(),
        title,
        config,
        stops,
    })
}

fn check_lang(id: &str, line: usize, lang: &str) -> Result<(), String> {
    if LANGS.contains(&lang) {
        Ok(())
    } else {
        Err(format!(
            "tour {id}: line {line}: unknown language {lang:?} (tours are written in {})",
            LANGS.join(" and ")
        ))
    }
}

/// The built-in tours, parsed. The test suite parses and runs every one,
/// so an error here means a broken build, reported rather than panicking.
#[cfg(feature = "embed-texts")]
pub fn builtin() -> Result<Vec<Tour>, String> {
    BUILTIN
        .iter()
        .map(|(id, text)| parse_tour(id, text))
        .collect()
}

/// The built-in tours when their texts are compiled in (`embed-texts`),
/// `None` when the caller must fetch the files of [`BUILTIN_FILES`] and
/// give them to [`parse_builtin`].
pub fn embedded() -> Option<Result<Vec<Tour>, String>> {
    #[cfg(feature = "embed-texts")]
    return Some(builtin());
    #[cfg(not(feature = "embed-texts"))]
    None
}

/// Parses the fetched texts of the built-in tours, one per row of
/// [`BUILTIN_FILES`], in that order.
pub fn parse_builtin(texts: &[String]) -> Result<Vec<Tour>, String> {
    crate::texts::parse_rows("tour", BUILTIN_FILES, texts, parse_tour)
}

/// What one directive of a stop gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The directive as written.
    pub text: String,
    /// What it gave, or why it could not run (an action the world
    /// refused, a node that is not there).
    pub result: Result<Reply, DirectiveError>,
}

impl Outcome {
    /// Its output block as a transcript shows it (empty for most actions).
    pub fn output(&self) -> String {
        match &self.result {
            Ok(reply) => reply.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    /// Whether it failed: an expectation that did not hold, a `run until`
    /// that ran out of time, or a directive that could not run.
    pub fn failed(&self) -> bool {
        self.result.as_ref().map_or(true, Reply::failed)
    }
}

/// Where a [`TourRun`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The current stop's directives are still running.
    Running,
    /// The current stop is done; the reader goes on when ready.
    AtRest,
    /// The last stop is done.
    Finished,
}

/// A tour being played against a [`Host`], one animation frame at a time.
/// Directives run exactly as in [`crate::scenario::run_file`]: waits check
/// their condition after every event, so a tour played at any speed and
/// frame rate gives its golden transcript (the test suite checks this).
#[derive(Clone, Debug)]
pub struct TourRun {
    /// The tour.
    pub tour: Tour,
    /// The current stop.
    pub stop: usize,
    /// The next directive of the current stop.
    step: usize,
    /// The wait in progress.
    wait: Option<Wait>,
    /// What the current stop's directives gave so far.
    pub outcomes: Vec<Outcome>,
}

impl TourRun {
    /// Starts at the first stop. The host must be a fresh world built from
    /// `tour.config`.
    pub fn new(tour: Tour) -> TourRun {
        TourRun {
            tour,
            stop: 0,
            step: 0,
            wait: None,
            outcomes: Vec::new(),
        }
    }

    /// Restarts at stop `i` (clamped to the last), forgetting the outcomes
    /// of the current one. The caller puts the host where stop `i` began.
    pub fn go_to(&mut self, i: usize) {
        self.stop = i.min(self.tour.stops.len().saturating_sub(1));
        self.step = 0;
        self.wait = None;
        self.outcomes.clear();
    }

    /// Where the run is.
    pub fn phase(&self) -> Phase {
        let steps = self.tour.stops.get(self.stop).map_or(0, |s| s.steps.len());
        if self.wait.is_some() || self.step < steps {
            Phase::Running
        } else if self.stop + 1 < self.tour.stops.len() {
            Phase::AtRest
        } else {
            Phase::Finished
        }
    }

    /// Runs the current stop's directives without letting simulated time
    /// pass `limit`. Returns the phase reached.
    pub fn advance<H: Host>(&mut self, host: &mut H, limit: Micros) -> Phase {
        loop {
            if let Some(wait) = &self.wait {
                if !wait.advance(host, limit) {
                    return Phase::Running;
                }
                let reply = wait.report(host.world());
                self.finish_step(Ok(reply));
                self.wait = None;
                continue;
            }
            let Some(step) = self
                .tour
                .stops
                .get(self.stop)
                .and_then(|s| s.steps.get(self.step))
            else {
                return self.phase();
            };
            let directive = step.directive.clone();
            match Exec::new(host).start(&directive) {
                Ok(Started::Done(reply)) => self.finish_step(Ok(reply)),
                Ok(Started::Wait(wait)) => self.wait = Some(wait),
                Err(e) => self.finish_step(Err(e)),
            }
        }
    }

    fn finish_step(&mut self, result: Result<Reply, DirectiveError>) {
        let text = self.tour.stops[self.stop].steps[self.step].text.clone();
        self.outcomes.push(Outcome { text, result });
        self.step += 1;
    }
}

/// The simulated time each stop of `tour` lets pass, found by playing it
/// to its end on a fresh world, as the page would. The page derives from
/// it how long the tour takes to follow; a wait's actual length is only
/// known by running it (`run until leader within 20s` may take 300 ms).
pub fn stop_durations(tour: &Tour) -> Result<Vec<Micros>, String> {
    let mut world = crate::World::new(tour.config.clone()).map_err(|e| e.to_string())?;
    let mut run = TourRun::new(tour.clone());
    let mut out = Vec::with_capacity(tour.stops.len());
    let mut began = world.now();
    loop {
        let limit = world.now().saturating_add(Micros::from_ms(60_000));
        match run.advance(&mut world, limit) {
            Phase::Running => continue,
            phase => {
                out.push(Micros(world.now().0 - began.0));
                if phase == Phase::Finished {
                    return Ok(out);
                }
                began = world.now();
                let next = run.stop + 1;
                run.go_to(next);
            }
        }
    }
}
