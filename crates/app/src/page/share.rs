//! Handing a run on (issue 12): "Copy link", trace export and import (file
//! picker, drag and drop, paste), and the banner that says what a link or
//! a trace did. The encoding is `raftlab_sim::link`; the words are in
//! `view_model/share.rs`.

use leptos::prelude::*;
use raftlab_core::Micros;
use raftlab_sim::config::MAX_NODES_PAGE;
use raftlab_sim::link::{LinkError, LinkView, OpenError, RunLink};
use raftlab_sim::trace::{ReplayError, TRACE_MAX_BYTES};
use raftlab_sim::{Trace, TraceError};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::driver::Ui;
use crate::i18n::{Lang, K};
use crate::view_model::share::{
    link_error, open_error, panel_name, panel_testid, replay_error, run_url, trace_error,
};
use crate::view_model::words::time_label;

/// Why a run link was not opened.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkProblem {
    /// It could not be read.
    Decode(LinkError),
    /// It could not be replayed as its author's run.
    Open(OpenError),
}

/// Why a trace was not opened.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportProblem {
    /// The file is not a good trace.
    Trace(TraceError),
    /// Its run cannot be replayed.
    Replay(ReplayError),
    /// More nodes than the page draws.
    TooManyNodes(usize),
}

/// What the banner says.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A run link was opened.
    LinkOpened,
    /// A run link was refused; the default page is shown.
    LinkRefused(LinkProblem),
    /// A trace was opened.
    Imported {
        /// Its actions.
        actions: usize,
        /// Where it ends.
        until: Micros,
    },
    /// A trace was refused.
    ImportRefused(ImportProblem),
}

impl Notice {
    fn words(&self, lang: Lang) -> String {
        match self {
            Notice::LinkOpened => lang.t(K::LinkOpened).to_string(),
            Notice::LinkRefused(p) => {
                let why = match p {
                    LinkProblem::Decode(e) => link_error(lang, e),
                    LinkProblem::Open(e) => open_error(lang, e),
                };
                lang.f(K::LinkRefused, &[("why", &why)])
            }
            Notice::Imported { actions, until } => lang.f(
                K::ImportDone,
                &[("actions", actions), ("time", &time_label(*until))],
            ),
            Notice::ImportRefused(p) => {
                let why = match p {
                    ImportProblem::Trace(e) => trace_error(lang, e),
                    ImportProblem::Replay(e) => replay_error(lang, e),
                    ImportProblem::TooManyNodes(n) => lang.f(
                        K::TraceTooManyNodes,
                        &[("nodes", n), ("max", &MAX_NODES_PAGE)],
                    ),
                };
                lang.f(K::ImportRefused, &[("why", &why)])
            }
        }
    }

    fn is_error(&self) -> bool {
        matches!(self, Notice::LinkRefused(_) | Notice::ImportRefused(_))
    }
}

/// The share controls' state, shared by the bar, the banner and the embed
/// API. `Copy`, like [`Ui`].
#[derive(Clone, Copy)]
pub struct Share {
    /// What the banner says, if anything.
    pub notice: RwSignal<Option<Notice>>,
    /// The last link made by "Copy link", shown for copying by hand.
    pub last_link: RwSignal<Option<String>>,
    /// Whether the clipboard took it.
    pub copied: RwSignal<Option<bool>>,
    /// The import dialog is open.
    pub import_open: RwSignal<bool>,
    /// A file is being dragged over the page.
    pub dragging: RwSignal<bool>,
    /// The share menu is open.
    pub menu_open: RwSignal<bool>,
}

impl Share {
    /// New, empty state.
    pub fn new() -> Share {
        Share {
            notice: RwSignal::new(None),
            last_link: RwSignal::new(None),
            copied: RwSignal::new(None),
            import_open: RwSignal::new(false),
            dragging: RwSignal::new(false),
            menu_open: RwSignal::new(false),
        }
    }

    /// Shows a refusal in the banner and returns its words as the error,
    /// for callers (the embed API) that answer with them.
    fn refuse(self, lang: Lang, n: Notice) -> Result<(), String> {
        let words = n.words(lang);
        self.notice.set(Some(n));
        Err(words)
    }
}

impl Default for Share {
    fn default() -> Self {
        Share::new()
    }
}

/// The page's `<details>` panels that a link can open or close.
fn panel_elements() -> Vec<web_sys::Element> {
    let Ok(list) = document().query_selector_all("details.panel[data-testid]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .collect()
}

/// The panels open now, by name: every `.panel[data-testid]` that is open
/// (a `<details>` with `open`). Panels that are always shown are not
/// listed; the set is open, so new `<details class="panel">` panels join.
pub fn open_panels() -> Vec<String> {
    let mut v = Vec::new();
    for el in panel_elements() {
        if el.has_attribute("open") {
            if let Some(id) = el.get_attribute("data-testid") {
                v.push(panel_name(&id).to_string());
            }
        }
    }
    // The dock's chosen tab, as `tab:<id>` (`dock-tab-<id>`).
    if let Ok(Some(tab)) =
        document().query_selector("[data-testid=dock] [role=tab][aria-selected=true]")
    {
        if let Some(id) = tab.get_attribute("id") {
            if let Some(id) = id.strip_prefix("dock-tab-") {
                v.push(format!("{DOCK_TAB}{id}"));
            }
        }
    }
    v
}

/// How a link names the dock's chosen tab among its panels.
const DOCK_TAB: &str = "tab:";

/// Chooses the dock's tab a link names, once the dock is drawn (it mounts
/// a few frames after the page opens): tries again for up to ~2 s.
fn choose_dock_tab(id: String, tries: u32) {
    let found = document()
        .query_selector(&format!("#dock-tab-{id}"))
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match found {
        Some(button) => button.click(),
        None if tries > 0 => request_animation_frame(move || choose_dock_tab(id, tries - 1)),
        None => {}
    }
}

/// Opens exactly the named `<details>` panels (unknown names are ignored).
pub fn set_open_panels(names: &[String]) {
    apply_panels_when_drawn(names.to_vec(), 120);
}

/// The panels mount a few frames after the page opens (the dock and the
/// time views last, in tasks of their own): waits up to ~2 s for the
/// page's last stage, then opens them.
fn apply_panels_when_drawn(names: Vec<String>, tries: u32) {
    let drawn = document()
        .query_selector("[data-testid=playground][data-mounted]")
        .ok()
        .flatten()
        .is_some();
    if !drawn && tries > 0 {
        request_animation_frame(move || apply_panels_when_drawn(names, tries - 1));
        return;
    }
    let names = &names;
    if let Some(id) = names.iter().find_map(|n| n.strip_prefix(DOCK_TAB)) {
        // Ids are the dock's own (letters only); anything else is ignored.
        if id.bytes().all(|b| b.is_ascii_lowercase()) && !id.is_empty() && id.len() <= 16 {
            choose_dock_tab(id.to_string(), 120);
        }
    }
    for el in panel_elements() {
        let id = el.get_attribute("data-testid").unwrap_or_default();
        let open = names.iter().any(|n| panel_testid(n) == id);
        let _ = if open {
            el.set_attribute("open", "")
        } else {
            el.remove_attribute("open")
        };
    }
}

/// What the page shows besides the run: language, open panels, tour stop.
pub fn current_view(ui: Ui) -> LinkView {
    let tour = ui.tour.get_untracked().and_then(|t| {
        ui.tours.with_untracked(|all| {
            all.as_ref()
                .and_then(|all| all.as_ref().ok())
                .and_then(|all| all.get(t.tour))
                .map(|tour| (tour.id.clone(), t.stop as u32))
        })
    });
    LinkView {
        lang: Some(ui.lang.get_untracked().tag().to_string()),
        panels: open_panels(),
        tour,
    }
}

/// The current run's link text (costs one replay, for the fingerprint).
pub fn current_link(ui: Ui) -> Result<String, String> {
    let view = current_view(ui);
    ui.with_timeline(|t| RunLink::of_timeline(t, view).map(|l| l.encode()))
        .ok_or_else(|| "no run".to_string())?
        .map_err(|e| e.to_string())
}

/// The current run's trace fingerprint (its branch up to its head).
pub fn current_fingerprint(ui: Ui) -> Result<u64, String> {
    ui.with_timeline(|t| {
        Trace::from_timeline(t)
            .with_events()
            .map(|t| t.fingerprint())
    })
    .ok_or_else(|| "no run".to_string())?
    .map_err(|e| e.to_string())
}

/// The page's address without query or fragment.
pub fn page_base() -> String {
    let loc = window().location();
    format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    )
}

/// The current run's full address.
pub fn current_url(ui: Ui) -> Result<String, String> {
    Ok(run_url(&page_base(), &current_link(ui)?))
}

/// Opens a run link: its tour at its stop, or its run replayed and
/// checked against its fingerprint, paused where its author stood; then
/// its language and panels. A refused link changes nothing but the
/// banner, and the error is returned too.
pub fn open_link(ui: Ui, share: Share, text: &str) -> Result<(), String> {
    let lang = ui.lang.get_untracked();
    let refuse = |p| share.refuse(lang, Notice::LinkRefused(p));
    let link = match RunLink::decode(text) {
        Ok(l) => l,
        Err(e) => return refuse(LinkProblem::Decode(e)),
    };
    // A link at a tour stop reopens the tour there (its texts may still be
    // on their way: `load_tours` starts it when they come).
    let tour = link
        .view
        .tour
        .as_ref()
        .filter(|(id, _)| is_builtin_tour(id));
    match tour {
        Some((id, stop)) => ui.load_tours(Some((id.clone(), *stop as usize))),
        None => match link.open() {
            Ok(t) => ui.open_run(t),
            Err(e) => return refuse(LinkProblem::Open(e)),
        },
    }
    if let Some(l) = link.view.lang.as_deref().and_then(Lang::parse) {
        ui.lang.set(l);
    }
    let panels = link.view.panels.clone();
    request_animation_frame(move || set_open_panels(&panels));
    share.notice.set(Some(Notice::LinkOpened));
    Ok(())
}

/// Opens a trace's text: checked, replayed, paused at its end. A refused
/// trace changes nothing but the banner; the error is returned too.
pub fn import_trace(ui: Ui, share: Share, text: &str) -> Result<(), String> {
    let lang = ui.lang.get_untracked();
    let refuse = |p| share.refuse(lang, Notice::ImportRefused(p));
    let trace = match Trace::from_json(text) {
        Ok(t) => t,
        Err(e) => return refuse(ImportProblem::Trace(e)),
    };
    if trace.config.nodes > MAX_NODES_PAGE {
        return refuse(ImportProblem::TooManyNodes(trace.config.nodes));
    }
    match trace.replay() {
        Ok(t) => {
            ui.open_run(t);
            share.import_open.set(false);
            share.notice.set(Some(Notice::Imported {
                actions: trace.actions.len(),
                until: trace.until,
            }));
            Ok(())
        }
        Err(e) => refuse(ImportProblem::Replay(e)),
    }
}

/// A file name for the current run's trace.
fn trace_file_name(ui: Ui) -> String {
    let seed = ui.config.with_untracked(|c| c.seed);
    let ms = ui.snapshot.with_untracked(|s| s.now.0 / 1000);
    format!("raftlab-seed{seed}-{ms}ms.json")
}

/// Downloads the current run as the CLI's JSON trace.
pub fn export_trace(ui: Ui) {
    let Some(json) = ui.with_timeline(|t| Trace::from_timeline(t).to_json()) else {
        return;
    };
    let parts = js_sys::Array::of1(&json.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", &trace_file_name(ui));
        if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Reads a file the user picked or dropped, then imports it.
fn read_file(ui: Ui, share: Share, file: web_sys::File) {
    if file.size() > TRACE_MAX_BYTES as f64 {
        let n = Notice::ImportRefused(ImportProblem::Trace(TraceError::TooLarge));
        share.notice.set(Some(n));
        return;
    }
    let Ok(reader) = web_sys::FileReader::new() else {
        return;
    };
    let r = reader.clone();
    let done = Closure::once_into_js(move || match r.result().ok().and_then(|v| v.as_string()) {
        Some(text) => {
            let _ = import_trace(ui, share, &text);
        }
        None => {
            let e = TraceError::Io("the browser could not read the file".into());
            share
                .notice
                .set(Some(Notice::ImportRefused(ImportProblem::Trace(e))));
        }
    });
    reader.set_onloadend(Some(done.unchecked_ref()));
    let _ = reader.read_as_text(&file);
}

/// Copies the current run's address to the clipboard (and shows it).
pub fn copy_link(ui: Ui, share: Share) {
    let url = match current_url(ui) {
        Ok(u) => u,
        Err(_) => return,
    };
    share.last_link.set(Some(url.clone()));
    share.copied.set(None);
    share.menu_open.set(true);
    let clipboard = window().navigator().clipboard();
    let ok =
        Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| share.copied.set(Some(true)));
    let bad =
        Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| share.copied.set(Some(false)));
    let _ = clipboard.write_text(&url).then2(&ok, &bad);
    // One small pair per copy, kept until the page goes.
    ok.forget();
    bad.forget();
}

fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "SUMMARY"
            )
        })
}

/// "Copy link", "Export trace", "Import trace", with the copied link shown
/// for copying by hand; key S copies too. Files dropped anywhere on the
/// page are imported.
#[component]
pub fn ShareBar(ui: Ui, share: Share) -> impl IntoView {
    let t = move |k| ui.lang.get().t(k);
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            share.menu_open.set(false);
            share.import_open.set(false);
        }
        if ev.key() == "s" && !(ev.ctrl_key() || ev.meta_key() || ev.alt_key()) && !typing(&ev) {
            ev.prevent_default();
            copy_link(ui, share);
        }
    });
    let over = window_event_listener(leptos::ev::dragover, move |ev| {
        let files = ev
            .data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0));
        if files {
            ev.prevent_default();
            share.dragging.set(true);
        }
    });
    let leave = window_event_listener(leptos::ev::dragleave, move |_| share.dragging.set(false));
    let drop = window_event_listener(leptos::ev::drop, move |ev| {
        share.dragging.set(false);
        let file = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0));
        if let Some(file) = file {
            ev.prevent_default();
            read_file(ui, share, file);
        }
    });
    on_cleanup(move || {
        keys.remove();
        over.remove();
        leave.remove();
        drop.remove();
    });
    let open = share.menu_open;
    view! {
        <div class="share-menu">
            <button class="share-toggle" data-testid="share-button" aria-haspopup="true"
                aria-expanded=move || if open.get() { "true" } else { "false" } aria-controls="share-pop"
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || t(K::ShareButton)} " ▾"
            </button>
            {move || open.get().then(|| view! {
                <div id="share-pop" class="share-pop" role="group" aria-label=move || t(K::ShareHeading) data-testid="share-bar">
                    <div class="share-actions">
                        <button data-testid="share-copy" title=move || t(K::ShareCopyTitle) on:click=move |_| copy_link(ui, share)>
                            {move || t(K::ShareCopy)} " (S)"
                        </button>
                        <button data-testid="share-export" title=move || t(K::ShareExportTitle) on:click=move |_| export_trace(ui)>
                            "⤓ " {move || t(K::ShareExport)}
                        </button>
                        <button data-testid="share-import" title=move || t(K::ShareImportTitle) on:click=move |_| {
                            open.set(false);
                            share.import_open.set(true);
                        }>
                            "⤒ " {move || t(K::ShareImport)}
                        </button>
                    </div>
                    {move || share.last_link.get().map(|url| view! {
                        <div class="share-copied" role="status" data-testid="share-status">
                            <span>{move || match share.copied.get() {
                                Some(true) => t(K::ShareCopied),
                                _ => t(K::ShareCopyByHand),
                            }}</span>
                            <input readonly data-testid="share-link" aria-label=move || t(K::ShareLinkLabel) prop:value=url
                                on:focus=move |ev| {
                                    if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                        i.select();
                                    }
                                } />
                        </div>
                    })}
                </div>
            })}
        </div>
        <ImportDialog ui=ui share=share />
        {move || share.dragging.get().then(|| view! {
            <div class="drop-veil" data-testid="drop-veil" aria-hidden="true">{t(K::ImportDrop)}</div>
        })}
    }
}

/// The import dialog: a file picker and a paste box.
#[component]
fn ImportDialog(ui: Ui, share: Share) -> impl IntoView {
    let t = move |k| ui.lang.get().t(k);
    let text = RwSignal::new(String::new());
    let on_file = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        if let Some(file) = file {
            read_file(ui, share, file);
        }
    };
    let open_pasted = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let s = text.get_untracked();
        let s = s.trim();
        // A pasted run link (or its address) opens as a link.
        let link = s
            .split_once("run=")
            .map(|(_, l)| l.split(['&', '#']).next().unwrap_or(""))
            .or((!s.starts_with('{')).then_some(s));
        let ok = match link {
            Some(l) => open_link(ui, share, l),
            None => import_trace(ui, share, s),
        };
        if ok.is_ok() {
            share.import_open.set(false);
            text.set(String::new());
        }
    };
    Effect::new(move |_| {
        if share.import_open.get() {
            request_animation_frame(|| {
                if let Some(el) = document()
                    .get_element_by_id("import-text")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            });
        }
    });
    move || {
        share.import_open.get().then(|| view! {
            <div class="import-veil" on:click=move |_| share.import_open.set(false)></div>
            <form class="import-dialog panel" role="dialog" aria-modal="true" aria-labelledby="import-h"
                data-testid="import-dialog" on:submit=open_pasted>
                <h2 id="import-h">{t(K::ImportHeading)}</h2>
                <label>
                    {t(K::ImportFile)} " "
                    <input type="file" accept=".json,application/json" data-testid="import-file" on:change=on_file />
                </label>
                <label for="import-text">{t(K::ImportPaste)}</label>
                <textarea id="import-text" rows="6" data-testid="import-text" spellcheck="false"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                {move || share.notice.get().filter(|n| n.is_error()).map(|n| view! {
                    <p class="import-error" role="alert" data-testid="import-error">{n.words(ui.lang.get())}</p>
                })}
                <div class="import-buttons">
                    <button type="submit" data-testid="import-open">{t(K::ImportOpen)}</button>
                    <button type="button" on:click=move |_| share.import_open.set(false)>{t(K::ImportCancel)}</button>
                </div>
            </form>
        })
    }
}

/// What a link or a trace did: opened, or refused and why.
#[component]
pub fn ShareBanner(ui: Ui, share: Share) -> impl IntoView {
    move || {
        share.notice.get().map(|n| {
            let error = n.is_error();
            let words = n.clone();
            view! {
                <div class=if error { "banner error share-banner" } else { "banner share-banner" }
                    role=if error { "alert" } else { "status" }
                    data-testid="link-banner" data-kind=if error { "error" } else { "info" }>
                    <span>{move || words.words(ui.lang.get())}</span>
                    <button aria-label=move || ui.lang.get().t(K::BannerDismiss) on:click=move |_| share.notice.set(None)>"×"</button>
                </div>
            }
        })
    }
}

/// Whether `id` names a built-in tour (known before their texts are
/// fetched).
pub fn is_builtin_tour(id: &str) -> bool {
    raftlab_sim::tour::BUILTIN_FILES
        .iter()
        .any(|(known, _)| *known == id)
}
