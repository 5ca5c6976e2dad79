//! The built-in text files (tours, exercises) declared once per kind: the
//! rows `(id, file)` always, the texts themselves only with the
//! `embed-texts` feature. Native code and the tests read the compiled-in
//! texts; the page builds without them and fetches `<dir>/<file>` (Trunk
//! copies the directories into `dist/`) when a tour or the exercise list is
//! first opened, which keeps text most visitors never read out of the wasm
//! every visitor downloads.

/// Declares `BUILTIN_FILES` (`(id, file name in sim/<dir>/)`) and, with
/// `embed-texts`, `BUILTIN` (`(id, file text)`), in the given order.
macro_rules! builtin_texts {
    ($dir:literal, $what:literal: $(($id:literal, $file:literal)),* $(,)?) => {
        #[doc = concat!("The ", $what, " that ship with Raftlab, in order: `(id, file name in sim/", $dir, "/)`.")]
        pub const BUILTIN_FILES: &[(&str, &str)] = &[$(($id, $file)),*];

        #[doc = concat!("The same ", $what, " with their texts compiled in: `(id, file text)`.")]
        #[cfg(feature = "embed-texts")]
        pub const BUILTIN: &[(&str, &str)] =
            &[$(($id, include_str!(concat!("../", $dir, "/", $file)))),*];
    };
}
pub(crate) use builtin_texts;

/// Parses fetched texts, one per row of `rows` and in that order, with
/// `parse(id, text)`; `what` names them in the error for a wrong count.
pub(crate) fn parse_rows<T>(
    what: &str,
    rows: &[(&str, &str)],
    texts: &[String],
    parse: impl Fn(&str, &str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    if texts.len() != rows.len() {
        return Err(format!(
            "{} {what} files for {} {what}s",
            texts.len(),
            rows.len()
        ));
    }
    rows.iter()
        .zip(texts)
        .map(|((id, _), text)| parse(id, text))
        .collect()
}
