//! The names an ES module sees when it imports a CommonJS file: `default` is
//! `module.exports`, and, as Node does with cjs-module-lexer, the names the source visibly
//! assigns. Detection here is deliberately simple and conservative (a regex pass, not a
//! tokenizer): `exports.X =`, `module.exports.X =`, `exports["X"] =`,
//! `Object.defineProperty(exports, "X"`, the keys of `module.exports = { a, b: 1, c() {} }`
//! (also esbuild's `0 && (module.exports = {...})` hint), and a reexport
//! `module.exports = require("./y")` whose names are y's. A name it misses is still on the
//! default export.

use std::sync::OnceLock;

use regex::Regex;

/// What one file's source shows: its names, and what it reexports wholesale.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Detected {
    pub names: Vec<String>,
    pub reexports: Vec<String>,
}

pub fn detect(source: &str) -> Detected {
    static PATTERNS: OnceLock<[Regex; 4]> = OnceLock::new();
    let [assign, bracket, define, reexport] = PATTERNS.get_or_init(|| {
        [
            Regex::new(r"\bexports\s*\.\s*([A-Za-z_$][\w$]*)\s*=").unwrap(),
            Regex::new(r#"\bexports\s*\[\s*(?:"([^"\\]+)"|'([^'\\]+)')\s*\]\s*="#).unwrap(),
            Regex::new(r#"Object\s*\.\s*defineProperty\s*\(\s*(?:module\s*\.\s*)?exports\s*,\s*(?:"([^"\\]+)"|'([^'\\]+)')"#).unwrap(),
            Regex::new(r#"(?:^|[^.\w$])module\s*\.\s*exports\s*=\s*require\s*\(\s*(?:"([^"\\]+)"|'([^'\\]+)')\s*\)"#).unwrap(),
        ]
    });
    let mut found = Detected::default();
    let mut add = |name: &str| {
        if name != "default" && !found.names.iter().any(|n| n == name) {
            found.names.push(name.to_string());
        }
    };
    for captures in assign.captures_iter(source) {
        if is_assignment(source, captures.get(0).expect("whole match")) {
            add(&captures[1]);
        }
    }
    for captures in bracket.captures_iter(source) {
        if is_assignment(source, captures.get(0).expect("whole match")) {
            if let Some(name) = captures.get(1).or_else(|| captures.get(2)) {
                add(name.as_str());
            }
        }
    }
    for pattern in [define] {
        for captures in pattern.captures_iter(source) {
            if let Some(name) = captures.get(1).or_else(|| captures.get(2)) {
                add(name.as_str());
            }
        }
    }
    for start in object_literal_starts(source) {
        for key in object_keys(&source[start..]) {
            add(&key);
        }
    }
    for captures in reexport.captures_iter(source) {
        if let Some(target) = captures.get(1).or_else(|| captures.get(2)) {
            found.reexports.push(target.as_str().to_string());
        }
    }
    found
}

/// Whether a match of `exports.X =` is an assignment to the module's own `exports` (or
/// `module.exports`): not `other.exports.X =`, not `exports.X == y`.
fn is_assignment(source: &str, matched: regex::Match) -> bool {
    if source[matched.end()..].starts_with('=') {
        return false;
    }
    let before = source[..matched.start()].trim_end();
    match before.strip_suffix('.') {
        Some(owner) => owner.trim_end().ends_with("module") && !owner.trim_end().ends_with(".module"),
        None => true,
    }
}

/// Byte offsets just after the `{` of each `module.exports = {`.
fn object_literal_starts(source: &str) -> Vec<usize> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| Regex::new(r"(?:^|[^.\w$])module\s*\.\s*exports\s*=\s*\{").unwrap());
    pattern.find_iter(source).map(|m| m.end()).collect()
}

/// The keys at the top level of an object literal whose text starts just after its `{`:
/// identifiers or quoted names, as shorthand, `key: value` or `key() {}`. Stops (keeping
/// what it has) at anything else: a spread, a computed key, a getter.
fn object_keys(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut keys = Vec::new();
    let mut i = 0;
    loop {
        i = skip_space(bytes, i);
        let Some(&c) = bytes.get(i) else { return keys };
        let key = if c == b'"' || c == b'\'' {
            let Some(end) = text[i + 1..].find(c as char) else { return keys };
            let key = &text[i + 1..i + 1 + end];
            i += end + 2;
            key
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let end = text[i..].find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '$')).map_or(text.len(), |e| i + e);
            let key = &text[i..end];
            i = end;
            key
        } else {
            return keys;
        };
        i = skip_space(bytes, i);
        match bytes.get(i) {
            Some(b',') => {
                keys.push(key.to_string());
                i += 1;
            }
            Some(b'}') => {
                keys.push(key.to_string());
                return keys;
            }
            Some(&c @ (b':' | b'(')) => {
                keys.push(key.to_string());
                // A method's `(` is part of what is skipped; a value starts after the `:`.
                let from = if c == b'(' { i } else { i + 1 };
                match skip_value(bytes, from) {
                    Some((next, true)) => i = next,
                    _ => return keys,
                }
            }
            _ => return keys,
        }
    }
}

/// From inside a value, to just after the `,` that ends it: `Some((next, true))`; `None` at
/// the closing `}` of the object or if the text ends.
fn skip_value(bytes: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut depth = 0usize;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'"' | b'\'' | b'`' => {
                i += 1;
                while let Some(&d) = bytes.get(i) {
                    if d == b'\\' {
                        i += 1;
                    } else if d == c {
                        break;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&d| d != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while bytes.get(i).is_some() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' => depth = depth.checked_sub(1)?,
            b'}' if depth == 0 => return None,
            b'}' => depth -= 1,
            b',' if depth == 0 => return Some((i + 1, true)),
            _ => {}
        }
        i += 1;
    }
    None
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    loop {
        match bytes.get(i) {
            Some(c) if c.is_ascii_whitespace() => i += 1,
            Some(b'/') if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&d| d != b'\n') {
                    i += 1;
                }
            }
            Some(b'/') if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while bytes.get(i).is_some() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            _ => return i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_and_literals() {
        let source = r#"
            "use strict";
            Object.defineProperty(exports, "__esModule", { value: true });
            exports.parse = exports.valid = void 0;
            exports["kebab-name"] = 1;
            module.exports.more = 2;
            if (exports.parse == null) {}
            module.exports = { SemVer, compare: require('./compare'), 'quoted': 1, method() { return {a: 1}; }, last }
        "#;
        let found = detect(source);
        assert_eq!(found.names, ["parse", "valid", "more", "kebab-name", "__esModule", "SemVer", "compare", "quoted", "method", "last"]);
        assert!(found.reexports.is_empty());
        assert_eq!(detect("module.exports = require('./lib/index.js');").reexports, ["./lib/index.js"]);
        assert_eq!(detect("module.exports = { ...spread, a }").names, Vec::<String>::new());
    }
}
