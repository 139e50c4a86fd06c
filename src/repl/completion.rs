//! Tab completion: dot-command names at the start of an input, else global names and keywords,
//! or the properties of the expression before a `.`, asked of the session's inspector with
//! `throwOnSideEffect` so that nothing the user wrote runs if it could have side effects.

use std::collections::BTreeSet;

use deno_core::serde_json::{Value, json};

use super::commands::{COMMANDS, is_command};
use super::session::Session;
use super::syntax::{self, is_identifier, is_identifier_char};

/// Lists the property names of a value and its prototype chain, for completion after a `.`.
/// Evaluated with `throwOnSideEffect`, so that getters or proxies with side effects never run.
const PROPERTY_NAMES_JS: &str = "((value) => {
  const names = [];
  for (let o = Object(value); o !== null; o = Object.getPrototypeOf(o)) names.push(...Object.getOwnPropertyNames(o));
  return names;
})";

/// Words completed at the start of an expression besides the global names.
const KEYWORDS: &[&str] = &[
    "async", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
    "delete", "do", "else", "export", "extends", "false", "finally", "for", "function", "if",
    "import", "in", "instanceof", "let", "new", "null", "of", "return", "static", "super",
    "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
];

impl Session {
    /// Tab completion: global names, keywords, or the properties of the expression before a
    /// `.`. Nothing the user wrote runs if it could have side effects.
    pub(super) fn complete(&mut self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos];
        if is_command(line) && !before.contains(char::is_whitespace) {
            let matches = COMMANDS.iter().filter(|c| c.starts_with(before.trim_start())).map(|c| c.to_string());
            return (before.len() - before.trim_start().len(), matches.collect());
        }
        if !syntax::in_code_at_end(before) {
            return (pos, Vec::new());
        }
        let Some(target) = target(before) else { return (pos, Vec::new()) };
        let names = match &target.object {
            Some(object) => self.property_names(object),
            None if target.partial.is_empty() => return (pos, Vec::new()),
            None => {
                let mut names = self.property_names("globalThis");
                names.extend(self.lexical_names());
                names.extend(KEYWORDS.iter().map(|k| k.to_string()));
                names
            }
        };
        let candidates: BTreeSet<String> = names
            .into_iter()
            .filter(|name| name.starts_with(&target.partial) && is_identifier(name))
            .collect();
        (target.start, candidates.into_iter().collect())
    }

    fn property_names(&mut self, object: &str) -> Vec<String> {
        let response = self.inspector.call(
            "Runtime.evaluate",
            json!({
                "expression": format!("{PROPERTY_NAMES_JS}({object})"),
                "contextId": self.context_id,
                "throwOnSideEffect": true,
                "returnByValue": true,
                "silent": true,
                "timeout": 500,
            }),
        );
        match response {
            Ok(response) if response.get("exceptionDetails").is_none() => string_array(&response["result"]["value"]),
            _ => Vec::new(),
        }
    }

    /// `let`, `const` and `class` names declared at the top level (not properties of globalThis).
    fn lexical_names(&mut self) -> Vec<String> {
        match self.inspector.call("Runtime.globalLexicalScopeNames", json!({ "executionContextId": self.context_id })) {
            Ok(response) => string_array(&response["names"]),
            Err(_) => Vec::new(),
        }
    }
}

fn string_array(value: &Value) -> Vec<String> {
    value.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
}

/// What Tab completes: `partial` (the identifier before the cursor, from byte `start`) as a
/// property of `object`, or as a global name when `object` is `None`.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    start: usize,
    partial: String,
    object: Option<String>,
}

/// Finds the completion target at the end of `before` (the text before the cursor).
fn target(before: &str) -> Option<Target> {
    let chars: Vec<(usize, char)> = before.char_indices().collect();
    let mut k = chars.len();
    while k > 0 && is_identifier_char(chars[k - 1].1) {
        k -= 1;
    }
    let start = chars.get(k).map_or(before.len(), |(i, _)| *i);
    let partial = before[start..].to_string();
    if partial.starts_with(|c: char| c.is_numeric()) {
        return None;
    }
    let char_at = |i: usize| chars[i].1;
    // A member access `x.partial` or `x?.partial`, but not a spread `...partial`.
    let is_member = k > 0 && char_at(k - 1) == '.' && !(k > 1 && char_at(k - 2) == '.');
    if !is_member {
        return Some(Target { start, partial, object: None });
    }
    let mut end = k - 1;
    if end > 0 && char_at(end - 1) == '?' {
        end -= 1;
    }
    // Walk back over the object expression: names, dots, and balanced (...), [...] and
    // string literals (`foo.bar[0]().baz`, `'text'.len`).
    let mut i = end;
    while i > 0 {
        let c = char_at(i - 1);
        if is_identifier_char(c) || c == '.' || (c == '?' && i < end && char_at(i) == '.') {
            i -= 1;
        } else if let Some(open) = matching_open(&chars[..i]) {
            i = open;
        } else {
            break;
        }
    }
    let object = before[chars.get(i).map_or(before.len(), |(b, _)| *b)..chars[end].0].to_string();
    if object.is_empty() || object.starts_with(|c: char| c.is_numeric()) {
        return None;
    }
    Some(Target { start, partial, object: Some(object) })
}

/// If `chars` ends with a closing bracket or quote, the index of its opening one.
fn matching_open(chars: &[(usize, char)]) -> Option<usize> {
    let last = chars.last()?.1;
    if matches!(last, '\'' | '"' | '`') {
        return (0..chars.len() - 1).rev().find(|&j| chars[j].1 == last);
    }
    let open = match last {
        ')' => '(',
        ']' => '[',
        _ => return None,
    };
    let mut depth = 0;
    for j in (0..chars.len()).rev() {
        match chars[j].1 {
            c if c == last => depth += 1,
            c if c == open => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{Target, target};

    #[test]
    fn completion_targets() {
        let t = |object: Option<&str>, start: usize, partial: &str| {
            Some(Target { start, partial: partial.to_string(), object: object.map(str::to_string) })
        };
        assert_eq!(target("Math.ma"), t(Some("Math"), 5, "ma"));
        assert_eq!(target("x = Mat"), t(None, 4, "Mat"));
        assert_eq!(target("a.b[0]().c"), t(Some("a.b[0]()"), 9, "c"));
        assert_eq!(target("foo?.ba"), t(Some("foo"), 5, "ba"));
        assert_eq!(target("'abc'.len"), t(Some("'abc'"), 6, "len"));
        assert_eq!(target("[...Ma"), t(None, 4, "Ma"));
        assert_eq!(target("1.to"), None);
    }
}
