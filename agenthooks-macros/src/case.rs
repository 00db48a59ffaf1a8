//! Name conversions.

/// `BeforeSearch` → `before_search`; `LLMCall` → `llm_call`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let ends_acronym =
                i > 0 && chars[i - 1].is_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if after_lower || ends_acronym {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn camel_case_names_become_snake_case() {
        assert_eq!(snake_case("BeforeSearch"), "before_search");
        assert_eq!(snake_case("LLMCall"), "llm_call");
        assert_eq!(snake_case("AfterTool2Use"), "after_tool2_use");
        assert_eq!(snake_case("Run"), "run");
    }
}
