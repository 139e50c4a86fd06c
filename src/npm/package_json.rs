//! package.json files: read through the sandbox, bounded in size and nesting (serde_json
//! refuses more than 128 levels), parsed once per runtime.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use deno_core::serde_json::Value;

use super::files::{Files, describe_io};

/// The largest package.json read (16 MiB; the largest on npm are well under 1 MiB).
pub const MAX_PACKAGE_JSON_BYTES: u64 = 16 << 20;

/// The fields of a package.json that resolution reads.
#[derive(Debug)]
pub struct PackageJson {
    /// The package's directory.
    pub dir: PathBuf,
    pub path: PathBuf,
    pub name: Option<String>,
    pub main: Option<String>,
    pub module: Option<String>,
    /// `"type"`: "module" (its `.js` files are ES modules) or "commonjs".
    pub kind: Option<String>,
    pub exports: Option<Value>,
    pub imports: Option<Value>,
}

#[derive(Default)]
pub struct Cache {
    read: RefCell<HashMap<PathBuf, Option<Rc<PackageJson>>>>,
}

impl Cache {
    /// The package.json in `dir`, if there is one; `Err` (a message) if it cannot be read or
    /// parsed.
    pub fn in_dir(&self, files: &Files, dir: &Path) -> Result<Option<Rc<PackageJson>>, String> {
        if let Some(known) = self.read.borrow().get(dir) {
            return Ok(known.clone());
        }
        let path = dir.join("package.json");
        let found = match files.is_file(&path) {
            Ok(true) => Some(Rc::new(parse(files, dir, &path)?)),
            Ok(false) => None,
            Err(e) => return Err(format!("cannot read '{}': {}", shown(&path), describe_io(&e))),
        };
        self.read.borrow_mut().insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }

    /// The nearest package.json at or above `dir`, looking only where reads are allowed.
    pub fn nearest(&self, files: &Files, dir: &Path) -> Result<Option<Rc<PackageJson>>, String> {
        for ancestor in dir.ancestors() {
            if !files.covers(ancestor) {
                continue;
            }
            if let Some(found) = self.in_dir(files, ancestor)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}

fn parse(files: &Files, dir: &Path, path: &Path) -> Result<PackageJson, String> {
    let bytes = files
        .read(path, MAX_PACKAGE_JSON_BYTES)
        .map_err(|e| format!("cannot read '{}': {}", shown(path), describe_io(&e)))?;
    // Reported by position only: a package.json's text is not the script's to read.
    let value: Value = deno_core::serde_json::from_slice(&bytes).map_err(|e| {
        let why = if e.to_string().contains("recursion limit") { "nested too deeply" } else { "not valid JSON" };
        format!("'{}' is {why} (line {}, column {})", shown(path), e.line(), e.column())
    })?;
    let Value::Object(fields) = value else {
        return Err(format!("'{}' is not a JSON object", shown(path)));
    };
    let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_string);
    Ok(PackageJson {
        dir: dir.to_path_buf(),
        path: path.to_path_buf(),
        name: text("name"),
        main: text("main"),
        module: text("module"),
        kind: text("type"),
        exports: fields.get("exports").filter(|v| !v.is_null()).cloned(),
        imports: fields.get("imports").filter(|v| !v.is_null()).cloned(),
    })
}

pub fn shown(path: &Path) -> String {
    match std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf)) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}
