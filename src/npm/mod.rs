//! npm packages from a local `node_modules`: Node's resolution of bare specifiers
//! (resolve.rs, exports.rs), which files are CommonJS, the ES module facade through which
//! `import` sees a CommonJS file (cjs_exports.rs), and the sandboxed file access behind
//! `require` (the [`RequireHost`] of src/extension/node.rs). Every file touched lies beneath the
//! script's tree or a `--allow-read` root (files.rs).
//!
//! Written here rather than taken from the `node_resolver` crate: that crate needs five
//! crates this build cannot fetch offline (deno_package_json, deno_semver, ...), and it
//! leaves the node_modules walk -- the part that must respect the sandbox -- to its caller.

mod builtins;
mod cjs_exports;
mod exports;
mod files;
mod package_json;
mod resolve;

use std::path::{Path, PathBuf};

use deno_core::ModuleSpecifier;
use deno_error::JsErrorBox;

use wasmcap_extension::RequireHost;
use crate::permissions::{Grant, Root};
pub use files::in_node_modules;
use package_json::shown;
pub use resolve::{Failure, Mode, Resolved};

/// The largest file `require` reads (64 MiB, as the module loader).
const MAX_SOURCE_BYTES: u64 = 64 << 20;

/// How deep `module.exports = require("./y")` reexports are followed for named exports.
const MAX_REEXPORT_DEPTH: usize = 8;

pub struct Packages {
    files: files::Files,
    cache: package_json::Cache,
    /// Where code without a file (stdin, eval, the REPL) resolves from.
    base: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    Esm,
    CommonJs,
    Json,
}

impl Packages {
    pub fn new(tree: Option<Root>, read: Grant, base: PathBuf) -> Self {
        Packages { files: files::Files { tree, read }, cache: Default::default(), base }
    }

    /// For the module loader: `Ok(None)` unless `specifier` is bare (`zod`, `#x`, `node:x`),
    /// else where it leads from the module `referrer` (a URL).
    pub fn resolve_import(&self, specifier: &str, referrer: &str) -> Result<Option<ModuleSpecifier>, JsErrorBox> {
        if !is_bare(specifier) {
            return Ok(None);
        }
        let from_dir = self.dir_of_url(referrer);
        let shown_referrer = crate::loader::display_specifier(referrer);
        match self.resolve_bare(specifier, &from_dir, Mode::Import) {
            Ok(Resolved::Builtin(name)) => ModuleSpecifier::parse(&format!("node:{name}")).map(Some).map_err(JsErrorBox::from_err),
            Ok(Resolved::File(path)) => ModuleSpecifier::from_file_path(&path)
                .map(Some)
                .map_err(|_| JsErrorBox::type_error(format!("'{}' is not a valid file path", path.display()))),
            Err(failure) => Err(JsErrorBox::new(failure.class, format!("{} (imported from {shown_referrer})", failure.message))),
        }
    }

    fn dir_of_url(&self, referrer: &str) -> PathBuf {
        let file = ModuleSpecifier::parse(referrer).ok().and_then(|url| url.to_file_path().ok());
        file.and_then(|f| f.parent().map(Path::to_path_buf)).unwrap_or_else(|| self.base.clone())
    }

    /// Node's rule for which kind of module a file is: `.mjs` ES, `.cjs` CommonJS, `.js` by
    /// the nearest package.json's `"type"`. wasmcap keeps its own rule for the user's `.js`
    /// files outside `node_modules`: ES modules unless a package.json says "commonjs".
    pub fn format(&self, path: &Path) -> Result<Format, Failure> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        match extension {
            "json" => return Ok(Format::Json),
            "mjs" => return Ok(Format::Esm),
            "cjs" => return Ok(Format::CommonJs),
            _ => {}
        }
        let dir = path.parent().unwrap_or(path);
        let package = self.cache.nearest(&self.files, dir).map_err(|e| Failure::new("Error", e))?;
        let kind = package.as_ref().and_then(|p| p.kind.as_deref());
        Ok(match (kind, in_node_modules(path)) {
            (Some("module"), _) => Format::Esm,
            (Some("commonjs"), _) | (None, true) => Format::CommonJs,
            _ => Format::Esm,
        })
    }

    /// The ES module `import` gets for the CommonJS file `path`: it runs the file through
    /// `require` (one instance, shared with CommonJS importers) and exports `default`
    /// (`module.exports`) and the names the source visibly assigns.
    pub fn commonjs_facade(&self, path: &Path, source: &str) -> String {
        let mut names = Vec::new();
        self.export_names(path, source, 0, &mut names);
        let quote = |text: &str| deno_core::serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
        let mut facade = format!(
            "import {{ createRequire }} from \"node:module\";\nconst cjs = createRequire(import.meta.url)({});\nexport default cjs;\n",
            quote(&path.to_string_lossy())
        );
        for (i, name) in names.iter().enumerate() {
            facade.push_str(&format!("const e{i} = cjs[{0}];\nexport {{ e{i} as {0} }};\n", quote(name)));
        }
        facade
    }

    fn export_names(&self, path: &Path, source: &str, depth: usize, names: &mut Vec<String>) {
        let detected = cjs_exports::detect(source);
        for name in detected.names {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        if depth >= MAX_REEXPORT_DEPTH {
            return;
        }
        let parent = path.to_string_lossy();
        for specifier in detected.reexports {
            // Conservative: a reexport that does not resolve to a readable CommonJS file adds nothing.
            let Ok((format, target)) = self.resolve_for_require(&specifier, &parent) else { continue };
            if format != "commonjs" {
                continue;
            }
            let target = PathBuf::from(target);
            if let Ok(bytes) = self.files.read(&target, MAX_SOURCE_BYTES) {
                self.export_names(&target, &String::from_utf8_lossy(&bytes), depth + 1, names);
            }
        }
    }

    fn resolve_for_require(&self, specifier: &str, parent: &str) -> Result<(String, String), Failure> {
        if specifier.contains('\0') {
            return Err(Failure::new("TypeError", "invalid module specifier: it contains a NUL byte"));
        }
        let parent_file = if parent.is_empty() { self.base.join("$repl.js") } else { crate::permissions::normalize(&self.base, Path::new(parent)) };
        let parent_dir = parent_file.parent().unwrap_or(&self.base).to_path_buf();
        let path = if is_bare(specifier) {
            match self.resolve_bare(specifier, &parent_dir, Mode::Require)? {
                Resolved::Builtin(name) => return Ok(("builtin".into(), name)),
                Resolved::File(path) => path,
            }
        } else if specifier.contains(':') && !specifier.starts_with('.') && !specifier.starts_with('/') {
            return Err(Failure::new("TypeError", format!("require takes a path or a package name, not the URL '{specifier}'")));
        } else {
            let wanted = crate::permissions::normalize(&parent_dir, Path::new(specifier));
            if wanted.as_os_str().len() > crate::permissions::MAX_PATH_BYTES {
                return Err(Failure::new("TypeError", "cannot require a path longer than 4096 bytes (PATH_MAX)"));
            }
            self.resolve_path(&wanted)?
                .ok_or_else(|| Failure::new("NotFound", format!("cannot find module '{specifier}' (looked for it as a file, with .js or .json, and as a directory, in the script's tree and --allow-read only)")))?
        };
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !matches!(extension, "js" | "cjs" | "mjs" | "json") {
            return Err(Failure::new("TypeError", format!("cannot require '{}': only .js, .cjs, .mjs and .json files are modules", shown(&path))));
        }
        let format = match self.format(&path)? {
            Format::Esm => "module",
            Format::CommonJs => "commonjs",
            Format::Json => "json",
        };
        Ok((format.into(), path.to_string_lossy().into_owned()))
    }

    fn read_for_require(&self, path: &Path) -> Result<String, Failure> {
        let shown = shown(path);
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        let allowed = match extension {
            "js" | "cjs" | "mjs" => self.files.covers(path),
            // JSON is data: the user's only under --allow-read; a package's own (in node_modules) as its code.
            "json" => self.files.read.allows(path) || (in_node_modules(path) && self.files.covers(path)),
            _ => return Err(Failure::new("TypeError", format!("cannot require '{shown}': only .js, .cjs, .mjs and .json files are modules"))),
        };
        if !allowed {
            let rule = if extension == "json" { "JSON outside node_modules is data, read only under --allow-read" } else { "it is outside the script's tree and --allow-read" };
            return Err(Failure::new("PermissionDenied", format!("cannot require '{shown}': {rule}; run with --allow-read={shown}")));
        }
        let bytes = self.files.read(path, MAX_SOURCE_BYTES).map_err(|e| {
            let class = if e.kind() == std::io::ErrorKind::NotFound { "NotFound" } else { "PermissionDenied" };
            Failure::new(class, format!("cannot require '{shown}': {}", files::describe_io(&e)))
        })?;
        Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

impl RequireHost for Packages {
    fn require_resolve(&self, specifier: &str, parent: &str) -> Result<(String, String, String), JsErrorBox> {
        let resolved = self.resolve_for_require(specifier, parent);
        resolved.map(|(format, path)| {
            let display = if format == "builtin" { format!("node:{path}") } else { shown(Path::new(&path)) };
            (format, path, display)
        }).map_err(|failure| {
            let from = if parent.is_empty() { String::new() } else { format!(" (required from {})", shown(Path::new(parent))) };
            JsErrorBox::new(failure.class, format!("{}{from}", failure.message))
        })
    }

    fn require_read(&self, path: &str) -> Result<String, JsErrorBox> {
        self.read_for_require(Path::new(path)).map_err(|failure| JsErrorBox::new(failure.class, failure.message))
    }
}

/// Neither relative (`./`, `../`, `/`) nor a URL other than `node:`: a package, a builtin or
/// a package import (`#x`).
fn is_bare(specifier: &str) -> bool {
    if specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/') || specifier == "." || specifier == ".." {
        return false;
    }
    if specifier.starts_with("node:") {
        return true;
    }
    ModuleSpecifier::parse(specifier).is_err()
}
