//! Which `node:` modules exist here. Node resolves a builtin's bare name (`events`) before
//! any package of that name, and so does wasmcap. The ones that reach the system are refused
//! by name, with the wasmcap way to do it where there is one.

use super::resolve::Failure;

/// Node's builtins that wasmcap does not provide, and what to use instead.
const REFUSED: &[(&str, &str)] = &[
    ("fs", "use wasmcap:fs (with --allow-read / --allow-write)"),
    ("fs/promises", "use wasmcap:fs (with --allow-read / --allow-write)"),
    ("child_process", "scripts cannot start processes"),
    ("cluster", "scripts cannot start processes"),
    ("worker_threads", "scripts cannot start threads"),
    ("net", "scripts have no network access"),
    ("tls", "scripts have no network access"),
    ("http", "scripts have no network access"),
    ("https", "scripts have no network access"),
    ("http2", "scripts have no network access"),
    ("dgram", "scripts have no network access"),
    ("dns", "scripts have no network access"),
    ("dns/promises", "scripts have no network access"),
    ("os", "scripts see nothing of the host system"),
    ("vm", "scripts cannot create V8 contexts"),
    ("v8", "scripts cannot reach V8's internals"),
    ("inspector", "scripts cannot reach V8's internals"),
    ("async_hooks", "it is not implemented"),
    ("diagnostics_channel", "it is not implemented"),
    ("perf_hooks", "use the global performance"),
    ("readline", "it is not implemented"),
    ("repl", "it is not implemented"),
    ("tty", "it is not implemented"),
    ("stream", "it is not implemented"),
    ("stream/promises", "it is not implemented"),
    ("stream/web", "it is not implemented"),
    ("zlib", "it is not implemented"),
    ("wasi", "use wasmcap:guest"),
    ("domain", "it is not implemented"),
    ("punycode", "it is not implemented"),
    ("constants", "it is not implemented"),
    ("sys", "use node:util"),
    ("trace_events", "it is not implemented"),
    ("timers/promises", "it is not implemented"),
    ("sqlite", "it is not implemented"),
    ("test", "use `wasmcap test`"),
];

/// `Ok(Some(name))` for a provided builtin (`node:events` or `events`), `Err` for a refused
/// or unknown `node:` name, `Ok(None)` for anything else (a package).
pub fn lookup(specifier: &str) -> Result<Option<String>, Failure> {
    let (name, prefixed) = match specifier.strip_prefix("node:") {
        Some(name) => (name, true),
        None => (specifier, false),
    };
    if wasmcap_extension::NODE_BUILTINS.contains(&name) {
        return Ok(Some(name.to_string()));
    }
    if let Some((_, instead)) = REFUSED.iter().find(|(refused, _)| *refused == name) {
        return Err(Failure::new(
            "Error",
            format!("'node:{name}' is not available in wasmcap: {instead}"),
        ));
    }
    if prefixed {
        let known = wasmcap_extension::NODE_BUILTINS.iter().map(|n| format!("node:{n}")).collect::<Vec<_>>().join(", ");
        return Err(Failure::new("NotFound", format!("unknown builtin module 'node:{name}'; wasmcap provides {known}")));
    }
    Ok(None)
}
