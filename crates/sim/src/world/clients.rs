//! The client protocol (thesis §6): background and user clients send
//! commands, follow redirect hints, time out and retry a random server,
//! and every completed operation goes into the linearizability history.

use raftlab_core::{Micros, NodeId, ProposeError};

use crate::client::{
    push_bounded, Client, ClientEvent, ClientEventKind, ClientReply, PendingOp, CLIENT_LOG_MAX,
};
use crate::invariants::{Breach, Detail, Invariant};
use crate::kv::{ClientId, KvCommand, KvOp};
use crate::linearizability::CheckResult;
use crate::queue::EventKind;
use crate::recorder::OpStep;
use crate::world::{Deferred, NodeStatus, PendingRead, World};

impl World {
    // ----- clients -----------------------------------------------------

    pub(in crate::world) fn reset_workload(&mut self) {
        let w = self.config.workload.clone();
        let wanted: Vec<ClientId> = (1..=u64::from(w.clients)).map(ClientId).collect();
        for id in &wanted {
            self.clients
                .entry(*id)
                .or_insert_with(|| Client::new(*id, true));
        }
        let ids: Vec<ClientId> = self.clients.keys().copied().collect();
        for id in ids {
            let active = w.ops_per_sec > 0.0 && wanted.contains(&id);
            let c = self.clients.get_mut(&id).expect("listed");
            if !c.workload {
                continue;
            }
            c.generation += 1;
            if active && c.pending.is_none() {
                let generation = c.generation;
                let at = self.now + self.think_time();
                self.queue.push(
                    at,
                    EventKind::ClientNext {
                        client: id,
                        generation,
                    },
                );
            }
        }
    }

    /// Time between a workload client's operations: uniform around the
    /// mean (integer arithmetic only, so wasm and native agree bit for bit).
    pub(in crate::world) fn think_time(&mut self) -> Micros {
        let w = &self.config.workload;
        if w.ops_per_sec <= 0.0 {
            return Micros(u64::MAX / 4);
        }
        let mean_us = (1_000_000.0 * f64::from(w.clients) / w.ops_per_sec) as u64;
        let mean_us = mean_us.max(1);
        Micros(
            self.rng_workload
                .gen_range(mean_us / 2..=mean_us + mean_us / 2),
        )
    }

    pub(in crate::world) fn workload_next(&mut self, client: ClientId) {
        let w = self.config.workload.clone();
        let key_n = self.rng_workload.gen_range(0..=u64::from(w.keys) - 1) as u8;
        let key = ((b'a' + key_n) as char).to_string();
        let value = self.rng_workload.gen_range(1..=99).to_string();
        let op = if self.rng_workload.gen_bool(w.read_fraction) {
            KvOp::Get { key }
        } else {
            match self.rng_workload.gen_range(0..=9) {
                0..=5 => KvOp::Put { key, value },
                6 => KvOp::Append { key, value },
                _ => {
                    // CAS from a value some replica holds now (often current,
                    // sometimes stale, so both outcomes of a CAS occur).
                    let from = self
                        .nodes
                        .values()
                        .find_map(|h| h.kv.get(&key).map(str::to_string))
                        .unwrap_or_else(|| "0".into());
                    KvOp::Cas {
                        key,
                        from,
                        to: value,
                    }
                }
            }
        };
        self.client_start(client, op, None);
    }

    pub(in crate::world) fn client_start(
        &mut self,
        client: ClientId,
        op: KvOp,
        via: Option<NodeId>,
    ) {
        let now = self.now;
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        if c.pending.is_some() {
            c.queued.push_back((op, via));
            return;
        }
        let seq = c.next_seq;
        c.next_seq += 1;
        let history = self.lin.invoke(client, op.clone(), now.0);
        if let Some(h) = self.full_history.as_mut() {
            h.invoke(client, op.clone(), now.0);
        }
        self.record_op(client, history, OpStep::Invoke(op.clone()));
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let first = via.or(c.leader_guess).unwrap_or(NodeId(1));
        c.pending = Some(PendingOp {
            seq,
            op,
            history,
            invoked_at: now,
            attempt: 0,
            target: first,
            via,
        });
        self.client_send(client, Some(first));
    }

    /// Sends (or re-sends) the pending operation to `target`, or to the next
    /// node in turn.
    pub(in crate::world) fn client_send(&mut self, client: ClientId, target: Option<NodeId>) {
        let now = self.now;
        let max_attempts = self.config.client_max_attempts;
        let timeout = self.config.client_timeout;
        let nodes = &self.nodes;
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let Some(p) = c.pending.as_mut() else { return };
        if p.attempt >= max_attempts {
            let p = c.pending.take().expect("checked");
            c.given_up += 1;
            if let Err(e) = self.lin.give_up(p.history) {
                self.history_error(e.to_string());
            }
            if let Some(h) = self.full_history.as_mut() {
                // The same ids: both histories number invocations alike.
                if let Err(e) = h.give_up(p.history) {
                    self.history_error(e.to_string());
                }
            }
            self.record_op(client, p.history, OpStep::GaveUp);
            self.log_client(
                client,
                p.seq,
                p.op.text(),
                ClientEventKind::GaveUp {
                    attempts: p.attempt,
                },
            );
            self.client_idle(client);
            return;
        }
        let target = target.unwrap_or_else(|| {
            // The next node in id order after the last one tried, wrapping
            // around (the second if that one is gone, as the position of
            // a missing node counted as the first's).
            match nodes.contains_key(&p.target) {
                true => nodes
                    .range_from(&p.target)
                    .nth(1)
                    .or_else(|| nodes.iter().next())
                    .map(|(id, _)| *id),
                false => nodes.keys().nth(1 % nodes.len()).copied(),
            }
            .expect("a world has nodes")
        });
        p.attempt += 1;
        p.target = target;
        let (seq, attempt, op, history) = (p.seq, p.attempt, p.op.text(), p.history);
        self.record_op(
            client,
            history,
            OpStep::Attempt {
                node: target,
                attempt,
            },
        );
        let latency = self.client_latency();
        self.queue.push(
            now + latency,
            EventKind::ClientArrive {
                client,
                node: target,
                seq,
            },
        );
        self.queue.push(
            now + timeout,
            EventKind::ClientTimeout {
                client,
                seq,
                attempt,
            },
        );
        self.log_client(
            client,
            seq,
            op,
            ClientEventKind::Sent {
                node: target,
                attempt,
            },
        );
    }

    pub(in crate::world) fn client_latency(&mut self) -> Micros {
        let l = &self.config.network;
        Micros(self.rng_net.gen_range(l.latency_min.0..=l.latency_max.0))
    }

    pub(in crate::world) fn client_arrive(&mut self, client: ClientId, node: NodeId, seq: u64) {
        let Some(h) = self.nodes.get_mut(&node) else {
            return;
        };
        match h.status {
            NodeStatus::Crashed => {}
            NodeStatus::Paused => h.inbox.push_back(Deferred::Client { client, seq }),
            NodeStatus::Up if h.pending_write.is_some() => {
                h.inbox.push_back(Deferred::Client { client, seq })
            }
            NodeStatus::Up => {
                self.client_at_node(client, node, seq);
                self.pump(node);
            }
        }
    }

    /// A client request is handled by a running node.
    pub(in crate::world) fn client_at_node(&mut self, client: ClientId, node: NodeId, seq: u64) {
        let now = self.local_time(node);
        // The request carries the operation; look it up from the client
        // (it is still pending if the client still cares).
        let Some(op) = self
            .clients
            .get(&client)
            .and_then(|c| c.pending.as_ref())
            .filter(|p| p.seq == seq)
            .map(|p| p.op.clone())
        else {
            return;
        };
        let ctx = self.next_read_ctx;
        let h = self.nodes.get_mut(&node).expect("node exists");
        let Some(raft) = h.raft.as_mut() else { return };
        let outcome = if op.is_read() {
            raft.read_index(now, ctx).map(|()| {
                h.pending_reads.insert(
                    ctx,
                    PendingRead {
                        client,
                        seq,
                        op,
                        index: None,
                    },
                );
            })
        } else {
            let cmd = std::sync::Arc::new(KvCommand { client, seq, op });
            raft.propose(now, cmd).map(|_| {
                h.waiting_writes.insert((client, seq));
            })
        };
        self.next_read_ctx += 1;
        let reply = match outcome {
            Ok(()) => return,
            Err(ProposeError::NotLeader { leader_hint }) => ClientReply::NotLeader {
                node,
                seq,
                hint: leader_hint,
            },
            Err(reason) => ClientReply::Busy { node, seq, reason },
        };
        self.reply_to_client(client, reply);
    }

    pub(in crate::world) fn reply_to_client(&mut self, client: ClientId, reply: ClientReply) {
        let at = self.now + self.client_latency();
        self.queue
            .push(at, EventKind::ClientReply { client, reply });
    }

    pub(in crate::world) fn client_reply(&mut self, client: ClientId, reply: ClientReply) {
        let now = self.now;
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let Some(p) = c.pending.as_ref() else { return };
        if p.seq != reply.seq() {
            return; // an answer to an attempt the client no longer waits for
        }
        let (seq, op) = (p.seq, p.op.text());
        match reply {
            ClientReply::Done { node, result, .. } => {
                let p = c.pending.take().expect("checked");
                c.completed += 1;
                c.leader_guess = Some(node);
                if let Err(e) = self.lin.complete(p.history, result.clone(), now.0) {
                    self.history_error(e.to_string());
                }
                if let Some(h) = self.full_history.as_mut() {
                    if let Err(e) = h.complete(p.history, result.clone(), now.0) {
                        self.history_error(e.to_string());
                    }
                }
                self.record_op(client, p.history, OpStep::Return(result.clone()));
                let latency = now.saturating_sub(p.invoked_at);
                self.log_client(
                    client,
                    seq,
                    op,
                    ClientEventKind::Completed {
                        node,
                        result,
                        latency,
                    },
                );
                self.check_linearizability();
                self.client_idle(client);
            }
            ClientReply::NotLeader { node, hint, .. } => {
                c.leader_guess = hint;
                self.log_client(
                    client,
                    seq,
                    op,
                    ClientEventKind::Redirected { from: node, hint },
                );
                match hint {
                    Some(h) if h != node => self.client_send(client, Some(h)),
                    _ => self.client_backoff(client, seq),
                }
            }
            ClientReply::Busy { node, reason, .. } => {
                self.log_client(
                    client,
                    seq,
                    op,
                    ClientEventKind::Rejected { from: node, reason },
                );
                self.client_backoff(client, seq);
            }
        }
    }

    pub(in crate::world) fn client_backoff(&mut self, client: ClientId, seq: u64) {
        let at = self.now + self.config.raft.heartbeat_interval;
        self.queue.push(at, EventKind::ClientRetry { client, seq });
    }

    pub(in crate::world) fn client_timeout(&mut self, client: ClientId, seq: u64, attempt: u32) {
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        let Some(p) = c.pending.as_ref() else { return };
        if p.seq != seq || p.attempt != attempt {
            return;
        }
        let (node, op) = (p.target, p.op.text());
        c.leader_guess = None;
        self.log_client(client, seq, op, ClientEventKind::TimedOut { node, attempt });
        // Another server, chosen at random (thesis §6.2). Not the next in
        // turn: a follower cut off with a deposed leader redirects back to
        // it, and trying the two in turn would never reach the majority.
        let others: Vec<NodeId> = self.nodes.keys().copied().filter(|n| *n != node).collect();
        let next = self.rng_clients.choose(&others).copied();
        self.client_send(client, next);
    }

    /// The client finished an operation: start the next queued one, or
    /// schedule the workload's next.
    pub(in crate::world) fn client_idle(&mut self, client: ClientId) {
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        if let Some((op, via)) = c.queued.pop_front() {
            self.client_start(client, op, via);
            return;
        }
        if c.workload
            && self.config.workload.ops_per_sec > 0.0
            && client.0 <= u64::from(self.config.workload.clients)
        {
            let generation = c.generation;
            let at = self.now + self.think_time();
            self.queue
                .push(at, EventKind::ClientNext { client, generation });
        }
    }

    pub(in crate::world) fn log_client(
        &mut self,
        client: ClientId,
        seq: u64,
        op: String,
        kind: ClientEventKind,
    ) {
        let ev = ClientEvent {
            at: self.now,
            client,
            seq,
            op,
            kind,
        };
        push_bounded(&mut self.client_log, ev, CLIENT_LOG_MAX);
    }

    /// The client history's bookkeeping failed: our own bug, reported as a
    /// violation rather than a panic so the run can be inspected.
    pub(in crate::world) fn history_error(&mut self, e: String) {
        self.breach(Breach::new(
            Invariant::Linearizability,
            Detail::HistoryBookkeeping { error: e },
            Vec::new(),
        ));
    }

    pub(in crate::world) fn check_linearizability(&mut self) {
        if !self.config.check_linearizability {
            return;
        }
        match self.lin.check_dirty() {
            CheckResult::NotLinearizable {
                key,
                explanation,
                why,
                ..
            } => self.breach(Breach::new(
                Invariant::Linearizability,
                Detail::NotLinearizable {
                    key,
                    explanation,
                    why,
                },
                Vec::new(),
            )),
            // Neither a pass nor a violation: the checker keeps it
            // (`LiveChecker::undecided`) and the snapshot shows it.
            CheckResult::Undecided { .. } | CheckResult::Linearizable => {}
        }
    }
}
