//! Benchmarks of `wasmcap::host` (issue 14), as JSON lines for bench/report.py:
//! - call overhead: a small struct in and out through `Extension::call`, against a baseline
//!   that does the same on one thread with raw `v8::Function::call` + serde_v8;
//! - pool scaling: calls/s of a CPU-bound export with one instance and with a pool of two;
//! - recycle cost: from a call stopped at its deadline to the next successful call.
//!
//!     cargo run --release --example bench_host -- [--reps N]

use std::time::{Duration, Instant};

use deno_core::{ModuleSpecifier, PollEventLoopOptions, v8};
use serde::{Deserialize, Serialize};
use wasmcap::host::{CallLimits, Host, HostOptions};

const PLUGIN: &str = r#"
export const echo = (p) => ({ id: p.id + 1, name: p.name, tags: p.tags });
export function work(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * i) % 1000003; return s; }
export const spin = () => { for (;;) {} };
"#;

#[derive(Serialize, Deserialize, Clone)]
struct Payload {
    id: u32,
    name: String,
    tags: Vec<String>,
}

fn payload() -> Payload {
    Payload { id: 7, name: "plugin".into(), tags: vec!["a".into(), "b".into()] }
}

fn median(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(|a, b| a.total_cmp(b));
    (values[values.len() / 2], values[0], values[values.len() - 1])
}

fn emit(metric: &str, unit: &str, samples: Vec<f64>) {
    let n = samples.len();
    let (median, min, max) = median(samples);
    println!(
        "{{\"bench\":\"host\",\"metric\":\"{metric}\",\"unit\":\"{unit}\",\"median\":{median:.3},\"min\":{min:.3},\"max\":{max:.3},\"reps\":{n}}}"
    );
}

/// Microseconds per call through the host: sequential calls from one task.
async fn host_call_us(path: &std::path::Path, calls: usize) -> f64 {
    let host = Host::new(HostOptions::default());
    let ext = host.load(path).await.expect("load");
    for _ in 0..1000 {
        let _: Payload = ext.call("echo", payload()).await.unwrap();
    }
    let start = Instant::now();
    for _ in 0..calls {
        let out: Payload = ext.call("echo", payload()).await.unwrap();
        assert_eq!(out.id, 8);
    }
    start.elapsed().as_secs_f64() * 1e6 / calls as f64
}

/// The same work on the caller's own thread: raw `v8::Function::call` and serde_v8.
async fn baseline_call_us(path: &std::path::Path, calls: usize) -> f64 {
    let mut runtime = wasmcap::Runtime::new(wasmcap::Options { script: wasmcap::Script::File(path.to_path_buf()), ..Default::default() })
        .expect("runtime");
    let js = runtime.js_runtime();
    let specifier = ModuleSpecifier::from_file_path(path).unwrap();
    let id = js.load_main_es_module(&specifier).await.unwrap();
    let evaluation = js.mod_evaluate(id);
    js.with_event_loop_promise(Box::pin(evaluation), PollEventLoopOptions::default()).await.unwrap();
    let exports = js.get_module_namespace(id).unwrap();
    let echo = {
        deno_core::scope!(scope, js);
        let exports = v8::Local::new(scope, exports);
        let key = v8::String::new(scope, "echo").unwrap();
        let echo = v8::Local::<v8::Function>::try_from(exports.get(scope, key.into()).unwrap()).unwrap();
        v8::Global::new(scope, echo)
    };
    let call = |js: &mut deno_core::JsRuntime| {
        deno_core::scope!(scope, js);
        let function = v8::Local::new(scope, &echo);
        let arg = serde_v8::to_v8(scope, payload()).unwrap();
        let undefined = v8::undefined(scope).into();
        let result = function.call(scope, undefined, &[arg]).unwrap();
        let out: Payload = serde_v8::from_v8(scope, result).unwrap();
        assert_eq!(out.id, 8);
    };
    for _ in 0..1000 {
        call(js);
    }
    let start = Instant::now();
    for _ in 0..calls {
        call(js);
    }
    start.elapsed().as_secs_f64() * 1e6 / calls as f64
}

/// Calls per second of `work(n)` from 8 concurrent tasks over `instances` instances.
async fn calls_per_second(path: &std::path::Path, instances: usize, calls: usize) -> f64 {
    let host = Host::new(HostOptions::default());
    let pool = host.load_pool(path, instances).await.expect("load");
    for _ in 0..50 {
        let _: u32 = pool.call("work", 20_000u32).await.unwrap();
    }
    let start = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                for _ in 0..calls / 8 {
                    let _: u32 = pool.call("work", 20_000u32).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

/// Milliseconds from a call stopped at its deadline to the end of the next successful call.
async fn recycle_ms(path: &std::path::Path) -> f64 {
    let host = Host::new(HostOptions::default());
    let ext = host.load(path).await.expect("load");
    let limits = CallLimits { timeout: Some(Duration::from_millis(20)), ..Default::default() };
    assert!(ext.call_with::<_, ()>("spin", (), limits).await.is_err());
    let stopped = Instant::now();
    let _: Payload = ext.call("echo", payload()).await.unwrap();
    stopped.elapsed().as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let reps = args
        .iter()
        .position(|a| a == "--reps")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(5usize);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plugin.js");
    std::fs::write(&path, PLUGIN).unwrap();

    let (mut host, mut baseline) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        host.push(host_call_us(&path, 20_000).await);
        // The baseline's runtime is !Send: it runs on a thread of its own.
        let p = path.clone();
        baseline.push(
            tokio::task::spawn_blocking(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(baseline_call_us(&p, 20_000))
            })
            .await
            .unwrap(),
        );
    }
    emit("call_us", "us", host);
    emit("baseline_call_us", "us", baseline);

    let (mut one, mut two) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        one.push(calls_per_second(&path, 1, 2_000).await);
        two.push(calls_per_second(&path, 2, 2_000).await);
    }
    emit("calls_per_s_1", "calls/s", one);
    emit("calls_per_s_2", "calls/s", two);

    let mut recycle = Vec::new();
    for _ in 0..reps.max(5) {
        recycle.push(recycle_ms(&path).await);
    }
    emit("recycle_ms", "ms", recycle);
}
