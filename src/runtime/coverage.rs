//! Collecting V8's precise coverage of a run (`wasmcap test --coverage`): a local inspector
//! session starts block coverage before any script module is compiled, and when the runtime
//! is done it writes one profile (see [`crate::coverage::Profile`]) to the coverage directory.

use std::path::{Path, PathBuf};

use anyhow::Context;
use deno_core::JsRuntime;
use deno_core::serde_json::{self, Value, json};

use super::Sources;
use super::inspector::InspectorClient;
use crate::coverage::{FunctionCoverage, Profile, ScriptCoverage};

pub(super) struct Collector {
    inspector: InspectorClient,
    dir: PathBuf,
    /// Whether V8's debugger is enabled (see `script_source`).
    debugger: bool,
}

impl Collector {
    /// Starts block coverage with call counts (what `Profiler.startPreciseCoverage` calls
    /// `detailed` and `callCount`).
    pub fn start(js: &mut JsRuntime, dir: PathBuf) -> anyhow::Result<Self> {
        let mut inspector = InspectorClient::connect(js);
        inspector.call("Profiler.enable", json!({}))?;
        inspector.call("Profiler.startPreciseCoverage", json!({ "callCount": true, "detailed": true }))?;
        Ok(Collector { inspector, dir, debugger: false })
    }

    /// The text V8 compiled for a script the module loader did not load (a CommonJS module,
    /// which `require` compiles wrapped in a function). Asked of V8's debugger, enabled only
    /// now that the script has run: attached during the run, it would slow the script down,
    /// and a `debugger;` statement would pause it for a front-end that is not there.
    fn script_source(&mut self, script_id: &str) -> anyhow::Result<Option<String>> {
        if !self.debugger {
            self.inspector.call("Debugger.enable", json!({}))?;
            self.debugger = true;
        }
        let reply = self.inspector.call("Debugger.getScriptSource", json!({ "scriptId": script_id }))?;
        Ok(reply.get("scriptSource").and_then(Value::as_str).map(String::from))
    }

    /// Takes the coverage of the modules loaded from files (with the text V8 compiled, which
    /// the report maps to lines) and writes it to a new file in the coverage directory.
    pub fn write(&mut self, sources: &Sources) -> anyhow::Result<PathBuf> {
        let taken = self.inspector.call("Profiler.takePreciseCoverage", json!({}))?;
        let scripts: Vec<RawScript> = serde_json::from_value(taken.get("result").cloned().unwrap_or_default())
            .context("V8's coverage is not in the expected form")?;
        let mut covered = Vec::new();
        for script in scripts.into_iter().filter(|script| script.url.starts_with("file://")) {
            let source = match sources.text(&script.url) {
                Some(text) => text.to_string(),
                None => match self.script_source(&script.script_id)? {
                    Some(text) => text,
                    None => continue,
                },
            };
            covered.push(ScriptCoverage { url: script.url, source, functions: script.functions });
        }
        write_profile(&self.dir, &Profile { scripts: covered })
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawScript {
    script_id: String,
    url: String,
    functions: Vec<FunctionCoverage>,
}

/// Writes `profile` to a file of its own in `dir` (named by process and time, so that cases
/// running at once never share one), through a temporary name so that a reader never sees
/// half a file.
fn write_profile(dir: &Path, profile: &Profile) -> anyhow::Result<PathBuf> {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let path = dir.join(format!("{}-{nanos}.json", std::process::id()));
    let temporary = dir.join(format!(".{}-{nanos}.json.part", std::process::id()));
    let text = serde_json::to_vec(profile)?;
    std::fs::write(&temporary, text).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}
