//! Folding a text to the form the patterns are written in, and finding a
//! folded span's place in the original text.
//!
//! Each character of the text becomes at most one byte of the folded form:
//!
//! - ASCII letters are lowercased; other ASCII bytes stay as they are;
//! - every run of whitespace (any Unicode whitespace) becomes one space;
//! - invisible characters are dropped: ASCII control characters, zero-width
//!   spaces and joiners, the soft hyphen, bidirectional controls, variation
//!   selectors, the byte-order mark, combining diacritical marks;
//! - Unicode tag characters (U+E0020..U+E007E, invisible, yet read by models
//!   as the ASCII character they shadow) become that character;
//! - look-alike letters become the ASCII letter they imitate: fullwidth
//!   forms, mathematical alphanumerics (bold, italic, script, …), circled
//!   letters, Latin-1 letters with accents, and the Cyrillic and Greek
//!   letters that look Latin;
//! - any other character becomes one placeholder byte (`0x80`), which no
//!   pattern contains and which separates words.
//!
//! Folding is one pass over the text and keeps no offsets: a scan that finds
//! nothing pays for nothing else. Only a hit walks the text again
//! ([`locate`]) to map the folded span back to the original bytes.

use std::ops::{ControlFlow, Range};

/// The byte that stands for a character no pattern can contain.
const OTHER: u8 = 0x80;

/// The base letters of U+00C0..=U+00FF, [`OTHER`] where there is none.
const LATIN1: &[u8; 64] = b"aaaaaa\x80ceeeeiiiidnooooo\x80ouuuuy\x80\x80aaaaaa\x80ceeeeiiiidnooooo\x80ouuuuy\x80y";

/// What an invisible character becomes: nothing (NUL is itself invisible).
const DROP: u8 = 0;

/// What an ASCII character becomes, by its code.
static ASCII: [u8; 128] = {
    let mut table = [DROP; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte as usize] = match byte {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => b' ',
            0..=0x1f | 0x7f => DROP,
            _ => byte.to_ascii_lowercase(),
        };
        byte += 1;
    }
    table
};

/// Folds `text` into `out` (cleared first).
pub(crate) fn fold_into(text: &str, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(text.len());
    let _: Option<()> = walk(text, |_, byte| {
        out.push(byte);
        ControlFlow::Continue(())
    });
}

/// The bytes of `text` that folded into `folded[span]`: from the start of
/// the character that made its first byte to the end of the one that made
/// its last. `None` if `span` is empty or lies past the folded text.
pub(crate) fn locate(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let last = span.end.checked_sub(1).filter(|last| *last >= span.start)?;
    let mut start = 0;
    let mut index = 0;
    walk(text, |from: Range<usize>, _| {
        if index == span.start {
            start = from.start;
        }
        if index == last {
            return ControlFlow::Break(start..from.end);
        }
        index += 1;
        ControlFlow::Continue(())
    })
}

/// Calls `emit` with each byte of the folded form of `text`, and the bytes
/// of `text` it came from; stops when `emit` breaks.
fn walk<B>(text: &str, mut emit: impl FnMut(Range<usize>, u8) -> ControlFlow<B>) -> Option<B> {
    let bytes = text.as_bytes();
    let mut after_space = false;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (folded, len) = if let Some(&folded) = ASCII.get(usize::from(byte)) {
            (folded, 1)
        } else {
            // `at` is on a character boundary: every step moves by one
            // character's length.
            let c = text[at..].chars().next().unwrap_or_default();
            (fold_char(c), c.len_utf8())
        };
        let from = at..at + len;
        at += len;
        if folded == DROP || (folded == b' ' && after_space) {
            continue;
        }
        after_space = folded == b' ';
        if let ControlFlow::Break(value) = emit(from, folded) {
            return Some(value);
        }
    }
    None
}

/// What a non-ASCII character becomes: [`DROP`], a space, an ASCII letter or
/// [`OTHER`].
fn fold_char(c: char) -> u8 {
    let code = u32::from(c);
    let letter = |offset: u32| b'a' + u8::try_from(offset % 26).unwrap_or(0);
    let ascii = |code: u32| u8::try_from(code).ok().and_then(|byte| ASCII.get(usize::from(byte)).copied());
    match code {
        _ if is_invisible(code) => DROP,
        0xe0020..=0xe007e => ascii(code - 0xe0000).unwrap_or(OTHER),
        0xff01..=0xff5e => ascii(code - 0xfee0).unwrap_or(OTHER),
        0xc0..=0xff => LATIN1[usize::try_from(code - 0xc0).unwrap_or(0)],
        // Mathematical alphanumeric letters: 13 styles of A–Z then a–z.
        0x1d400..=0x1d6a3 => letter(code - 0x1d400),
        // Circled letters Ⓐ–Ⓩ, ⓐ–ⓩ.
        0x24b6..=0x24e9 => letter(code - 0x24b6),
        _ if c.is_whitespace() => b' ',
        _ => look_alike(c).unwrap_or(OTHER),
    }
}

/// Whether the character shows nothing by itself: the soft hyphen, format
/// and bidirectional controls, zero-width spaces and joiners, fillers,
/// variation selectors, the byte-order mark, tag controls, and combining
/// diacritical marks (`i` + U+0301 reads as `í`) and the combining grapheme
/// joiner among them.
fn is_invisible(code: u32) -> bool {
    matches!(
        code,
        0xad | 0x300..=0x36f
            | 0x61c
            | 0x115f
            | 0x1160
            | 0x17b4
            | 0x17b5
            | 0x180b..=0x180f
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x206f
            | 0x3164
            | 0xfe00..=0xfe0f
            | 0xfeff
            | 0xffa0
            | 0xe0000..=0xe001f
            | 0xe007f
            | 0xe0100..=0xe01ef
    )
}

/// The ASCII letter a Cyrillic or Greek letter (or the dotless i) is made
/// to pass for.
fn look_alike(c: char) -> Option<u8> {
    let ascii = match c {
        'а' | 'А' | 'α' | 'Α' => b'a',
        'В' | 'Β' => b'b',
        'с' | 'С' | 'ϲ' => b'c',
        'ԁ' => b'd',
        'е' | 'Е' | 'ε' | 'Ε' => b'e',
        'Н' | 'Η' => b'h',
        'і' | 'І' | 'ι' | 'Ι' | 'ı' => b'i',
        'ј' | 'Ј' => b'j',
        'К' | 'κ' | 'Κ' => b'k',
        'М' | 'Μ' => b'm',
        'Ν' => b'n',
        'о' | 'О' | 'ο' | 'Ο' => b'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => b'p',
        'ѕ' | 'Ѕ' => b's',
        'Т' | 'Τ' => b't',
        'ν' => b'v',
        'х' | 'Х' | 'χ' | 'Χ' => b'x',
        'у' | 'У' | 'Υ' => b'y',
        'Ζ' => b'z',
        _ => return None,
    };
    Some(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> String {
        let mut out = Vec::new();
        fold_into(text, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn ascii_is_lowercased_and_whitespace_runs_become_one_space() {
        assert_eq!(folded("Ignore \t\n  ALL"), "ignore all");
    }

    #[test]
    fn invisible_characters_are_dropped() {
        assert_eq!(folded("ig\u{200b}no\u{ad}re\u{feff} a\u{301}ll"), "ignore all");
    }

    #[test]
    fn tag_characters_read_as_the_ascii_they_shadow() {
        let hidden: String = "Hi".chars().map(|c| char::from_u32(0xe0000 + u32::from(c)).unwrap()).collect();
        assert_eq!(folded(&hidden), "hi");
    }

    #[test]
    fn look_alike_letters_become_ascii() {
        assert_eq!(folded("ＩＧＮＯＲＥ"), "ignore");
        assert_eq!(folded("𝐢𝐠𝐧𝐨𝐫𝐞 𝘢𝘭𝘭"), "ignore all");
        assert_eq!(folded("ⒾⒼⓃⓄⓇⒺ"), "ignore");
        assert_eq!(folded("prévious іnstructіоns"), "previous instructions");
    }

    #[test]
    fn other_characters_become_one_placeholder_each() {
        let mut out = Vec::new();
        fold_into("a漢字b", &mut out);
        assert_eq!(out, b"a\x80\x80b");
    }

    #[test]
    fn locate_maps_a_folded_span_to_the_original_bytes() {
        let text = "  Say   ＩＧＮＯＲＥ\u{200b} now";
        let mut out = Vec::new();
        fold_into(text, &mut out);
        let start = out.windows(6).position(|window| window == b"ignore").unwrap();
        let range = locate(text, start..start + 6).unwrap();
        assert_eq!(&text[range], "ＩＧＮＯＲＥ");
    }

    #[test]
    fn locate_rejects_an_empty_or_outlying_span() {
        assert_eq!(locate("abc", 1..1), None);
        assert_eq!(locate("abc", 2..9), None);
    }
}
