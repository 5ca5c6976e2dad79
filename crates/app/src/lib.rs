//! The Raftlab page as a library, so `tests/web.rs` (wasm-bindgen-test in a
//! browser) can mount the same `App` that `main.rs` mounts.

mod app;

pub use app::{ring_position, App, NodeView};
