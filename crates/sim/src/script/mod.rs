//! Scenario scripts: human-readable scenarios that double as golden
//! transcripts, in the spirit of etcd-raft's datadriven `testdata/*.txt`.
//! The guided tours of the page and the test suite both run them.
//!
//! # File format
//!
//! A script is a sequence of directives, one per line. A directive may be
//! followed by a line `----` and its expected output, ended by a blank line
//! (or, when the output itself has blank lines, opened by `----` twice and
//! closed by `----` twice, then a blank line). Any other `----` (a stray
//! one, a doubled one inside a block, a block never closed) is an error
//! naming its line. A line whose first non-blank character is `#` is a
//! comment. [`rewrite`] regenerates the expected blocks from actual output
//! (the `--rewrite` flag), keeping comments and blank lines, and never
//! deleting a directive.
//!
//! ```text
//! # A leader is elected, then crashes.
//! nodes 3
//! run until leader within 2s
//! ----
//! n1 leader term 1
//!
//! crash leader
//! ```
//!
//! # Grammar
//!
//! Nodes are `n1`..`n51`, `leader` or `follower` (some follower); after
//! `nodes N`, other ids are errors until `add` introduces them. Durations
//! are `500us`, `300ms`, `2s`, `1.5s`. Groups are `{n1 n2}`. Every number
//! has a range and a unit ([`crate::limits`]): a value outside it is an
//! error naming the setting as typed, the range and the unit (ms for
//! durations).
//!
//! | Directive | Example |
//! |---|---|
//! | cluster size (1..=51) | `nodes 5` |
//! | seed | `seed 42` |
//! | election timeout range | `set election 150ms..300ms` |
//! | heartbeat interval | `set heartbeat 50ms` |
//! | message latency range | `set latency 5ms..15ms` |
//! | message loss, duplication | `set drop 0.1`, `set duplicate 0.05` |
//! | switches | `set reorder on`, `set prevote off`, `set checkquorum on`, `set backoff on`, `set lease off` |
//! | disk write latency | `set disk 2ms` |
//! | snapshot interval (entries) | `set snapshot-every 100` |
//! | injected bug | `set bug stale-read on` |
//! | advance time | `run 300ms` |
//! | run to a condition | `run until leader within 2s`, `run until committed 4 on n2 within 2s` |
//! | deliver N events | `step 3` (default 1) |
//! | crash / restart | `crash leader`, `restart n2` |
//! | pause / resume | `pause n2`, `resume n2` |
//! | partition | `partition {n1 n2} {n3 n4 n5}` |
//! | isolate | `isolate leader` |
//! | cut links | `cut n1 -> n2`, `cut n1 <-> n2` |
//! | heal | `heal`, `heal n1 <-> n2` |
//! | clock skew | `skew n2 +50ms` |
//! | force election | `timeout n3` |
//! | leadership transfer | `transfer n3` |
//! | membership | `add n6 learner`, `promote n6`, `remove n2`, `joint {n1 n2 n3} learners {n6}` |
//! | snapshot now | `compact n2` |
//! | client ops | `put x 1 via n2`, `get x`, `append x ab`, `cas x 1 2` |
//! | background load | `workload 50 reads 0.5 keys 3 clients 4`, `workload off` |
//! | leader | `expect leader`, `expect leader in {n3 n4}`, `expect no leader`, `expect leader == n3`, `expect leader != n3` |
//! | numbers | `expect term > 2`, `expect committed >= 4 on all`, `expect applied >= 4 on n2` (`== != > >= < <=`) |
//! | role | `expect role n2 precandidate` |
//! | safety | `expect logs match`, `expect value x == 1 on all`, `expect linearizable`, `expect safe`, `expect violation election-safety` |
//! | output | `show cluster`, `show log n2`, `show kv`, `show messages`, `show client` |
//! | narration | `say en A leader is elected.`, `say zh 领导者已经选出。` (free text; an optional first word `en`/`zh` tags its language) |
//! | tour metadata | `tour en Your first election` |
//! | hand-driven delivery | `set hand-delivery on`, `deliver n1 -> n2 vote`, `deliver all`, `drop n1 -> n3`, `drop all`, `duplicate n2 -> n1 append-reply`, `fire n3` |
//! | one entry per AppendEntries | `set max-entries 1` |
//! | exercises ([`crate::exercise`]) | `exercise en …`, `text zh …`, `hint en …`, `track break-it`, `allow crash fire`, `limit actions 20`, `limit time 5s`, `goal committed >= 2`, `solution crash n4` |

mod ast;
mod error;
mod exercise;
mod parse;

pub use ast::{kind_name, ExerciseLine, HandDirective, Pick, KIND_NAMES};
pub use ast::{
    Cmp, Directive, Expectation, NodeRef, On, RoleName, Setting, Show, Spelled, Workload,
};
pub use error::ScriptError;
pub use exercise::{Tool, Track};
pub use parse::{parse_duration, MAX_NODES};

/// One directive with its place in the file and its expected output.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// 1-based line of the directive.
    pub line: usize,
    /// The directive as written, trimmed.
    pub text: String,
    /// The parsed directive.
    pub directive: Directive,
    /// The expected output block, lines joined by `\n`; `None` if the
    /// directive has no `----` block.
    pub expected: Option<String>,
}

/// A parsed script.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Script {
    /// The directives in order.
    pub steps: Vec<Step>,
}

const SEPARATOR: &str = "----";

/// A directive line with the extent of its expected block.
struct Block<'a> {
    /// 0-based index of the directive line.
    line: usize,
    text: &'a str,
    expected: Option<String>,
    /// 0-based index of the first line after the block (after its blank
    /// terminator, if any).
    end: usize,
    /// Whether the block is opened (and closed) by `----` twice.
    double: bool,
}

enum Item<'a> {
    Other(&'a str),
    Directive(Block<'a>),
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

fn is_separator(line: &str) -> bool {
    line.trim() == SEPARATOR
}

fn format_error(line: usize, message: String) -> ScriptError {
    ScriptError {
        line,
        column: 1,
        message,
    }
}

/// Splits a file into directives with their blocks, and other lines.
///
/// The grammar is etcd's datadriven one, strictly: a directive line may be
/// followed at once by `----` and its expected output, which ends at the
/// first blank line (or the end of the file) and has no `----` of its own;
/// or by `----` twice, then output that may hold blank lines, closed by
/// `----` twice and then a blank line (or the end of the file). Anything
/// else with a `----` in it is refused with the line, because a stray one
/// would otherwise turn the directives after it into expected output, never
/// run, and `--rewrite` would delete them.
fn items(text: &str) -> Result<Vec<Item<'_>>, ScriptError> {
    let lines: Vec<&str> = text.lines().collect();
    let sep = |i: usize| lines.get(i).is_some_and(|l| is_separator(l));
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() || is_comment(line) {
            out.push(Item::Other(line));
            i += 1;
            continue;
        }
        if is_separator(line) {
            return Err(format_error(
                i + 1,
                "`----` with no directive above it: a block of expected output must follow its directive directly".into(),
            ));
        }
        let mut block = Block {
            line: i,
            text: line,
            expected: None,
            end: i + 1,
            double: false,
        };
        if sep(i + 1) && sep(i + 2) {
            // `----` `----`: output with blank lines, closed by `----` `----`.
            let start = i + 3;
            let mut j = start;
            loop {
                if j >= lines.len() {
                    return Err(format_error(
                        i + 2,
                        format!(
                            "the block opened by `----` `----` on lines {}-{} is never closed: end it with two `----` lines",
                            i + 2,
                            i + 3
                        ),
                    ));
                }
                if sep(j) {
                    if !sep(j + 1) {
                        return Err(format_error(
                            j + 1,
                            format!(
                                "a single `----` inside the block opened on line {}: close the block with two `----` lines",
                                i + 2
                            ),
                        ));
                    }
                    break;
                }
                j += 1;
            }
            block.expected = Some(lines[start..j].join("\n"));
            block.double = true;
            block.end = j + 2;
            match lines.get(block.end) {
                None => {}
                Some(l) if l.trim().is_empty() => block.end += 1,
                Some(_) => {
                    return Err(format_error(
                        block.end + 1,
                        format!(
                            "a blank line must follow the `----` `----` that closes the block opened on line {}",
                            i + 2
                        ),
                    ))
                }
            }
        } else if sep(i + 1) {
            // `----`: output up to the first blank line.
            let start = i + 2;
            let mut j = start;
            while j < lines.len() && !lines[j].trim().is_empty() {
                if is_separator(lines[j]) {
                    return Err(format_error(
                        j + 1,
                        format!(
                            "a second `----` inside the output of line {}: end the output with a blank line first (or open the block with two `----` lines if it has blank lines)",
                            i + 1
                        ),
                    ));
                }
                j += 1;
            }
            block.expected = Some(lines[start..j].join("\n"));
            // The blank line that ends a block belongs to it.
            block.end = if j < lines.len() { j + 1 } else { j };
        }
        i = block.end;
        out.push(Item::Directive(block));
    }
    Ok(out)
}

/// Parses a script file. Errors point at the first bad word, or at the
/// line of a misplaced `----`.
pub fn parse_script(text: &str) -> Result<Script, ScriptError> {
    let mut known = parse::Known::default();
    let mut steps = Vec::new();
    for item in items(text)? {
        let Item::Directive(block) = item else {
            continue;
        };
        let line = block.line + 1;
        let directive = parse::parse_directive(line, block.text, &mut known)?;
        steps.push(Step {
            line,
            text: block.text.trim().to_string(),
            directive,
            expected: block.expected,
        });
    }
    Ok(Script { steps })
}

/// Parses a single directive line, e.g. from a console in the page.
pub fn parse_line(text: &str) -> Result<Directive, ScriptError> {
    parse::parse_directive(1, text, &mut parse::Known::default())
}

/// Reproduces `script_text` with the expected block of the i-th directive
/// replaced by `actual_outputs[i]`; directives beyond the outputs keep their
/// blocks, and a directive without a block gets one only for non-empty
/// output. Comments and blank lines are kept.
///
/// It never deletes a directive: it refuses a file that does not follow the
/// block grammar, a result whose directives differ from the file's, and an
/// old block holding a line that reads as a directive (most likely one
/// swallowed by a missing blank line) that the new output would drop.
pub fn rewrite(script_text: &str, actual_outputs: &[String]) -> Result<String, ScriptError> {
    let mut out = String::new();
    let mut index = 0;
    let mut just_closed = false;
    let old = items(script_text)?;
    for item in &old {
        let closed = std::mem::take(&mut just_closed);
        match item {
            Item::Other(line) if closed && line.trim().is_empty() => {}
            Item::Other(line) => {
                out.push_str(line);
                out.push('\n');
            }
            Item::Directive(block) => {
                out.push_str(block.text);
                out.push('\n');
                let replacement = actual_outputs
                    .get(index)
                    .map(|s| s.trim_end_matches('\n').to_string());
                index += 1;
                if let (Some(new), Some(old)) = (&replacement, &block.expected) {
                    keeps_directive_lines(block, old, new)?;
                }
                // A directive written without a block keeps none while its
                // output is empty (narration, setup).
                let had_block = block.expected.is_some();
                let Some(expected) = replacement.or_else(|| block.expected.clone()) else {
                    continue;
                };
                if !had_block && expected.is_empty() {
                    continue;
                }
                let double = expected.lines().any(|l| l.trim().is_empty());
                out.push_str(SEPARATOR);
                out.push('\n');
                if double {
                    out.push_str(SEPARATOR);
                    out.push('\n');
                }
                if !expected.is_empty() {
                    out.push_str(&expected);
                    out.push('\n');
                }
                if double {
                    out.push_str(SEPARATOR);
                    out.push('\n');
                    out.push_str(SEPARATOR);
                    out.push('\n');
                }
                out.push('\n');
                just_closed = true;
            }
        }
    }
    // A file whose last block ended at EOF without a blank line gets one;
    // keep exactly one trailing newline.
    while out.ends_with("\n\n") {
        out.pop();
    }
    let directives = |items: &[Item]| -> Vec<String> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Directive(b) => Some(b.text.trim().to_string()),
                Item::Other(_) => None,
            })
            .collect()
    };
    let new = items(&out).map_err(|e| {
        format_error(
            e.line,
            format!(
                "the new output would not read back ({}); not rewriting",
                e.message
            ),
        )
    })?;
    if directives(&new) != directives(&old) {
        return Err(format_error(
            1,
            "the new output would change the script's directives; not rewriting".into(),
        ));
    }
    Ok(out)
}

/// Refuses to replace an expected block that holds a line reading as a
/// directive when the new output lacks that line.
fn keeps_directive_lines(block: &Block, old: &str, new: &str) -> Result<(), ScriptError> {
    for (k, line) in old.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || new.lines().any(|n| n.trim() == t) {
            continue;
        }
        if parse::parse_directive(1, t, &mut parse::Known::default()).is_ok() {
            // The block starts after the directive and its `----` line(s).
            let first = block.line + if block.double { 4 } else { 3 };
            return Err(format_error(
                first + k,
                format!(
                    "`{t}` sits in the expected output of line {} and would be deleted: if it is a directive, put a blank line before it",
                    block.line + 1
                ),
            ));
        }
    }
    Ok(())
}
