//! Modal dialogs that behave as such (WAI-ARIA dialog pattern): opening one
//! moves focus into it, Tab and Shift+Tab cycle inside it, and closing it
//! gives focus back to what had it before.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// What can take focus inside a dialog.
const FOCUSABLE: &str =
    "button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])";

fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Follows `open`: on opening, remembers the focused element and focuses
/// the dialog's first control (once it is mounted); on closing, gives focus
/// back.
pub fn use_modal_focus(open: impl Fn() -> bool + 'static, dialog: NodeRef<leptos::html::Div>) {
    let before = StoredValue::new_local(None::<HtmlElement>);
    Effect::new(move |was: Option<bool>| {
        let now = open();
        match (was.unwrap_or(false), now) {
            (false, true) => {
                before.set_value(
                    document()
                        .active_element()
                        .and_then(|e| e.dyn_into::<HtmlElement>().ok()),
                );
                request_animation_frame(move || {
                    if let Some(el) = dialog.get_untracked() {
                        if let Some(first) = focusables(&el).into_iter().next() {
                            let _ = first.focus();
                        }
                    }
                });
            }
            (true, false) => {
                if let Some(el) = before.get_value() {
                    if el.is_connected() {
                        let _ = el.focus();
                    }
                }
                before.set_value(None);
            }
            _ => {}
        }
        now
    });
}

/// Keeps Tab inside `dialog`: from its last control Tab goes to the first,
/// and from the first Shift+Tab goes to the last.
pub fn trap_tab(ev: &leptos::ev::KeyboardEvent, dialog: NodeRef<leptos::html::Div>) {
    if ev.key() != "Tab" {
        return;
    }
    let Some(el) = dialog.get_untracked() else {
        return;
    };
    let items = focusables(&el);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        ev.prevent_default();
        return;
    };
    let active = document().active_element();
    let at = |e: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<Element>())
    };
    let inside = active.as_ref().is_some_and(|a| el.contains(Some(a)));
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
