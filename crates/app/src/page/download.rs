//! Saving text the page made (an SVG, a history) as a file.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Offers `text` for download as `name`. Returns whether the browser took it.
pub fn download(name: &str, mime: &str, text: &str) -> bool {
    let parts = js_sys::Array::of1(&text.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let Ok(a) = document().create_element("a") else {
        return false;
    };
    let _ = a.set_attribute("href", &url);
    let _ = a.set_attribute("download", name);
    let ok = match a.dyn_into::<web_sys::HtmlElement>() {
        Ok(a) => {
            a.click();
            true
        }
        Err(_) => false,
    };
    let _ = web_sys::Url::revoke_object_url(&url);
    ok
}
