//! Node's resolution of bare specifiers (`zod`, `@noble/hashes/blake2b`, `#internal`) and of
//! `require("./x")`, confined to the script's tree and `--allow-read`: `node_modules`
//! directories are looked for from the importing file upwards, but only where reads are
//! allowed, and whatever a package.json names must stay inside its package.

use std::path::{Path, PathBuf};

use super::Packages;
use super::exports::{self, Target};
use super::files::{Entry, describe_io, join};
use super::package_json::{PackageJson, shown};

/// How the file asking imports: decides the `exports` conditions and the lookups.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Import,
    Require,
}

impl Mode {
    /// "node" is left out: packages' node builds reach for builtins wasmcap does not have
    /// (`fs`, `worker_threads`); their default builds need only what is provided.
    pub fn conditions(self) -> &'static [&'static str] {
        match self {
            Mode::Import => &["wasmcap", "import", "module", "default"],
            Mode::Require => &["wasmcap", "require", "default"],
        }
    }
}

/// Why resolution failed: a class for the JS error and a message naming what and where.
#[derive(Debug)]
pub struct Failure {
    pub class: &'static str,
    pub message: String,
}

impl Failure {
    pub fn new(class: &'static str, message: impl Into<String>) -> Self {
        Failure { class, message: message.into() }
    }
}

pub enum Resolved {
    /// A `node:` module wasmcap provides, by its name without the scheme.
    Builtin(String),
    File(PathBuf),
}

impl Packages {
    /// Resolves a specifier that is neither relative nor a URL, from a file in `from_dir`.
    pub fn resolve_bare(&self, specifier: &str, from_dir: &Path, mode: Mode) -> Result<Resolved, Failure> {
        if specifier.is_empty() || specifier.contains('\0') {
            return Err(Failure::new("TypeError", "invalid module specifier: it is empty or contains a NUL byte"));
        }
        if let Some(name) = super::builtins::lookup(specifier)? {
            return Ok(Resolved::Builtin(name));
        }
        if specifier.starts_with('#') {
            return self.resolve_package_import(specifier, from_dir, mode);
        }
        let (name, subpath) = split_package_name(specifier)?;
        if let Some(own) = self.own_package(from_dir, &name)? {
            return self.resolve_in_package(&own, &subpath, mode, specifier).map(Resolved::File);
        }
        let mut searched = Vec::new();
        for dir in from_dir.ancestors() {
            if dir.file_name().is_some_and(|n| n == "node_modules") {
                continue;
            }
            let modules = dir.join("node_modules");
            if !self.files.covers(&modules) {
                continue;
            }
            searched.push(shown(&modules));
            let package_dir = modules.join(&name);
            match self.files.entry(&package_dir) {
                Ok(Some(Entry::Directory)) => {
                    let package = self.package_json(&package_dir)?;
                    return match package {
                        Some(package) => self.resolve_in_package(&package, &subpath, mode, specifier),
                        None => self.resolve_legacy(&package_dir, None, &subpath, mode, specifier),
                    }
                    .map(Resolved::File);
                }
                Ok(_) => {}
                Err(e) => {
                    return Err(Failure::new(
                        "PermissionDenied",
                        format!("cannot read package '{name}' at '{}': {}", shown(&package_dir), describe_io(&e)),
                    ));
                }
            }
        }
        // Suggest a command only for a name that is safe to paste into a shell.
        let install = if name.chars().all(|c| c.is_ascii_alphanumeric() || "@/._~-".contains(c)) && !name.starts_with('-') {
            format!("; install it with `npm install {name}`")
        } else {
            String::new()
        };
        let searched = if searched.is_empty() { "no node_modules directory (none is readable)".to_string() } else { searched.join(", ") };
        Err(Failure::new(
            "NotFound",
            format!(
                "cannot find package '{name}'; searched {searched} (directories outside the script's tree are searched only under --allow-read){install}"
            ),
        ))
    }

    /// `require("./x")` / `require("/abs/x")`: the file, `x.js`, `x.json`, or the directory's
    /// package.json `main` or `index.js`.
    pub fn resolve_path(&self, path: &Path) -> Result<Option<PathBuf>, Failure> {
        if let Some(found) = self.file_with_extensions(path)? {
            return Ok(Some(found));
        }
        if self.entry(path)? == Some(Entry::Directory) {
            let package = self.package_json(path)?;
            if let Some(main) = package.as_ref().and_then(|p| p.main.as_deref()) {
                let main_path = self.inside(path, main, "main")?;
                if let Some(found) = self.file_or_index(&main_path)? {
                    return Ok(Some(found));
                }
            }
            return self.index(path);
        }
        Ok(None)
    }

    fn resolve_package_import(&self, specifier: &str, from_dir: &Path, mode: Mode) -> Result<Resolved, Failure> {
        if specifier == "#" || specifier.starts_with("#/") {
            return Err(Failure::new("TypeError", format!("invalid module specifier '{specifier}': \"#\" needs a name")));
        }
        let package = self.cache.nearest(&self.files, from_dir).map_err(|e| Failure::new("Error", e))?;
        let Some(package) = package.filter(|p| p.imports.is_some()) else {
            return Err(Failure::new("NotFound", format!("'{specifier}' is not defined: no package.json with \"imports\" above the importing file")));
        };
        let imports = package.imports.as_ref().expect("filtered");
        let at = || format!("in '{}'", shown(&package.path));
        match exports::resolve_imports(imports, specifier, mode.conditions()).map_err(|e| Failure::new("TypeError", format!("{e} {}", at())))? {
            Some(Target::Relative(target)) => self.exported_file(&package, &target, specifier).map(Resolved::File),
            Some(Target::Package(bare)) => self.resolve_bare(&bare, &package.dir, mode),
            None => Err(Failure::new("NotFound", format!("'{specifier}' is not defined by \"imports\" {}", at()))),
        }
    }

    /// A package resolving its own name (Node's self-reference), only through `exports`.
    fn own_package(&self, from_dir: &Path, name: &str) -> Result<Option<std::rc::Rc<PackageJson>>, Failure> {
        let nearest = self.cache.nearest(&self.files, from_dir).map_err(|e| Failure::new("Error", e))?;
        Ok(nearest.filter(|p| p.name.as_deref() == Some(name) && p.exports.is_some()))
    }

    fn resolve_in_package(&self, package: &PackageJson, subpath: &str, mode: Mode, specifier: &str) -> Result<PathBuf, Failure> {
        let Some(exports) = &package.exports else {
            return self.resolve_legacy(&package.dir, Some(package), subpath, mode, specifier);
        };
        let at = || format!("in '{}'", shown(&package.path));
        match exports::resolve_exports(exports, subpath, mode.conditions())
            .map_err(|e| Failure::new("TypeError", format!("cannot resolve '{specifier}': {e} {}", at())))?
        {
            Some(Target::Relative(target)) => self.exported_file(package, &target, specifier),
            Some(Target::Package(_)) => unreachable!("exports targets are never packages"),
            None => {
                let what = if subpath == "." { "no main export".to_string() } else { format!("subpath '{subpath}' is not exported") };
                let conditions = mode.conditions().join(", ");
                Err(Failure::new("NotFound", format!("cannot resolve '{specifier}': {what} for conditions [{conditions}] {}", at())))
            }
        }
    }

    /// An `exports`/`imports` target: a file that exists, inside the package.
    fn exported_file(&self, package: &PackageJson, target: &str, specifier: &str) -> Result<PathBuf, Failure> {
        let path = self.inside(&package.dir, target, "exports")?;
        match self.entry(&path)? {
            Some(Entry::File) => Ok(path),
            Some(Entry::Directory) => Err(Failure::new("TypeError", format!("cannot import '{specifier}': it leads to the directory '{}'", shown(&path)))),
            None => Err(Failure::new("NotFound", format!("cannot find '{}', which '{specifier}' resolves to", shown(&path)))),
        }
    }

    /// No `exports`: `module` (for imports) or `main`, then index.js; a subpath by the
    /// CommonJS rules (`x`, `x.js`, `x.json`, `x/index.js`).
    fn resolve_legacy(&self, dir: &Path, package: Option<&PackageJson>, subpath: &str, mode: Mode, specifier: &str) -> Result<PathBuf, Failure> {
        if subpath != "." {
            let path = self.inside(dir, subpath, "the specifier")?;
            return self.resolve_path(&path)?.ok_or_else(|| {
                Failure::new("NotFound", format!("cannot find '{specifier}': no file '{}' (.js, .json, /index.js)", shown(&path)))
            });
        }
        let fields: &[Option<&String>] = match (package, mode) {
            (Some(p), Mode::Import) => &[p.module.as_ref(), p.main.as_ref()],
            (Some(p), Mode::Require) => &[p.main.as_ref()],
            (None, _) => &[],
        };
        for main in fields.iter().flatten() {
            let path = self.inside(dir, main, "main")?;
            if let Some(found) = self.file_or_index(&path)? {
                return Ok(found);
            }
        }
        self.index(dir)?
            .ok_or_else(|| Failure::new("NotFound", format!("cannot find the main file of '{specifier}' in '{}' (no main, module or index.js)", shown(dir))))
    }

    /// `dir/relative`, refused if it leaves `dir` (`"main": "../../../etc/passwd"`).
    fn inside(&self, dir: &Path, relative: &str, field: &str) -> Result<PathBuf, Failure> {
        let path = join(dir, relative);
        if relative.contains('\0') || Path::new(relative).is_absolute() || !path.starts_with(dir) {
            return Err(Failure::new(
                "PermissionDenied",
                format!("'{relative}' ({field} of the package in '{}') leads outside the package: refused", shown(dir)),
            ));
        }
        Ok(path)
    }

    fn file_or_index(&self, path: &Path) -> Result<Option<PathBuf>, Failure> {
        if let Some(found) = self.file_with_extensions(path)? {
            return Ok(Some(found));
        }
        self.index(path)
    }

    fn file_with_extensions(&self, path: &Path) -> Result<Option<PathBuf>, Failure> {
        let mut candidates = vec![path.to_path_buf()];
        for extension in [".js", ".json"] {
            let mut with = path.as_os_str().to_owned();
            with.push(extension);
            candidates.push(PathBuf::from(with));
        }
        for candidate in candidates {
            if self.entry(&candidate)? == Some(Entry::File) {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }

    fn index(&self, dir: &Path) -> Result<Option<PathBuf>, Failure> {
        for name in ["index.js", "index.json"] {
            let candidate = dir.join(name);
            if self.entry(&candidate)? == Some(Entry::File) {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }

    pub(super) fn entry(&self, path: &Path) -> Result<Option<Entry>, Failure> {
        self.files
            .entry(path)
            .map_err(|e| Failure::new("PermissionDenied", format!("cannot read '{}': {}", shown(path), describe_io(&e))))
    }

    pub(super) fn package_json(&self, dir: &Path) -> Result<Option<std::rc::Rc<PackageJson>>, Failure> {
        self.cache.in_dir(&self.files, dir).map_err(|e| Failure::new("Error", e))
    }
}

/// `@scope/name/sub/path` -> (`@scope/name`, `./sub/path`), refusing what Node refuses.
pub fn split_package_name(specifier: &str) -> Result<(String, String), Failure> {
    let invalid = |why: &str| Failure::new("TypeError", format!("invalid package specifier '{specifier}': {why}"));
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next().unwrap_or_default();
    let (name, rest) = if first.starts_with('@') {
        let Some(second) = parts.next().filter(|s| !s.is_empty()) else { return Err(invalid("a scoped name is @scope/name")) };
        (format!("{first}/{second}"), parts.next())
    } else {
        let rest = specifier.split_once('/').map(|(_, rest)| rest);
        (first.to_string(), rest)
    };
    if name.starts_with('.') || name.starts_with('-') || name.contains('\\') || name.contains('%') || first.is_empty() {
        return Err(invalid("a package name cannot start with '.' or '-' or contain '\\' or '%'"));
    }
    let subpath = match rest {
        None => ".".to_string(),
        Some(rest) if rest.is_empty() || exports::has_invalid_segment(rest) => {
            return Err(invalid("its subpath has an empty, '.', '..' or node_modules segment"));
        }
        Some(rest) => format!("./{rest}"),
    };
    Ok((name, subpath))
}
