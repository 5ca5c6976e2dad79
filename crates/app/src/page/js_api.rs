//! `window.raftlab`: a small read-only API for tests and embedders.
//!
//! ```js
//! window.raftlab.version      // "0.1.0"
//! window.raftlab.snapshot()   // the WorldSnapshot as plain JSON-like objects
//! ```

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::driver::Ui;

/// Installs `window.raftlab`.
pub fn install(ui: Ui) {
    let api = js_sys::Object::new();
    let snapshot = Closure::<dyn Fn() -> JsValue>::new(move || {
        let snap = ui.snapshot.get_untracked();
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        serde::Serialize::serialize(&*snap, &ser).unwrap_or(JsValue::NULL)
    });
    let _ = js_sys::Reflect::set(&api, &"snapshot".into(), snapshot.as_ref());
    let _ = js_sys::Reflect::set(&api, &"version".into(), &env!("CARGO_PKG_VERSION").into());
    let _ = js_sys::Object::freeze(&api);
    let _ = js_sys::Reflect::set(&window(), &"raftlab".into(), &api);
    // The API lives as long as the page.
    snapshot.forget();
}
