//! The replicated key-value store: Maelstrom lin-kv semantics and
//! exactly-once client sessions.

use proptest::prelude::*;
use raftlab_sim::kv::{ClientId, KvCommand, KvError, KvOp, KvResult, KvStore};

fn put(key: &str, value: &str) -> KvOp {
    KvOp::Put {
        key: key.into(),
        value: value.into(),
    }
}

fn get(key: &str) -> KvOp {
    KvOp::Get { key: key.into() }
}

fn append(key: &str, value: &str) -> KvOp {
    KvOp::Append {
        key: key.into(),
        value: value.into(),
    }
}

fn cas(key: &str, from: &str, to: &str) -> KvOp {
    KvOp::Cas {
        key: key.into(),
        from: from.into(),
        to: to.into(),
    }
}

fn cmd(client: u64, seq: u64, op: KvOp) -> KvCommand {
    KvCommand {
        client: ClientId(client),
        seq,
        op,
    }
}

fn value(v: &str) -> KvResult {
    KvResult::Value(v.into())
}

#[test]
fn get_of_missing_key_is_error_20() {
    let mut kv = KvStore::new();
    let r = kv.apply(&cmd(1, 1, get("x")));
    assert_eq!(r, KvResult::Error(KvError::KeyDoesNotExist));
    assert_eq!(KvError::KeyDoesNotExist.code(), 20);
}

#[test]
fn put_then_get_reads_the_value() {
    let mut kv = KvStore::new();
    assert_eq!(kv.apply(&cmd(1, 1, put("x", "1"))), KvResult::Ok);
    assert_eq!(kv.apply(&cmd(1, 2, get("x"))), value("1"));
    assert_eq!(kv.apply(&cmd(2, 1, put("x", "2"))), KvResult::Ok);
    assert_eq!(kv.get("x"), Some("2"));
    assert_eq!(kv.applied_ops, 3);
}

#[test]
fn append_creates_and_extends() {
    let mut kv = KvStore::new();
    assert_eq!(kv.apply(&cmd(1, 1, append("x", "a"))), KvResult::Ok);
    assert_eq!(kv.apply(&cmd(1, 2, append("x", "b"))), KvResult::Ok);
    assert_eq!(kv.get("x"), Some("ab"));
}

#[test]
fn cas_swaps_only_on_match() {
    let mut kv = KvStore::new();
    assert_eq!(
        kv.apply(&cmd(1, 1, cas("x", "1", "2"))),
        KvResult::Error(KvError::KeyDoesNotExist)
    );
    kv.apply(&cmd(1, 2, put("x", "1")));
    let failed = kv.apply(&cmd(1, 3, cas("x", "5", "2")));
    assert_eq!(
        failed,
        KvResult::Error(KvError::PreconditionFailed {
            current: "1".into()
        })
    );
    if let KvResult::Error(e) = &failed {
        assert_eq!(e.code(), 22);
    }
    assert_eq!(kv.get("x"), Some("1"));
    assert_eq!(kv.apply(&cmd(1, 4, cas("x", "1", "2"))), KvResult::Ok);
    assert_eq!(kv.get("x"), Some("2"));
}

#[test]
fn display_matches_script_spelling() {
    assert_eq!(put("x", "1").to_string(), "put x 1");
    assert_eq!(get("x").to_string(), "get x");
    assert_eq!(append("x", "ab").to_string(), "append x ab");
    assert_eq!(cas("x", "1", "2").to_string(), "cas x 1 2");
    assert_eq!(ClientId(1).to_string(), "c1");
    assert_eq!(KvResult::Ok.to_string(), "ok");
    assert_eq!(value("3").to_string(), "value 3");
    assert!(KvResult::Error(KvError::KeyDoesNotExist)
        .to_string()
        .contains("20"));
    assert_eq!(cas("k", "a", "b").key(), "k");
    assert!(get("x").is_read());
    assert!(!append("x", "a").is_read());
}

/// A retried command that was committed twice is applied once and the retry
/// gets the first copy's answer. Reference: Raft thesis §6.3.
#[test]
fn duplicate_command_is_applied_once() {
    let mut kv = KvStore::new();
    let c = cmd(1, 1, append("x", "a"));
    assert_eq!(kv.apply(&c), KvResult::Ok);
    assert_eq!(kv.apply(&c), KvResult::Ok);
    assert_eq!(kv.get("x"), Some("a"));
    assert_eq!(kv.applied_ops, 1);
}

/// The cached result is the original one even if the state changed since.
/// Reference: Raft thesis §6.3.
#[test]
fn retry_returns_cached_result_not_a_fresh_one() {
    let mut kv = KvStore::new();
    kv.apply(&cmd(1, 1, put("x", "1")));
    let first = kv.apply(&cmd(1, 2, cas("x", "1", "2")));
    assert_eq!(first, KvResult::Ok);
    kv.apply(&cmd(2, 1, put("x", "1")));
    // Re-executing would succeed again; the session must answer instead.
    assert_eq!(kv.apply(&cmd(1, 2, cas("x", "1", "2"))), KvResult::Ok);
    assert_eq!(kv.get("x"), Some("1"));
}

#[test]
fn stale_command_with_lower_seq_is_ignored() {
    let mut kv = KvStore::new();
    kv.apply(&cmd(1, 1, put("x", "old")));
    kv.apply(&cmd(1, 2, put("x", "new")));
    kv.apply(&cmd(1, 1, put("x", "old")));
    assert_eq!(kv.get("x"), Some("new"));
    assert_eq!(kv.applied_ops, 2);
}

#[test]
fn sessions_are_per_client() {
    let mut kv = KvStore::new();
    kv.apply(&cmd(1, 1, append("x", "a")));
    kv.apply(&cmd(2, 1, append("x", "b")));
    assert_eq!(kv.get("x"), Some("ab"));
}

#[test]
fn apply_read_does_not_touch_sessions() {
    let mut kv = KvStore::new();
    kv.apply(&cmd(1, 1, put("x", "1")));
    let before = kv.clone();
    assert_eq!(kv.apply_read(&get("x")), value("1"));
    assert_eq!(
        kv.apply_read(&get("y")),
        KvResult::Error(KvError::KeyDoesNotExist)
    );
    assert_eq!(kv, before);
}

/// Sessions travel with the snapshot, so a replica restored from it still
/// deduplicates retries.
#[test]
fn snapshot_round_trip_keeps_sessions() {
    let mut kv = KvStore::new();
    kv.apply(&cmd(1, 1, put("x", "1")));
    kv.apply(&cmd(7, 3, append("y", "ab")));
    let bytes = kv.to_bytes();
    let mut restored = KvStore::from_bytes(&bytes).expect("round trip");
    assert_eq!(restored, kv);
    restored.apply(&cmd(7, 3, append("y", "ab")));
    assert_eq!(restored.get("y"), Some("ab"));
    assert_eq!(restored.to_bytes(), bytes);
}

#[test]
fn from_bytes_rejects_garbage() {
    let err = KvStore::from_bytes(b"not json").unwrap_err();
    assert!(err.contains("bad kv snapshot"), "{err}");
}

fn arb_op() -> impl Strategy<Value = KvOp> {
    let key = || prop::sample::select(vec!["x", "y"]);
    let val = || prop::sample::select(vec!["1", "2", "a"]);
    prop_oneof![
        key().prop_map(get),
        (key(), val()).prop_map(|(k, v)| put(k, v)),
        (key(), val()).prop_map(|(k, v)| append(k, v)),
        (key(), val(), val()).prop_map(|(k, f, t)| cas(k, f, t)),
    ]
}

proptest! {
    /// Committing every command any number of times, with duplicates of
    /// earlier commands interleaved, gives the same store and the same
    /// answers as committing each once.
    #[test]
    fn duplicates_are_invisible(
        ops in prop::collection::vec((0u64..3, arb_op()), 0..40),
        dups in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3), 0..40),
    ) {
        let mut next_seq = [0u64; 3];
        let cmds: Vec<KvCommand> = ops
            .into_iter()
            .map(|(c, op)| {
                next_seq[c as usize] += 1;
                cmd(c, next_seq[c as usize], op)
            })
            .collect();

        let mut once = KvStore::new();
        let answers: Vec<KvResult> = cmds.iter().map(|c| once.apply(c)).collect();

        let mut twice = KvStore::new();
        for (i, c) in cmds.iter().enumerate() {
            prop_assert_eq!(&twice.apply(c), &answers[i]);
            // Replay the command again, plus some earlier ones.
            prop_assert_eq!(&twice.apply(c), &answers[i]);
            for (idx, _) in dups.iter().filter(|(_, at)| *at == i % 3) {
                let j = idx.index(i + 1);
                twice.apply(&cmds[j]);
            }
        }
        prop_assert_eq!(twice, once);
    }
}

#[test]
fn an_ops_text_is_what_display_prints() {
    for op in [
        get("a"),
        put("a", "7"),
        append("key", ""),
        cas("b", "1", "22"),
        cas("", "", ""),
    ] {
        assert_eq!(op.text(), op.to_string());
    }
}
