//! The extension host (`wasmcap::host`): load once, call many times, typed, from any task, and
//! survive extensions that throw, loop, leak or never answer.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use wasmcap::Stopped;
use wasmcap::host::{CallError, CallLimits, Extension, Host, HostOptions};

/// Tests that start extension threads hold this for reading; the one that counts them holds it
/// for writing, so no other test's threads come and go meanwhile.
static THREADS: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// A directory of extension modules that lives as long as the test.
struct Plugins(tempfile::TempDir);

impl Plugins {
    fn new(files: &[(&str, &str)]) -> Plugins {
        let dir = tempfile::tempdir().unwrap();
        for (name, code) in files {
            std::fs::write(dir.path().join(name), code).unwrap();
        }
        Plugins(dir)
    }

    async fn load(&self, host: &Host, name: &str) -> Extension {
        host.load(self.0.path().join(name)).await.unwrap_or_else(|e| panic!("loading {name}: {e}"))
    }
}

fn host_with_timeout(ms: u64) -> Host {
    Host::new(HostOptions { timeout: Duration::from_millis(ms), ..Default::default() })
}

const SHAPES: &str = r#"
export const echo = (value) => value;
export function describe(message) {
  return { text: `${message.from} says ${message.text}`, words: message.text.split(" ").length, tags: message.tags };
}
export const count = () => 42;
export const bytes = (u8) => u8.map((b) => b ^ 0xff);
export const big = (n) => n * 2n;
export const shape = (s) => s.kind === "circle" ? { kind: "area", value: 3 * s.r * s.r } : { kind: "none" };
"#;

#[derive(Serialize)]
struct Message {
    from: String,
    text: String,
    tags: Vec<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Described {
    text: String,
    words: u32,
    tags: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Shape {
    Circle { r: f64 },
    Area { value: f64 },
    None,
}

#[tokio::test]
async fn every_serde_shape_round_trips() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[("shapes.js", SHAPES)]);
    let host = Host::new(HostOptions::default());
    let ext = plugins.load(&host, "shapes.js").await;

    let message = Message { from: "ann".into(), text: "hello there".into(), tags: vec!["a".into(), "b".into()] };
    let described: Described = ext.call("describe", message).await.unwrap();
    assert_eq!(described, Described { text: "ann says hello there".into(), words: 2, tags: vec!["a".into(), "b".into()] });

    assert_eq!(ext.call::<_, u32>("count", ()).await.unwrap(), 42);
    let map: BTreeMap<String, Vec<Option<i32>>> = [("x".to_string(), vec![Some(1), None])].into();
    assert_eq!(ext.call::<_, BTreeMap<String, Vec<Option<i32>>>>("echo", map.clone()).await.unwrap(), map);
    assert_eq!(ext.call::<_, Option<String>>("echo", None::<String>).await.unwrap(), None);
    assert_eq!(ext.call::<_, (u8, String, bool)>("echo", (7u8, "s".to_string(), true)).await.unwrap(), (7, "s".into(), true));
    assert_eq!(
        ext.call::<_, Shape>("shape", Shape::Circle { r: 2.0 }).await.unwrap(),
        Shape::Area { value: 12.0 }
    );
    assert_eq!(ext.call::<_, Shape>("shape", Shape::None).await.unwrap(), Shape::None);

    // Bytes as a Uint8Array both ways, not as arrays of numbers.
    let out: serde_v8::JsBuffer = ext.call("bytes", serde_v8::ToJsBuffer::from(vec![0u8, 1, 0xf0])).await.unwrap();
    assert_eq!(&out[..], &[0xff, 0xfe, 0x0f]);
    // 64-bit integers as BigInt.
    let big: serde_v8::BigInt = ext.call("big", serde_v8::BigInt::from(num_bigint::BigInt::from(u64::MAX))).await.unwrap();
    assert_eq!(num_bigint::BigInt::from(big), num_bigint::BigInt::from(u64::MAX) * 2);

    // A result that does not fit the type asked for is a conversion error, not a panic.
    match ext.call::<_, u32>("echo", "not a number").await {
        Err(CallError::Conversion(why)) => assert!(why.contains("u32"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn exceptions_missing_exports_and_load_errors_are_typed() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[
        ("throws.js", "export function fail(n) { throw new RangeError(`bad ${n}`); }\nexport const reject = async () => { throw new TypeError('later'); };\nexport const notAFunction = 5;"),
        ("broken.js", "export const x = ;"),
        ("throwsOnLoad.js", "throw new Error('no');"),
    ]);
    let host = Host::new(HostOptions::default());
    let ext = plugins.load(&host, "throws.js").await;
    match ext.call::<_, ()>("fail", 3).await {
        Err(CallError::Thrown { name, message, stack }) => {
            assert_eq!(name, "RangeError");
            assert_eq!(message, "bad 3");
            assert!(stack.starts_with("RangeError: bad 3\n    at fail ("), "{stack}");
            assert!(stack.contains("throws.js:1:"), "{stack}");
        }
        other => panic!("{other:?}"),
    }
    match ext.call::<_, ()>("reject", ()).await {
        Err(CallError::Thrown { name, message, .. }) => assert_eq!((name.as_str(), message.as_str()), ("TypeError", "later")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ext.call::<_, ()>("missing", ()).await,
        Err(CallError::NotAFunction { export: "missing".into(), found: "no such export".into() })
    );
    assert_eq!(
        ext.call::<_, ()>("notAFunction", ()).await,
        Err(CallError::NotAFunction { export: "notAFunction".into(), found: "a number".into() })
    );
    // The instance is fine after all that.
    assert!(matches!(ext.call::<_, ()>("fail", 1).await, Err(CallError::Thrown { .. })));

    for name in ["broken.js", "throwsOnLoad.js", "absent.js"] {
        match host.load(plugins.0.path().join(name)).await {
            Err(CallError::Load(why)) => assert!(why.contains(name), "{why}"),
            Ok(_) => panic!("{name} loaded"),
            Err(other) => panic!("{name}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn async_exports_are_awaited_while_the_event_loop_runs() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[(
        "async.js",
        "export async function later(ms) { await new Promise((r) => setTimeout(r, ms)); return ms * 2; }\n\
         export const forever = () => new Promise(() => {});",
    )]);
    let host = Host::new(HostOptions::default());
    let ext = plugins.load(&host, "async.js").await;
    assert_eq!(ext.call::<_, u32>("later", 20).await.unwrap(), 40);
    // Nothing can ever settle this promise: said at once, not after the deadline.
    let start = Instant::now();
    assert_eq!(ext.call::<_, ()>("forever", ()).await, Err(CallError::NeverSettles { export: "forever".into() }));
    assert!(start.elapsed() < Duration::from_millis(900));
}

const RUNAWAYS: &str = r#"
let calls = 0;
export const calls_so_far = () => ++calls;
export const spin = () => { for (;;) {} };
export const waitForever = () => new Promise((r) => setInterval(() => {}, 10));
export const block = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
export const longBuiltin = () => new Array(2 ** 25).fill(1.5).length;
export const leak = () => { const a = []; for (;;) a.push({ n: a.length }); };
export const ok = (x) => x + 1;
"#;

async fn assert_stopped_in_time(ext: &Extension, export: &str, deadline: Duration, bound: Duration) {
    let start = Instant::now();
    let result = ext.call::<_, ()>(export, ()).await;
    let took = start.elapsed();
    assert_eq!(result, Err(CallError::Stopped(Stopped::TimedOut(deadline))), "{export}");
    assert!(took < deadline + bound, "{export}: stopped after {took:?}");
}

#[tokio::test]
async fn runaway_calls_are_stopped_at_their_deadline_and_the_instance_is_recycled() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[("runaway.js", RUNAWAYS)]);
    let host = host_with_timeout(200);
    let ext = plugins.load(&host, "runaway.js").await;
    let other = plugins.load(&host, "runaway.js").await;
    assert_eq!(ext.call::<_, u32>("calls_so_far", ()).await.unwrap(), 1);
    assert_eq!(other.call::<_, u32>("calls_so_far", ()).await.unwrap(), 1);
    let deadline = Duration::from_millis(200);
    // The host gets its answer within the deadline plus a small margin (50 ms is what the
    // caller adds; more is allowed here for a loaded machine).
    let bound = Duration::from_millis(400);
    for export in ["spin", "waitForever", "block", "longBuiltin"] {
        assert_stopped_in_time(&ext, export, deadline, bound).await;
        // Recycled: a fresh module (its state starts over), serving calls as usual.
        assert_eq!(ext.call::<_, u32>("calls_so_far", ()).await.unwrap(), 1, "after {export}");
    }
    assert_eq!(ext.recycled(), vec![4]);
    // The other instance of the same module never noticed.
    assert_eq!(other.call::<_, u32>("calls_so_far", ()).await.unwrap(), 2);
    assert_eq!(other.recycled(), vec![0]);
    // A deadline of the call's own.
    let short = CallLimits { timeout: Some(Duration::from_millis(50)), ..Default::default() };
    assert_eq!(
        ext.call_with::<_, ()>("spin", (), short).await,
        Err(CallError::Stopped(Stopped::TimedOut(Duration::from_millis(50))))
    );
    assert_eq!(ext.call::<_, i32>("ok", 1).await.unwrap(), 2);
}

#[tokio::test]
async fn running_out_of_memory_is_an_error_and_the_process_goes_on() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[("runaway.js", RUNAWAYS)]);
    let host = Host::new(HostOptions { max_heap_mb: Some(32), timeout: Duration::from_secs(20), ..Default::default() });
    let ext = plugins.load(&host, "runaway.js").await;
    for _ in 0..3 {
        assert_eq!(ext.call::<_, ()>("leak", ()).await, Err(CallError::Stopped(Stopped::OutOfMemory { limit_mb: 32 })));
        assert_eq!(ext.call::<_, i32>("ok", 41).await.unwrap(), 42);
    }
    assert_eq!(ext.recycled(), vec![3]);
}

#[tokio::test]
async fn extensions_are_isolated_from_each_other() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[
        ("a.js", "globalThis.secret = 'from a'; Object.prototype.polluted = true; export const peek = () => [typeof globalThis.secret, ({}).polluted === true];"),
        ("b.js", "export const peek = () => [typeof globalThis.secret, ({}).polluted === true];"),
    ]);
    let host = Host::new(HostOptions::default());
    let a = plugins.load(&host, "a.js").await;
    let b = plugins.load(&host, "b.js").await;
    assert_eq!(a.call::<_, (String, bool)>("peek", ()).await.unwrap(), ("string".into(), true));
    assert_eq!(b.call::<_, (String, bool)>("peek", ()).await.unwrap(), ("undefined".into(), false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pool_serves_concurrent_calls_from_many_tasks() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[("square.js", "export const square = (n) => n * n;")]);
    let host = Host::new(HostOptions::default());
    let pool = host.load_pool(plugins.0.path().join("square.js"), 2).await.unwrap();
    let mut tasks = Vec::new();
    for task in 0..32u64 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut sum = 0u64;
            for i in 0..100u64 {
                let n = task * 100 + i;
                let squared: u64 = pool.call("square", n).await.unwrap();
                assert_eq!(squared, n * n);
                sum += squared;
            }
            sum
        }));
    }
    let mut total = 0u64;
    for task in tasks {
        total += task.await.unwrap();
    }
    assert_eq!(total, (0..3200u64).map(|n| n * n).sum::<u64>());
}

#[tokio::test]
async fn a_full_queue_is_a_clear_error() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[("runaway.js", RUNAWAYS)]);
    let host = Host::new(HostOptions { queue: 2, timeout: Duration::from_millis(300), ..Default::default() });
    let ext = plugins.load(&host, "runaway.js").await;
    let calls: Vec<_> = (0..6).map(|_| ext.call::<_, ()>("spin", ())).collect();
    let results = futures::future::join_all(calls).await;
    let busy = results.iter().filter(|r| matches!(r, Err(CallError::Busy { .. }))).count();
    assert!(busy >= 3, "{results:?}");
    assert!(results.iter().all(|r| matches!(r, Err(CallError::Busy { .. }) | Err(CallError::Stopped(_)))), "{results:?}");
}

/// The ids of this process's extension-instance threads (other tests run beside this one).
fn extension_threads() -> std::collections::BTreeSet<String> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| {
            let task = task.ok()?;
            let name = std::fs::read_to_string(task.path().join("comm")).ok()?;
            (name.trim() == "wasmcap-extensi").then(|| task.file_name().to_string_lossy().into_owned())
        })
        .collect()
}

#[tokio::test]
async fn ten_thousand_calls_keep_memory_flat_and_dropping_ends_the_threads() {
    let _alone = THREADS.write().await;
    let plugins = Plugins::new(&[("shapes.js", SHAPES)]);
    let host = Host::new(HostOptions::default());
    let before = extension_threads();
    let ext = host.load_pool(plugins.0.path().join("shapes.js"), 2).await.unwrap();
    let rss = || wasmcap::resident_bytes();
    for _ in 0..1000 {
        let _: Described = ext.call("describe", Message { from: "a".into(), text: "b c".into(), tags: vec![] }).await.unwrap();
    }
    let warm = rss();
    let mut peak = warm;
    for i in 0..10_000 {
        let _: Described = ext.call("describe", Message { from: "a".into(), text: "b c".into(), tags: vec![] }).await.unwrap();
        if i % 500 == 0 {
            peak = peak.max(rss());
        }
    }
    assert!(peak < warm + (16 << 20), "rss peaked at {peak} from {warm}");
    let ours: Vec<String> = extension_threads().difference(&before).cloned().collect();
    assert!(ours.len() >= 2, "{ours:?}");
    drop(ext);
    let left = extension_threads();
    assert!(ours.iter().all(|tid| !left.contains(tid)), "threads {ours:?} outlived their extension");
}

/// examples/plugin_host.rs, as a user runs it.
#[test]
fn the_plugin_host_example_passes_lines_through_every_plugin_and_survives_bad_ones() {
    let plugins = Plugins::new(&[
        ("10-upper.js", "export async function transform(line) { await null; return line.toUpperCase(); }"),
        ("20-picky.js", "export function transform(line) { if (line.includes('BAD')) throw new RangeError('no bad lines'); return line; }"),
        ("30-spin.js", "export const transform = (line) => { if (line === 'SPIN') for (;;) {} return line; };"),
        ("40-leak.js", "const kept = []; export const transform = (line) => { if (line === 'LEAK') for (;;) kept.push({ line, n: kept.length }); return line; };"),
        ("50-mark.js", "let n = 0; export const transform = (line) => `${line} #${++n}`;"),
        ("notes.txt", "not a plugin"),
    ]);
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_wasmcap")).with_file_name("examples").join("plugin_host");
    let mut child = std::process::Command::new(&exe)
        .args(["--timeout-ms", "1000", "--max-heap", "16"])
        .arg(plugins.0.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"hello\nbad one\nspin\nleak\nend\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert_eq!(stdout, "HELLO #1\nBAD ONE #2\nSPIN #3\nLEAK #4\nEND #5\n");
    assert_eq!(
        stderr,
        "plugin 20-picky: RangeError: no bad lines\nplugin 30-spin: timed out\nplugin 40-leak: out of memory\n"
    );
}

#[tokio::test]
async fn a_call_can_have_a_heap_limit_of_its_own() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[(
        "mem.js",
        "export const hold = (n) => { const a = []; for (let i = 0; i < n; i++) a.push({ i }); return a.length; };\n\
         export const leak = () => { const a = []; for (;;) a.push({ n: a.length }); };",
    )]);
    let host = Host::new(HostOptions { timeout: Duration::from_secs(20), ..Default::default() });
    let ext = plugins.load(&host, "mem.js").await;
    let tight = CallLimits { max_heap_mb: Some(16), ..Default::default() };
    assert_eq!(
        ext.call_with::<_, ()>("leak", (), tight).await,
        Err(CallError::Stopped(Stopped::OutOfMemory { limit_mb: 16 }))
    );
    // The next calls have the instance's own (here: V8's) limit again: ~40 MB is fine.
    assert_eq!(ext.call::<_, u32>("hold", 1_000_000).await.unwrap(), 1_000_000);
    // A tight call that stays within its limit is just a call.
    assert_eq!(ext.call_with::<_, u32>("hold", 1000, tight).await.unwrap(), 1000);
    assert_eq!(ext.call::<_, u32>("hold", 1_000_000).await.unwrap(), 1_000_000);
}

mod host_ops {
    use deno_core::{extension, op2};

    #[op2(fast)]
    fn op_host_answer() -> u32 {
        42
    }

    extension!(
        host_answer,
        ops = [op_host_answer],
        esm_entry_point = "ext:host_answer/host.js",
        esm = ["ext:host_answer/host.js" = {
            source = "import { core } from 'ext:core/mod.js'; const { op_host_answer } = core.ops; globalThis.host = { answer: () => op_host_answer() };"
        }],
    );

    pub fn init() -> deno_core::Extension {
        host_answer::init()
    }
}

#[tokio::test]
async fn host_ops_reach_extensions_as_they_reach_scripts() {
    let _shared = THREADS.read().await;
    let plugins = Plugins::new(&[("asks.js", "export const ask = () => host.answer() + 1;")]);
    let host = Host::new(HostOptions {
        extensions: Some(std::sync::Arc::new(|| vec![host_ops::init()])),
        ..Default::default()
    });
    let ext = plugins.load(&host, "asks.js").await;
    assert_eq!(ext.call::<_, u32>("ask", ()).await.unwrap(), 43);
    let pool = host.load_pool(plugins.0.path().join("asks.js"), 2).await.unwrap();
    assert_eq!(pool.call::<_, u32>("ask", ()).await.unwrap(), 43);
}
