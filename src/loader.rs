//! Module loading: local files under the script's own directory tree, and the embedded
//! `wasmcap:` modules. Nothing else (no network, no files outside the tree).

use std::path::{Path, PathBuf};

use deno_core::{
    ModuleLoadOptions, ModuleLoadReferrer, ModuleLoadResponse, ModuleLoader, ModuleSource,
    ModuleSourceCode, ModuleSpecifier, ModuleType, RequestedModuleType, ResolutionKind,
    resolve_import,
};
use deno_error::JsErrorBox;

/// Names of the public `wasmcap:` modules, for help texts and the REPL. They live in the
/// startup snapshot and deno_core builds them on import (see src/ops/mod.rs): this loader
/// only resolves their names.
pub fn public_module_names() -> impl Iterator<Item = &'static str> {
    crate::ops::PUBLIC_MODULES.iter().copied()
}

pub struct WasmcapLoader {
    /// Local modules must live under this directory (the main script's own)...
    root: PathBuf,
    /// ...or be readable under `--allow-read`.
    read: crate::permissions::Grant,
}

impl WasmcapLoader {
    pub fn new(root: PathBuf, read: crate::permissions::Grant) -> Self {
        WasmcapLoader { root, read }
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

impl ModuleLoader for WasmcapLoader {
    fn resolve(
        &self,
        specifier: &str,
        referrer: &str,
        _kind: ResolutionKind,
    ) -> Result<ModuleSpecifier, JsErrorBox> {
        // Code evaluated by the REPL has no referrer: resolve as if from a file in the root.
        let repl_referrer;
        let referrer = if referrer.is_empty() {
            repl_referrer = ModuleSpecifier::from_file_path(self.root.join("$repl.js"))
                .map(String::from)
                .unwrap_or_default();
            repl_referrer.as_str()
        } else {
            referrer
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

    fn load(
        &self,
        specifier: &ModuleSpecifier,
        maybe_referrer: Option<&ModuleLoadReferrer>,
        options: ModuleLoadOptions,
    ) -> ModuleLoadResponse {
        ModuleLoadResponse::Sync(self.load_sync(specifier, maybe_referrer, &options))
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
        let path = crate::permissions::resolve(&self.root, &path);
        if !path.starts_with(&self.root) && !self.read.allows(&path) {
            return Err(JsErrorBox::new(
                "PermissionDenied",
                format!(
                    "cannot import '{}'{from}: scripts may import modules only from their own directory tree ({}) or paths granted by --allow-read",
                    display_path(&path),
                    display_path(&self.root)
                ),
            ));
        }
        let code = std::fs::read(&path).map_err(|e| {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                "module not found".to_string()
            } else {
                e.to_string()
            };
            JsErrorBox::new("NotFound", format!("{what}: '{}'{from}", display_path(&path)))
        })?;
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let module_type = match (&options.requested_module_type, is_json) {
            (RequestedModuleType::Json, true) => ModuleType::Json,
            (RequestedModuleType::Json, false) => {
                return Err(JsErrorBox::type_error(format!(
                    "'{}' is not a .json file but was imported with type: \"json\"",
                    display_path(&path)
                )));
            }
            (_, true) => {
                return Err(JsErrorBox::type_error(format!(
                    "'{}' is JSON: import it with {{ type: \"json\" }}",
                    display_path(&path)
                )));
            }
            _ => ModuleType::JavaScript,
        };
        Ok(ModuleSource::new(
            module_type,
            ModuleSourceCode::Bytes(code.into_boxed_slice().into()),
            specifier,
            None,
        ))
    }
}
