//! Sanity checks on untrusted input, applied before any state changes.

use crate::entry::Entry;
use crate::ids::{LogIndex, Term};
use crate::message::{Message, MessageBody};

/// Terms and indexes beyond 2^62 cannot arise in any real run; refusing them up front keeps
/// index arithmetic far from overflow whatever the network sends.
pub(crate) fn numbers_in_range<C>(m: &Message<C>) -> bool {
    const LIMIT: u64 = 1 << 62;
    let ok = |x: u64| x < LIMIT;
    ok(m.term.0)
        && match &m.body {
            MessageBody::PreVote {
                last_log_index,
                last_log_term,
            }
            | MessageBody::RequestVote {
                last_log_index,
                last_log_term,
                ..
            } => ok(last_log_index.0) && ok(last_log_term.0),
            MessageBody::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                ..
            } => {
                ok(prev_log_index.0.saturating_add(entries.len() as u64))
                    && ok(prev_log_term.0)
                    && ok(leader_commit.0)
            }
            MessageBody::AppendEntriesResponse {
                match_index,
                conflict,
                ..
            } => {
                ok(match_index.0)
                    && conflict.is_none_or(|c| {
                        ok(c.rejected_index.0) && ok(c.hint_index.0) && ok(c.hint_term.0)
                    })
            }
            MessageBody::InstallSnapshot { snapshot } => {
                ok(snapshot.last_index.0) && ok(snapshot.last_term.0)
            }
            MessageBody::InstallSnapshotResponse { last_index } => ok(last_index.0),
            MessageBody::PreVoteResponse { .. }
            | MessageBody::RequestVoteResponse { .. }
            | MessageBody::TimeoutNow => true,
        }
}

/// Untrusted input check: entries contiguous after `prev`, terms never decreasing and never
/// beyond the message's term (a leader only creates entries in its own term).
pub(crate) fn well_formed<C>(
    term: Term,
    prev: LogIndex,
    prev_term: Term,
    entries: &[Entry<C>],
) -> bool {
    if prev_term > term {
        return false;
    }
    let mut expect = (prev.next(), prev_term);
    for e in entries {
        if e.index != expect.0 || e.term < expect.1 || e.term > term {
            return false;
        }
        expect = (e.index.next(), e.term);
    }
    true
}
