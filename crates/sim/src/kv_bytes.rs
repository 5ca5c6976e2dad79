//! The bytes of a [`KvStore`] snapshot, written and read by hand.
//!
//! The format is the compact JSON `serde_json` gives for the store's derived
//! `Serialize` (a test holds the two byte for byte), so snapshots, their
//! sizes and every run that takes one are unchanged; writing it here keeps
//! `serde_json`'s parser and formatter out of the page's wasm, which never
//! reads any other JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::kv::{ClientId, KvError, KvResult, KvStore, Session};

impl KvStore {
    /// Serializes the whole state, sessions included, for a Raft snapshot.
    /// The sessions must travel with the data, or a replica restored from a
    /// snapshot would apply a retried command a second time.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode(self)
    }

    /// Restores a state serialized by [`KvStore::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        decode(bytes).map_err(|e| format!("bad kv snapshot: {e}"))
    }
}

/// `store` as compact JSON.
fn encode(store: &KvStore) -> Vec<u8> {
    let mut out = String::with_capacity(64 + 16 * store.data.len());
    out.push_str("{\"data\":{");
    for (i, (k, v)) in store.data.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(&mut out, k);
        out.push(':');
        string(&mut out, v);
    }
    out.push_str("},\"sessions\":{");
    for (i, (client, session)) in store.sessions.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "\"{}\":{{\"last_seq\":{},\"last_result\":",
            client.0, session.last_seq
        );
        result(&mut out, &session.last_result);
        out.push('}');
    }
    let _ = write!(out, "}},\"applied_ops\":{}}}", store.applied_ops);
    out.into_bytes()
}

fn result(out: &mut String, r: &KvResult) {
    match r {
        KvResult::Ok => out.push_str("\"Ok\""),
        KvResult::Value(v) => {
            out.push_str("{\"Value\":");
            string(out, v);
            out.push('}');
        }
        KvResult::Error(KvError::KeyDoesNotExist) => {
            out.push_str("{\"Error\":\"KeyDoesNotExist\"}");
        }
        KvResult::Error(KvError::PreconditionFailed { current }) => {
            out.push_str("{\"Error\":{\"PreconditionFailed\":{\"current\":");
            string(out, current);
            out.push_str("}}}");
        }
    }
}

/// A JSON string, escaped as `serde_json` escapes it.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Reads what [`encode`] wrote; anything else is an error saying where.
fn decode(bytes: &[u8]) -> Result<KvStore, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut r = Reader { s: text, at: 0 };
    let mut store = KvStore::default();
    r.eat("{\"data\":{")?;
    while !r.peek('}') {
        if !store.data.is_empty() {
            r.eat(",")?;
        }
        let k = r.string()?;
        r.eat(":")?;
        let v = r.string()?;
        store.data.insert(k, v);
    }
    r.eat("},\"sessions\":{")?;
    let mut sessions = BTreeMap::new();
    while !r.peek('}') {
        if !sessions.is_empty() {
            r.eat(",")?;
        }
        let client = r.string()?;
        let client = client.parse().map_err(|_| r.error("a client number"))?;
        r.eat(":{\"last_seq\":")?;
        let last_seq = r.number()?;
        r.eat(",\"last_result\":")?;
        let last_result = r.result()?;
        r.eat("}")?;
        sessions.insert(
            ClientId(client),
            Session {
                last_seq,
                last_result,
            },
        );
    }
    store.sessions = sessions;
    r.eat("},\"applied_ops\":")?;
    store.applied_ops = r.number()?;
    r.eat("}")?;
    if r.at != r.s.len() {
        return Err(r.error("the end"));
    }
    Ok(store)
}

struct Reader<'a> {
    s: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn error(&self, wanted: &str) -> String {
        format!("expected {wanted} at byte {}", self.at)
    }

    fn peek(&self, c: char) -> bool {
        self.s[self.at..].starts_with(c)
    }

    fn eat(&mut self, lit: &str) -> Result<(), String> {
        if self.s[self.at..].starts_with(lit) {
            self.at += lit.len();
            Ok(())
        } else {
            Err(self.error(&format!("`{lit}`")))
        }
    }

    fn number(&mut self) -> Result<u64, String> {
        let digits = self.s[self.at..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let n = self.s[self.at..self.at + digits]
            .parse()
            .map_err(|_| self.error("a number"))?;
        self.at += digits;
        Ok(n)
    }

    fn result(&mut self) -> Result<KvResult, String> {
        if self.eat("\"Ok\"").is_ok() {
            return Ok(KvResult::Ok);
        }
        if self.eat("{\"Value\":").is_ok() {
            let v = self.string()?;
            self.eat("}")?;
            return Ok(KvResult::Value(v));
        }
        self.eat("{\"Error\":")?;
        if self.eat("\"KeyDoesNotExist\"}").is_ok() {
            return Ok(KvResult::Error(KvError::KeyDoesNotExist));
        }
        self.eat("{\"PreconditionFailed\":{\"current\":")?;
        let current = self.string()?;
        self.eat("}}}")?;
        Ok(KvResult::Error(KvError::PreconditionFailed { current }))
    }

    fn string(&mut self) -> Result<String, String> {
        self.eat("\"")?;
        let mut out = String::new();
        let s = self.s;
        let mut chars = s[self.at..].char_indices();
        loop {
            let Some((i, c)) = chars.next() else {
                return Err(self.error("a closing quote"));
            };
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(out);
                }
                '\\' => {
                    let e = chars.next().map(|(_, e)| e);
                    out.push(match e {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('t') => '\t',
                        Some('n') => '\n',
                        Some('f') => '\u{c}',
                        Some('r') => '\r',
                        Some('u') => {
                            let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                            u32::from_str_radix(&hex, 16)
                                .ok()
                                .filter(|_| hex.len() == 4)
                                .and_then(char::from_u32)
                                .ok_or_else(|| self.error("a \\u escape below 0xD800"))?
                        }
                        _ => return Err(self.error("an escape")),
                    });
                }
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9]{0,6}",
            any::<String>(),
            "[\"\\\\\u{0}-\u{1f}\u{7f}é中/]{0,8}",
        ]
    }

    fn kv_result() -> impl Strategy<Value = KvResult> {
        prop_oneof![
            Just(KvResult::Ok),
            text().prop_map(KvResult::Value),
            Just(KvResult::Error(KvError::KeyDoesNotExist)),
            text().prop_map(|current| KvResult::Error(KvError::PreconditionFailed { current })),
        ]
    }

    fn store() -> impl Strategy<Value = KvStore> {
        (
            prop::collection::btree_map(text(), text(), 0..6),
            prop::collection::btree_map(any::<u64>(), (any::<u64>(), kv_result()), 0..5),
            any::<u64>(),
        )
            .prop_map(|(data, sessions, applied_ops)| KvStore {
                data,
                sessions: sessions
                    .into_iter()
                    .map(|(c, (last_seq, last_result))| {
                        (
                            ClientId(c),
                            Session {
                                last_seq,
                                last_result,
                            },
                        )
                    })
                    .collect(),
                applied_ops,
            })
    }

    proptest! {
        /// The hand-written bytes are serde_json's, so snapshot sizes and
        /// every run stay what they were; and they read back.
        #[test]
        fn bytes_are_serde_jsons_and_read_back(s in store()) {
            let bytes = encode(&s);
            prop_assert_eq!(
                String::from_utf8(bytes.clone()).unwrap(),
                serde_json::to_string(&s).unwrap()
            );
            prop_assert_eq!(decode(&bytes).unwrap(), s);
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let mut s = KvStore::default();
        s.data.insert("x".into(), "1".into());
        s.sessions.insert(
            ClientId(3),
            Session {
                last_seq: 2,
                last_result: KvResult::Value("a\"b".into()),
            },
        );
        let bytes = encode(&s);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert!(decode(b"{\"data\":{}} trailing").is_err());
        assert!(decode(&[0xff, 0xfe]).is_err());
    }
}
