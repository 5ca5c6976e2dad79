//! Bug switches: deliberate protocol mutations for teaching, and the one table
//! that names them. The fuzzer, the CLI, scripts, traces and the page's settings
//! all read [`BUG_SWITCHES`]; adding a mutation is a field here, a row in the
//! table, and the one marked place in the protocol that reads it
//! (grep for `bugs.<name>`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Deliberate protocol mutations for the playground. Each is implemented at the single
/// place it mutates the protocol (grep for `bugs.<name>`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bugs {
    /// The leader commits entries of earlier terms by counting replicas (the Figure 8 bug,
    /// §5.4.2). Breaks State Machine Safety: a committed entry can be overwritten.
    pub commit_prior_term_by_counting: bool,
    /// Voters skip the up-to-date check (§5.4.1). Breaks Leader Completeness: a leader may
    /// lack committed entries and overwrite them.
    pub vote_without_log_check: bool,
    /// `restart()` drops the persisted `voted_for` (§5.2). Breaks Election Safety: two
    /// leaders in one term.
    pub forget_vote_on_restart: bool,
    /// A follower deletes everything after `prev_log_index` on every AppendEntries, even
    /// matching entries (§5.3 rule 3). A delayed AppendEntries then erases acknowledged,
    /// possibly committed entries: breaks Log Matching / State Machine Safety.
    pub truncate_on_append_without_conflict: bool,
    /// A leader ignores messages with a higher term instead of stepping down (§5.1).
    /// A deposed leader keeps accepting proposals that can never commit; two nodes claim leadership.
    pub leader_ignores_higher_term: bool,
    /// ReadIndex answers immediately without confirming leadership (thesis §6.4). A deposed
    /// leader serves stale reads: breaks linearizability.
    pub read_index_without_quorum: bool,
    /// Entries are handed to the application as soon as they are appended (§5.3). Breaks
    /// State Machine Safety: applied entries may later be truncated.
    pub apply_uncommitted: bool,
}

/// One bug switch as every tool names it.
#[derive(Clone, Copy)]
pub struct BugSwitch {
    /// The name the CLI (`--bug`), scripts (`set bug … on`) and the fuzzer use.
    pub name: &'static str,
    /// The rule of the paper or thesis it breaks.
    pub rule: &'static str,
    field: fn(&mut Bugs) -> &mut bool,
}

impl BugSwitch {
    /// Whether this switch is on in `bugs`.
    pub fn is_on(&self, bugs: &Bugs) -> bool {
        *(self.field)(&mut bugs.clone())
    }

    /// Turns this switch on or off in `bugs`.
    pub fn set(&self, bugs: &mut Bugs, on: bool) {
        *(self.field)(bugs) = on;
    }
}

impl fmt::Debug for BugSwitch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Every bug switch, in the order the page lists them.
pub const BUG_SWITCHES: [BugSwitch; 7] = [
    BugSwitch {
        name: "commit_prior_term_by_counting",
        rule: "§5.4.2 (Figure 8)",
        field: |b| &mut b.commit_prior_term_by_counting,
    },
    BugSwitch {
        name: "vote_without_log_check",
        rule: "§5.4.1",
        field: |b| &mut b.vote_without_log_check,
    },
    BugSwitch {
        name: "forget_vote_on_restart",
        rule: "§5.2, Figure 2",
        field: |b| &mut b.forget_vote_on_restart,
    },
    BugSwitch {
        name: "truncate_on_append_without_conflict",
        rule: "§5.3",
        field: |b| &mut b.truncate_on_append_without_conflict,
    },
    BugSwitch {
        name: "leader_ignores_higher_term",
        rule: "§5.1",
        field: |b| &mut b.leader_ignores_higher_term,
    },
    BugSwitch {
        name: "read_index_without_quorum",
        rule: "thesis §6.4",
        field: |b| &mut b.read_index_without_quorum,
    },
    BugSwitch {
        name: "apply_uncommitted",
        rule: "§5.3",
        field: |b| &mut b.apply_uncommitted,
    },
];

/// A bug switch name that is not in [`BUG_SWITCHES`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownBug(pub String);

impl fmt::Display for UnknownBug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown bug switch {:?}; known: ", self.0)?;
        for (i, s) in BUG_SWITCHES.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(s.name)?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownBug {}

impl Bugs {
    /// Whether any mutation is on.
    pub fn any(&self) -> bool {
        *self != Bugs::default()
    }

    /// The switch called `name`.
    pub fn switch(name: &str) -> Result<&'static BugSwitch, UnknownBug> {
        BUG_SWITCHES
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| UnknownBug(name.to_string()))
    }

    /// Turns the switch called `name` on or off.
    pub fn set(&mut self, name: &str, on: bool) -> Result<(), UnknownBug> {
        Bugs::switch(name)?.set(self, on);
        Ok(())
    }

    /// The switches that are on, in table order.
    pub fn on(&self) -> impl Iterator<Item = &'static BugSwitch> + '_ {
        BUG_SWITCHES.iter().filter(move |s| s.is_on(self))
    }
}

/// The names of the switches that are on, comma-separated (empty if none).
impl fmt::Display for Bugs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.on().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(s.name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_exactly_one_row() {
        // Each row turns on its own field and no other: a row pointing at the
        // wrong field, or a field without a row, fails here.
        let mut seen = Bugs::default();
        for s in &BUG_SWITCHES {
            let mut b = Bugs::default();
            s.set(&mut b, true);
            assert!(b.any(), "{} turns nothing on", s.name);
            assert_eq!(b.on().map(|s| s.name).collect::<Vec<_>>(), vec![s.name]);
            s.set(&mut seen, true);
        }
        // Every field is reached: with all rows on, no field reads false.
        let all = format!("{seen:?}");
        assert!(!all.contains("false"), "a Bugs field has no row: {all}");
    }

    #[test]
    fn set_by_name_and_unknown_names() {
        let mut b = Bugs::default();
        b.set("apply_uncommitted", true).unwrap();
        assert!(b.apply_uncommitted);
        let e = b.set("apply_everything", true).unwrap_err();
        assert!(e
            .to_string()
            .contains("\"apply_everything\"; known: commit_prior_term_by_counting"));
    }
}
