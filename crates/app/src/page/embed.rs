//! The two-way embed API (issue 12): a versioned `postMessage` protocol
//! between a host page and this page in an iframe, checked against one
//! allowed origin, and the same commands on `window.raftlab`.
//!
//! Host → embed: `{raftlab: 1, cmd: "...", id?: any, ...fields}`; the
//! embed answers `{raftlab: 1, type: "reply", id, ok, result?, error?}`.
//! Embed → host: `{raftlab: 1, type: "event", event: "...", ...fields}`
//! and Pym.js height messages. README.md has the table of every message.

use leptos::prelude::*;
use raftlab_core::{Micros, NodeId};
use raftlab_sim::limits;
use raftlab_sim::tour::Phase;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::driver::Ui;
use crate::i18n::{Lang, K};
use crate::page::share::{
    current_fingerprint, current_link, current_url, import_trace, open_link, page_base, Share,
};
use crate::view_model::params::Params;
use crate::view_model::share::{action, panel_testid, pym_height, ActSpec, PROTOCOL_VERSION};

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn get_str(obj: &JsValue, key: &str) -> Option<String> {
    let v = get(obj, key);
    v.as_string()
        .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| format!("{f}")))
}

fn get_f64(obj: &JsValue, key: &str) -> Option<f64> {
    get(obj, key).as_f64().filter(|f| f.is_finite())
}

fn set(obj: &js_sys::Object, key: &str, v: impl Into<JsValue>) {
    let _ = js_sys::Reflect::set(obj, &key.into(), &v.into());
}

fn node_name(n: NodeId) -> String {
    n.to_string()
}

/// The `act` command's fields as an [`ActSpec`].
fn act_spec(msg: &JsValue) -> ActSpec {
    let array = |v: JsValue| {
        if js_sys::Array::is_array(&v) {
            v.unchecked_into::<js_sys::Array>().iter().collect()
        } else {
            Vec::new()
        }
    };
    let name = |n: JsValue| n.as_string().or_else(|| n.as_f64().map(|f| format!("{f}")));
    let groups = array(get(msg, "groups"))
        .into_iter()
        .map(|g| array(g).into_iter().filter_map(name).collect())
        .collect();
    ActSpec {
        action: get_str(msg, "action").unwrap_or_default(),
        node: get_str(msg, "node"),
        source: get_str(msg, "source"),
        target: get_str(msg, "target"),
        groups,
        msg: get_f64(msg, "msg").filter(|m| *m >= 0.0).map(|m| m as u64),
        key: get_str(msg, "key"),
        value: get_str(msg, "value"),
        via: get_str(msg, "via"),
        learner: get(msg, "learner").is_truthy(),
    }
}

/// The state `get` returns (and `set` takes, all fields optional).
fn state(ui: Ui) -> Result<JsValue, String> {
    let o = js_sys::Object::new();
    set(&o, "raftlab", PROTOCOL_VERSION);
    set(&o, "link", current_link(ui)?);
    set(
        &o,
        "fingerprint",
        format!("{:016x}", current_fingerprint(ui)?),
    );
    let (now, leader, term, committed) = ui.snapshot.with_untracked(|s| {
        let term = s
            .leader
            .and_then(|l| s.nodes.iter().find(|n| n.id == l))
            .map(|n| n.term.0);
        (s.now, s.leader, term, s.committed)
    });
    set(&o, "now_ms", now.0 as f64 / 1000.0);
    set(&o, "head_ms", ui.head.get_untracked().0 as f64 / 1000.0);
    set(&o, "playing", ui.playing.get_untracked());
    set(&o, "speed", ui.speed.get_untracked());
    set(&o, "lang", ui.lang.get_untracked().tag());
    set(
        &o,
        "leader",
        leader.map_or(JsValue::NULL, |l| node_name(l).into()),
    );
    set(
        &o,
        "term",
        term.map_or(JsValue::NULL, |t| (t as f64).into()),
    );
    set(&o, "committed", committed as f64);
    let tour = crate::page::share::current_view(ui).tour;
    set(
        &o,
        "tour",
        tour.map_or(JsValue::NULL, |(id, stop)| {
            let t = js_sys::Object::new();
            set(&t, "id", id);
            // 1-based, as the `tour` command and the `tour-stop` event.
            set(&t, "stop", stop + 1);
            t.into()
        }),
    );
    Ok(o.into())
}

/// Runs one command; the result, or why not (English: for programmers).
pub fn command(ui: Ui, share: Share, msg: &JsValue) -> Result<JsValue, String> {
    let cmd = get_str(msg, "cmd").unwrap_or_default();
    match cmd.as_str() {
        "play" => ui.set_playing(true),
        "pause" => ui.set_playing(false),
        "step" => ui.step(),
        "seek" => {
            let ms = get_f64(msg, "ms").ok_or("`seek` needs `ms`, a number")?;
            if !(0.0..=limits::RUN.max.0 as f64 / 1000.0).contains(&ms) {
                return Err(format!(
                    "`ms` must be between 0 and {} ms",
                    limits::RUN.max.0 / 1000
                ));
            }
            ui.set_playing(false);
            ui.seek_or_run(Micros((ms * 1000.0) as u64));
        }
        "speed" => {
            let v = get_f64(msg, "value").ok_or("`speed` needs `value`, a number")?;
            ui.set_speed(v);
        }
        "act" => {
            let spec = act_spec(msg);
            let a = ui.snapshot.with_untracked(|s| action(&spec, s))?;
            ui.act(a);
            if let Some(e) = ui.error.get_untracked() {
                return Err(e.to_string());
            }
        }
        "load" => {
            let link = get_str(msg, "link").ok_or("`load` needs `link`")?;
            let link = link.split_once("run=").map_or(link.as_str(), |(_, l)| l);
            open_link(ui, share, link.split(['&', '#']).next().unwrap_or(""))?;
        }
        "import" => {
            let text = get_str(msg, "text").ok_or("`import` needs `text`")?;
            import_trace(ui, share, &text)?;
        }
        "tour" => {
            // Not `id`: that is the request's own id, which the host's
            // replies are matched by.
            let id = get_str(msg, "tour").ok_or("`tour` needs `tour`, the tour's id")?;
            let stop = get_f64(msg, "stop").unwrap_or(1.0).max(1.0) as usize - 1;
            if !super::share::is_builtin_tour(&id) {
                return Err(format!("no tour {id:?}"));
            }
            ui.load_tours(Some((id, stop)));
        }
        "get" => return state(ui),
        "set" => {
            let s = get(msg, "state");
            if let Some(link) = get_str(&s, "link") {
                open_link(ui, share, &link)?;
            }
            if let Some(l) = get_str(&s, "lang").and_then(|l| Lang::parse(&l)) {
                ui.lang.set(l);
            }
            if let Some(v) = get_f64(&s, "speed") {
                ui.set_speed(v);
            }
            if let Some(ms) = get_f64(&s, "now_ms") {
                ui.set_playing(false);
                ui.seek(Micros((ms.max(0.0) * 1000.0) as u64));
            }
            if let Some(p) = get(&s, "playing").as_bool() {
                ui.set_playing(p);
            }
            return state(ui);
        }
        "link" => return current_url(ui).map(Into::into),
        "fingerprint" => return current_fingerprint(ui).map(|f| format!("{f:016x}").into()),
        "trace" => {
            return ui
                .with_timeline(|t| raftlab_sim::Trace::from_timeline(t).to_json().into())
                .ok_or_else(|| "no run".into())
        }
        "" => return Err("the message has no `cmd`".into()),
        other => return Err(format!("unknown command {other:?}")),
    }
    Ok(JsValue::UNDEFINED)
}

/// Where events go: the parent window, at the allowed origin only.
#[derive(Clone)]
struct Host {
    origin: String,
    child_id: Option<String>,
}

thread_local! {
    static HOST: std::cell::RefCell<Option<Host>> = const { std::cell::RefCell::new(None) };
}

fn parent() -> Option<web_sys::Window> {
    let w = window();
    let p = w.parent().ok().flatten()?;
    // Not embedded: the parent is the window itself.
    (!js_sys::Object::is(&p, &w)).then_some(p)
}

/// Sends an event to the host (and to scripts in this page, as a
/// `raftlab` DOM event on `window`).
pub fn emit(event: &str, fields: &[(&str, JsValue)]) {
    let o = js_sys::Object::new();
    set(&o, "raftlab", PROTOCOL_VERSION);
    set(&o, "type", "event");
    set(&o, "event", event);
    for (k, v) in fields {
        set(&o, k, v.clone());
    }
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&o);
    if let Ok(e) = web_sys::CustomEvent::new_with_event_init_dict("raftlab", &init) {
        let _ = window().dispatch_event(&e);
    }
    if let (Some(p), Some(origin)) = (
        parent(),
        HOST.with(|h| h.borrow().clone().map(|h| h.origin)),
    ) {
        let _ = p.post_message(&o, &origin);
    }
}

fn post_height(h: u32) {
    let Some(p) = parent() else { return };
    let Some(host) = HOST.with(|h| h.borrow().clone()) else {
        return;
    };
    if let Some(id) = &host.child_id {
        let _ = p.post_message(&pym_height(id, h).into(), &host.origin);
    }
    emit("height", &[("height", h.into())]);
}

/// Listens for the host's commands and sends it the page's events.
pub fn install(ui: Ui, share: Share, params: &Params) {
    let own = window().location().origin().unwrap_or_default();
    let origin = params.origin.clone().unwrap_or(own);
    HOST.with(|h| {
        *h.borrow_mut() = Some(Host {
            origin: origin.clone(),
            child_id: params.child_id.clone(),
        })
    });
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(
        move |ev: web_sys::MessageEvent| {
            // A message from any other origin is ignored: no reply, no effect.
            if ev.origin() != origin {
                return;
            }
            let data = ev.data();
            let Some(version) = get_f64(&data, "raftlab") else {
                return;
            };
            if get_str(&data, "type").is_some() {
                return; // our own events and replies, echoed
            }
            let result = if version > f64::from(PROTOCOL_VERSION) || version < 1.0 {
                Err(format!(
                "protocol version {version} is not spoken here; this Raftlab speaks version {PROTOCOL_VERSION}"
            ))
            } else {
                command(ui, share, &data)
            };
            let reply = js_sys::Object::new();
            set(&reply, "raftlab", PROTOCOL_VERSION);
            set(&reply, "type", "reply");
            set(&reply, "id", get(&data, "id"));
            set(&reply, "cmd", get(&data, "cmd"));
            match result {
                Ok(v) => {
                    set(&reply, "ok", true);
                    set(&reply, "result", v);
                }
                Err(e) => {
                    set(&reply, "ok", false);
                    set(&reply, "error", e);
                }
            }
            // The host's window is from another realm: `instanceof Window`
            // fails across frames, so no checked cast.
            if let Some(w) = ev.source().map(|s| s.unchecked_into::<web_sys::Window>()) {
                let _ = w.post_message(&reply, &ev.origin());
            }
        },
    );
    let _ =
        window().add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_message.forget();

    // Events, from what each frame publishes.
    let leader = Memo::new(move |_| {
        ui.snapshot.with(|s| {
            s.leader
                .and_then(|l| s.nodes.iter().find(|n| n.id == l).map(|n| (l, n.term.0)))
        })
    });
    Effect::new(move |_| {
        if let Some((n, term)) = leader.get() {
            emit(
                "leader",
                &[
                    ("node", node_name(n).into()),
                    ("term", (term as f64).into()),
                ],
            );
        }
    });
    let committed = Memo::new(move |_| ui.snapshot.with(|s| s.committed));
    Effect::new(move |prev: Option<u64>| {
        let c = committed.get();
        if prev.is_some_and(|p| c > p) {
            emit("commit", &[("index", (c as f64).into())]);
        }
        c
    });
    let violation = Memo::new(move |_| ui.snapshot.with(|s| s.violation.clone()));
    Effect::new(move |_| {
        if let Some(v) = violation.get() {
            let lang = ui.lang.get_untracked();
            emit(
                "violation",
                &[
                    (
                        "invariant",
                        crate::view_model::words::invariant_name(Lang::En, v.invariant).into(),
                    ),
                    (
                        "text",
                        crate::view_model::words::violation_line(lang, &v).into(),
                    ),
                ],
            );
        }
    });
    Effect::new(move |_| {
        let Some(t) = ui.tour.get() else { return };
        if t.phase == Phase::AtRest {
            let id = ui.tours.with_untracked(|all| {
                all.as_ref()
                    .and_then(|a| a.as_ref().ok())
                    .and_then(|a| a.get(t.tour))
                    .map(|x| x.id.clone())
            });
            emit(
                "tour-stop",
                &[
                    ("id", id.unwrap_or_default().into()),
                    ("stop", (t.stop as f64 + 1.0).into()),
                ],
            );
        }
    });
    Effect::new(move |_| {
        let playing = ui.playing.get();
        emit(if playing { "play" } else { "pause" }, &[]);
    });
    // The page's height, whenever it changes (checked each frame while
    // playing, at once after any change otherwise).
    if parent().is_some() {
        Effect::new(move |prev: Option<u32>| {
            ui.snapshot.track();
            ui.lang.track();
            share.notice.track();
            // The content's own height: the document's is never less
            // than the iframe's, so it could grow but never shrink.
            let h = document()
                .query_selector(".playground")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                .map(|e| e.offset_height().max(0) as u32)
                .unwrap_or(0);
            if prev != Some(h) {
                post_height(h);
            }
            h
        });
    }
    request_animation_frame(|| emit("ready", &[("version", PROTOCOL_VERSION.into())]));
}

/// Applies the embed parameters the page's layout does not read itself:
/// theme, time controls, the panels an embed shows.
pub fn apply_params(params: &Params) {
    let Some(root) = document().document_element() else {
        return;
    };
    if let Some(theme) = &params.theme {
        let _ = root.set_attribute("data-theme", theme);
    }
    if params.controls == Some(false) {
        let _ = root.set_attribute("data-controls", "off");
    }
    if let Some(panels) = params.panels.clone() {
        request_animation_frame(move || {
            for name in &panels {
                let sel = format!(".panel[data-testid=\"{}\"]", panel_testid(name));
                let Ok(Some(el)) = document().query_selector(&sel) else {
                    continue;
                };
                // The panel and every hidden box around it.
                let mut at = Some(el);
                while let Some(e) = at {
                    if e.class_list().contains("playground") {
                        break;
                    }
                    let _ = e.class_list().add_1("embed-shown");
                    at = e.parent_element();
                }
            }
        });
    }
}

/// In an embed: a caption and "Open in Raftlab", whose address carries
/// the run as it is when clicked.
#[component]
pub fn EmbedFooter(ui: Ui) -> impl IntoView {
    let t = move |k| ui.lang.get().t(k);
    let href = RwSignal::new(page_base());
    let refresh = move || {
        if let Ok(u) = current_url(ui) {
            href.set(u);
        }
    };
    // The checker badge is page chrome, hidden in an embed: a reader of
    // the post still sees why the run stopped.
    let violation = move || {
        let lang = ui.lang.get();
        ui.snapshot.with(|s| s.violation.clone()).map(|v| {
            let name = crate::view_model::words::invariant_name(lang, v.invariant);
            view! {
                <strong class="embed-violation" data-testid="embed-violation" role="alert">
                    {lang.f(K::CheckerBad, &[("name", &name)])}
                    <span>{crate::view_model::words::violation_detail(lang, &v.detail)}</span>
                </strong>
            }
        })
    };
    view! {
        <p class="embed-footer" data-testid="embed-footer">
            {violation}
            <span class="embed-caption">{move || t(K::EmbedCaption)}</span>
            " "
            <a data-testid="embed-open" target="_blank" rel="noopener" href=move || href.get()
                title=move || t(K::EmbedOpenTitle)
                on:pointerdown=move |_| refresh()
                on:focus=move |_| refresh()
                on:click=move |ev| {
                    refresh();
                    if let Some(a) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        let _ = a.set_attribute("href", &href.get_untracked());
                    }
                }>
                {move || t(K::EmbedOpen)} " ↗"
            </a>
        </p>
    }
}
