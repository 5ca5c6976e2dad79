//! The script parser's error: where, and what is wrong.

use std::fmt;

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
