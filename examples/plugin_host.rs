//! A small plugin host on `wasmcap::host`: every `*.js` file in DIR (sorted by file name) is an
//! extension exporting `transform(line)` (sync or async). Each line of stdin passes through
//! every plugin in that order and the result is printed. A plugin that throws, runs past its
//! deadline or out of memory is reported on stderr, its input passes on unchanged, and it
//! serves the next line as usual (recycled if it had to be). Plugins have no permissions.
//!
//!     cargo run --release --example plugin_host -- [--timeout-ms N] [--max-heap MB] DIR < input

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use wasmcap::Stopped;
use wasmcap::host::{CallError, Extension, Host, HostOptions};

#[derive(Parser)]
#[command(about = "Pass each line of stdin through the transform(line) of every plugin in DIR")]
struct Args {
    /// Deadline of each call, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    timeout_ms: u64,
    /// Memory budget of each plugin, in MB.
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u32).range(8..))]
    max_heap: Option<u32>,
    /// The directory of plugins.
    dir: PathBuf,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let host = Host::new(HostOptions {
        timeout: Duration::from_millis(args.timeout_ms),
        max_heap_mb: args.max_heap.map(|mb| mb as usize),
        ..Default::default()
    });
    let mut files: Vec<PathBuf> = std::fs::read_dir(&args.dir)
        .map_err(|e| anyhow::anyhow!("cannot read the plugin directory {}: {e}", args.dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "js") && path.is_file())
        .collect();
    files.sort();
    let mut plugins: Vec<(String, Extension)> = Vec::new();
    for file in files {
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let plugin = host.load(&file).await.map_err(|e| anyhow::anyhow!("plugin {name}: {e}"))?;
        plugins.push((name, plugin));
    }

    let stdout = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let mut line = line?;
        for (name, plugin) in &plugins {
            match plugin.call::<String, String>("transform", line.clone()).await {
                Ok(transformed) => line = transformed,
                Err(e) => eprintln!("plugin {name}: {}", describe(&e)),
            }
        }
        let mut out = stdout.lock();
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            break; // stdout closed: nobody reads the rest
        }
    }
    Ok(())
}

fn describe(error: &CallError) -> String {
    match error {
        CallError::Stopped(Stopped::TimedOut(_)) => "timed out".to_string(),
        CallError::Stopped(Stopped::OutOfMemory { .. }) => "out of memory".to_string(),
        CallError::Thrown { name, message, .. } => format!("{name}: {message}"),
        other => format!("Error: {other}"),
    }
}
