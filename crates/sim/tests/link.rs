//! Run links (issue 12): a run round trips through its link (encode,
//! decode, replay) to the same fingerprint and position; a damaged, cut
//! or future link is refused with the right message; a five-minute run
//! with 30 actions fits in 2,000 characters; mutated links never panic.

use std::collections::BTreeSet;

use proptest::prelude::*;
use raftlab_core::{Micros, NodeId};
use raftlab_sim::config::MAX_NODES_PAGE;
use raftlab_sim::input_fuzz::{check_link, run, LinkMutator};
use raftlab_sim::kv::KvOp;
use raftlab_sim::link::{seal, LinkError, LinkView, OpenError, RunLink, LINK_VERSION};
use raftlab_sim::trace::{fingerprint, REFERENCE_FINGERPRINT};
use raftlab_sim::{Action, LinkConfig, Timeline, WorldConfig};

fn ms(v: u64) -> Micros {
    Micros::from_ms(v)
}

/// The page's settings: its workload (12 ops/s) and node limit.
fn page_config(seed: u64) -> WorldConfig {
    let mut c = WorldConfig {
        seed,
        max_nodes: MAX_NODES_PAGE,
        ..WorldConfig::default()
    };
    c.workload.ops_per_sec = 12.0;
    c
}

/// An action of most kinds the page offers, aimed at the world as it is.
fn pick(t: &Timeline, kind: u8, x: u64) -> Action {
    let w = t.world();
    let ids: Vec<NodeId> = w.nodes().keys().copied().collect();
    let n = ids[(x % ids.len() as u64) as usize];
    let m = ids[((x / 7) % ids.len() as u64) as usize];
    let msg = w.network().in_flight.keys().next().copied();
    match kind % 14 {
        0 => Action::Crash(n),
        1 => Action::Restart(n),
        2 => Action::Pause(n),
        3 => Action::Resume(n),
        4 => Action::Campaign(n),
        5 => Action::Partition(vec![ids
            .iter()
            .copied()
            .filter(|i| (x >> (i.0 % 64)) & 1 == 1)
            .collect::<BTreeSet<_>>()]),
        6 => Action::HealAll,
        7 => Action::Cut {
            source: n,
            target: m,
        },
        8 => match msg {
            Some(id) => Action::Drop(id),
            None => Action::HealAll,
        },
        9 => Action::ClientRequest {
            op: KvOp::Put {
                key: ["a", "b", "c"][(x % 3) as usize].into(),
                value: (x % 1000).to_string(),
            },
            via: x.is_multiple_of(2).then_some(m),
        },
        10 => Action::ClockSkew {
            node: n,
            offset_us: (x % 100_000) as i64 - 50_000,
        },
        11 => Action::SetNetwork(LinkConfig {
            drop_rate: [0.0, 0.1][(x % 2) as usize],
            ..LinkConfig::default()
        }),
        12 => Action::AddNode { learner: true },
        _ => Action::TransferLeadership(n),
    }
}

/// A run driven as the page drives it: time passing, an action now and
/// then, and sometimes a step back into the past before acting (a fork).
fn page_run(seed: u64, steps: &[(u64, u8, u64, bool)]) -> Timeline {
    let mut t = Timeline::new(page_config(seed)).unwrap();
    for &(wait_ms, kind, x, back) in steps {
        t.advance_to(t.now() + ms(wait_ms));
        if back && t.now() > ms(100) {
            t.seek(t.now() - ms(50));
        }
        let a = pick(&t, kind, x);
        let _ = t.apply(a);
    }
    t
}

fn link_of(t: &Timeline) -> RunLink {
    RunLink::of_timeline(t, LinkView::default()).unwrap()
}

#[test]
fn the_reference_run_opens_from_its_link_with_the_pinned_fingerprint() {
    let w = raftlab_sim::trace::reference_run().unwrap();
    let t = Timeline::replay(
        w.initial_config().clone(),
        w.action_log(),
        w.now(),
        Some(w.event_count()),
    )
    .unwrap();
    let text = link_of(&t).encode();
    let opened = RunLink::decode(&text).unwrap().open().unwrap();
    assert_eq!(fingerprint(opened.world()).unwrap(), REFERENCE_FINGERPRINT);
    assert_eq!(opened.position(), t.position());
}

/// "A run of five minutes with 30 actions fits in at most 2,000
/// characters" (issue 12), with the page's workload and actions of every
/// kind, client puts included.
#[test]
fn five_minutes_and_thirty_actions_fit_in_two_thousand_characters() {
    let mut t = Timeline::new(page_config(11)).unwrap();
    for i in 0..30u64 {
        t.advance_to(ms(10_000 * (i + 1)));
        let n = NodeId(1 + (i / 6) % 5);
        let a = match i % 6 {
            0 => Action::Crash(n),
            1 => Action::Restart(n),
            2 => Action::ClientRequest {
                op: KvOp::Put {
                    key: "b".into(),
                    value: format!("v{i}"),
                },
                via: None,
            },
            3 => Action::Partition(vec![[n, NodeId(1 + (n.0 % 5))].into()]),
            4 => Action::HealAll,
            _ => Action::ClockSkew {
                node: n,
                offset_us: -25_000,
            },
        };
        t.apply(a).unwrap();
    }
    t.advance_to(ms(300_000));
    assert_eq!(t.actions().len(), 30);
    assert!(t.now() >= ms(300_000));
    let view = LinkView {
        lang: Some("zh".into()),
        panels: vec!["settings".into(), "legend".into(), "network".into()],
        tour: None,
    };
    let link = RunLink::of_timeline(&t, view).unwrap();
    let text = link.encode();
    eprintln!(
        "5 min, {} actions, {} events: {} characters",
        t.actions().len(),
        t.head_event(),
        text.len()
    );
    assert!(text.len() <= 2_000, "{} characters", text.len());
    let opened = RunLink::decode(&text).unwrap().open().unwrap();
    assert_eq!(opened.position(), t.position());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any run the page can make, forks included, standing anywhere in
    /// it: its link decodes to the same run and view, and opens at the
    /// same position with the same fingerprint and the same world.
    #[test]
    fn a_link_reopens_the_same_run_at_the_same_place(
        seed in 0..10_000u64,
        steps in prop::collection::vec((0..800u64, any::<u8>(), any::<u64>(), any::<bool>()), 1..20),
        back_ms in 0..1_000u64,
        stop in proptest::option::of(0..9u32),
    ) {
        let mut t = page_run(seed, &steps);
        t.seek(Micros(t.now().0.saturating_sub(back_ms * 1000)));
        let view = LinkView {
            lang: Some("en".into()),
            panels: vec!["legend".into()],
            tour: stop.map(|s| ("election".to_string(), s)),
        };
        let link = RunLink::of_timeline(&t, view).unwrap();
        let back = RunLink::decode(&link.encode()).unwrap();
        prop_assert_eq!(&back, &link);
        let opened = back.open().unwrap();
        prop_assert_eq!(opened.position(), t.position());
        prop_assert_eq!(
            serde_json::to_string(&opened.world().snapshot()).unwrap(),
            serde_json::to_string(&t.world().snapshot()).unwrap()
        );
        let mut head = opened.clone();
        head.seek(head.head());
        prop_assert_eq!(
            raftlab_sim::Trace::from_timeline(&head).with_events().unwrap().fingerprint(),
            link.fingerprint
        );
    }
}

fn short_link() -> String {
    let mut t = page_run(5, &[(300, 0, 1, false), (200, 6, 0, false)]);
    t.advance_to(ms(900));
    link_of(&t).encode()
}

#[test]
fn a_cut_link_says_it_is_cut_short() {
    let text = short_link();
    let cut = &text[..text.len() - 10];
    match RunLink::decode(cut) {
        Err(e @ LinkError::Truncated { .. }) => {
            assert!(e
                .to_string()
                .starts_with("the run link is cut short: it has"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(RunLink::decode(""), Err(LinkError::Empty));
    assert_eq!(RunLink::decode("  "), Err(LinkError::Empty));
}

#[test]
fn a_changed_character_fails_the_checksum() {
    let text = short_link();
    let mut b = text.into_bytes();
    let i = b.len() / 2;
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    let e = RunLink::decode(&String::from_utf8(b).unwrap()).unwrap_err();
    assert_eq!(e, LinkError::Checksum);
    assert_eq!(
        e.to_string(),
        "the run link is damaged: its checksum does not match"
    );
}

#[test]
fn a_foreign_character_is_named() {
    let text = short_link();
    let e = RunLink::decode(&format!("{}%{}", &text[..5], &text[5..])).unwrap_err();
    assert_eq!(e, LinkError::NotALink { at: 5 });
    assert_eq!(
        e.to_string(),
        "this is not a Raftlab run link (character 5 is not allowed in one)"
    );
}

#[test]
fn a_future_version_is_refused_by_name() {
    let e = RunLink::decode(&seal(LINK_VERSION + 1, b"anything")).unwrap_err();
    assert_eq!(
        e,
        LinkError::FutureVersion {
            found: LINK_VERSION + 1,
            supported: LINK_VERSION
        }
    );
    assert!(e.to_string().contains("open it with a newer Raftlab"));
}

#[test]
fn a_sealed_but_senseless_body_is_damaged() {
    let e = RunLink::decode(&seal(LINK_VERSION, &[0xff; 12])).unwrap_err();
    assert!(matches!(e, LinkError::Damaged(_)), "{e:?}");
}

/// A link whose run replays differently (here: its fingerprint changed
/// before sealing, as a link from a Raftlab that simulates differently
/// would be) is refused, never opened as a different run.
#[test]
fn a_link_that_replays_differently_is_refused() {
    let mut t = page_run(5, &[(300, 0, 1, false)]);
    t.advance_to(ms(700));
    let mut link = link_of(&t);
    link.fingerprint ^= 1;
    let back = RunLink::decode(&link.encode()).unwrap();
    assert!(matches!(back.open(), Err(OpenError::Fingerprint { .. })));
}

/// The decoder takes mutated links without a panic; every accepted one
/// is within the limits and re-encodes to itself. CI runs a million
/// through `raftlab-sim fuzz-inputs --links 1000000` (scripts/fuzz.sh);
/// `RAFTLAB_LINK_FUZZ=N` sets how many this test tries.
#[test]
fn mutated_links_never_panic() {
    let n = std::env::var("RAFTLAB_LINK_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000u64);
    let mut m = LinkMutator::new(12);
    let stats = run(&mut m, n, &mut |_, _| {}, &mut |s| check_link(s)).unwrap();
    assert_eq!(stats.inputs, n);
    assert!(stats.accepted > 0, "no mutant reached past the checksum");
}
