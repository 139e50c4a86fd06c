//! The library as a host application embeds it. Every runtime starts from the startup snapshot
//! (build.rs); one with host extensions also binds their ops. Scripts must see the same world
//! either way, and runtimes of both kinds must coexist in one process.

use wasmcap::{Options, Output, Script};

// The host extension of examples/embed.rs (an op, and JS that takes it from core.ops): the
// pattern the README documents is the one tested here.
#[allow(dead_code)]
#[path = "../examples/embed.rs"]
mod embed;
use embed::host;

/// What a script sees of its environment, printed one fact per line.
const PROBE: &str = r#"
    import { Monocypher } from "wasmcap:monocypher";
    console.log("Deno:", typeof Deno, "__bootstrap:", typeof __bootstrap, "__wasmcapStart:", typeof __wasmcapStart);
    console.log("argv:", process.argv.slice(2), "platform:", process.platform);
    console.log("timeOrigin is now:", Math.abs(performance.timeOrigin + performance.now() - Date.now()) < 1000);
    console.log("globals:", Object.getOwnPropertyNames(globalThis).filter((n) => n !== "host").sort().join(","));
    const mc = new Monocypher();
    const key = mc.generateKey();
    const box = mc.lock("round trip", key);
    console.log(new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce)));
    try { null.x; } catch (e) { console.log(e.stack.split("\n")[1].trim()); }
    throw { code: 42 };
"#;

fn run_probe(extensions: Vec<deno_core::Extension>) -> (String, String) {
    let output = Output::capture();
    // Never read from disk: a name in the current directory gives stack paths without it.
    let script = Script::Code { name: std::env::current_dir().unwrap().join("probe.js"), code: PROBE.to_string() };
    let options = Options {
        script,
        args: vec!["one".into(), "two".into()],
        output: output.clone(),
        extensions,
        ..Default::default()
    };
    let uncaught = wasmcap::run_blocking(options).expect_err("the probe throws at the end");
    (String::from_utf8(output.captured()).unwrap(), uncaught.to_string())
}

#[test]
fn snapshot_and_host_extension_runtimes_look_the_same_to_scripts() {
    let (from_snapshot, uncaught_snapshot) = run_probe(Vec::new());
    let (with_host, uncaught_host) = run_probe(vec![host::init()]);
    assert!(from_snapshot.contains("Deno: undefined __bootstrap: undefined __wasmcapStart: undefined"), "{from_snapshot}");
    assert!(from_snapshot.contains("argv: [ 'one', 'two' ] platform: linux"), "{from_snapshot}");
    assert!(from_snapshot.contains("timeOrigin is now: true"), "{from_snapshot}");
    assert!(from_snapshot.contains("\nround trip\n"), "{from_snapshot}");
    assert!(from_snapshot.contains("\nat probe.js:11:16\n"), "relative stack paths: {from_snapshot}");
    assert_eq!(uncaught_snapshot, "Uncaught { code: 42 }");
    assert_eq!(from_snapshot, with_host);
    assert_eq!(uncaught_snapshot, uncaught_host);
}

#[test]
fn host_extensions_reach_their_ops() {
    let dir = tempfile::tempdir().unwrap();
    let output = Output::capture();
    let script = Script::Code { name: dir.path().join("host.js"), code: "console.log(host.answer() + 1)".into() };
    let options = Options { script, output: output.clone(), extensions: vec![host::init()], ..Default::default() };
    assert_eq!(wasmcap::run_blocking(options).unwrap(), 0);
    assert_eq!(String::from_utf8(output.captured()).unwrap(), "43\n");
}

#[test]
fn runtimes_with_and_without_host_extensions_run_side_by_side() {
    // V8 shares one read-only heap between the isolates of a process: every runtime must come
    // from the same snapshot, or creating them concurrently aborts inside V8.
    let threads: Vec<_> = (0..4)
        .map(|i| std::thread::spawn(move || run_probe(if i % 2 == 0 { Vec::new() } else { vec![host::init()] })))
        .collect();
    let outputs: Vec<_> = threads.into_iter().map(|t| t.join().expect("no runtime panics")).collect();
    assert!(outputs.windows(2).all(|w| w[0] == w[1]), "{outputs:#?}");
}
