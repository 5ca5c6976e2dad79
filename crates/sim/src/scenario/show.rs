//! `show ...`: parts of the world printed as a directive's output.

use raftlab_core::NodeId;

use super::{DirectiveError, Exec};
use crate::client::USER_CLIENT;
use crate::script::{NodeRef, Show};
use crate::world::NodeStatus;

impl Exec<'_> {
    /// Dispatches a `show` to its printer; the text is the output block.
    pub(super) fn show(&self, s: &Show) -> Result<String, DirectiveError> {
        match s {
            Show::Client => Ok(self.show_client()),
            Show::Cluster => Ok(self.show_cluster()),
            Show::Log(n) => Ok(self.show_log(self.selected(n)?)),
            Show::Kv(n) => Ok(self.show_kv(self.selected(n)?)),
            Show::Messages => Ok(self.show_messages()),
        }
    }

    /// The node named, or every node.
    fn selected(&self, n: &Option<NodeRef>) -> Result<Vec<NodeId>, DirectiveError> {
        match n {
            Some(n) => Ok(vec![self.node(n)?]),
            None => Ok(self.world().nodes().keys().copied().collect()),
        }
    }

    /// The story of the newest request of the script's own client.
    fn show_client(&self) -> String {
        let log = self.world().client_log();
        let Some(last) = log.iter().rev().find(|e| e.client == USER_CLIENT) else {
            return "no requests yet".into();
        };
        log.iter()
            .filter(|e| e.client == USER_CLIENT && e.seq == last.seq)
            .map(|e| format!("{}: {}", e.op, e.kind))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn show_cluster(&self) -> String {
        let mut out = Vec::new();
        for h in self.world().nodes().values() {
            let line = match &h.raft {
                Some(r) if h.status == NodeStatus::Up || h.status == NodeStatus::Paused => {
                    format!(
                        "{}: {}{} term {} commit {} last {}",
                        h.id,
                        r.role(),
                        if h.status == NodeStatus::Paused {
                            " (paused)"
                        } else {
                            ""
                        },
                        r.term(),
                        r.commit_index(),
                        r.log().last_index()
                    )
                }
                _ => format!(
                    "{}: crashed (disk: term {}, last {})",
                    h.id,
                    h.durable.term,
                    h.durable.last_index()
                ),
            };
            out.push(line);
        }
        out.join("\n")
    }

    fn show_log(&self, ids: Vec<NodeId>) -> String {
        let snap = self.world().snapshot();
        let mut out = Vec::new();
        for id in ids {
            let Some(ns) = snap.nodes.iter().find(|x| x.id == id) else {
                continue;
            };
            let entries: Vec<String> = ns
                .log
                .iter()
                .map(|e| {
                    format!(
                        "{}{}:t{} {}",
                        if e.committed { "" } else { "~" },
                        e.index,
                        e.term,
                        e.label
                    )
                })
                .collect();
            let base = ns
                .snapshot
                .map_or(String::new(), |(i, t)| format!("[snapshot {i}/t{t}] "));
            out.push(format!("{id}: {base}{}", entries.join(" | ")));
        }
        out.join("\n")
    }

    fn show_kv(&self, ids: Vec<NodeId>) -> String {
        let w = self.world();
        ids.iter()
            .map(|id| {
                let kv: Vec<String> = w.nodes()[id]
                    .kv
                    .data
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                format!("{id}: {}", kv.join(" "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn show_messages(&self) -> String {
        self.world()
            .snapshot()
            .messages
            .iter()
            .map(|m| format!("{} {} -> {}: {m}", m.id, m.from, m.to))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
