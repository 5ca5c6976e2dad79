//! Scenario scripts: human-readable scenarios that double as golden
//! transcripts, in the spirit of etcd-raft's datadriven `testdata/*.txt`.
//! The guided tours of the page and the test suite both run them.
//!
//! # File format
//!
//! A script is a sequence of directives, one per line. A directive may be
//! followed by a line `----` and its expected output, ended by a blank line
//! (or, when the output itself has blank lines, opened by `----` twice and
//! closed by `----` twice). A line whose first non-blank character is `#` is
//! a comment. [`rewrite`] regenerates the expected blocks from actual output
//! (the `--rewrite` flag), keeping comments and blank lines.
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
//! are `500us`, `300ms`, `2s`, `1.5s`. Groups are `{n1 n2}`.
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

mod ast;
mod parse;

use std::fmt;

pub use ast::{
    Cmp, Directive, Expectation, Micros, NodeRef, On, RoleName, Setting, Show, Workload,
};
pub use parse::{parse_duration, MAX_NODES};

/// A parse error, with 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScriptError {
    /// Line of the error.
    pub line: usize,
    /// Column of the offending word.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)
    }
}

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
}

enum Item<'a> {
    Other(&'a str),
    Directive(Block<'a>),
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Splits a file into directives with their blocks, and other lines.
fn items(text: &str) -> Vec<Item<'_>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() || is_comment(line) {
            out.push(Item::Other(line));
            i += 1;
            continue;
        }
        let mut block = Block {
            line: i,
            text: line,
            expected: None,
            end: i + 1,
        };
        if lines.get(i + 1).map(|l| l.trim_end()) == Some(SEPARATOR) {
            let double = lines.get(i + 2).map(|l| l.trim_end()) == Some(SEPARATOR);
            let mut j = if double { i + 3 } else { i + 2 };
            let start = j;
            loop {
                match lines.get(j) {
                    None => break,
                    Some(l) if double => {
                        if l.trim_end() == SEPARATOR
                            && lines.get(j + 1).map(|l| l.trim_end()) == Some(SEPARATOR)
                        {
                            break;
                        }
                    }
                    Some(l) if l.trim().is_empty() => break,
                    Some(_) => {}
                }
                j += 1;
            }
            block.expected = Some(lines[start..j.min(lines.len())].join("\n"));
            block.end = if double { (j + 2).min(lines.len()) } else { j };
            // The blank line that ends a block belongs to it.
            if lines.get(block.end).is_some_and(|l| l.trim().is_empty()) {
                block.end += 1;
            }
        }
        i = block.end;
        out.push(Item::Directive(block));
    }
    out
}

/// Parses a script file. Errors point at the first bad word.
pub fn parse_script(text: &str) -> Result<Script, ScriptError> {
    let mut known = parse::Known::default();
    let mut steps = Vec::new();
    for item in items(text) {
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
pub fn rewrite(script_text: &str, actual_outputs: &[String]) -> String {
    let mut out = String::new();
    let mut index = 0;
    let mut just_closed = false;
    for item in items(script_text) {
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
                // A directive written without a block keeps none while its
                // output is empty (narration, setup).
                let had_block = block.expected.is_some();
                let Some(expected) = replacement.or(block.expected) else {
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
    out
}
