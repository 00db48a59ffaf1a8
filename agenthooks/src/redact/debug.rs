//! The string literals of a `Debug` form: a derived `Debug` writes every
//! string it holds as an escaped literal (`Token { value: "sk-1" }`), those
//! serde skips included. A `Debug` written by hand may write anything: the
//! literals found in it only add to what `Serialize` or `Redactable` gave.

/// Calls `found` with the text of each string literal in `debug`, escapes
/// undone. An unterminated literal is not one.
pub(super) fn literals(debug: &str, mut found: impl FnMut(&str)) {
    let mut chars = debug.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut literal = String::new();
        loop {
            match chars.next() {
                None => return,
                Some('"') => break,
                Some('\\') => match chars.next() {
                    Some('n') => literal.push('\n'),
                    Some('r') => literal.push('\r'),
                    Some('t') => literal.push('\t'),
                    Some('0') => literal.push('\0'),
                    Some('u') => match unicode_escape(&mut chars) {
                        Some(escaped) => literal.push(escaped),
                        None => return,
                    },
                    Some(escaped) => literal.push(escaped),
                    None => return,
                },
                Some(c) => literal.push(c),
            }
        }
        found(&literal);
    }
}

/// The character of a `\u{…}` escape, its `\u` read already.
fn unicode_escape(chars: &mut std::str::Chars<'_>) -> Option<char> {
    if chars.next()? != '{' {
        return None;
    }
    let mut code = 0u32;
    for c in chars.by_ref() {
        if c == '}' {
            return char::from_u32(code);
        }
        code = code.checked_mul(16)?.checked_add(c.to_digit(16)?)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::literals;

    fn all(debug: &str) -> Vec<String> {
        let mut found = Vec::new();
        literals(debug, |literal| found.push(literal.to_owned()));
        found
    }

    #[test]
    fn every_literal_of_a_derived_debug_is_found_unescaped() {
        let debug = format!("{:?}", (Some("a\"b\\c\nd"), vec!["é\u{200b}x"], 'q', 7));
        assert_eq!(all(&debug), ["a\"b\\c\nd", "é\u{200b}x"]);
    }

    #[test]
    fn an_unterminated_literal_is_not_one() {
        assert_eq!(all("Secret(\"abc"), Vec::<String>::new());
        assert_eq!(all("\"ok\" then \"\\u{12"), ["ok"]);
    }
}
