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

/// One animation frame, then one task: what the page waits between its
/// mounting stages.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |ok, _| {
        let ok = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = window().set_timeout_with_callback(ok.unchecked_ref());
        });
        let _ = window().request_animation_frame(ok.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Waits (a few frames at most) until `selector` is drawn under `root`.
async fn drawn(root: &web_sys::HtmlElement, selector: &str) {
    for _ in 0..20 {
        if root.query_selector(selector).ok().flatten().is_some() {
            return;
        }
        next_frame().await;
    }
}

#[wasm_bindgen_test]
async fn app_draws_the_title_and_five_nodes() {
    let root = test_root();
    let _handle = leptos::mount::mount_to(root.clone(), raftlab_app::App);
    leptos::task::tick().await;
    // The drawing is mounted a frame after the header (README, "Page
    // weight and load").
    drawn(&root, "[data-testid=node]").await;

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

fn click(root: &web_sys::HtmlElement, testid: &str) {
    let el: web_sys::HtmlElement = root
        .query_selector(&format!("[data-testid={testid}]"))
        .expect("valid selector")
        .unwrap_or_else(|| panic!("{testid} is drawn"))
        .unchecked_into();
    el.click();
}

#[wasm_bindgen_test]
async fn the_tour_menu_starts_a_narrated_tour() {
    let root = test_root();
    let _handle = leptos::mount::mount_to(root.clone(), raftlab_app::App);
    leptos::task::tick().await;
    assert!(root
        .query_selector("[data-testid=tour-card]")
        .unwrap()
        .is_none());

    click(&root, "tour-button");
    leptos::task::tick().await;
    let picks = root
        .query_selector_all("[data-testid^=tour-start-]")
        .expect("valid selector");
    assert_eq!(
        picks.length() as usize,
        raftlab_sim::tour::BUILTIN_FILES.len()
    );

    click(&root, "tour-start-failures");
    leptos::task::tick().await;
    let card = root
        .query_selector("[data-testid=tour-card]")
        .unwrap()
        .expect("the tour card is drawn");
    assert_eq!(card.get_attribute("data-stop").as_deref(), Some("0"));
    let say = card.text_content().unwrap_or_default();
    assert!(say.contains("tolerates two failures"), "{say}");
    assert!(root
        .query_selector("[data-testid=tour-menu]")
        .unwrap()
        .is_none());

    // Skip runs the stop to its end; its checks are listed.
    click(&root, "tour-skip");
    leptos::task::tick().await;
    let card = root
        .query_selector("[data-testid=tour-card]")
        .unwrap()
        .expect("still there");
    assert_eq!(card.get_attribute("data-phase").as_deref(), Some("rest"));
    let did = card.text_content().unwrap_or_default();
    assert!(did.contains("committed 2"), "{did}");

    click(&root, "tour-end");
    leptos::task::tick().await;
    assert!(root
        .query_selector("[data-testid=tour-card]")
        .unwrap()
        .is_none());
}

/// The same seed and action log give the same trace in wasm as natively, bit
/// for bit: the reference run's fingerprint is the one the native suite pins
/// (`trace_fingerprint_is_stable` in `crates/sim/tests/world.rs`).
#[wasm_bindgen_test]
fn trace_fingerprint_matches_the_native_build() {
    use raftlab_sim::trace::{fingerprint, reference_run, REFERENCE_FINGERPRINT};
    let w = reference_run().expect("valid run");
    let f = fingerprint(&w).expect("replays");
    assert_eq!(f, REFERENCE_FINGERPRINT, "fingerprint {f:#018x}");
}
