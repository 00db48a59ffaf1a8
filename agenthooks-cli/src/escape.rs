//! Keeping what hooks wrote from forging lines or driving the terminal.
//!
//! A hook's error or block reason is arbitrary text: it may hold a newline
//! followed by something shaped like a record, a carriage return that sends
//! the cursor back over the line, or an escape sequence that clears the
//! screen. The log keeps such text (JSON escapes the C0 controls; DEL, the C1
//! controls and Unicode format characters stay raw); this module makes it
//! visible and inert before it reaches the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` could end a line, move the cursor, start a terminal control
/// sequence, or reorder or hide the text around it: the C0 and C1 control
/// characters and DEL, the Unicode line and paragraph separators, and the
/// invisible and bidirectional format characters.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// `text` for a person to read on one line: `\n`, `\r`, `\t` and `\\` as
/// written in Rust, every other unsafe character (see [`is_unsafe`]) as
/// `\u{…}`. Text with nothing to escape is returned as it is.
pub(crate) fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c == '\\' || is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if is_unsafe(c) => write!(out, "\\u{{{:x}}}", u32::from(c)).expect("writing to a string succeeds"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A line of JSON that parsed as a record, made safe for a terminal without
/// changing the JSON value it denotes: an unsafe character can only stand
/// inside a string (written as `\uXXXX`) or be a tab or carriage return
/// between tokens (written as a space). A line written by the log's own
/// writer that holds none is returned byte for byte.
pub(crate) fn json_line(line: &str) -> Cow<'_, str> {
    if !line.chars().any(is_unsafe) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        match c {
            '\t' | '\r' | '\n' => out.push(' '),
            c if is_unsafe(c) => write!(out, "\\u{:04x}", u32::from(c)).expect("writing to a string succeeds"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{for_terminal, is_unsafe, json_line};

    #[test]
    fn every_control_character_is_escaped_for_the_terminal() {
        for code in (0..0x20).chain(0x7f..0xa0) {
            let c = char::from_u32(code).expect("a control character");
            let text = format!("a{c}b");
            let escaped = for_terminal(&text);
            assert!(!escaped.chars().any(char::is_control), "{code:#x} -> {escaped:?}");
            assert!(escaped.starts_with("a\\") && escaped.ends_with('b'), "{code:#x} -> {escaped:?}");
        }
        assert_eq!(
            for_terminal("line\n{\"seq\":1}\r\u{1b}[2J\u{9b}\u{202e}"),
            "line\\n{\"seq\":1}\\r\\u{1b}[2J\\u{9b}\\u{202e}"
        );
        assert_eq!(
            for_terminal(r"a literal \n"),
            r"a literal \\n",
            "an escape in the text cannot pass for one made here"
        );
        assert_eq!(for_terminal("plain, ünïcode"), "plain, ünïcode");
    }

    #[test]
    fn json_lines_keep_their_value_and_lose_their_unsafe_characters() {
        assert_eq!(json_line(r#"{"a":"x\n"}"#), r#"{"a":"x\n"}"#, "a clean line is kept byte for byte");
        let line = "{\"a\":\"del\u{7f} csi\u{9b}2J rlo\u{202e}\",\r\"b\":1}";
        let safe = json_line(line);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        assert_eq!(safe, r#"{"a":"del\u007f csi\u009b2J rlo\u202e", "b":1}"#);
        let value = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("valid JSON");
        assert_eq!(value(&safe), value(line));
    }
}
