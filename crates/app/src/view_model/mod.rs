//! Pure view models: plain functions from a [`raftlab_sim::WorldSnapshot`]
//! (and a little UI state) to positions, classes and labels. Nothing here
//! touches the DOM, so all of it is tested natively with `cargo test`.

pub mod client;
pub mod exercise;
pub mod explain;
pub mod groups;
pub mod history;
pub mod layout;
pub mod log;
pub mod message;
pub mod node;
pub mod params;
pub mod settings;
pub mod share;
pub mod spacetime;
pub mod speed;
pub mod timeline;
pub mod tour;
pub mod words;
