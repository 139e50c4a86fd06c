//! `wasmcap test --watch`: run the suite, then again whenever a file under its paths changes,
//! running only what the change can affect.
//!
//! A changed `NAME.js`, `NAME.repl` or `NAME.out` re-runs that case. A changed module a case
//! may import (any other `.js`, `.mjs`, `.cjs` or `.json`) re-runs every case: the import
//! graph is not tracked, so the run is a superset of the affected cases, never less. Changes
//! arrive through the `notify` crate (inotify on Linux) and are debounced: a burst of writes
//! (an editor saving, `git checkout`) is one re-run. What the cases themselves write while
//! they run is ignored, so a case that writes into the suite cannot re-trigger itself.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use super::{Case, Filter, SuiteOptions, discover, printable, run_suite};

/// How long the files must be quiet before a change is acted on.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// The extensions whose files can change a case's outcome.
const RELEVANT: [&str; 7] = ["js", "mjs", "cjs", "json", "out", "repl", "txt"];

/// Runs the suite, then re-runs it on changes until the process is interrupted. `clear`:
/// clear the screen before each re-run (on a terminal).
pub fn watch_suite(options: &SuiteOptions, clear: bool) -> anyhow::Result<()> {
    let (events, changes) = channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = events.send(event);
    })?;
    for path in &options.paths {
        watcher
            .watch(path, RecursiveMode::Recursive)
            .map_err(|e| anyhow::anyhow!("cannot watch '{}': {e}", printable(&path.display().to_string())))?;
    }
    run_once(options);
    loop {
        drain(&changes); // what the run itself wrote
        say("watching for changes (Ctrl+C to stop)");
        let changed = next_change(&changes)?;
        let found = match discover(&options.paths) {
            Ok(found) => found,
            Err(e) => {
                eprintln!("error: {e:#}");
                continue;
            }
        };
        let base = std::env::current_dir()?;
        let Some(names) = affected(&found.cases, &changed, &base) else { continue };
        if clear {
            print!("\x1b[2J\x1b[H");
        }
        let shown: Vec<String> = changed.iter().take(3).map(|p| printable(&shown_path(p, &base))).collect();
        let more = changed.len().saturating_sub(3);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        say(&format!("changed: {}{more}", shown.join(", ")));
        let filters = match names {
            Affected::All => options.filters.clone(),
            Affected::Cases(names) => names.iter().map(|name| exact(name)).collect(),
        };
        run_once(&SuiteOptions { filters, ..options.clone() });
    }
}

/// One run, its report on stdout; a setup error (no case ran...) is said and watching goes on.
fn run_once(options: &SuiteOptions) {
    if let Err(e) = run_suite(options) {
        eprintln!("error: {e:#}");
    }
    let _ = std::io::stdout().flush();
}

fn say(text: &str) {
    println!("watch: {text}");
    let _ = std::io::stdout().flush();
}

/// The next burst of relevant changes: blocks for the first, then gathers until DEBOUNCE
/// passes with none.
fn next_change(changes: &Receiver<notify::Result<notify::Event>>) -> anyhow::Result<BTreeSet<PathBuf>> {
    let mut changed = BTreeSet::new();
    while changed.is_empty() {
        let event = changes.recv().map_err(|_| anyhow::anyhow!("the file watcher stopped"))?;
        collect(&mut changed, event);
    }
    loop {
        match changes.recv_timeout(DEBOUNCE) {
            Ok(event) => collect(&mut changed, event),
            Err(RecvTimeoutError::Timeout) => return Ok(changed),
            Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the file watcher stopped"),
        }
    }
}

fn drain(changes: &Receiver<notify::Result<notify::Event>>) {
    while changes.try_recv().is_ok() {}
}

fn collect(changed: &mut BTreeSet<PathBuf>, event: notify::Result<notify::Event>) {
    let Ok(event) = event else { return };
    if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
        return;
    }
    for path in event.paths {
        let relevant = path.extension().and_then(|e| e.to_str()).is_some_and(|e| RELEVANT.contains(&e));
        if relevant {
            changed.insert(path);
        }
    }
}

enum Affected {
    All,
    Cases(BTreeSet<String>),
}

/// Which cases a change can affect: each case whose script or expected output changed; all of
/// them if anything else changed (a module some case may import). None: nothing to run.
fn affected(cases: &[Case], changed: &BTreeSet<PathBuf>, base: &Path) -> Option<Affected> {
    let mut names = BTreeSet::new();
    for path in changed {
        let owner = cases.iter().find(|c| same_file(&c.script, path) || same_file(&c.expected, path));
        match owner {
            Some(case) => {
                names.insert(case.name(base));
            }
            // A text file only matters as a case's own output: a module is code or JSON.
            None if path.extension().is_some_and(|e| e == "txt" || e == "out" || e == "repl") => {}
            None => return Some(Affected::All),
        }
    }
    (!names.is_empty()).then_some(Affected::Cases(names))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(a, b)| a == b) || b.ends_with(a)
}

fn shown_path(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}

/// A filter that selects the case named `name` and no other.
fn exact(name: &str) -> Filter {
    Filter::Pattern(regex::Regex::new(&format!("^{}$", regex::escape(name))).expect("an escaped name is a valid pattern"))
}
