//! Matchers of `#[hook(Point, tool = "fs_*")]`: the pattern is checked here,
//! with the glob crate the runtime matches with, so that a pattern that
//! compiles is one the executor can use. Whether the key is one of the
//! point's is checked by the expansion, once the point's type is known.

use syn::LitStr;

/// What patterns may hold, for the messages about them.
const SYNTAX: &str = "`*` matches any text, `?` one character, `[a-z]` one of a class, `{a,b}` either";

/// Checks the pattern of a matcher; returns it.
pub(crate) fn pattern(pattern: &LitStr) -> syn::Result<LitStr> {
    let text = pattern.value();
    if text.is_empty() {
        return Err(syn::Error::new(
            pattern.span(),
            "a matcher's pattern cannot be empty: write a tool name or a glob like `\"fs_*\"`, or remove the matcher to run for every call",
        ));
    }
    match globset::Glob::new(&text) {
        Ok(_) => Ok(pattern.clone()),
        Err(error) => Err(syn::Error::new(
            pattern.span(),
            format!("malformed pattern `{text}`: {}; in a pattern {SYNTAX}", error.kind()),
        )),
    }
}
