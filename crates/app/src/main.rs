//! Entry point of the Raftlab page: a panic hook that never leaves a blank
//! page, the run started, then mount the app into `<body>` in place of `index.html`'s
//! static header.

fn main() {
    raftlab_app::page::fatal::install_panic_hook();
    // The run starts in this task, the page is drawn in the next: one long
    // task on a phone's CPU otherwise (README, "Page weight and load").
    raftlab_app::page::start();
    leptos::prelude::set_timeout(
        || {
            leptos::mount::mount_to_body(raftlab_app::App);
            raftlab_app::shell::remove();
        },
        std::time::Duration::ZERO,
    );
}
