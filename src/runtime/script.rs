//! What a runtime runs, and the one place that knows what each kind of script is called and
//! which directory tree it may import modules from.

use std::path::{Path, PathBuf};

use deno_core::ModuleSpecifier;

/// The main script of a runtime ([`crate::Options::script`]).
#[derive(Default)]
pub enum Script {
    /// A module file, by its absolute path. It imports modules from its own directory tree.
    File(PathBuf),
    /// Source code standing for a file at `name` (an absolute path) that need not exist: a
    /// host's script that was never on disk. It imports as that file would.
    Code { name: PathBuf, code: String },
    /// `wasmcap run -`: code read from stdin.
    Stdin(String),
    /// `wasmcap eval CODE`: run as `run` would, its value printed (`node -p`).
    Eval(String),
    /// The REPL: no main script; input comes later, line by line.
    #[default]
    Repl,
}

impl Script {
    /// The path the script goes by: `process.argv[1]`, stack traces, the referrer of its
    /// imports. Code without a file is named as a file in `cwd` that is never read (a `$` no
    /// script file is likely to have): `$stdin.js`, `$eval.js`, `$repl.js`.
    pub fn path(&self, cwd: &Path) -> PathBuf {
        match self {
            Script::File(path) => path.clone(),
            Script::Code { name, .. } => name.clone(),
            Script::Stdin(_) => cwd.join("$stdin.js"),
            Script::Eval(_) => cwd.join("$eval.js"),
            Script::Repl => cwd.join("$repl.js"),
        }
    }

    /// The script's module specifier (a `file:` URL of [`Script::path`]).
    pub fn specifier(&self, cwd: &Path) -> anyhow::Result<ModuleSpecifier> {
        let path = self.path(cwd);
        ModuleSpecifier::from_file_path(&path)
            .map_err(|_| anyhow::anyhow!("cannot run '{}': a script is named by an absolute path", path.display()))
    }

    /// The directory tree the script may import JavaScript modules from: a file's own
    /// directory. Code without a file (stdin, `eval`, the REPL) has none: it imports files only
    /// under `--allow-read`, or a script piped in from $HOME could import all of it.
    pub fn module_tree(&self) -> Option<PathBuf> {
        match self {
            Script::File(path) | Script::Code { name: path, .. } => path.parent().map(Path::to_path_buf),
            Script::Stdin(_) | Script::Eval(_) | Script::Repl => None,
        }
    }
}
