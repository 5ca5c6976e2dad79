//! `expect ...`: checks on the world now, one handler per family. Each
//! gives [`Reply::Held`] or [`Reply::Failed`] with the reason.

use raftlab_core::{NodeId, Role};

use super::{DirectiveError, Exec, Reply};
use crate::invariants::Invariant;
use crate::linearizability::{check_all, CheckResult};
use crate::script::{Cmp, Expectation, NodeRef, On, RoleName};

type Checked = Result<Reply, DirectiveError>;

impl Exec<'_> {
    /// Dispatches an expectation to its family's check.
    pub(super) fn expect(&mut self, e: &Expectation) -> Checked {
        match e {
            Expectation::Leader { among } => Ok(self.expect_leader(among)),
            Expectation::NoLeader => Ok(self.expect_no_leader()),
            Expectation::LeaderIs { cmp, node } => self.expect_leader_is(*cmp, node),
            Expectation::Term { cmp, value } => Ok(self.expect_term(*cmp, *value)),
            Expectation::Committed { cmp, value, on } => self.expect_index(*cmp, *value, on, false),
            Expectation::Applied { cmp, value, on } => self.expect_index(*cmp, *value, on, true),
            Expectation::Role { node, role } => self.expect_role(node, *role),
            Expectation::LogsMatch => self.expect_logs_match(),
            Expectation::Value {
                key,
                cmp,
                value,
                on,
            } => self.expect_value(key, *cmp, value, on),
            Expectation::Linearizable => Ok(self.expect_linearizable()),
            Expectation::Safe => Ok(self.expect_safe()),
            Expectation::Violation(name) => Ok(self.expect_violation(name)),
            Expectation::Last { cmp, value, on } => self.expect_last(*cmp, *value, on),
            Expectation::Votes { node, cmp, value } => self.expect_votes(node, *cmp, *value),
            Expectation::Voters(ids) => Ok(self.expect_voters(ids)),
        }
    }

    // Leadership.

    fn expect_leader(&self, among: &[NodeId]) -> Reply {
        match self.world().leader() {
            None => Reply::Failed("there is no leader".into()),
            Some(l) if among.is_empty() || among.contains(&l) => Reply::Held("ok".into()),
            Some(l) => Reply::Failed(format!("the leader is {l}")),
        }
    }

    fn expect_no_leader(&self) -> Reply {
        let l = self.world().leader();
        Reply::verdict(l.is_none(), || {
            format!("{} is leader", l.map(|n| n.to_string()).unwrap_or_default())
        })
    }

    fn expect_leader_is(&self, cmp: Cmp, node: &NodeRef) -> Checked {
        let want = self.node(node)?;
        let l = self.world().leader();
        let ok = match cmp {
            Cmp::Ne => l != Some(want),
            _ => l == Some(want),
        };
        Ok(Reply::verdict(ok, || {
            format!(
                "the leader is {}",
                l.map_or("nobody".into(), |n| n.to_string())
            )
        }))
    }

    fn expect_role(&self, node: &NodeRef, role: RoleName) -> Checked {
        let id = self.node(node)?;
        let have = self.world().raft(id).map(|r| r.role());
        let want = match role {
            RoleName::Follower => Role::Follower,
            RoleName::PreCandidate => Role::PreCandidate,
            RoleName::Candidate => Role::Candidate,
            RoleName::Leader => Role::Leader,
        };
        Ok(Reply::verdict(have == Some(want), || {
            format!("{id} is {}", have.map_or("down".into(), |r| r.to_string()))
        }))
    }

    // Terms and log positions.

    fn expect_term(&self, cmp: Cmp, value: u64) -> Reply {
        let term = self
            .world()
            .nodes()
            .values()
            .filter_map(|h| h.raft.as_ref())
            .map(|r| r.term().0)
            .max()
            .unwrap_or(0);
        Reply::verdict(cmp.holds(term, value), || {
            format!("the highest term is {term}, wanted {cmp} {value}")
        })
    }

    /// `expect committed ...` or, with `applied`, `expect applied ...`.
    fn expect_index(&self, cmp: Cmp, value: u64, on: &Option<On>, applied: bool) -> Checked {
        let ids = self.targets(on)?;
        let w = self.world();
        let mut bad = Vec::new();
        for id in ids {
            let Some(r) = w.raft(id) else { continue };
            let v = if applied {
                r.applied_index().0
            } else {
                r.commit_index().0
            };
            if !cmp.holds(v, value) {
                bad.push(format!("{id} has {v}"));
            }
        }
        Ok(Reply::verdict(bad.is_empty(), || {
            format!("wanted {cmp} {value}: {}", bad.join(", "))
        }))
    }

    /// Log Matching (§5.3): every running node's log ends at the same
    /// index and term.
    fn expect_logs_match(&self) -> Checked {
        let w = self.world();
        let rafts: Vec<_> = w.nodes().values().filter_map(|h| h.raft.as_ref()).collect();
        let first = rafts
            .first()
            .ok_or_else(|| DirectiveError::Script("no running node".into()))?;
        let last = first.log().last_index();
        let term = first.log().term_at(last);
        let mut bad = Vec::new();
        for r in &rafts {
            if r.log().last_index() != last || r.log().term_at(last) != term {
                bad.push(format!(
                    "{} ends at {}/t{:?}",
                    r.id(),
                    r.log().last_index(),
                    r.log().term_at(r.log().last_index())
                ));
            }
        }
        Ok(Reply::verdict(bad.is_empty(), || {
            format!("{} ends at {last}; {}", first.id(), bad.join(", "))
        }))
    }

    fn expect_last(&self, cmp: Cmp, value: u64, on: &Option<On>) -> Checked {
        let ids = self.targets(on)?;
        let w = self.world();
        let mut bad = Vec::new();
        for id in ids {
            let Some(r) = w.raft(id) else { continue };
            let v = r.log().last_index().0;
            if !cmp.holds(v, value) {
                bad.push(format!("{id} ends at {v}"));
            }
        }
        Ok(Reply::verdict(bad.is_empty(), || {
            format!("wanted {cmp} {value}: {}", bad.join(", "))
        }))
    }

    /// Granted votes a (pre-)candidate counts, its own included (§5.2).
    fn expect_votes(&self, node: &NodeRef, cmp: Cmp, value: u64) -> Checked {
        let id = self.node(node)?;
        let have = self.world().raft(id).map_or(0, |r| {
            let campaigning = matches!(r.role(), Role::Candidate | Role::PreCandidate);
            if campaigning {
                r.votes().values().filter(|g| **g).count() as u64
            } else {
                0
            }
        });
        Ok(Reply::verdict(cmp.holds(have, value), || {
            format!("{id} holds {have} votes, wanted {cmp} {value}")
        }))
    }

    /// The leader's configuration is exactly `ids` as voters, not joint.
    fn expect_voters(&self, ids: &[NodeId]) -> Reply {
        let w = self.world();
        let Some(l) = w.leader() else {
            return Reply::Failed("there is no leader".into());
        };
        let m = w.raft(l).expect("the leader runs").membership();
        let want: std::collections::BTreeSet<NodeId> = ids.iter().copied().collect();
        let ok = m.outgoing_voters.is_none() && m.voters == want;
        Reply::verdict(ok, || format!("{l}'s configuration is {m}"))
    }

    // Client-visible state.

    fn expect_value(&self, key: &str, cmp: Cmp, value: &str, on: &Option<On>) -> Checked {
        let ids = self.targets(on)?;
        let w = self.world();
        let mut bad = Vec::new();
        for id in ids {
            let have = w.nodes()[&id].kv.get(key).map(str::to_string);
            let eq = have.as_deref() == Some(value);
            let ok = match cmp {
                Cmp::Ne => !eq,
                _ => eq,
            };
            if !ok {
                bad.push(format!(
                    "{id} has {}",
                    have.unwrap_or_else(|| "nothing".into())
                ));
            }
        }
        Ok(Reply::verdict(bad.is_empty(), || {
            format!("{key} {cmp} {value}: {}", bad.join(", "))
        }))
    }

    fn expect_linearizable(&self) -> Reply {
        match check_all(self.world().linearizability().history()) {
            CheckResult::NotLinearizable {
                key, explanation, ..
            } => Reply::Failed(format!("key {key:?}: {explanation}")),
            CheckResult::Undecided { key, reason, .. } => {
                Reply::Failed(format!("undecided for key {key:?}: {reason}"))
            }
            CheckResult::Linearizable => Reply::Held("ok".into()),
        }
    }

    // Safety invariants.

    fn expect_safe(&self) -> Reply {
        let v = self.world().violation().map(|v| v.to_string());
        Reply::verdict(v.is_none(), || v.clone().unwrap_or_default())
    }

    fn expect_violation(&self, name: &str) -> Reply {
        match self.world().violation() {
            Some(v) if Invariant::parse(name) == Some(v.invariant) => {
                Reply::Held(format!("caught: {}", v.invariant))
            }
            Some(v) => Reply::Failed(format!("{} was violated instead", v.invariant)),
            None => Reply::Failed(format!("{name} still holds")),
        }
    }
}
