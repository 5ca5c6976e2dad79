//! The live safety checker. It lives outside the nodes (like TigerBeetle's
//! state checker) and sees every `Ready` a node produces, so each Raft
//! safety property of Figure 3 in the paper is checked incrementally, after
//! every event, at a cost proportional to the change rather than to the
//! size of the logs.
//!
//! Long because each of Figure 3's properties is checked incrementally here,
//! with a [`Detail`] for every way it can break and its English sentence.
//!
//! How each property is checked:
//! - **Election Safety** (§5.2): a map term → leader; a second leader in a
//!   term is a violation.
//! - **Leader Append-Only** (§5.3): a node that is leader never truncates
//!   its log.
//! - **Log Matching** (§5.3): every appended entry's `(index, term)` is
//!   bound to one payload digest and one previous term. By induction on the
//!   index this is equivalent to "same index and term ⇒ identical prefix".
//! - **State Machine Safety** (§5.4.3): one canonical committed history;
//!   every entry any node commits must equal the canonical entry at its
//!   index (or extend the history by one).
//! - **Leader Completeness** (§5.4): when a node becomes leader, its log
//!   holds the last canonical committed entry (and so, by Log Matching, all
//!   of them).
//! - **Committed on a quorum**: when a leader's commit index advances, the
//!   newly committed entry is on the *durable* log of a majority of its
//!   configuration (both majorities while joint, §6).
//! - **Monotonic term / commit / applied**: a node's durable term never goes
//!   back, even across restarts; commit and applied indexes never go back
//!   within one incarnation (they are volatile, §5 Figure 2).

use std::collections::BTreeMap;

use raftlab_core::{
    Durable, Entry, EntryPayload, LogIndex, Membership, Micros, NodeId, Role, Term,
};
use serde::{Deserialize, Serialize};

use crate::chunked::ChunkedVec;
use crate::kv::{KvOp, LogCommand};

/// The properties the checkers prove, in the order the page lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Invariant {
    /// At most one leader per term (§5.2).
    ElectionSafety,
    /// A leader never overwrites or deletes its entries (§5.3).
    LeaderAppendOnly,
    /// Same index and term ⇒ identical logs up to there (§5.3).
    LogMatching,
    /// A committed entry is in every later leader's log (§5.4).
    LeaderCompleteness,
    /// No two nodes apply different entries at one index (§5.4.3).
    StateMachineSafety,
    /// A committed entry is durable on a majority.
    CommittedOnQuorum,
    /// Term, commit and applied never go backwards.
    MonotonicState,
    /// Client operations appear to take effect atomically, in real-time order.
    Linearizability,
}

impl Invariant {
    /// Every invariant, in the order the page lists them.
    pub const ALL: [Invariant; 8] = [
        Invariant::ElectionSafety,
        Invariant::LeaderAppendOnly,
        Invariant::LogMatching,
        Invariant::LeaderCompleteness,
        Invariant::StateMachineSafety,
        Invariant::CommittedOnQuorum,
        Invariant::MonotonicState,
        Invariant::Linearizability,
    ];

    /// The English name (the paper's, Figure 3), as the CLI and transcripts
    /// print it; the page words it in `words.rs`.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "Election Safety",
            Invariant::LeaderAppendOnly => "Leader Append-Only",
            Invariant::LogMatching => "Log Matching",
            Invariant::LeaderCompleteness => "Leader Completeness",
            Invariant::StateMachineSafety => "State Machine Safety",
            Invariant::CommittedOnQuorum => "Committed on a Quorum",
            Invariant::MonotonicState => "Monotonic State",
            Invariant::Linearizability => "Linearizability",
        }
    }

    /// Finds an invariant by its name, ignoring case, with spaces or dashes
    /// (`expect violation log-matching`).
    pub fn parse(name: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| {
            i.name().eq_ignore_ascii_case(name)
                || i.name().to_lowercase().replace(' ', "-") == name.to_lowercase()
        })
    }
}

impl std::fmt::Display for Invariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken invariant, with everything needed to find it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    /// Which invariant.
    pub invariant: Invariant,
    /// What exactly went wrong, as data: its `Display` is the English
    /// sentence; the page words it in its own languages.
    pub detail: Detail,
    /// The nodes involved.
    pub nodes: Vec<NodeId>,
    /// The log index involved, if any.
    pub index: Option<LogIndex>,
    /// The term involved, if any.
    pub term: Option<Term>,
    /// The number of the event after which it was detected.
    pub event: u64,
    /// The virtual time of that event.
    pub at: Micros,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} violated at event {} ({:.3} ms): {}",
            self.invariant,
            self.event,
            self.at.as_ms_f64(),
            self.detail
        )
    }
}

/// What exactly went wrong, one variant per check, with the numbers the
/// explanation needs. `Display` gives the English sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Detail {
    /// A leader truncated its own log.
    LeaderTruncated {
        /// The leader.
        node: NodeId,
        /// First index removed.
        from: LogIndex,
    },
    /// An appended entry differs from the committed one with the same index and term.
    DiffersFromCommitted {
        /// The node.
        node: NodeId,
        /// Index.
        index: LogIndex,
        /// Term.
        term: Term,
    },
    /// An appended entry differs from another node's with the same index and term.
    DiffersFromOther {
        /// The node.
        node: NodeId,
        /// Index.
        index: LogIndex,
        /// Term.
        term: Term,
    },
    /// Same index and term, but a different term before it.
    PrevTermDiffers {
        /// The node.
        node: NodeId,
        /// Index.
        index: LogIndex,
        /// Term.
        term: Term,
        /// The term before it in this node's log.
        prev_term: Term,
        /// The term before it in another log.
        other_prev_term: Term,
    },
    /// A node applied an entry that differs from the committed one.
    AppliedDiffers {
        /// The node.
        node: NodeId,
        /// Index.
        index: LogIndex,
        /// The applied entry's term.
        term: Term,
        /// The committed entry's term.
        committed_term: Term,
    },
    /// A node received a snapshot it cannot decode.
    SnapshotUnreadable {
        /// The node.
        node: NodeId,
        /// The decoder's error.
        error: String,
    },
    /// A leader committed an entry that is durable on fewer than a majority.
    NotOnQuorum {
        /// The leader.
        leader: NodeId,
        /// The commit index.
        index: LogIndex,
        /// The entry's term.
        term: Term,
    },
    /// A node's durable term went back.
    DurableTermBack {
        /// The node.
        node: NodeId,
        /// Before.
        from: Term,
        /// After.
        to: Term,
    },
    /// A node's term went back.
    TermBack {
        /// The node.
        node: NodeId,
        /// Before.
        from: Term,
        /// After.
        to: Term,
    },
    /// A node's commit index went back.
    CommitBack {
        /// The node.
        node: NodeId,
        /// Before.
        from: LogIndex,
        /// After.
        to: LogIndex,
    },
    /// A node's applied index went back.
    AppliedBack {
        /// The node.
        node: NodeId,
        /// Before.
        from: LogIndex,
        /// After.
        to: LogIndex,
    },
    /// Two leaders in one term.
    TwoLeaders {
        /// The first leader.
        first: NodeId,
        /// The second.
        second: NodeId,
        /// The term.
        term: Term,
    },
    /// A new leader lacks the newest committed entry.
    LeaderIncomplete {
        /// The new leader.
        node: NodeId,
        /// Its term.
        term: Term,
        /// The newest committed index.
        index: LogIndex,
        /// That entry's term.
        want: Term,
        /// The term of the leader's entry there, if it has one.
        have: Option<Term>,
    },
    /// A key's client history is not linearizable.
    NotLinearizable {
        /// The key.
        key: String,
        /// Where the search got stuck, naming the operations (English).
        explanation: String,
        /// The same as data (absent in traces written before it existed).
        #[serde(default)]
        why: Option<Box<crate::linearizability::Unexplained>>,
    },
    /// The client history's bookkeeping failed (a simulator bug).
    HistoryBookkeeping {
        /// The error.
        error: String,
    },
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Detail::LeaderTruncated { node, from } => {
                write!(f, "leader {node} truncated its log from index {from}")
            }
            Detail::DiffersFromCommitted { node, index, term } => write!(
                f,
                "{node} appended an entry at index {index} term {term} that differs from the committed entry with the same index and term"
            ),
            Detail::DiffersFromOther { node, index, term } => write!(
                f,
                "{node} has a different entry at index {index} term {term} than another node"
            ),
            Detail::PrevTermDiffers {
                node,
                index,
                term,
                prev_term,
                other_prev_term,
            } => write!(
                f,
                "{node}'s entry at index {index} term {term} follows term {prev_term} but another log has it after term {other_prev_term}"
            ),
            Detail::AppliedDiffers {
                node,
                index,
                term,
                committed_term,
            } => write!(
                f,
                "{node} applied entry {index} of term {term} but index {index} was already committed with term {committed_term} and different contents"
            ),
            Detail::SnapshotUnreadable { node, error } => {
                write!(f, "{node} received a snapshot it cannot decode: {error}")
            }
            Detail::NotOnQuorum { leader, index, term } => write!(
                f,
                "leader {leader} committed index {index} (term {term}) but it is durable on fewer than a majority"
            ),
            Detail::DurableTermBack { node, from, to } => {
                write!(f, "{node}'s durable term went back from {from} to {to}")
            }
            Detail::TermBack { node, from, to } => {
                write!(f, "{node}'s term went back from {from} to {to}")
            }
            Detail::CommitBack { node, from, to } => {
                write!(f, "{node}'s commit index went back from {from} to {to}")
            }
            Detail::AppliedBack { node, from, to } => {
                write!(f, "{node}'s applied index went back from {from} to {to}")
            }
            Detail::TwoLeaders {
                first,
                second,
                term,
            } => write!(f, "{first} and {second} were both leader in term {term}"),
            Detail::LeaderIncomplete {
                node,
                term,
                index,
                want,
                have,
            } => write!(
                f,
                "{node} became leader of term {term} without committed entry {index} (term {want}); its log has {}",
                have.map_or("nothing".to_string(), |t| format!("term {t}"))
            ),
            Detail::NotLinearizable {
                key, explanation, ..
            } => {
                write!(f, "history of key {key:?} is not linearizable: {explanation}")
            }
            Detail::HistoryBookkeeping { error } => {
                write!(f, "client history bookkeeping failed: {error}")
            }
        }
    }
}

/// A violation before the world stamps it with the event number and time.
#[derive(Clone, Debug, PartialEq)]
pub struct Breach {
    /// Which invariant.
    pub invariant: Invariant,
    /// What went wrong (its `Display` is the violation's message); boxed
    /// to keep the checks' `Result`s small.
    pub detail: Box<Detail>,
    /// Nodes involved.
    pub nodes: Vec<NodeId>,
    /// Index involved.
    pub index: Option<LogIndex>,
    /// Term involved.
    pub term: Option<Term>,
}

impl Breach {
    /// A breach of `invariant` described by `detail`.
    pub fn new(invariant: Invariant, detail: Detail, nodes: Vec<NodeId>) -> Self {
        Breach {
            invariant,
            detail: Box::new(detail),
            nodes,
            index: None,
            term: None,
        }
    }
    fn at(mut self, index: LogIndex, term: Term) -> Self {
        self.index = Some(index);
        self.term = Some(term);
        self
    }
}

/// What the checker remembers per node.
#[derive(Clone, Debug, Default, PartialEq)]
struct NodeWatch {
    max_term: Term,
    durable_term: Term,
    incarnation: u64,
    commit: LogIndex,
    applied: LogIndex,
    leader_in: Option<Term>,
}

/// The checker's state (cloned into checkpoints).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Invariants {
    leaders: BTreeMap<Term, NodeId>,
    chain: BTreeMap<(LogIndex, Term), (u64, Term)>,
    committed: ChunkedVec<(Term, u64)>,
    /// For each term a node was in when it first applied committed entries,
    /// the committed length it reached: the entry was committed in that term
    /// or earlier, so leaders of later terms must hold it (§5.4).
    committed_by_term: BTreeMap<Term, u64>,
    /// Each node's watch, sorted by id: a node's place is its id less one
    /// when the ids are 1..=n (they only grow), else a binary search finds
    /// it (a `BTreeMap` entry per check of a node was 1 % of a run's
    /// instructions, callgrind).
    nodes: Vec<(NodeId, NodeWatch)>,
}

/// A word-at-a-time multiplicative hash (FxHash's step), enough to tell
/// payloads apart deterministically on every platform. FNV-1a a byte at a
/// time cost 10 % of the invariant checks (callgrind): every entry is
/// digested once per node on append and once per node on apply.
struct Digest(u64);
impl Digest {
    fn new() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }
    fn u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn bytes(&mut self, b: &[u8]) {
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            self.u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Byte by byte: the strings are short, and a copy into a
            // buffer was a call to `memcpy`.
            let word = rest
                .iter()
                .rev()
                .fold(0u64, |w, &b| (w << 8) | u64::from(b));
            self.u64(word);
        }
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes());
    }
}

/// A digest of an entry's payload (not its index or term).
pub fn payload_digest(payload: &EntryPayload<LogCommand>) -> u64 {
    let mut h = Digest::new();
    match payload {
        EntryPayload::Noop => h.u64(1),
        EntryPayload::Command(cmd) => {
            h.u64(2);
            h.u64(cmd.client.0);
            h.u64(cmd.seq);
            match &cmd.op {
                KvOp::Get { key } => {
                    h.u64(10);
                    h.str(key);
                }
                KvOp::Put { key, value } => {
                    h.u64(11);
                    h.str(key);
                    h.str(value);
                }
                KvOp::Append { key, value } => {
                    h.u64(12);
                    h.str(key);
                    h.str(value);
                }
                KvOp::Cas { key, from, to } => {
                    h.u64(13);
                    h.str(key);
                    h.str(from);
                    h.str(to);
                }
            }
        }
        EntryPayload::ConfChange(cc) => {
            h.u64(3);
            h.str(&format!("{cc:?}"));
        }
    }
    h.0
}

/// True if `have` voters hold the entry in a majority of `voters`.
fn majority_has(voters: &std::collections::BTreeSet<NodeId>, has: impl Fn(NodeId) -> bool) -> bool {
    if voters.is_empty() {
        return true;
    }
    let n = voters.iter().filter(|v| has(**v)).count();
    n > voters.len() / 2
}

impl Invariants {
    /// The canonical committed history's length.
    pub fn committed_len(&self) -> u64 {
        self.committed.len() as u64
    }

    /// The canonical committed term at `index`, if known.
    pub fn committed_term(&self, index: LogIndex) -> Option<Term> {
        let i = usize::try_from(index.0).ok()?.checked_sub(1)?;
        self.committed.get(i).map(|(t, _)| *t)
    }

    fn committed_at(&self, index: LogIndex) -> Option<(Term, u64)> {
        let i = usize::try_from(index.0).ok()?.checked_sub(1)?;
        self.committed.get(i).copied()
    }

    /// Checks a batch of entries a node is about to append durably.
    /// `prev_term` gives the term of the entry before the first one.
    pub fn on_append(
        &mut self,
        node: NodeId,
        role: Role,
        truncate_from: Option<LogIndex>,
        entries: &[Entry<LogCommand>],
        mut prev_term: impl FnMut(LogIndex) -> Option<Term>,
    ) -> Result<(), Breach> {
        if role == Role::Leader {
            if let Some(from) = truncate_from {
                return Err(Breach::new(
                    Invariant::LeaderAppendOnly,
                    Detail::LeaderTruncated { node, from },
                    vec![node],
                ));
            }
        }
        let mut prev: Option<(LogIndex, Term)> = None;
        for e in entries {
            let pt = match prev {
                Some((pi, pt)) if pi.0 + 1 == e.index.0 => Some(pt),
                _ if e.index.0 <= 1 => Some(Term(0)),
                _ => prev_term(LogIndex(e.index.0 - 1)),
            };
            prev = Some((e.index, e.term));
            // Unknown previous term: the entry follows a snapshot boundary we
            // cannot see; the digest alone is still checked.
            let digest = payload_digest(&e.payload);
            // Committed entries are checked against the canonical history
            // (the chain map keeps only uncommitted ones, so it stays small).
            if let Some((ct, cd)) = self.committed_at(e.index).filter(|(ct, _)| *ct == e.term) {
                let canonical_prev = if e.index.0 <= 1 {
                    Some(Term(0))
                } else {
                    self.committed_at(LogIndex(e.index.0 - 1)).map(|(t, _)| t)
                };
                let prev_differs = matches!((pt, canonical_prev), (Some(a), Some(b)) if a != b);
                if cd != digest || prev_differs {
                    return Err(Breach::new(
                        Invariant::LogMatching,
                        Detail::DiffersFromCommitted {
                            node,
                            index: e.index,
                            term: ct,
                        },
                        vec![node],
                    )
                    .at(e.index, e.term));
                }
                continue;
            }
            match self.chain.get(&(e.index, e.term)) {
                Some(&(d, p)) => {
                    if d != digest {
                        return Err(Breach::new(
                            Invariant::LogMatching,
                            Detail::DiffersFromOther {
                                node,
                                index: e.index,
                                term: e.term,
                            },
                            vec![node],
                        )
                        .at(e.index, e.term));
                    }
                    if let Some(pt) = pt {
                        if p != pt && p != Term(u64::MAX) {
                            return Err(Breach::new(
                                Invariant::LogMatching,
                                Detail::PrevTermDiffers {
                                    node,
                                    index: e.index,
                                    term: e.term,
                                    prev_term: pt,
                                    other_prev_term: p,
                                },
                                vec![node],
                            )
                            .at(e.index, e.term));
                        }
                    }
                }
                None => {
                    self.chain
                        .insert((e.index, e.term), (digest, pt.unwrap_or(Term(u64::MAX))));
                }
            }
        }
        Ok(())
    }

    /// Checks entries a node in `term` commits (hands to its state machine).
    pub fn on_commit(
        &mut self,
        node: NodeId,
        term: Term,
        entries: &[Entry<LogCommand>],
    ) -> Result<(), Breach> {
        for e in entries {
            let digest = payload_digest(&e.payload);
            let len = self.committed.len() as u64;
            if e.index.0 == 0 {
                continue;
            }
            if e.index.0 <= len {
                let (t, d) = self.committed_at(e.index).expect("index within length");
                if t != e.term || d != digest {
                    return Err(Breach::new(
                        Invariant::StateMachineSafety,
                        Detail::AppliedDiffers {
                            node,
                            index: e.index,
                            term: e.term,
                            committed_term: t,
                        },
                        vec![node],
                    )
                    .at(e.index, e.term));
                }
            } else if e.index.0 == len + 1 {
                self.committed.push((e.term, digest));
                self.chain.remove(&(e.index, e.term));
                let reached = self.committed_by_term.entry(term).or_insert(0);
                *reached = (*reached).max(e.index.0);
            } else {
                // Applied past a gap: only possible after a snapshot the
                // canonical history has not seen; record nothing.
            }
        }
        Ok(())
    }

    /// After a leader's commit index moved to `commit`: that entry must be on
    /// a majority's durable log.
    pub fn on_leader_commit<'d>(
        &self,
        leader: NodeId,
        commit: LogIndex,
        term: Term,
        membership: &Membership,
        durable: impl Fn(NodeId) -> Option<&'d Durable<LogCommand>>,
    ) -> Result<(), Breach> {
        let has = |n: NodeId| {
            durable(n).is_some_and(|d| {
                durable_term_at(d, commit) == Some(term)
                    || d.snapshot.as_ref().is_some_and(|s| s.last_index > commit)
            })
        };
        let ok = majority_has(&membership.voters, has)
            && membership
                .outgoing_voters
                .as_ref()
                .is_none_or(|old| majority_has(old, has));
        if ok {
            Ok(())
        } else {
            Err(Breach::new(
                Invariant::CommittedOnQuorum,
                Detail::NotOnQuorum {
                    leader,
                    index: commit,
                    term,
                },
                vec![leader],
            )
            .at(commit, term))
        }
    }

    /// Checks per-node state after an event touched `node`.
    #[allow(clippy::too_many_arguments)]
    pub fn on_node_state(
        &mut self,
        node: NodeId,
        incarnation: u64,
        role: Role,
        term: Term,
        durable_term: Term,
        commit: LogIndex,
        applied: LogIndex,
        log_term_at: impl Fn(LogIndex) -> Option<Term>,
        first_index: LogIndex,
    ) -> Result<(), Breach> {
        let w = self.watch(node);
        // A term that never reached the disk may be lost in a crash (no
        // message carried it: sending waits for persistence), so across
        // restarts only the durable term must not go back.
        if durable_term < w.durable_term {
            return Err(Breach::new(
                Invariant::MonotonicState,
                Detail::DurableTermBack {
                    node,
                    from: w.durable_term,
                    to: durable_term,
                },
                vec![node],
            ));
        }
        w.durable_term = durable_term;
        if w.incarnation != incarnation {
            w.max_term = term;
        }
        if term < w.max_term {
            return Err(Breach::new(
                Invariant::MonotonicState,
                Detail::TermBack {
                    node,
                    from: w.max_term,
                    to: term,
                },
                vec![node],
            ));
        }
        w.max_term = term;
        if w.incarnation != incarnation {
            w.incarnation = incarnation;
            w.commit = commit;
            w.applied = applied;
            w.leader_in = None;
        }
        if commit < w.commit {
            return Err(Breach::new(
                Invariant::MonotonicState,
                Detail::CommitBack {
                    node,
                    from: w.commit,
                    to: commit,
                },
                vec![node],
            ));
        }
        if applied < w.applied {
            return Err(Breach::new(
                Invariant::MonotonicState,
                Detail::AppliedBack {
                    node,
                    from: w.applied,
                    to: applied,
                },
                vec![node],
            ));
        }
        w.commit = commit;
        w.applied = applied;
        if role != Role::Leader {
            w.leader_in = None;
            return Ok(());
        }
        if w.leader_in == Some(term) {
            return Ok(());
        }
        w.leader_in = Some(term);
        if let Some(&other) = self.leaders.get(&term) {
            if other != node {
                return Err(Breach::new(
                    Invariant::ElectionSafety,
                    Detail::TwoLeaders {
                        first: other,
                        second: node,
                        term,
                    },
                    vec![other, node],
                ));
            }
        }
        self.leaders.insert(term, node);
        // Leader Completeness: the newest entry committed in an earlier term
        // must be here. (A leader of an older term may still win an election
        // after a newer term's leader committed entries: its votes were late.)
        let last = self
            .committed_by_term
            .range(..term)
            .map(|(_, &len)| len)
            .max()
            .unwrap_or(0);
        if last > 0 && last >= first_index.0 {
            let want = self.committed_at(LogIndex(last)).expect("within length").0;
            let have = log_term_at(LogIndex(last));
            if have != Some(want) {
                return Err(Breach::new(
                    Invariant::LeaderCompleteness,
                    Detail::LeaderIncomplete {
                        node,
                        term,
                        index: LogIndex(last),
                        want,
                        have,
                    },
                    vec![node],
                )
                .at(LogIndex(last), want));
            }
        }
        Ok(())
    }

    /// `node`'s watch, a fresh one the first time.
    fn watch(&mut self, node: NodeId) -> &mut NodeWatch {
        let guess = node.0.wrapping_sub(1);
        let i = if guess < self.nodes.len() as u64 && self.nodes[guess as usize].0 == node {
            guess as usize
        } else {
            match self.nodes.binary_search_by_key(&node, |(n, _)| *n) {
                Ok(i) => i,
                Err(i) => {
                    self.nodes.insert(i, (node, NodeWatch::default()));
                    i
                }
            }
        };
        &mut self.nodes[i].1
    }

    /// The leaders seen so far, by term.
    pub fn leaders(&self) -> &BTreeMap<Term, NodeId> {
        &self.leaders
    }
}

/// The term of `index` in a durable log (snapshot boundary included).
pub fn durable_term_at(d: &Durable<LogCommand>, index: LogIndex) -> Option<Term> {
    if let Some(s) = &d.snapshot {
        if s.last_index == index {
            return Some(s.last_term);
        }
        if index < s.last_index {
            return None;
        }
    }
    let first = d.entries.first()?.index;
    if index < first {
        return None;
    }
    d.entries
        .get((index.0 - first.0) as usize)
        .filter(|e| e.index == index)
        .map(|e| e.term)
}
