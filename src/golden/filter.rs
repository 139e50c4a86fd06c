//! `--filter`: text a case's name must contain, or a `/regex/` it must match.

/// One `--filter` (a case runs if any of them selects it).
#[derive(Debug, Clone)]
pub enum Filter {
    Text(String),
    Pattern(regex::Regex),
}

impl Filter {
    /// `/…/` is a regular expression (Rust `regex` syntax), anything else plain text.
    pub fn parse(text: &str) -> Result<Filter, String> {
        let Some(pattern) = text.strip_prefix('/').and_then(|t| t.strip_suffix('/')) else {
            return Ok(Filter::Text(text.to_string()));
        };
        regex::Regex::new(pattern).map(Filter::Pattern).map_err(|e| {
            // The crate's message draws the pattern over several lines; its last line says why.
            let why = e.to_string();
            let why = why.lines().last().unwrap_or_default().trim_start_matches("error: ").to_string();
            format!("'{text}' is not a valid regular expression: {why}")
        })
    }

    pub fn selects(&self, name: &str) -> bool {
        match self {
            Filter::Text(text) => name.contains(text.as_str()),
            Filter::Pattern(regex) => regex.is_match(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slashes_make_a_pattern_and_bad_patterns_are_clear() {
        assert!(Filter::parse("/^a.c$/").unwrap().selects("abc"));
        assert!(!Filter::parse("/^a.c$/").unwrap().selects("xabc"));
        assert!(Filter::parse("a.c").unwrap().selects("xa.cx"));
        assert!(!Filter::parse("a.c").unwrap().selects("abc"));
        assert!(Filter::parse("/").unwrap().selects("a/b"), "a lone slash is text");
        assert_eq!(Filter::parse("/[/").unwrap_err(), "'/[/' is not a valid regular expression: unclosed character class");
    }
}
