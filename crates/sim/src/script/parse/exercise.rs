//! Parsing the hand-driven delivery directives and the lines of exercise
//! files (see [`crate::script::ExerciseLine`]).

use super::{parse_directive, parse_expect, Known, Line};
use super::{ExerciseLine, HandDirective, Pick, Tool, Track, KIND_NAMES};
use crate::limits;
use crate::script::ScriptError;

/// The first words of exercise lines.
pub(super) const EXERCISE_HEADS: [&str; 8] = [
    "exercise", "text", "hint", "track", "allow", "limit", "goal", "solution",
];

/// `deliver …`, `drop …`, `duplicate …`, `fire n2` (the head already read).
pub(super) fn hand(l: &mut Line, head: &str, known: &Known) -> Result<HandDirective, ScriptError> {
    if head == "fire" {
        return Ok(HandDirective::Fire(l.node(known)?));
    }
    let pick = if head != "duplicate" && l.eat("all") {
        Pick::All
    } else {
        let source = l.node(known)?;
        l.keyword("->")?;
        let target = l.node(known)?;
        let kind = match l.peek() {
            None => None,
            Some(_) => {
                let (c, w) = l.next("a message kind")?;
                let found = KIND_NAMES.iter().find(|(_, n)| *n == w);
                match found {
                    Some((k, _)) => Some(*k),
                    None => {
                        let names: Vec<&str> = KIND_NAMES.iter().map(|(_, n)| *n).collect();
                        return Err(l.err_at(
                            c,
                            format!("unknown message kind {w:?} (known: {})", names.join(" ")),
                        ));
                    }
                }
            }
        };
        Pick::Link {
            source,
            target,
            kind,
        }
    };
    Ok(match head {
        "deliver" => HandDirective::Deliver(pick),
        "drop" => HandDirective::Drop(pick),
        _ => HandDirective::Duplicate(pick),
    })
}

fn lang(l: &mut Line) -> Result<String, ScriptError> {
    let (c, w) = l.next("a language tag (en or zh)")?;
    match w {
        "en" | "zh" => Ok(w.to_string()),
        _ => Err(l.err_at(c, format!("expected a language tag (en or zh), got {w:?}"))),
    }
}

fn text(l: &mut Line, what: &str) -> Result<String, ScriptError> {
    let t = l.rest();
    if t.is_empty() {
        return Err(l.err_at(l.end_column(), format!("expected {what}")));
    }
    Ok(t.to_string())
}

/// One exercise line (the head already read).
pub(super) fn line(
    l: &mut Line,
    head: &str,
    known: &mut Known,
) -> Result<ExerciseLine, ScriptError> {
    Ok(match head {
        "exercise" => {
            let lang = lang(l)?;
            ExerciseLine::Title {
                lang,
                text: text(l, "a title")?,
            }
        }
        "text" => {
            let lang = lang(l)?;
            ExerciseLine::Text {
                lang,
                text: text(l, "a paragraph")?,
            }
        }
        "hint" => {
            let lang = lang(l)?;
            ExerciseLine::Hint {
                lang,
                text: text(l, "a hint")?,
            }
        }
        "track" => {
            let (c, w) = l.next("make-it-work or break-it")?;
            ExerciseLine::Track(match w {
                "make-it-work" => Track::MakeItWork,
                "break-it" => Track::BreakIt,
                _ => {
                    return Err(l.err_at(c, format!("expected make-it-work or break-it, got {w:?}")))
                }
            })
        }
        "allow" => {
            let mut tools = Vec::new();
            while l.peek().is_some() {
                let (c, w) = l.next("a tool")?;
                let Some(t) = Tool::parse(w) else {
                    let names: Vec<&str> = Tool::ALL.iter().map(|t| t.name()).collect();
                    return Err(l.err_at(
                        c,
                        format!("unknown tool {w:?} (known: {})", names.join(" ")),
                    ));
                };
                if tools.contains(&t) {
                    return Err(l.err_at(c, format!("{w:?} listed twice")));
                }
                tools.push(t);
            }
            if tools.is_empty() {
                return Err(l.err_at(l.end_column(), "expected at least one tool".into()));
            }
            ExerciseLine::Allow(tools)
        }
        "limit" => {
            let (c, w) = l.next("actions or time")?;
            match w {
                "actions" => ExerciseLine::LimitActions(l.count(&limits::EXERCISE_ACTIONS)?),
                "time" => ExerciseLine::LimitTime(l.duration(&limits::EXERCISE_TIME)?),
                _ => return Err(l.err_at(c, format!("expected actions or time, got {w:?}"))),
            }
        }
        "goal" => ExerciseLine::Goal(parse_expect(l, known)?),
        "solution" => {
            let Some(&(col, _)) = l.words.get(l.pos) else {
                return Err(l.err_at(l.end_column(), "expected a directive".into()));
            };
            // Checked before parsing the rest, so `solution solution …`
            // cannot recurse.
            if EXERCISE_HEADS.contains(&l.words[l.pos].1) {
                return Err(l.err_at(col, "a solution step cannot be an exercise line".into()));
            }
            let rest = l.rest();
            let d = parse_directive(l.line, rest, known).map_err(|e| ScriptError {
                column: e.column + col - 1,
                ..e
            })?;
            ExerciseLine::Solution(Box::new(d))
        }
        _ => unreachable!("dispatched on {head:?}"),
    })
}
