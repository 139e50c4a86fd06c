//! Helpers for tests that spawn the built `wasmcap` binary.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

pub const WASMCAP: &str = env!("CARGO_BIN_EXE_wasmcap");

/// JS helpers for scripts that check bytes: `hex(u8)`, `bytes(hex)`, `concat([u8, ...])`.
pub const JS_BYTES: &str = r#"
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (h) => new Uint8Array(h.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
"#;

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

    /// Runs `wasmcap ARGS` in this directory with these variables added to its environment.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let run = run_exe_bounded_env(WASMCAP, self.path(), args, "", Duration::from_secs(600), env);
        Run { stdout: run.stdout, stderr: run.stderr, code: run.code.unwrap_or(-1) }
    }

    /// Writes `main.js` and runs it.
    pub fn script(&self, code: &str) -> Run {
        self.write("main.js", code);
        self.run(&["run", "main.js"], "")
    }
}

/// Runs `exe ARGS` in `dir` with `stdin` (at most 10 minutes: a hang fails the test).
pub fn run_in(exe: &str, dir: &Path, args: &[&str], stdin: &str) -> Run {
    let run = run_exe_bounded(exe, dir, args, stdin, Duration::from_secs(600));
    Run { stdout: run.stdout, stderr: run.stderr, code: run.code.unwrap_or(-1) }
}

/// Asserts a clean run and returns its stdout.
pub fn ok(run: Run) -> String {
    assert_eq!(run.code, 0, "expected exit 0; stderr:\n{}\nstdout:\n{}", run.stderr, run.stdout);
    assert_eq!(run.stderr, "", "unexpected stderr");
    run.stdout
}

/// What a bounded run printed, how it ended (`None`: killed by a signal) and how long it took.
#[derive(Debug)]
pub struct Bounded {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
    pub elapsed: Duration,
}

/// Runs `wasmcap ARGS` in `dir` with `stdin`; a run still going after `limit` is killed and
/// fails the test with what it printed (a hang is a failure, not a stuck suite). stdin is
/// written and the pipes drained on threads, so a chatty child cannot block on a full pipe.
pub fn run_bounded<S: AsRef<OsStr>>(dir: &Path, args: &[S], stdin: &str, limit: Duration) -> Bounded {
    run_exe_bounded(WASMCAP, dir, args, stdin, limit)
}

fn run_exe_bounded<S: AsRef<OsStr>>(exe: &str, dir: &Path, args: &[S], stdin: &str, limit: Duration) -> Bounded {
    run_exe_bounded_env(exe, dir, args, stdin, limit, &[])
}

fn run_exe_bounded_env<S: AsRef<OsStr>>(
    exe: &str,
    dir: &Path,
    args: &[S],
    stdin: &str,
    limit: Duration,
    env: &[(&str, &str)],
) -> Bounded {
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        // Error output is compared as plain text: a FORCE_COLOR in the caller's environment
        // would colour it.
        .env_remove("FORCE_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wasmcap");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_string();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let status = child.wait_timeout(limit).unwrap();
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let elapsed = started.elapsed();
    let _ = writer.join();
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
    assert!(status.is_some(), "wasmcap {shown:?} still running after {limit:?}\nstdout: {stdout}\nstderr: {stderr}");
    Bounded { stdout, stderr, code: status.unwrap().code(), elapsed }
}
