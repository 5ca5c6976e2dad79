//! `window.raftlab`: the embed API's commands for scripts and tests inside
//! the page (the same commands a host page sends by `postMessage`, see
//! `embed.rs`), plus the snapshot.
//!
//! ```js
//! window.raftlab.version          // "0.1.0"
//! window.raftlab.protocol         // 1, the embed protocol's version
//! window.raftlab.snapshot()       // the WorldSnapshot as plain JSON-like objects
//! window.raftlab.link()           // the current run's address (a run link)
//! window.raftlab.fingerprint()    // its trace fingerprint, 16 hex digits
//! window.raftlab.act({action: "crash", node: "leader"})
//! window.raftlab.play(); pause(); step(); seek(ms); setSpeed(x)
//! window.raftlab.load(link); startTour(id, stop); getState(); setState(s)
//! window.raftlab.trace()          // the run as the CLI's JSON trace
//! window.raftlab.importTrace(text)
//! ```
//! Each call throws an `Error` with the reason when it is refused.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::driver::Ui;
use crate::page::embed::command;
use crate::page::share::Share;
use crate::view_model::share::PROTOCOL_VERSION;

fn msg(cmd: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"cmd".into(), &cmd.into());
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// Installs `window.raftlab`.
pub fn install(ui: Ui, share: Share) {
    let api = js_sys::Object::new();
    let snapshot = Closure::<dyn Fn() -> JsValue>::new(move || {
        let snap = ui.snapshot.get_untracked();
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        serde::Serialize::serialize(&*snap, &ser).unwrap_or(JsValue::NULL)
    });
    let _ = js_sys::Reflect::set(&api, &"snapshot".into(), snapshot.as_ref());
    // The API lives as long as the page.
    snapshot.forget();
    type Build = fn(JsValue, JsValue) -> JsValue;
    let methods: [(&str, Build); 14] = [
        ("play", |_, _| msg("play", &[])),
        ("pause", |_, _| msg("pause", &[])),
        ("step", |_, _| msg("step", &[])),
        ("seek", |a, _| msg("seek", &[("ms", a)])),
        ("setSpeed", |a, _| msg("speed", &[("value", a)])),
        ("act", |a, _| {
            let o = js_sys::Object::assign(&js_sys::Object::new(), &a.into());
            let _ = js_sys::Reflect::set(&o, &"cmd".into(), &"act".into());
            o.into()
        }),
        ("load", |a, _| msg("load", &[("link", a)])),
        ("startTour", |a, b| msg("tour", &[("tour", a), ("stop", b)])),
        ("getState", |_, _| msg("get", &[])),
        ("setState", |a, _| msg("set", &[("state", a)])),
        ("link", |_, _| msg("link", &[])),
        ("fingerprint", |_, _| msg("fingerprint", &[])),
        ("trace", |_, _| msg("trace", &[])),
        ("importTrace", |a, _| msg("import", &[("text", a)])),
    ];
    for (name, build) in methods {
        let f = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
            move |a: JsValue, b: JsValue| {
                command(ui, share, &build(a, b)).map_err(|e| js_sys::Error::new(&e).into())
            },
        );
        let _ = js_sys::Reflect::set(&api, &name.into(), f.as_ref());
        f.forget();
    }
    let _ = js_sys::Reflect::set(&api, &"version".into(), &env!("CARGO_PKG_VERSION").into());
    let _ = js_sys::Reflect::set(&api, &"protocol".into(), &PROTOCOL_VERSION.into());
    let _ = js_sys::Object::freeze(&api);
    let _ = js_sys::Reflect::set(&window(), &"raftlab".into(), &api);
}
