//! What error output needs to point at a line of source: the text of every module the runtime
//! loaded, and where each failed import was written. V8 keeps module sources to itself, and
//! deno_core reports a failed import without its position (a resolve failure) or with a byte
//! column of the referrer's text, so the loader records both here (see `errors`).

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

/// Shared by the module loader (which records) and the runtime (which reads, to print an
/// error). Cheap to clone: one registry per runtime.
#[derive(Clone, Default)]
pub struct Sources(Rc<RefCell<Registry>>);

#[derive(Default)]
struct Registry {
    /// Module URL to its source text (as given to V8: shared, not copied).
    texts: HashMap<String, Arc<str>>,
    /// The newest failures, by the message of the error each one raised.
    blamed: VecDeque<(String, ImportSite)>,
    /// (referrer URL, resolved URL) to the specifier as written: the loader is told only the
    /// resolved URL of an import that failed to load.
    written: HashMap<(String, String), String>,
}

/// Where a failed import was written: the `specifier` in module `referrer`, on `line` if
/// deno_core said (its column counts bytes, so the specifier is looked for on that line;
/// `None` for a resolve failure, where it says nothing).
#[derive(Clone, Debug)]
pub struct ImportSite {
    pub referrer: String,
    pub specifier: String,
    pub line: Option<usize>,
}

/// A script that imports in a loop must not grow the registry without bound: only the newest
/// failures are kept (an uncaught one is reported as soon as it happens).
const MAX_BLAMED: usize = 32;
/// Specifiers remembered as written (past this, a failed import shows no source line).
const MAX_WRITTEN: usize = 10_000;

impl Sources {
    pub fn add(&self, url: &str, text: Arc<str>) {
        self.0.borrow_mut().texts.insert(url.to_string(), text);
    }

    pub fn text(&self, url: &str) -> Option<Arc<str>> {
        self.0.borrow().texts.get(url).cloned()
    }

    /// Records that `referrer` wrote `specifier` for the module at `resolved`.
    pub fn wrote(&self, referrer: &str, resolved: &str, specifier: &str) {
        let mut registry = self.0.borrow_mut();
        if registry.written.len() < MAX_WRITTEN {
            registry.written.insert((referrer.to_string(), resolved.to_string()), specifier.to_string());
        }
    }

    /// The specifier `referrer` wrote for the module at `resolved` (the URL itself if unknown).
    pub fn written(&self, referrer: &str, resolved: &str) -> String {
        let registry = self.0.borrow();
        let key = (referrer.to_string(), resolved.to_string());
        registry.written.get(&key).cloned().unwrap_or_else(|| resolved.to_string())
    }

    /// A module that wrote an import of `resolved`, and the specifier it wrote (the first in
    /// URL order, if several did): for a failed load deno_core names no referrer for (the
    /// root of a dynamic import, an import from code without a file).
    pub fn importer_of(&self, resolved: &str) -> Option<(String, String)> {
        let registry = self.0.borrow();
        let mut importers = registry.written.iter().filter(|((_, url), _)| url == resolved);
        let first = importers.next().map(|((referrer, _), written)| (referrer, written));
        let (referrer, written) = importers
            .map(|((referrer, _), written)| (referrer, written))
            .fold(first?, |best, other| if other.0 < best.0 { other } else { best });
        Some((referrer.clone(), written.clone()))
    }

    /// Records that the error with `message` is to be shown at `site`.
    pub fn blame(&self, message: &str, site: ImportSite) {
        let mut registry = self.0.borrow_mut();
        if registry.blamed.len() >= MAX_BLAMED {
            registry.blamed.pop_front();
        }
        registry.blamed.push_back((message.to_string(), site));
    }

    /// Where the failed import that raised the error with `message` was written: (module URL,
    /// line, column), 1-based, the column in UTF-16 units as V8 counts. `None` if no failure
    /// with that message was recorded, or the specifier is not in the module's text.
    pub fn blamed(&self, message: &str) -> Option<(String, usize, Option<usize>)> {
        let site = {
            let registry = self.0.borrow();
            registry.blamed.iter().rev().find(|(said, _)| said == message).map(|(_, site)| site.clone())?
        };
        let text = self.text(&site.referrer)?;
        let (line, column) = find_specifier(&text, &site.specifier, site.line)?;
        Some((site.referrer, line, Some(column)))
    }
}

/// The position (1-based line, 1-based UTF-16 column) of the quoted `specifier` in `text`: on
/// line `near` if it is there, else anywhere; an import of it (after `import`, `import(` or
/// `from`) before any other string that spells it. The position is that of the opening quote.
fn find_specifier(text: &str, specifier: &str, near: Option<usize>) -> Option<(usize, usize)> {
    let quoted = [format!("\"{specifier}\""), format!("'{specifier}'"), format!("`{specifier}`")];
    // Byte offsets of the quoted specifier in `line`, imports first.
    let find_in = |line: &str| {
        let mut found: Vec<usize> =
            quoted.iter().flat_map(|q| line.match_indices(q.as_str()).map(|(at, _)| at)).collect();
        found.sort_by_key(|&at| (!is_import(&line[..at]), at));
        found.first().copied()
    };
    let position = |number: usize, line: &str, at: usize| (number, utf16_len(&line[..at]) + 1);
    if let Some(near) = near {
        if let Some(line) = super::source_line::nth_line(text, near) {
            if let Some(at) = find_in(line) {
                return Some(position(near, line, at));
            }
        }
    }
    let mut first = None;
    for (index, line) in super::source_line::lines(text).enumerate() {
        if let Some(at) = find_in(line) {
            if is_import(&line[..at]) {
                return Some(position(index + 1, line, at));
            }
            first = first.or(Some(position(index + 1, line, at)));
        }
    }
    first
}

/// Whether `before` ends as an import does just before its specifier.
fn is_import(before: &str) -> bool {
    let before = before.trim_end();
    ["import", "import(", "from"].iter().any(|keyword| {
        before.strip_suffix(keyword).is_some_and(|rest| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$'))
    })
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_specifier_on_the_line_deno_core_named() {
        let text = "// import './a.js'\nimport \"./b.js\";\nimport './a.js';\n";
        assert_eq!(find_specifier(text, "./a.js", Some(3)), Some((3, 8)));
        assert_eq!(find_specifier(text, "./a.js", None), Some((1, 11)));
        assert_eq!(find_specifier(text, "./b.js", Some(1)), Some((2, 8)));
        assert_eq!(find_specifier("const é = 1; import 'x';", "x", Some(1)), Some((1, 21)));
        assert_eq!(find_specifier("import 'x';", "y", None), None);
        // An import of it before a string that only spells it, on a line or in the file.
        assert_eq!(find_specifier("log('./a.js'); await import( './a.js');", "./a.js", Some(1)), Some((1, 30)));
        assert_eq!(find_specifier("log('./a.js');\nawait import('./a.js');", "./a.js", None), Some((2, 14)));
        assert_eq!(find_specifier("const s = './a.js';\nimport(s);", "./a.js", None), Some((1, 11)));
        assert_eq!(find_specifier("reimport './a.js'", "./a.js", None), Some((1, 10)));
    }

    #[test]
    fn keeps_only_the_newest_failures() {
        let sources = Sources::default();
        sources.add("file:///a.js", Arc::from("import 'gone';"));
        for i in 0..MAX_BLAMED + 5 {
            let site = ImportSite { referrer: "file:///a.js".into(), specifier: "gone".into(), line: None };
            sources.blame(&format!("failure {i}"), site);
        }
        assert!(sources.blamed("failure 0").is_none());
        assert_eq!(sources.blamed(&format!("failure {}", MAX_BLAMED + 4)), Some(("file:///a.js".into(), 1, Some(8))));
    }
}
