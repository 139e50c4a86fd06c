//! The web platform under wasmcap's own extension: Deno's deno_webidl and deno_web
//! (js/web.js installs their globals).

/// The extensions under wasmcap's own, in the order every runtime and the snapshot register
/// them: Deno's web platform (js/web.js installs its globals). No blob: URLs and no location.
pub fn web_platform_extensions() -> Vec<deno_core::Extension> {
    vec![
        deno_webidl::deno_webidl::init(),
        deno_web::deno_web::init(
            std::sync::Arc::new(deno_web::BlobStore::default()),
            None,
            false,
            deno_web::InMemoryBroadcastChannel::default(),
        ),
    ]
}

/// The web platform's lazily loaded scripts, as (specifier, path of its source): deno_web's
/// `extension!` reads them from its crate's directory while the snapshot is made (build.rs).
pub fn lazy_script_paths(extensions: &[deno_core::Extension]) -> Vec<(&'static str, &'static str)> {
    #[allow(deprecated, reason = "the variant deno_web's include_js_files produces")]
    extensions
        .iter()
        .flat_map(|extension| extension.lazy_loaded_js_files.iter())
        .filter_map(|file| match file.code {
            deno_core::ExtensionFileSourceCode::LoadedFromFsDuringSnapshot(path) => Some((file.specifier, path)),
            _ => None,
        })
        .collect()
}

/// Rust source of the table of the lazily loaded scripts that the snapshot did not evaluate
/// (streams, compression, URLPattern...): embedded in the binary, so that the runtime can load
/// them on first use. Sorted by specifier, as deno_core requires.
pub fn residual_lazy_scripts_table(paths: &[(&'static str, &'static str)], consumed: &[String]) -> String {
    let mut residual: Vec<_> = paths.iter().filter(|(specifier, _)| !consumed.iter().any(|c| c == specifier)).collect();
    residual.sort();
    let rows: String = residual.iter().map(|(specifier, path)| format!("    ({specifier:?}, include_str!({path:?})),\n")).collect();
    format!("&[\n{rows}]\n")
}
