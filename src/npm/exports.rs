//! package.json `exports` and `imports`, as Node's resolution algorithm specifies them
//! (PACKAGE_EXPORTS_RESOLVE, PACKAGE_IMPORTS_RESOLVE, PACKAGE_TARGET_RESOLVE): conditions
//! in the object's own key order, arrays as fallbacks, subpath patterns with one `*`, and
//! targets that must stay inside the package (no `..`, `.`, `node_modules` or empty segment,
//! percent-encoded or not, and nothing absolute).

use deno_core::serde_json::{Map, Value};

/// Where an `exports`/`imports` entry leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// `./...` inside the package.
    Relative(String),
    /// A bare specifier (only `imports` may map to another package).
    Package(String),
}

/// `exports` for `subpath` (`.` or `./name`). `Ok(None)`: not exported.
pub fn resolve_exports(exports: &Value, subpath: &str, conditions: &[&str]) -> Result<Option<Target>, String> {
    let map;
    let exports_map = match exports {
        Value::Object(fields) if fields.keys().any(|k| k.starts_with('.')) => {
            if !fields.keys().all(|k| k.starts_with('.')) {
                return Err("its \"exports\" mixes subpaths (\"./x\") and conditions in one object".into());
            }
            fields
        }
        // A string, an array or an object of conditions: the package's main export.
        other => {
            map = Map::from_iter([(".".to_string(), other.clone())]);
            &map
        }
    };
    resolve_map(exports_map, subpath, false, conditions)
}

/// `imports` for `specifier` (`#name`).
pub fn resolve_imports(imports: &Value, specifier: &str, conditions: &[&str]) -> Result<Option<Target>, String> {
    match imports {
        Value::Object(map) => resolve_map(map, specifier, true, conditions),
        _ => Ok(None),
    }
}

fn resolve_map(map: &Map<String, Value>, key: &str, is_imports: bool, conditions: &[&str]) -> Result<Option<Target>, String> {
    if !key.contains('*')
        && let Some(target) = map.get(key)
    {
        return resolve_target(target, None, is_imports, conditions, 0);
    }
    // The longest matching pattern base wins (PATTERN_KEY_COMPARE).
    let mut best: Option<(&str, &Value, String)> = None;
    for (pattern, target) in map.iter() {
        let pattern: &str = pattern;
        let Some((base, trailer)) = pattern.split_once('*') else { continue };
        if trailer.contains('*') || !key.starts_with(base) || key == base {
            continue;
        }
        if !trailer.is_empty() && !(key.len() >= pattern.len() && key.ends_with(trailer)) {
            continue;
        }
        if best.as_ref().is_none_or(|(b, _, _)| pattern_key_compare(pattern, b)) {
            best = Some((pattern, target, key[base.len()..key.len() - trailer.len()].to_string()));
        }
    }
    match best {
        Some((_, target, matched)) => resolve_target(target, Some(matched.as_str()), is_imports, conditions, 0),
        None => Ok(None),
    }
}

/// Whether pattern `a` sorts before `b` (is more specific) in Node's order.
fn pattern_key_compare(a: &str, b: &str) -> bool {
    let base_a = a.find('*').map_or(a.len(), |i| i + 1);
    let base_b = b.find('*').map_or(b.len(), |i| i + 1);
    if base_a != base_b {
        return base_a > base_b;
    }
    a.len() > b.len()
}

/// At most this many nested arrays/condition objects are followed (serde_json already caps
/// nesting at 128; this keeps the walk itself small).
const MAX_TARGET_DEPTH: usize = 32;

fn resolve_target(
    target: &Value,
    pattern_match: Option<&str>,
    is_imports: bool,
    conditions: &[&str],
    depth: usize,
) -> Result<Option<Target>, String> {
    if depth > MAX_TARGET_DEPTH {
        return Err("its \"exports\" or \"imports\" is nested too deeply".into());
    }
    match target {
        Value::String(target) => resolve_string_target(target, pattern_match, is_imports).map(Some),
        Value::Array(choices) => {
            let mut last_error = None;
            for choice in choices {
                match resolve_target(choice, pattern_match, is_imports, conditions, depth + 1) {
                    Ok(Some(found)) => return Ok(Some(found)),
                    Ok(None) => {}
                    Err(e) => last_error = Some(e),
                }
            }
            last_error.map_or(Ok(None), Err)
        }
        Value::Object(by_condition) => {
            for (condition, value) in by_condition {
                if condition == "default" || conditions.contains(&condition.as_str()) {
                    if let Some(found) = resolve_target(value, pattern_match, is_imports, conditions, depth + 1)? {
                        return Ok(Some(found));
                    }
                }
            }
            Ok(None)
        }
        Value::Null => Ok(None),
        other => Err(format!("an \"exports\" target must be a string, array, object or null, not {other}")),
    }
}

fn resolve_string_target(target: &str, pattern_match: Option<&str>, is_imports: bool) -> Result<Target, String> {
    let substitute = |text: &str| match pattern_match {
        Some(matched) => text.replace('*', matched),
        None => text.to_string(),
    };
    if !target.starts_with("./") {
        let is_url_like = target.contains(':');
        if is_imports && !target.starts_with("../") && !target.starts_with('/') && !is_url_like {
            return Ok(Target::Package(substitute(target)));
        }
        return Err(format!("invalid target \"{target}\": targets must start with \"./\""));
    }
    if has_invalid_segment(&target[2..]) {
        return Err(format!("invalid target \"{target}\": it leaves the package or names node_modules"));
    }
    if let Some(matched) = pattern_match
        && has_invalid_segment(matched)
    {
        return Err(format!("invalid subpath \"{matched}\" for the pattern target \"{target}\""));
    }
    Ok(Target::Relative(substitute(target)))
}

/// A segment Node refuses in a target or a pattern match: empty, `.`, `..` or
/// `node_modules`, also percent-encoded; or a NUL.
pub fn has_invalid_segment(path: &str) -> bool {
    if path.contains('\0') {
        return true;
    }
    let decoded = path.replace("%2e", ".").replace("%2E", ".");
    let lower = decoded.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return true;
    }
    decoded.split(['/', '\\']).any(|segment| {
        segment.is_empty() || segment == "." || segment == ".." || segment.eq_ignore_ascii_case("node_modules")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use deno_core::serde_json::json;

    const ESM: &[&str] = &["wasmcap", "import", "module", "default"];
    const CJS: &[&str] = &["wasmcap", "require", "default"];

    fn rel(s: &str) -> Option<Target> {
        Some(Target::Relative(s.into()))
    }

    #[test]
    fn conditions_in_key_order() {
        let exports = json!({ ".": { "require": "./a.cjs", "import": "./a.mjs" }, "./x": "./x.js" });
        assert_eq!(resolve_exports(&exports, ".", ESM).unwrap(), rel("./a.mjs"));
        assert_eq!(resolve_exports(&exports, ".", CJS).unwrap(), rel("./a.cjs"));
        assert_eq!(resolve_exports(&exports, "./x", CJS).unwrap(), rel("./x.js"));
        assert_eq!(resolve_exports(&exports, "./y", CJS).unwrap(), None);
        let sugar = json!({ "node": "./n.js", "default": "./d.js" });
        assert_eq!(resolve_exports(&sugar, ".", ESM).unwrap(), rel("./d.js"));
    }

    #[test]
    fn patterns_pick_the_longest_base() {
        let exports = json!({ "./*": "./lib/*.js", "./fp/*": "./fp/*/index.js", "./fp/secret/*": null });
        assert_eq!(resolve_exports(&exports, "./a", ESM).unwrap(), rel("./lib/a.js"));
        assert_eq!(resolve_exports(&exports, "./fp/b", ESM).unwrap(), rel("./fp/b/index.js"));
        assert_eq!(resolve_exports(&exports, "./fp/secret/c", ESM).unwrap(), None);
        assert!(resolve_exports(&exports, "./../etc/passwd", ESM).is_err());
        assert!(resolve_exports(&exports, "./%2e%2e/x", ESM).is_err());
    }

    #[test]
    fn targets_stay_in_the_package() {
        for bad in ["../x.js", "/etc/passwd", "./../x.js", "./a/../../x", "./node_modules/x.js", "./%2e%2e/x", "file:///etc/passwd"] {
            assert!(resolve_exports(&json!({ ".": bad }), ".", ESM).is_err(), "{bad}");
        }
        assert!(resolve_exports(&json!({ ".": "./ok.js", "import": "./x" }), ".", ESM).is_err());
    }

    #[test]
    fn imports_may_name_packages() {
        let imports = json!({ "#dep": { "import": "dep-esm", "default": "./dep.js" }, "#int/*": "./src/*.js" });
        assert_eq!(resolve_imports(&imports, "#dep", ESM).unwrap(), Some(Target::Package("dep-esm".into())));
        assert_eq!(resolve_imports(&imports, "#dep", CJS).unwrap(), rel("./dep.js"));
        assert_eq!(resolve_imports(&imports, "#int/a", CJS).unwrap(), rel("./src/a.js"));
    }
}
