//! Classroom exercises (Learn Git Branching's levels, DSLabs' goals): a
//! scenario script with a title and text in English and Chinese, a starting
//! script, a goal made of `expect` conditions checked after every event,
//! the tools the student may use, limits, hints revealed one at a time,
//! and a reference solution. The engine knows nothing of any one exercise.
//!
//! ```text
//! exercise en Commit with two servers down
//! exercise zh 两台服务器宕机时提交
//! track make-it-work
//! text en Two of five servers are down. Get `x = 1` committed anyway.
//! text zh 五台服务器中有两台宕机了。仍然让 `x = 1` 被提交。
//! allow client crash restart
//! limit actions 5
//! limit time 3s
//! hint en A majority of five is three.
//! hint zh 五台的多数是三台。
//! goal value x == 1 on leader
//! nodes 5
//! run until leader within 2s
//! crash follower
//! crash follower
//! solution put x 1
//! solution run 500ms
//! ```
//!
//! Lines other than the exercise's own (`exercise`, `text`, `hint`,
//! `track`, `allow`, `limit`, `goal`, `solution`) form the starting script:
//! setup (`nodes`, `seed`, `set …`) first, then anything a script can do.
//! [`Exercise::check`] proves that the reference solution reaches the goal
//! within the limits using only the allowed tools, and that the starting
//! state alone, left to run for the time limit, does not.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use raftlab_core::Micros;

use crate::action::Action;
use crate::config::WorldConfig;
use crate::scenario::{configure, script_config, Exec, Host, Reply};
use crate::script::{parse_script, Directive, ExerciseLine, Expectation, Step, Tool, Track};
use crate::world::World;
use crate::SimError;

/// The languages every exercise is written in.
pub const LANGS: [&str; 2] = ["en", "zh"];

crate::texts::builtin_texts! {
    "exercises", "exercises":
    ("two-down", "01_two_down.txt"),
    ("chosen-leader", "02_chosen_leader.txt"),
    ("vote-by-hand", "03_vote_by_hand.txt"),
    ("joint-change", "04_joint_change.txt"),
    ("snapshot-catch-up", "05_snapshot_catch_up.txt"),
    ("roll-back", "06_roll_back.txt"),
    ("majority-back", "07_majority_back.txt"),
    ("figure8", "08_figure8.txt"),
    ("two-leaders", "09_two_leaders.txt"),
    ("stale-read", "10_stale_read.txt"),
    ("split-vote", "11_split_vote.txt"),
    ("minority-leader", "12_minority_leader.txt"),
}

/// The tool an action belongs to (what `allow` must name).
pub fn tool_for(a: &Action) -> Tool {
    match a {
        Action::Crash(_) => Tool::Crash,
        Action::Restart(_) => Tool::Restart,
        Action::Pause(_) | Action::Resume(_) => Tool::Pause,
        Action::Campaign(_) => Tool::Timeout,
        Action::TransferLeadership(_) => Tool::Transfer,
        Action::AddNode { .. }
        | Action::Promote(_)
        | Action::RemoveNode(_)
        | Action::ChangeMembership { .. } => Tool::Membership,
        Action::Compact(_) => Tool::Compact,
        Action::Partition(_) | Action::Cut { .. } | Action::HealLink { .. } | Action::HealAll => {
            Tool::Partition
        }
        Action::ClockSkew { .. } => Tool::Skew,
        Action::ClientRequest { .. } => Tool::Client,
        Action::SetWorkload(_) => Tool::Workload,
        Action::SetNetwork(_) | Action::SetLink { .. } => Tool::Network,
        Action::Hold(_) | Action::Release(_) => Tool::Hold,
        Action::Drop(_) => Tool::Drop,
        Action::Deliver(_) => Tool::Deliver,
        Action::Duplicate(_) => Tool::Duplicate,
        Action::FireTimer(_) => Tool::Fire,
        Action::HandDelivery(_) => Tool::Hand,
        // Protocol options and bug switches changed mid-run: the same right
        // as changing bug switches in the settings.
        Action::SetSwitches(_) => Tool::Bugs,
    }
}

/// One goal condition, as written and parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    /// Its line in the file.
    pub line: usize,
    /// The condition as written after `goal` (canonical spelling).
    pub text: String,
    /// The condition.
    pub expect: Expectation,
}

/// A parsed exercise.
#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    /// Stable id (links: `?exercise=two-down`).
    pub id: String,
    /// Title by language tag.
    pub title: BTreeMap<String, String>,
    /// The task, paragraphs by language tag.
    pub text: BTreeMap<String, Vec<String>>,
    /// Hints in the order they are revealed, each by language tag.
    pub hints: Vec<BTreeMap<String, String>>,
    /// Its track.
    pub track: Track,
    /// The tools the student may use.
    pub tools: BTreeSet<Tool>,
    /// Most actions the student may take.
    pub max_actions: u64,
    /// Most virtual time from the start.
    pub max_time: Micros,
    /// The world the starting script begins from.
    pub config: WorldConfig,
    /// The starting script's directives after setup.
    pub start: Vec<Step>,
    /// Every condition must hold at once.
    pub goal: Vec<Goal>,
    /// The reference solution's steps (directives).
    pub solution: Vec<Step>,
}

/// What is wrong with an exercise file: the line (0 for the file as a
/// whole) and the problem as data, so the page words it in both languages.
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseError {
    /// 1-based line, or 0 for the whole file.
    pub line: usize,
    /// 1-based column for a script error, else 0.
    pub column: usize,
    /// What is wrong.
    pub problem: Problem,
}

/// The problems [`ExerciseError`] reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The line does not parse (the parser's message).
    Script(String),
    /// No `exercise <lang> <title>` line in a language.
    NoTitle(String),
    /// No `text <lang> …` line in a language.
    NoText(String),
    /// The `hint en` and `hint zh` lines do not pair up.
    HintsUnpaired {
        /// Count of English hints.
        en: usize,
        /// Count of Chinese hints.
        zh: usize,
    },
    /// No `track` line.
    NoTrack,
    /// A second `track`, `limit` or title/... line of the same kind.
    Twice(String),
    /// No `allow` line.
    NoTools,
    /// No `limit actions` or no `limit time` line.
    NoLimit(String),
    /// No `goal` line.
    NoGoal,
    /// No `solution` line.
    NoSolution,
    /// A setup directive (`nodes`, `seed`, `set`) after the start began.
    SetupTooLate,
    /// Only tours narrate (`say`, `tour`).
    Narration,
    /// The settings are refused (the world's message).
    Config(String),
    /// A directive of the starting script failed (its message).
    StartFailed(String),
    /// The starting state reaches the goal without the student.
    StartReachesGoal,
    /// A solution step failed (its message).
    SolutionFailed(String),
    /// A solution step uses a tool the exercise does not allow.
    SolutionNotAllowed(Tool),
    /// The reference solution never reaches the goal.
    SolutionMissesGoal,
    /// The reference solution needs more actions than the limit.
    SolutionTooManyActions {
        /// Actions it took.
        used: u64,
        /// The limit.
        limit: u64,
    },
    /// The reference solution needs more time than the limit.
    SolutionTooSlow {
        /// Virtual time it took.
        used: Micros,
        /// The limit.
        limit: Micros,
    },
}

/// English, for the command line; the page words [`Problem`] itself.
impl fmt::Display for ExerciseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
            f.write_str(": ")?;
        }
        match &self.problem {
            Problem::Script(m) => f.write_str(m),
            Problem::NoTitle(l) => write!(f, "no `exercise {l} <title>` line"),
            Problem::NoText(l) => write!(f, "no `text {l} …` line"),
            Problem::HintsUnpaired { en, zh } => write!(
                f,
                "{en} `hint en` lines but {zh} `hint zh` lines: each hint needs both languages"
            ),
            Problem::NoTrack => f.write_str("no `track make-it-work` or `track break-it` line"),
            Problem::Twice(what) => write!(f, "`{what}` given twice"),
            Problem::NoTools => {
                f.write_str("no `allow …` line naming the tools the student may use")
            }
            Problem::NoLimit(what) => write!(f, "no `limit {what} …` line"),
            Problem::NoGoal => f.write_str("no `goal …` line"),
            Problem::NoSolution => f.write_str("no `solution …` line"),
            Problem::SetupTooLate => f.write_str(
                "setup (nodes, seed, set) must come before the starting script's first action",
            ),
            Problem::Narration => f.write_str("`say` and `tour` belong in tours, not exercises"),
            Problem::Config(m) => write!(f, "settings refused: {m}"),
            Problem::StartFailed(m) => write!(f, "the starting script failed: {m}"),
            Problem::StartReachesGoal => {
                f.write_str("the starting state reaches the goal without any action")
            }
            Problem::SolutionFailed(m) => write!(f, "the reference solution failed: {m}"),
            Problem::SolutionNotAllowed(t) => write!(
                f,
                "the reference solution uses `{}`, which `allow` does not list",
                t.name()
            ),
            Problem::SolutionMissesGoal => {
                f.write_str("the reference solution never reaches the goal")
            }
            Problem::SolutionTooManyActions { used, limit } => write!(
                f,
                "the reference solution takes {used} actions, over the limit of {limit}"
            ),
            Problem::SolutionTooSlow { used, limit } => write!(
                f,
                "the reference solution takes {} ms, over the limit of {} ms",
                used.as_ms_f64(),
                limit.as_ms_f64()
            ),
        }
    }
}

impl std::error::Error for ExerciseError {}

fn err(line: usize, problem: Problem) -> ExerciseError {
    ExerciseError {
        line,
        column: 0,
        problem,
    }
}

/// Where the student starts: after the starting script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Baseline {
    /// Actions in the log when the student takes over.
    pub actions: usize,
    /// Virtual time then.
    pub at: Micros,
}

/// How a run did against the exercise: the student's actions and virtual
/// time from the start (Learn Git Branching's "golf" score).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    /// Actions taken.
    pub actions: u64,
    /// Virtual time used.
    pub time: Micros,
}

/// What [`Exercise::check`] found: the reference solution's score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckReport {
    /// The reference solution's score.
    pub reference: Score,
}

/// Parses an exercise file. Every problem names its line.
pub fn parse_exercise(id: &str, text: &str) -> Result<Exercise, ExerciseError> {
    let script = parse_script(text).map_err(|e| ExerciseError {
        line: e.line,
        column: e.column,
        problem: Problem::Script(e.message),
    })?;
    let mut config = script_config();
    let mut title = BTreeMap::new();
    let mut body: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut hints: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut track = None;
    let mut tools: Option<BTreeSet<Tool>> = None;
    let (mut max_actions, mut max_time) = (None, None);
    let (mut start, mut goal, mut solution) = (Vec::new(), Vec::new(), Vec::new());
    for step in script.steps {
        let line = step.line;
        match &step.directive {
            Directive::Exercise(x) => match x {
                ExerciseLine::Title { lang, text } => {
                    if title.insert(lang.clone(), text.clone()).is_some() {
                        return Err(err(line, Problem::Twice(format!("exercise {lang}"))));
                    }
                }
                ExerciseLine::Text { lang, text } => {
                    body.entry(lang.clone()).or_default().push(text.clone())
                }
                ExerciseLine::Hint { lang, text } => {
                    hints.entry(lang.clone()).or_default().push(text.clone())
                }
                ExerciseLine::Track(t) => {
                    if track.replace(*t).is_some() {
                        return Err(err(line, Problem::Twice("track".into())));
                    }
                }
                ExerciseLine::Allow(ts) => tools
                    .get_or_insert_with(BTreeSet::new)
                    .extend(ts.iter().copied()),
                ExerciseLine::LimitActions(n) => {
                    if max_actions.replace(*n).is_some() {
                        return Err(err(line, Problem::Twice("limit actions".into())));
                    }
                }
                ExerciseLine::LimitTime(t) => {
                    if max_time.replace(*t).is_some() {
                        return Err(err(line, Problem::Twice("limit time".into())));
                    }
                }
                ExerciseLine::Goal(e) => goal.push(Goal {
                    line,
                    text: e.to_string(),
                    expect: e.clone(),
                }),
                ExerciseLine::Solution(d) => solution.push(Step {
                    line,
                    text: d.to_string(),
                    directive: (**d).clone(),
                    expected: None,
                }),
            },
            Directive::Say { .. } | Directive::Tour { .. } => {
                return Err(err(line, Problem::Narration))
            }
            d => {
                let setup = configure(&mut config, d)
                    .map_err(|e| err(line, Problem::Config(e.to_string())))?;
                if setup && !start.is_empty() {
                    return Err(err(line, Problem::SetupTooLate));
                }
                if !setup {
                    start.push(step);
                }
            }
        }
    }
    for lang in LANGS {
        if !title.contains_key(lang) {
            return Err(err(0, Problem::NoTitle(lang.into())));
        }
        if !body.contains_key(lang) {
            return Err(err(0, Problem::NoText(lang.into())));
        }
    }
    let (en, zh) = (
        hints.get("en").map_or(0, Vec::len),
        hints.get("zh").map_or(0, Vec::len),
    );
    if en != zh {
        return Err(err(0, Problem::HintsUnpaired { en, zh }));
    }
    let hints = (0..en)
        .map(|i| {
            LANGS
                .iter()
                .map(|l| (l.to_string(), hints[*l][i].clone()))
                .collect()
        })
        .collect();
    let track = track.ok_or(err(0, Problem::NoTrack))?;
    let tools = tools.ok_or(err(0, Problem::NoTools))?;
    let max_actions = max_actions.ok_or(err(0, Problem::NoLimit("actions".into())))?;
    let max_time = max_time.ok_or(err(0, Problem::NoLimit("time".into())))?;
    if goal.is_empty() {
        return Err(err(0, Problem::NoGoal));
    }
    if solution.is_empty() {
        return Err(err(0, Problem::NoSolution));
    }
    config
        .validate()
        .map_err(|e| err(0, Problem::Config(e.to_string())))?;
    Ok(Exercise {
        id: id.to_string(),
        title,
        text: body,
        hints,
        track,
        tools,
        max_actions,
        max_time,
        config,
        start,
        goal,
        solution,
    })
}

/// The built-in exercises, parsed (the test suite checks every one).
#[cfg(feature = "embed-texts")]
pub fn builtin() -> Result<Vec<Exercise>, String> {
    BUILTIN
        .iter()
        .map(|(id, text)| parse_exercise(id, text).map_err(|e| format!("exercise {id}: {e}")))
        .collect()
}

/// The built-in exercises when their texts are compiled in (`embed-texts`),
/// `None` when the caller must fetch the files of [`BUILTIN_FILES`] and
/// give them to [`parse_builtin`].
pub fn embedded() -> Option<Result<Vec<Exercise>, String>> {
    #[cfg(feature = "embed-texts")]
    return Some(builtin());
    #[cfg(not(feature = "embed-texts"))]
    None
}

/// Parses the fetched texts of the built-in exercises, one per row of
/// [`BUILTIN_FILES`], in that order.
pub fn parse_builtin(texts: &[String]) -> Result<Vec<Exercise>, String> {
    crate::texts::parse_rows("exercise", BUILTIN_FILES, texts, |id, text| {
        parse_exercise(id, text).map_err(|e| format!("exercise {id}: {e}"))
    })
}

/// A host that can only be looked at: expectations read the world and
/// never act.
struct Look<'a>(&'a World);

impl Host for Look<'_> {
    fn world(&self) -> &World {
        self.0
    }
    fn apply(&mut self, _: Action) -> Result<(), SimError> {
        Err(SimError::Config("a goal cannot act".into()))
    }
    fn step(&mut self) -> bool {
        false
    }
    fn run_until(&mut self, _: Micros) {}
}

impl Exercise {
    /// The title in `lang` (English when missing).
    pub fn title(&self, lang: &str) -> &str {
        self.title
            .get(lang)
            .or_else(|| self.title.get("en"))
            .map_or(self.id.as_str(), String::as_str)
    }

    /// The task's paragraphs in `lang` (English when missing).
    pub fn text(&self, lang: &str) -> &[String] {
        self.text
            .get(lang)
            .or_else(|| self.text.get("en"))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether the student may take this action.
    pub fn allows(&self, a: &Action) -> bool {
        self.tools.contains(&tool_for(a))
    }

    /// Runs the starting script on `host`, which must hold a fresh world
    /// built from [`Exercise::config`]. Returns where the student starts.
    pub fn begin<H: Host>(&self, host: &mut H) -> Result<Baseline, ExerciseError> {
        for step in &self.start {
            let reply = Exec::new(host)
                .run(&step.directive)
                .map_err(|e| err(step.line, Problem::StartFailed(e.to_string())))?;
            if let Reply::Failed(why) = reply {
                return Err(err(step.line, Problem::StartFailed(why)));
            }
        }
        Ok(Baseline {
            actions: host.world().action_count(),
            at: host.world().now(),
        })
    }

    /// Whether each goal condition holds in `world` now, in file order.
    pub fn goal_status(&self, world: &World) -> Vec<bool> {
        let mut look = Look(world);
        self.goal
            .iter()
            .map(|g| {
                matches!(
                    Exec::new(&mut look).run(&Directive::Expect(g.expect.clone())),
                    Ok(Reply::Held(_))
                )
            })
            .collect()
    }

    /// Whether every goal condition holds in `world` now.
    pub fn goal_holds(&self, world: &World) -> bool {
        self.goal_status(world).iter().all(|ok| *ok)
    }

    /// The student's score in `world` so far.
    pub fn score(&self, world: &World, base: Baseline) -> Score {
        Score {
            actions: world.action_count().saturating_sub(base.actions) as u64,
            time: world.now().saturating_sub(base.at),
        }
    }

    /// Whether a score is within the limits.
    pub fn within_limits(&self, s: Score) -> bool {
        s.actions <= self.max_actions && s.time <= self.max_time
    }

    /// Builds the starting world.
    pub fn start_world(&self) -> Result<(World, Baseline), ExerciseError> {
        let mut w =
            World::new(self.config.clone()).map_err(|e| err(0, Problem::Config(e.to_string())))?;
        let base = self.begin(&mut w)?;
        Ok((w, base))
    }

    /// Proves the exercise sound: the starting state left alone for the
    /// time limit never reaches the goal (checked after every event), and
    /// the reference solution reaches it within the limits using only the
    /// allowed tools. Returns the reference's score.
    pub fn check(&self) -> Result<CheckReport, ExerciseError> {
        let (w, base) = self.start_world()?;
        let mut idle = Watch::new(w, self, base);
        let end = base.at.saturating_add(self.max_time);
        idle.run_until(end);
        if idle.reached.is_some() {
            return Err(err(0, Problem::StartReachesGoal));
        }
        self.run_solution()
            .map(|reference| CheckReport { reference })
    }

    /// Plays the reference solution from the start; its score when it
    /// first reaches the goal.
    pub fn run_solution(&self) -> Result<Score, ExerciseError> {
        let (w, base) = self.start_world()?;
        let mut watch = Watch::new(w, self, base);
        for step in &self.solution {
            if watch.reached.is_some() {
                break;
            }
            let res = Exec::new(&mut watch).run(&step.directive);
            if let Some(t) = watch.refused {
                return Err(err(step.line, Problem::SolutionNotAllowed(t)));
            }
            match res {
                Err(e) => return Err(err(step.line, Problem::SolutionFailed(e.to_string()))),
                Ok(Reply::Failed(why)) if watch.reached.is_none() => {
                    return Err(err(step.line, Problem::SolutionFailed(why)))
                }
                Ok(_) => {}
            }
        }
        let s = watch.reached.ok_or(err(0, Problem::SolutionMissesGoal))?;
        if s.actions > self.max_actions {
            return Err(err(
                0,
                Problem::SolutionTooManyActions {
                    used: s.actions,
                    limit: self.max_actions,
                },
            ));
        }
        if s.time > self.max_time {
            return Err(err(
                0,
                Problem::SolutionTooSlow {
                    used: s.time,
                    limit: self.max_time,
                },
            ));
        }
        Ok(s)
    }
}

/// A world whose goal is checked after every event and every action; it
/// refuses actions the exercise does not allow.
struct Watch<'a> {
    world: World,
    exercise: &'a Exercise,
    base: Baseline,
    reached: Option<Score>,
    refused: Option<Tool>,
}

impl<'a> Watch<'a> {
    fn new(world: World, exercise: &'a Exercise, base: Baseline) -> Self {
        let mut w = Watch {
            world,
            exercise,
            base,
            reached: None,
            refused: None,
        };
        w.look();
        w
    }

    fn look(&mut self) {
        if self.reached.is_none() && self.exercise.goal_holds(&self.world) {
            self.reached = Some(self.exercise.score(&self.world, self.base));
        }
    }
}

impl Host for Watch<'_> {
    fn world(&self) -> &World {
        &self.world
    }
    fn apply(&mut self, action: Action) -> Result<(), SimError> {
        if !self.exercise.allows(&action) {
            let tool = tool_for(&action);
            self.refused = Some(tool);
            return Err(SimError::Invalid(crate::Refusal::NotAllowed(tool)));
        }
        self.world.apply(action)?;
        self.look();
        Ok(())
    }
    fn step(&mut self) -> bool {
        let ok = self.world.step();
        self.look();
        ok
    }
    fn run_until(&mut self, t: Micros) {
        while let Some(at) = self.world.next_event_time() {
            if at > t || self.world.violation().is_some() || self.reached.is_some() {
                break;
            }
            self.world.step();
            self.look();
        }
        self.world.run_until(t);
        self.look();
    }
}
