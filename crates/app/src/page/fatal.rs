//! A panic never leaves a blank page: besides logging to the console, the
//! hook puts a visible banner with a reload link on top of whatever is there.

use wasm_bindgen::JsCast;

use crate::i18n::{Lang, K};

/// Installs the panic hook (call first thing in `main`).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn show(details: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lang = doc
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default();
    let Ok(div) = doc.create_element("div") else {
        return;
    };
    let _ = div.set_attribute("class", "fatal");
    let _ = div.set_attribute("role", "alert");
    let _ = div.set_attribute("data-testid", "fatal");
    let p = doc.create_element("p").ok();
    let pre = doc.create_element("pre").ok();
    let a = doc.create_element("a").ok();
    if let Some(p) = &p {
        p.set_text_content(Some(lang.t(K::FatalTitle)));
        let _ = div.append_child(p);
    }
    if let Some(pre) = &pre {
        pre.set_text_content(Some(details));
        let _ = div.append_child(pre);
    }
    if let Some(a) = &a {
        let _ = a.set_attribute("href", "?");
        a.set_text_content(Some(lang.t(K::FatalReload)));
        let _ = div.append_child(a);
    }
    if let Some(body) = doc.body() {
        let _ = body.unchecked_ref::<web_sys::Node>().append_child(&div);
    }
}
