//! What the drawing's parts share: numbers written into SVG attributes, and
//! keyboard activation of the parts that act as buttons.

/// A coordinate or length in SVG user units, to a tenth: the canvas is 420
/// units wide, so a tenth is finer than a pixel and keeps the DOM short.
pub fn num(x: f64) -> String {
    format!("{x:.1}")
}

/// Activates on Enter or Space, like a button.
pub fn on_activate(ev: &leptos::ev::KeyboardEvent) -> bool {
    let k = ev.key();
    if k == "Enter" || k == " " {
        ev.prevent_default();
        ev.stop_propagation();
        true
    } else {
        false
    }
}
