//! The node host: one server's process around its Raft core — stepping
//! messages in, pumping `Ready`s out in the order Raft requires (persist,
//! send, apply), timers, disk writes and compaction — and the safety checks
//! run on what it persists and applies.

use raftlab_core::{EntryPayload, Event, LogIndex, Message, Micros, NodeId, Ready, Role, Term};

use crate::client::ClientReply;
use crate::invariants::{Breach, Detail, Invariant, Violation};
use crate::kv::{KvStore, LogCommand};
use crate::queue::EventKind;
use crate::recorder::LaneKind;
use crate::world::node::{skewed, Deferred, NodeStatus};
use crate::world::{NoteKind, World};

impl World {
    pub(in crate::world) fn step_node(&mut self, id: NodeId, msg: Message<LogCommand>) {
        let Some(h) = self.nodes.get_mut(&id) else {
            return;
        };
        let now = skewed(self.now, h.clock_offset_us);
        let Some(r) = h.raft.as_mut() else {
            return;
        };
        // Rejections (wrong recipient, unknown sender) change nothing; the
        // core counts them by kind, and the world counts them in total.
        if r.step(now, msg).is_err() {
            self.rejected_inputs += 1;
        }
    }

    pub(in crate::world) fn drain_inbox(&mut self, id: NodeId) {
        loop {
            let h = self.nodes.get_mut(&id).expect("node exists");
            if h.status != NodeStatus::Up || h.pending_write.is_some() {
                return;
            }
            let Some(input) = h.inbox.pop_front() else {
                return;
            };
            match input {
                Deferred::Message(m) => self.step_node(id, m),
                Deferred::Client { client, seq } => self.client_at_node(client, id, seq),
            }
            self.pump(id);
        }
    }

    /// Drains the node's Ready batches: persist, send, apply, advance; then
    /// [`World::after_node_change`], on the lookup that found nothing
    /// more to drain.
    pub(in crate::world) fn pump(&mut self, id: NodeId) {
        loop {
            let Some(h) = self.nodes.get_mut(&id) else {
                return;
            };
            let drained = h.status != NodeStatus::Up || h.pending_write.is_some();
            let ready = match h.raft.as_mut() {
                Some(raft) if !drained && raft.has_ready() => raft.ready(),
                _ => {
                    let res = settle(
                        h,
                        id,
                        self.now,
                        &self.config,
                        &mut self.queue,
                        &mut self.invariants,
                    );
                    if let Err(b) = res {
                        self.breach(b);
                    }
                    return;
                }
            };
            if self.config.disk_latency > Micros(0) && ready.must_persist() {
                h.write_generation += 1;
                let generation = h.write_generation;
                h.pending_write = Some(ready);
                self.queue.push(
                    self.now + self.config.disk_latency,
                    EventKind::DiskDone {
                        node: id,
                        generation,
                    },
                );
                self.after_node_change(id);
                return;
            }
            self.finish_ready(id, ready);
        }
    }

    pub(in crate::world) fn breach(&mut self, b: Breach) {
        if self.violation.is_some() {
            return;
        }
        let v = Violation {
            invariant: b.invariant,
            detail: *b.detail,
            nodes: b.nodes,
            index: b.index,
            term: b.term,
            event: self.events,
            at: self.now,
        };
        self.note(NoteKind::Violation(v.clone()));
        self.violation = Some(v);
    }

    pub(in crate::world) fn finish_ready(&mut self, id: NodeId, mut ready: Ready<LogCommand>) {
        let check = self.config.check_invariants;
        // Persist, send, apply and advance look the node up once (a lookup
        // per step was 2 % of a run's instructions, callgrind); what they
        // find broken is recorded after them, in the order found (nothing
        // between reads the violation or adds a note).
        let mut breaches: Vec<Breach> = Vec::new();
        let mut replies = Vec::new();
        let leader_commit_before;
        {
            let h = self.nodes.get_mut(&id).expect("node exists");
            // 1. Persist (checked first: what reaches the disk is what counts).
            if check {
                let role = h.raft.as_ref().map_or(Role::Follower, |r| r.role());
                let durable = &h.durable;
                let res =
                    self.invariants
                        .on_append(id, role, ready.truncate_from, &ready.entries, |i| {
                            crate::invariants::durable_term_at(durable, i)
                        });
                if let Err(b) = res {
                    breaches.push(b);
                }
            }
            h.durable.apply(&ready);
            if let Some(snap) = &ready.snapshot {
                match KvStore::from_bytes(&snap.data) {
                    Ok(kv) => h.kv = kv,
                    Err(e) => {
                        let mut b = Breach::new(
                            Invariant::StateMachineSafety,
                            Detail::SnapshotUnreadable {
                                node: id,
                                error: e.to_string(),
                            },
                            vec![id],
                        );
                        b.index = Some(snap.last_index);
                        b.term = Some(snap.last_term);
                        breaches.push(b);
                    }
                }
            }
            // 2. Send.
            for msg in ready.messages.drain(..) {
                if self.config.hand_delivery {
                    self.network.send_held(self.now, msg);
                    continue;
                }
                for (mid, at) in self.network.send(self.now, msg, &mut self.rng_net) {
                    self.queue.push(at, EventKind::Deliver(mid));
                }
            }
            // 3. Apply.
            if check {
                let term = h.raft.as_ref().map_or(Term(0), |r| r.term());
                if let Err(b) = self
                    .invariants
                    .on_commit(id, term, &ready.committed_entries)
                {
                    breaches.push(b);
                }
            }
            for e in &ready.committed_entries {
                if let EntryPayload::Command(cmd) = &e.payload {
                    let result = h.kv.apply(cmd);
                    if h.waiting_writes.remove(&(cmd.client, cmd.seq)) {
                        replies.push((
                            cmd.client,
                            ClientReply::Done {
                                node: id,
                                seq: cmd.seq,
                                result,
                            },
                        ));
                    }
                    // Older requests of this client can no longer be waited
                    // on (removed one by one: most applies find none, and
                    // collecting them first cost a vector each).
                    while let Some(&k) = h
                        .waiting_writes
                        .range((cmd.client, 0)..(cmd.client, cmd.seq))
                        .next()
                    {
                        h.waiting_writes.remove(&k);
                    }
                }
            }
            for rs in &ready.read_states {
                if let Some(p) = h.pending_reads.get_mut(&rs.ctx) {
                    p.index = Some(rs.index);
                }
            }
            // 4. Advance, then serve reads that are now safe.
            let raft = h.raft.as_mut().expect("a running node has a core");
            leader_commit_before = (raft.role() == Role::Leader).then(|| raft.commit_index());
            raft.advance(&ready);
            let applied = raft.applied_index();
            // Most Readys come with no read waiting: nothing to collect.
            let done: Vec<u64> = if h.pending_reads.is_empty() {
                Vec::new()
            } else {
                h.pending_reads
                    .iter()
                    .filter(|(_, p)| p.index.is_some_and(|i| i <= applied))
                    .map(|(k, _)| *k)
                    .collect()
            };
            for ctx in done {
                let p = h.pending_reads.remove(&ctx).expect("listed above");
                let result = h.kv.apply_read(&p.op);
                replies.push((
                    p.client,
                    ClientReply::Done {
                        node: id,
                        seq: p.seq,
                        result,
                    },
                ));
            }
        }
        for b in breaches {
            self.breach(b);
        }
        for (client, reply) in replies {
            self.reply_to_client(client, reply);
        }
        // Events: notes for the timeline, plus the committed-on-quorum check.
        for ev in &ready.events {
            if let Event::RoleChanged { term, to, .. } = ev {
                let (role, term) = (*to, *term);
                self.record_lane(Some(id), LaneKind::Role { role, term });
            }
            match ev {
                Event::RoleChanged {
                    term,
                    to: Role::Leader,
                    ..
                } => {
                    let term = *term;
                    self.note(NoteKind::LeaderElected { node: id, term });
                }
                Event::CommitAdvanced { to, .. } if leader_commit_before.is_some() => {
                    let to = *to;
                    self.record_lane(Some(id), LaneKind::Commit { index: to });
                    self.note(NoteKind::Committed {
                        node: id,
                        index: to,
                    });
                    if check {
                        self.check_commit_quorum(id, to);
                    }
                }
                _ => {}
            }
        }
        // Its buffers serve the node's next Ready; then compaction, on the
        // same lookup.
        let every = self.config.snapshot_every;
        if let Some(h) = self.nodes.get_mut(&id) {
            if let Some(raft) = h.raft.as_mut() {
                raft.recycle(ready);
            }
            if compact(h, every) {
                self.compactions_refused += 1;
            }
        }
    }

    pub(in crate::world) fn check_commit_quorum(&mut self, leader: NodeId, commit: LogIndex) {
        let Some(raft) = self.raft(leader) else {
            return;
        };
        let Some(term) = raft.log().term_at(commit) else {
            return;
        };
        let nodes = &self.nodes;
        let res = self
            .invariants
            .on_leader_commit(leader, commit, term, raft.membership(), |n| {
                nodes.get(&n).map(|h| &h.durable)
            });
        if let Err(b) = res {
            self.breach(b);
        }
    }

    /// After anything touched a node: re-arm its timer, drop reads it can
    /// no longer serve, and run the per-node invariant checks.
    pub(in crate::world) fn after_node_change(&mut self, id: NodeId) {
        let Some(h) = self.nodes.get_mut(&id) else {
            return;
        };
        let res = settle(
            h,
            id,
            self.now,
            &self.config,
            &mut self.queue,
            &mut self.invariants,
        );
        if let Err(b) = res {
            self.breach(b);
        }
    }
}

/// [`World::after_node_change`] on a node already looked up, with the
/// parts of the world it touches.
fn settle(
    h: &mut crate::world::NodeHost,
    id: NodeId,
    now: Micros,
    config: &crate::config::WorldConfig,
    queue: &mut crate::queue::EventQueue,
    invariants: &mut crate::invariants::Invariants,
) -> Result<(), Breach> {
    let Some(raft) = h.raft.as_ref() else {
        return Ok(());
    };
    if raft.role() != Role::Leader {
        h.pending_reads.retain(|_, p| p.index.is_some());
    }
    // Deadlines are in the node's own time; the queue runs on true time.
    let deadline = raft
        .next_deadline()
        .map(|d| skewed(d, -h.clock_offset_us).max(now));
    // Hand-driven delivery: no timer fires by itself (`FireTimer`).
    if deadline != h.timer_at && h.status == NodeStatus::Up && !config.hand_delivery {
        h.timer_generation += 1;
        h.timer_at = deadline;
        if let Some(at) = deadline {
            queue.push(
                at,
                EventKind::Timer {
                    node: id,
                    generation: h.timer_generation,
                },
            );
        }
    }
    if config.check_invariants {
        invariants.on_node_state(
            id,
            h.incarnation,
            raft.role(),
            raft.term(),
            h.durable.term,
            raft.commit_index(),
            raft.applied_index(),
            |i| raft.log().term_at(i),
            raft.log().first_index(),
        )?;
    }
    Ok(())
}

/// Compacts the node's log once `every` entries are applied past its
/// snapshot. True if the core refused (nothing new to compact); the next
/// apply tries again.
fn compact(h: &mut crate::world::NodeHost, every: Option<u64>) -> bool {
    let Some(every) = every else {
        return false;
    };
    let Some(raft) = h.raft.as_mut() else {
        return false;
    };
    let applied = raft.applied_index();
    let base = raft.log().first_index().0.saturating_sub(1);
    applied.0 >= base + every && raft.compact(applied, h.kv.to_bytes()).is_err()
}
