//! The first paint: `index.html` carries the first screen's words (the
//! header: title, tagline, tour invite; the cluster panel's heading and the
//! first-visit hint) as static HTML, so a phone draws real content while
//! the wasm downloads (Lighthouse's LCP on slow 4G was the whole download).
//! The page removes it in the task that mounts its own.

/// The static header's id in `index.html`.
pub const SHELL_ID: &str = "boot-shell";

/// Removes `index.html`'s static header; called right after mounting.
pub fn remove() {
    if let Some(el) = leptos::prelude::document().get_element_by_id(SHELL_ID) {
        el.remove();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, K};

    const INDEX: &str = include_str!("../../../index.html");

    /// The static header says what the page says, in both languages (one
    /// representation: a word changed in `i18n.rs` fails here until
    /// `index.html` follows).
    #[test]
    fn the_static_header_has_the_pages_words() {
        assert!(INDEX.contains(&format!("id=\"{SHELL_ID}\"")));
        for lang in [Lang::En, Lang::Zh] {
            let tag = lang.tag();
            for k in [
                K::Tagline,
                K::TourInvite,
                K::ClusterHeading,
                K::HintHeading,
                K::HintBody,
                K::HintTour,
                K::HintDismiss,
            ] {
                let span = format!("<span lang=\"{tag}\">{}</span>", lang.t(k));
                assert!(INDEX.contains(&span), "index.html lacks {span}");
            }
            assert!(INDEX.contains(&format!("<h1>{}</h1>", lang.t(K::Title))));
        }
    }

    /// The invite and the hint's tour link open the first built-in tour,
    /// as the page's buttons do.
    #[test]
    fn the_static_links_open_the_first_tour() {
        let (id, _) = raftlab_sim::tour::BUILTIN_FILES[0];
        assert!(INDEX.contains(&format!("class=\"tour-invite\" href=\"?tour={id}\"")));
        assert!(INDEX.contains(&format!("class=\"primary\" href=\"?tour={id}\"")));
    }

    /// "Got it" and the first paint's choice read the key the page's hint
    /// keeps.
    #[test]
    fn the_static_hint_uses_the_pages_key() {
        let key = crate::page::explain::HINT_KEY;
        assert_eq!(INDEX.matches(&format!("'{key}'")).count(), 2);
    }
}
