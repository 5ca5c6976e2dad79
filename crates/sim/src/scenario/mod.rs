//! Runs scenario scripts (see [`crate::script`]) against a [`World`] and
//! produces a transcript: one output block per directive, compared with the
//! golden block stored under `----` in the file, or rewritten into it.
//!
//! Scripts start with setup directives (`nodes`, `seed`, `set ...`); the
//! world is built at the first other directive. Scripts run with the client
//! workload off unless they ask for one, so transcripts stay readable.
//!
//! Each directive gives a typed [`Reply`] (did, held, failed) or a
//! [`DirectiveError`]; both print as the transcript spells them. The
//! dispatcher with one handler per directive is in `exec.rs`, waits in
//! `wait.rs`, expectations in `expect.rs`, `show` in `show.rs`.

use crate::config::{WorkloadConfig, WorldConfig};
use crate::script::{parse_script, rewrite, Step};
use crate::script::{Directive, Setting};
use crate::world::World;

mod exec;
mod expect;
mod hand;
mod host;
mod reply;
mod show;
mod wait;

pub use exec::Exec;
pub use host::{Host, PROGRESS_EVERY};
pub use reply::{DirectiveError, Reply};
pub use wait::{Started, Wait};

/// The result of running one script.
#[derive(Clone, Debug)]
pub struct ScenarioReport {
    /// Directives executed.
    pub steps: usize,
    /// One output block per directive.
    pub outputs: Vec<String>,
    /// Differences from the golden transcript and failed expectations.
    pub mismatches: Vec<String>,
    /// The file with every golden block replaced by the actual output.
    pub rewritten: String,
    /// The world at the end (for tours and tests).
    pub world: Option<World>,
}

/// Parses and runs a script file. With `rewrite`, golden mismatches are not
/// reported (the caller writes `rewritten` back), but failed expectations
/// still are.
pub fn run_file(text: &str, rewrite_mode: bool) -> Result<ScenarioReport, String> {
    run_file_with_progress(text, rewrite_mode, &mut |_, _| {})
}

/// [`run_file`], calling `progress` with the running directive and the
/// world after every [`PROGRESS_EVERY`] of simulated time a directive lets
/// pass (the command-line runner reports long runs with it).
///
/// Settings the world refuses are reported once, at the directive that
/// would have started the run; the directives after it do not run (their
/// golden blocks are kept by a rewrite).
pub fn run_file_with_progress(
    text: &str,
    rewrite_mode: bool,
    progress: &mut dyn FnMut(&Step, &World),
) -> Result<ScenarioReport, String> {
    let script = parse_script(text).map_err(|e| e.to_string())?;
    let mut runner = Runner::default();
    let mut outputs = Vec::new();
    let mut mismatches = Vec::new();
    for step in &script.steps {
        let out = match runner.exec_with_progress(&step.directive, &mut |w| progress(step, w)) {
            Ok(reply) => {
                if reply.failed() {
                    mismatches.push(format!("line {}: `{}`: {reply}", step.line, step.text));
                }
                reply.to_string()
            }
            Err(e)
                if runner.world.is_none()
                    && runner.config.is_some()
                    && !is_setup(&step.directive) =>
            {
                mismatches.push(format!(
                    "line {}: `{}`: {e}; the script stops here",
                    step.line, step.text
                ));
                outputs.push(format!("error: {e}"));
                break;
            }
            Err(e) => {
                mismatches.push(format!("line {}: `{}` failed: {e}", step.line, step.text));
                format!("error: {e}")
            }
        };
        if !rewrite_mode {
            if let Some(expected) = &step.expected {
                if expected.trim_end() != out.trim_end() {
                    mismatches.push(format!(
                        "line {}: `{}`\n  expected:\n{}\n  actual:\n{}",
                        step.line,
                        step.text,
                        indent(expected),
                        indent(&out)
                    ));
                }
            }
        }
        outputs.push(out);
    }
    let rewritten = match rewrite(text, &outputs) {
        Ok(t) => t,
        Err(e) if rewrite_mode => return Err(e.to_string()),
        // Only a rewrite would lose something; a check leaves the file alone.
        Err(_) => text.to_string(),
    };
    Ok(ScenarioReport {
        steps: script.steps.len(),
        rewritten,
        outputs,
        mismatches,
        world: runner.world,
    })
}

fn is_setup(d: &Directive) -> bool {
    matches!(
        d,
        Directive::Nodes(_)
            | Directive::Seed(_)
            | Directive::Set(_)
            | Directive::Say { .. }
            | Directive::Tour { .. }
    )
}

/// Runs every `*.txt` script in `dir`, in name order, against its golden
/// transcript; with `rewrite`, writes each file's new transcript back.
/// Returns how many files ran and the mismatches, each naming its file.
pub fn check_dir(dir: &std::path::Path, rewrite: bool) -> Result<(usize, Vec<String>), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|x| x == "txt") {
            files.push(path);
        }
    }
    files.sort();
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let report = run_file(&text, rewrite).map_err(|e| format!("{}: {e}", f.display()))?;
        if rewrite {
            std::fs::write(f, &report.rewritten).map_err(|e| format!("{}: {e}", f.display()))?;
        }
        failures.extend(
            report
                .mismatches
                .iter()
                .map(|m| format!("{}: {m}", f.display())),
        );
    }
    Ok((files.len(), failures))
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The settings a script starts from: the defaults with the background
/// workload off, so transcripts stay readable.
pub fn script_config() -> WorldConfig {
    WorldConfig {
        workload: WorkloadConfig {
            ops_per_sec: 0.0,
            ..WorkloadConfig::default()
        },
        ..WorldConfig::default()
    }
}

/// Applies a setup directive (`nodes`, `seed`, `set ...`) to the settings a
/// run will start from. Returns `Ok(false)`, changing nothing, for any other
/// directive.
pub fn configure(c: &mut WorldConfig, d: &Directive) -> Result<bool, DirectiveError> {
    match d {
        Directive::Nodes(n) => c.nodes = *n as usize,
        Directive::Seed(s) => c.seed = *s,
        Directive::Set(s) => match s {
            Setting::Election { min, max } => {
                c.raft.election_timeout_min = *min;
                c.raft.election_timeout_max = *max;
            }
            Setting::Heartbeat { interval } => c.raft.heartbeat_interval = *interval,
            Setting::Latency { min, max } => {
                c.network.latency_min = *min;
                c.network.latency_max = *max;
            }
            Setting::Drop { probability } => c.network.drop_rate = *probability,
            Setting::Duplicate { probability } => c.network.duplicate_rate = *probability,
            Setting::Reorder(on) => c.network.reorder = *on,
            Setting::PreVote(on) => c.raft.pre_vote = *on,
            Setting::CheckQuorum(on) => c.raft.check_quorum = *on,
            Setting::Backoff(on) => c.raft.election_backoff = *on,
            Setting::Lease(on) => c.raft.lease_reads = *on,
            Setting::Disk { write } => c.disk_latency = *write,
            Setting::SnapshotEvery { entries } => c.snapshot_every = Some(*entries),
            Setting::HandDelivery(on) => c.hand_delivery = *on,
            Setting::MaxEntries { entries } => c.raft.max_entries_per_msg = *entries as usize,
            Setting::Bug { name, on } => c
                .raft
                .bugs
                .set(name, *on)
                .map_err(|e| DirectiveError::Script(e.to_string()))?,
        },
        _ => return Ok(false),
    }
    Ok(true)
}

/// Executes directives one by one against a world it owns, building the
/// world at the first directive that is not setup.
#[derive(Default)]
pub struct Runner {
    config: Option<WorldConfig>,
    /// The world, once built.
    pub world: Option<World>,
}

impl Runner {
    fn world(&mut self) -> Result<&mut World, DirectiveError> {
        if self.world.is_none() {
            let cfg = self.config.clone().unwrap_or_else(script_config);
            self.world = Some(World::new(cfg)?);
        }
        Ok(self.world.as_mut().expect("just built"))
    }

    /// Runs one directive to completion and returns its output block.
    pub fn exec(&mut self, d: &Directive) -> Result<Reply, DirectiveError> {
        self.exec_with_progress(d, &mut |_| {})
    }

    /// [`Runner::exec`], calling `progress` after every [`PROGRESS_EVERY`]
    /// of simulated time the directive lets pass.
    pub fn exec_with_progress(
        &mut self,
        d: &Directive,
        progress: &mut dyn FnMut(&World),
    ) -> Result<Reply, DirectiveError> {
        if matches!(
            d,
            Directive::Say { .. } | Directive::Tour { .. } | Directive::Exercise(_)
        ) {
            return Ok(Reply::Did(String::new()));
        }
        if self.world.is_none() {
            let c = self.config.get_or_insert_with(script_config);
            if configure(c, d)? {
                return Ok(Reply::Did(String::new()));
            }
        }
        Exec::new(self.world()?).run_with_progress(d, progress)
    }
}
