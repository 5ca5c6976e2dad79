//! Entry point of the Raftlab page: a panic hook that never leaves a blank
//! page, then mount the app into `<body>` in place of `index.html`'s
//! static header.

fn main() {
    raftlab_app::page::fatal::install_panic_hook();
    leptos::mount::mount_to_body(raftlab_app::App);
    raftlab_app::shell::remove();
}
