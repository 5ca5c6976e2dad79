//! The page mounted in a real browser (headless Chromium, via
//! `wasm-bindgen-test-runner`; see `.cargo/config.toml` and `webdriver.json`).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh `<div>` appended to `<body>` to mount a component into.
fn test_root() -> web_sys::HtmlElement {
    let document = document();
    let root = document.create_element("div").expect("create div");
    document
        .body()
        .expect("document has a body")
        .append_child(&root)
        .expect("append test root");
    root.unchecked_into()
}

#[wasm_bindgen_test]
async fn app_draws_the_title_and_five_nodes() {
    let root = test_root();
    let _handle = leptos::mount::mount_to(root.clone(), raftlab_app::App);
    leptos::task::tick().await;

    let title = root
        .query_selector("[data-testid=app-title]")
        .expect("valid selector")
        .expect("title is drawn");
    assert_eq!(title.text_content().as_deref(), Some("Raftlab"));

    let nodes = root
        .query_selector_all("[data-testid=node]")
        .expect("valid selector");
    assert_eq!(nodes.length(), 5);

    let first: web_sys::Element = nodes.get(0).expect("first node").unchecked_into();
    let label = first.get_attribute("aria-label").unwrap_or_default();
    assert!(label.starts_with("node n1, "), "{label}");
}
