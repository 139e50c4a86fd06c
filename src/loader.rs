//! Module loading: the embedded `wasmcap:` modules, and local files by these rules (imports
//! are code, not a way to read data):
//! - JavaScript modules are `.js`/`.mjs` regular files (at most 64 MiB) from the main script's
//!   own directory tree, opened beneath it as `wasmcap:fs` opens (no symlink out; a FIFO or
//!   directory is refused, never waited on), or from paths `--allow-read` covers.
//! - JSON modules are data: only from paths `--allow-read` covers.
//! - Code without a file (stdin, `eval`, the REPL) has no tree: `--allow-read` only.
//! - The only import attribute is `type: "json"`.
//! - An imported file that does not parse is reported by position, never by a token of it.

use std::path::{Path, PathBuf};

use deno_core::{
    ModuleLoadOptions, ModuleLoadReferrer, ModuleLoadResponse, ModuleLoader, ModuleSource,
    ModuleSourceCode, ModuleSpecifier, ModuleType, RequestedModuleType, ResolutionKind,
    resolve_import,
};
use deno_error::{JsErrorBox, JsErrorClass};

use crate::syntax_check;
use crate::runtime::{ImportSite, Sources};

/// Names of the public `wasmcap:` modules, for help texts and the REPL. They live in the
/// startup snapshot and deno_core builds them on import (see src/extension/extension.rs):
/// this loader only resolves their names.
pub fn public_module_names() -> impl Iterator<Item = &'static str> {
    wasmcap_extension::PUBLIC_MODULES.iter().copied()
}

pub struct WasmcapLoader {
    /// Local modules may come from this directory tree (the main script's own); `None` for
    /// code without a file of its own (stdin, `eval`, the REPL): those import files only
    /// under `--allow-read`.
    tree: Option<crate::permissions::Root>,
    /// The current directory, from which relative paths are made absolute.
    base: PathBuf,
    /// The referrer of code that has none of its own (the REPL's input).
    unnamed_referrer: ModuleSpecifier,
    /// Modules outside the tree, and every JSON module, need this grant.
    read: crate::permissions::Grant,
    /// Where module texts and failed imports are recorded, for the source line of an error.
    sources: Sources,
    /// Bare specifiers, CommonJS files and `require` (src/npm).
    packages: std::rc::Rc<crate::npm::Packages>,
    /// The main module when it is a file this loader reads (`run FILE`), the one module that
    /// may have any name. Code given as text (stdin, `eval`, the REPL, a host's code) has
    /// none: everything it imports is an import, whatever deno_core says of the referrer.
    main: Option<ModuleSpecifier>,
}

impl WasmcapLoader {
    pub fn new(
        tree: Option<PathBuf>,
        base: PathBuf,
        unnamed_referrer: ModuleSpecifier,
        read: crate::permissions::Grant,
    ) -> Self {
        let tree = tree.map(|given| {
            let given = crate::permissions::normalize(&base, &given);
            let real = given.canonicalize().unwrap_or_else(|_| given.clone());
            crate::permissions::Root { given, real }
        });
        let packages = std::rc::Rc::new(crate::npm::Packages::new(tree.clone(), read.clone(), base.clone()));
        WasmcapLoader { tree, base, unnamed_referrer, read, sources: Sources::default(), packages, main: None }
    }

    /// The main module is the file `main` (see the `main` field).
    pub fn with_main_file(self, main: ModuleSpecifier) -> Self {
        WasmcapLoader { main: Some(main), ..self }
    }

    /// Records every module's text, and where each failed import was written, in `sources`.
    pub fn recording_into(self, sources: Sources) -> Self {
        WasmcapLoader { sources, ..self }
    }

    /// The package resolver, which the runtime also gives `require` (src/extension/node.rs).
    pub fn packages(&self) -> std::rc::Rc<crate::npm::Packages> {
        self.packages.clone()
    }
}

/// The largest module file wasmcap loads (64 MiB).
const MAX_MODULE_BYTES: u64 = 64 << 20;

/// The only import attribute there is: `type`, and its only value, `"json"`. Anything else
/// (`type: "text"`, `type: "bytes"`, unknown keys) is refused before anything is loaded.
pub fn validate_import_attributes(
    scope: &mut deno_core::v8::PinScope,
    attributes: &std::collections::HashMap<String, String>,
    context: &deno_core::ImportAttributesContext,
) {
    let mut keys: Vec<&String> = attributes.keys().collect();
    keys.sort();
    let problem = keys.iter().find_map(|key| match (key.as_str(), attributes[*key].as_str()) {
        ("type", "json") => None,
        ("type", other) => Some(format!("import type \"{other}\" is not supported (only \"json\")")),
        (other, _) => Some(format!("import attribute \"{other}\" is not supported (only type: \"json\")")),
    });
    if let Some(problem) = problem {
        let message =
            format!("{problem}: '{}' imported from {}", context.specifier, display_specifier(&context.referrer));
        // The exception has no stack frame: the error output shows the import (see `Sources`).
        let state = deno_core::JsRuntime::op_state_from(scope);
        if let Some(sources) = state.try_borrow().ok().and_then(|state| state.try_borrow::<Sources>().cloned()) {
            let line = context.line_number.and_then(|line| usize::try_from(line).ok());
            let site = ImportSite { referrer: context.referrer.clone(), specifier: context.specifier.clone(), line };
            sources.blame(&message, site);
        }
        let message = deno_core::v8::String::new(scope, &message).unwrap_or_else(|| deno_core::v8::String::empty(scope));
        let exception = deno_core::v8::Exception::type_error(scope, message);
        scope.throw_exception(exception);
    }
}

/// Shows a file URL as a path relative to the current directory where possible, so that
/// error messages are short and golden files portable.
pub fn display_specifier(specifier: &str) -> String {
    let Ok(url) = ModuleSpecifier::parse(specifier) else { return specifier.to_string() };
    let Ok(path) = url.to_file_path() else { return specifier.to_string() };
    display_path(&path)
}

pub fn display_path(path: &Path) -> String {
    match std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf)) {
        Some(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

impl WasmcapLoader {
    fn resolve_written(&self, specifier: &str, referrer: &str) -> Result<ModuleSpecifier, JsErrorBox> {
        // Code evaluated by the REPL has no referrer (or one that is not a URL).
        let referrer = match ModuleSpecifier::parse(referrer) {
            Ok(_) => referrer,
            Err(_) => self.unnamed_referrer.as_str(),
        };
        // URL schemes are case-insensitive: `WASMCAP:x` is `wasmcap:x`, and gets the same check.
        if specifier.get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("wasmcap:")) {
            let name = &specifier[8..];
            return match public_module_names().find(|known| known[8..] == *name) {
                Some(known) => ModuleSpecifier::parse(known).map_err(JsErrorBox::from_err),
                None => Err(JsErrorBox::type_error(format!(
                    "unknown module 'wasmcap:{name}' imported from {}; available: {}",
                    display_specifier(referrer),
                    public_module_names().collect::<Vec<_>>().join(", ")
                ))),
            };
        }
        if let Some(resolved) = self.packages.resolve_import(specifier, referrer)? {
            return Ok(resolved);
        }
        let resolved = resolve_import(specifier, referrer).map_err(|e| {
            JsErrorBox::type_error(format!("{e} (imported from {})", display_specifier(referrer)))
        })?;
        // A relative specifier cannot make a wasmcap: URL (no wasmcap: module imports one), but
        // whatever resolves to one must be a known name.
        if resolved.scheme() == "wasmcap" && !public_module_names().any(|known| known == resolved.as_str()) {
            return Err(JsErrorBox::type_error(format!(
                "unknown module '{resolved}' imported from {}",
                display_specifier(referrer)
            )));
        }
        Ok(resolved)
    }
}

impl ModuleLoader for WasmcapLoader {
    fn resolve(
        &self,
        specifier: &str,
        referrer: &str,
        _kind: ResolutionKind,
    ) -> Result<ModuleSpecifier, JsErrorBox> {
        let resolved = self.resolve_written(specifier, referrer);
        match &resolved {
            Ok(url) => self.sources.wrote(referrer, url.as_str(), specifier),
            Err(e) => {
                let site = ImportSite { referrer: referrer.to_string(), specifier: specifier.to_string(), line: None };
                self.sources.blame(&e.get_message(), site);
            }
        }
        resolved
    }

    fn load(
        &self,
        specifier: &ModuleSpecifier,
        maybe_referrer: Option<&ModuleLoadReferrer>,
        options: ModuleLoadOptions,
    ) -> ModuleLoadResponse {
        let loaded = self.load_sync(specifier, maybe_referrer, &options);
        // Every failure, a parse error too, is shown at the import (never by the text of the
        // file that failed: see `syntax_check`).
        if let Err(e) = &loaded {
            let site = match maybe_referrer {
                Some(referrer) => Some(ImportSite {
                    referrer: referrer.specifier.to_string(),
                    specifier: self.sources.written(referrer.specifier.as_str(), specifier.as_str()),
                    line: usize::try_from(referrer.line_number).ok(),
                }),
                None => self.sources.importer_of(specifier.as_str()).map(|(referrer, specifier)| ImportSite {
                    referrer,
                    specifier,
                    line: None,
                }),
            };
            if let Some(site) = site {
                self.sources.blame(&e.get_message(), site);
            }
        }
        ModuleLoadResponse::Sync(loaded)
    }
}

impl WasmcapLoader {
    fn load_sync(
        &self,
        specifier: &ModuleSpecifier,
        maybe_referrer: Option<&ModuleLoadReferrer>,
        options: &ModuleLoadOptions,
    ) -> Result<ModuleSource, JsErrorBox> {
        let from = maybe_referrer
            .map(|r| format!(" (imported from {})", display_specifier(r.specifier.as_str())))
            .unwrap_or_default();
        // Known wasmcap: modules never get here (deno_core builds them from the snapshot).
        if specifier.scheme() == "wasmcap" {
            if options.requested_module_type != RequestedModuleType::None {
                return Err(JsErrorBox::type_error(format!(
                    "'{specifier}' is a JavaScript module: import it without a type{from}"
                )));
            }
            return Err(JsErrorBox::type_error(format!("unknown module '{specifier}'{from}")));
        }
        if specifier.scheme() != "file" {
            return Err(JsErrorBox::new(
                "PermissionDenied",
                format!(
                    "cannot import '{specifier}'{from}: wasmcap scripts may import only local files and wasmcap: modules"
                ),
            ));
        }
        let path = specifier
            .to_file_path()
            .map_err(|_| JsErrorBox::type_error(format!("invalid file URL '{specifier}'{from}")))?;
        let path = crate::permissions::normalize(&self.base, &path);
        if path.as_os_str().len() > crate::permissions::MAX_PATH_BYTES {
            return Err(JsErrorBox::type_error(format!(
                "cannot import a path of {} bytes{from}: the limit is {} bytes (PATH_MAX)",
                path.as_os_str().len(),
                crate::permissions::MAX_PATH_BYTES
            )));
        }
        let shown = display_path(&path);
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        // deno_core loads the main module, and the root of each dynamic import, with no referrer;
        // so do the static imports of code given as text: only the main file is the main module.
        let is_main = maybe_referrer.is_none() && !options.is_dynamic_import && self.main.as_ref() == Some(specifier);
        let module_type = match (&options.requested_module_type, is_json) {
            (RequestedModuleType::Json, true) => ModuleType::Json,
            (RequestedModuleType::Json, false) => {
                return Err(JsErrorBox::type_error(format!(
                    "'{shown}' is not a .json file but was imported with type: \"json\""
                )));
            }
            (RequestedModuleType::None, true) => {
                return Err(JsErrorBox::type_error(format!("'{shown}' is JSON: import it with {{ type: \"json\" }}")));
            }
            (RequestedModuleType::None, false) => ModuleType::JavaScript,
            (other, _) => {
                return Err(JsErrorBox::type_error(format!("cannot import '{shown}'{from} as {other}: only JavaScript and JSON modules exist")));
            }
        };
        // Imports are code: a file that is not named as JavaScript is never run as such (its
        // text would reach the script through error messages). The main script may be any file.
        let is_code = path.extension().is_some_and(|e| e == "js" || e == "mjs" || e == "cjs");
        if module_type == ModuleType::JavaScript && !is_code && !is_main {
            return Err(JsErrorBox::type_error(format!(
                "cannot import '{shown}'{from}: only .js, .mjs and .cjs files are JavaScript modules"
            )));
        }
        // JavaScript from the script's own tree; everything else, JSON above all (it is data),
        // only under --allow-read.
        let in_tree = match (&module_type, &self.tree) {
            (ModuleType::JavaScript, Some(tree)) => {
                crate::permissions::Grant::Paths(vec![tree.clone()]).locate(&path)
            }
            // A package's own JSON is part of its code.
            (ModuleType::Json, Some(tree)) if crate::npm::in_node_modules(&path) => {
                crate::permissions::Grant::Paths(vec![tree.clone()]).locate(&path)
            }
            _ => None,
        };
        let target = in_tree.or_else(|| self.read.locate(&path)).ok_or_else(|| {
            let rule = match (&module_type, &self.tree) {
                (ModuleType::Json, _) => "JSON modules are data: they are read only under --allow-read".to_string(),
                (_, Some(tree)) => format!(
                    "scripts may import modules only from their own directory tree ({}) or paths granted by --allow-read",
                    display_path(&tree.given)
                ),
                (_, None) => "code from stdin, eval or the REPL may import files only under --allow-read".to_string(),
            };
            JsErrorBox::new("PermissionDenied", format!("cannot import '{shown}'{from}: {rule}; run with --allow-read={shown}"))
        })?;
        let code = read_module(&target).map_err(|e| {
            use std::io::ErrorKind;
            let why = match e.kind() {
                ErrorKind::NotFound => return JsErrorBox::new("NotFound", format!("module not found: '{shown}'{from}")),
                _ if crate::permissions::is_escape(&e) => {
                    "it leads out of its directory (through a symbolic link)".to_string()
                }
                _ if e.raw_os_error() == Some(libc::ELOOP) => "it is a symbolic link, which is not followed here".to_string(),
                _ => e.to_string(),
            };
            let class = if e.kind() == ErrorKind::PermissionDenied { "PermissionDenied" } else { "Error" };
            JsErrorBox::new(class, format!("cannot import '{shown}'{from}: {why}"))
        })?;
        // Parsed by V8 as deno_core will: UTF-8, bad bytes replaced.
        let code = String::from_utf8(code).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        // A CommonJS file is imported through a facade that `require`s it (src/npm).
        if module_type == ModuleType::JavaScript {
            let format = self.packages.format(&path).map_err(|f| JsErrorBox::new(f.class, format!("{}{from}", f.message)))?;
            if format == crate::npm::Format::CommonJs {
                let facade = self.packages.commonjs_facade(&path, &code);
                return Ok(ModuleSource::new(module_type, ModuleSourceCode::String(facade.into()), specifier, None));
            }
        }
        let code: std::sync::Arc<str> = code.into();
        if !is_main {
            let (kind, what) = match module_type {
                ModuleType::Json => (syntax_check::Kind::Json, "JSON"),
                _ => (syntax_check::Kind::Module, "JavaScript"),
            };
            if let Err(rejection) = syntax_check::check(code.to_string(), kind) {
                let at = rejection.at.map(|(line, column)| format!(" (line {line}, column {column})")).unwrap_or_default();
                return Err(JsErrorBox::new("SyntaxError", format!("'{shown}'{from} is not valid {what}{at}")));
            }
        }
        // Only code that parses is kept for error lines: a file that does not is never shown.
        if module_type == ModuleType::JavaScript {
            self.sources.add(specifier.as_str(), code.clone());
        }
        Ok(ModuleSource::new(module_type, ModuleSourceCode::String(code.into()), specifier, None))
    }
}

/// A module file's bytes: a regular file (a FIFO or device could hang or never end), at
/// most `MAX_MODULE_BYTES`, opened beneath its tree or grant like every wasmcap:fs access.
fn read_module(target: &crate::permissions::Target) -> std::io::Result<Vec<u8>> {
    let mut file = target.place()?.open_read()?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a directory" } else { "not a regular file (a FIFO, device or socket)" };
        return Err(std::io::Error::other(format!("it is {what}")));
    }
    if meta.len() > MAX_MODULE_BYTES {
        return Err(std::io::Error::other(format!("it is larger than {MAX_MODULE_BYTES} bytes")));
    }
    crate::permissions::read_bounded(&mut file, MAX_MODULE_BYTES)
}
