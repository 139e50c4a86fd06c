//! Helpers for tests that spawn the built `wasmcap` binary.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const WASMCAP: &str = env!("CARGO_BIN_EXE_wasmcap");

/// What a run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// A scratch directory with script files in it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Runs `wasmcap ARGS` in this directory, feeding `stdin`.
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        run_in(WASMCAP, self.path(), args, stdin)
    }

    /// Writes `main.js` and runs it.
    pub fn script(&self, code: &str) -> Run {
        self.write("main.js", code);
        self.run(&["run", "main.js"], "")
    }
}

pub fn run_in(exe: &str, dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wasmcap");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Asserts a clean run and returns its stdout.
pub fn ok(run: Run) -> String {
    assert_eq!(run.code, 0, "expected exit 0; stderr:\n{}\nstdout:\n{}", run.stderr, run.stdout);
    assert_eq!(run.stderr, "", "unexpected stderr");
    run.stdout
}
