//! The Raftlab playground page as a library, so `tests/web.rs`
//! (wasm-bindgen-test in a browser) can mount the same `App` that `main.rs`
//! mounts.
//!
//! - [`view_model`]: pure functions from a world snapshot to what is drawn
//!   (tested natively);
//! - [`driver`]: the simulation outside the reactive graph, advanced from a
//!   `requestAnimationFrame` loop, publishing one snapshot per frame;
//! - [`page`]: the components, which only draw;
//! - [`i18n`]: every user-visible string, English and Chinese.

pub mod driver;
pub mod exercise_run;
pub mod i18n;
pub mod page;
pub mod shell;
pub mod startup;
pub mod view_model;

pub use page::Playground as App;
