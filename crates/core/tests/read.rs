//! Linearizable reads without log writes: thesis §6.4 (ReadIndex) and §6.4.1 (leases).

mod common;
use common::*;
use raftlab_core::*;

fn read(net: &mut Net, id: u64, ctx: u64) -> Result<(), ProposeError> {
    let now = net.now;
    net.node_mut(id).read_index(now, ctx)
}

/// ReadIndex on a settled leader: one heartbeat round confirms leadership, then the read is
/// answered with the commit index.
/// Reference: thesis §6.4
#[test]
fn read_index_confirms_leadership_with_heartbeat_round() {
    let mut net = Net::new(3);
    net.elect(1);
    net.propose(1, 5).unwrap();
    net.delivered.clear();
    read(&mut net, 1, 77).unwrap();
    net.flush();
    assert!(net.server(1).read_states.is_empty(), "not before the round");
    net.stabilize();
    assert_eq!(
        net.server(1).read_states,
        vec![ReadState {
            ctx: 77,
            index: LogIndex(2)
        }]
    );
    assert!(net.count_delivered(MessageKind::Heartbeat) >= 2);
}

/// A brand-new leader does not know the commit index until its no-op commits: a read waits
/// for that, then for its heartbeat round.
/// Reference: thesis §6.4 step 1
#[test]
fn read_index_on_new_leader_waits_for_noop_commit() {
    let mut net = Net::new(3);
    let now = net.now;
    net.node_mut(1).campaign(now);
    let mut asked = false;
    net.stabilize_with(|net| {
        if net.node(1).role() == Role::Leader && net.node(1).commit_index() == LogIndex(0) {
            let now = net.now;
            if !asked {
                asked = true;
                net.node_mut(1).read_index(now, 5).unwrap();
            }
            // Hold back the no-op's acknowledgements for now.
            net.cut.insert((NodeId(2), NodeId(1)));
            net.cut.insert((NodeId(3), NodeId(1)));
        }
    });
    assert_eq!(net.node(1).commit_index(), LogIndex(0));
    assert!(net.server(1).read_states.is_empty());
    net.heal();
    net.run_for(100);
    assert_eq!(
        net.server(1).read_states,
        vec![ReadState {
            ctx: 5,
            index: LogIndex(1)
        }]
    );
}

/// A deposed leader cut off from the majority never answers a read; with the
/// `read_index_without_quorum` bug it answers at once (a stale read).
/// Reference: thesis §6.4
#[test]
fn partitioned_leader_cannot_serve_reads() {
    for bug in [false, true] {
        let config = Config {
            bugs: Bugs {
                read_index_without_quorum: bug,
                ..Bugs::default()
            },
            ..Config::default()
        };
        let mut net = Net::with_config(3, config);
        net.elect(1);
        net.propose(1, 1).unwrap();
        net.isolate(1);
        read(&mut net, 1, 9).unwrap();
        net.run_for(100);
        assert_eq!(
            net.server(1).read_states.len(),
            usize::from(bug),
            "bug={bug}"
        );
    }
}

/// Followers do not serve ReadIndex; they name the leader.
/// Reference: thesis §6.4
#[test]
fn follower_read_index_returns_not_leader() {
    let mut net = Net::new(3);
    net.elect(1);
    assert_eq!(
        read(&mut net, 2, 1),
        Err(ProposeError::NotLeader {
            leader_hint: Some(NodeId(1))
        })
    );
}

/// With CheckQuorum and lease reads, a leader that heard a quorum recently answers locally
/// without a round; after the lease expires it needs a round again.
/// Reference: thesis §6.4.1
#[test]
fn lease_read_answers_locally_within_lease() {
    let config = Config {
        check_quorum: true,
        lease_reads: true,
        ..Config::default()
    };
    let mut net = Net::with_config(3, config);
    net.elect(1);
    net.run_for(60); // one heartbeat round acknowledged
    net.delivered.clear();
    read(&mut net, 1, 3).unwrap();
    assert_eq!(net.server(1).read_states.len(), 0);
    net.flush();
    assert_eq!(net.server(1).read_states.len(), 1, "served from the lease");
    assert_eq!(net.count_delivered(MessageKind::Heartbeat), 0);
    // Cut off: the lease runs out and reads wait for a quorum that never comes.
    net.isolate(1);
    net.run_for(140);
    read(&mut net, 1, 4).unwrap();
    net.run_for(5);
    assert_eq!(net.server(1).read_states.len(), 1);
}

/// Lease reads are ignored without CheckQuorum (they would be unsafe).
/// Reference: thesis §6.4.1
#[test]
fn lease_reads_need_check_quorum() {
    let config = Config {
        lease_reads: true,
        ..Config::default()
    };
    assert!(!config.lease_reads_enabled());
    let mut net = Net::with_config(3, config);
    net.elect(1);
    net.run_for(60);
    read(&mut net, 1, 3).unwrap();
    net.flush();
    assert_eq!(net.server(1).read_states.len(), 0);
    net.stabilize();
    assert_eq!(net.server(1).read_states.len(), 1);
}
