//! A property-test campaign against every public JS API and op: wrong types, huge and
//! negative lengths, detached, shared and resizable buffers, and re-entrant calls. The
//! property: the process never panics or aborts, and every failure is a JS exception that is
//! an `Error` (something a script can catch and read).
//!
//! `FUZZ_SCRIPTS` sets the number of generated scripts (default 48, each of `CALLS_PER_SCRIPT`
//! calls); `tests/hardening/run.sh` runs the long campaign.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::Scratch;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const CALLS_PER_SCRIPT: usize = 40;

/// Every entry point a script can reach. `$0`..`$3` are replaced by generated values.
const TARGETS: &[&str] = &[
    "mc.lock($0, $1, $2)",
    "mc.lock($0, key, $1)",
    "mc.lock(text, $0)",
    "mc.unlock($0, $1, $2, $3)",
    "mc.unlock($0, box.mac, key, box.nonce, $1)",
    "mc.unlock(box.ciphertext, $0, key, $1)",
    "mc.lockWithNonceUnsafe($0, key, $1, $2)",
    "new Monocypher($0)",
    // Every other crypto API, its options and its stream objects.
    "mc.blake2b($0, $1)",
    "mc.blake2b(text, $0)",
    "mc.blake2bHasher($0).update($1).digest()",
    "mc.blake2bHasher().update($0).update($1).digest()",
    "hasher.update($0)",
    "mc.x25519PublicKey($0)",
    "mc.x25519($0, $1)",
    "mc.x25519(key, $0)",
    "mc.ed25519KeyPair($0)",
    "mc.ed25519Sign($0, $1)",
    "mc.ed25519Sign(pair.secretKey, $0)",
    "mc.ed25519Verify($0, $1, $2)",
    "mc.ed25519Verify($0, pair.publicKey, text)",
    "mc.ed25519Verify(sig, $0, $1)",
    "mc.argon2id($0, $1, $2)",
    "mc.argon2id('password', 'saltsalt', $0)",
    "mc.argon2id($0, 'saltsalt', { memoryKiB: 8, passes: 1, key: $1, ad: $2 })",
    "mc.equal($0, $1)",
    "mc.encryptStream($0, $1, $2)",
    "mc.encryptStream(key, $0).update($1)",
    "encStream.update($0)",
    "mc.decryptStream($0, $1, $2)",
    "mc.decryptStream(key, encStream.header, $0).update($1)",
    "decStream.update($0)",
    "decStream.final($0)",
    "Guest.load($0)",
    "Guest.load($0, $1)",
    "twoSum($0, $1)",
    "twoSumJs($0, $1)",
    "twoSum([1, 2, 3], $0)",
    "crypto.getRandomValues($0)",
    "crypto.randomUUID($0)",
    "new TextDecoder($0).decode($1)",
    "new TextDecoder().decode($0, $1)",
    "new TextEncoder().encode($0)",
    "new TextEncoder().encodeInto($0, $1)",
    "g.alloc($0)",
    "g.copyIn($0)",
    "g.copyOut($0, $1)",
    "g.write($0, $1)",
    "g.view($0, $1)",
    "g.readInt32($0)",
    "g.withArena($0)",
    "Guest.fromBytes($0)",
    "new Guest($0)",
    "wipe($0)",
    "readFile($0)",
    "writeFile($0, $1)",
    "structuredClone($0)",
    "setTimeout($0, $1)",
    "clearTimeout($0)",
    "queueMicrotask($0)",
    "performance.now($0)",
];

/// Values, hostile ones above all. Each is an expression evaluated fresh per use.
const VALUES: &[&str] = &[
    "undefined", "null", "true", "0", "-1", "1.5", "NaN", "Infinity", "-Infinity", "2 ** 31", "-(2 ** 31)",
    "2 ** 32", "2 ** 53", "-0", "1n", "''", "'text'", "'\\u{1F600}'.repeat(100)", "Symbol('s')", "{}", "[]",
    "[1, 2, 3]", "[1.5, 2]", "['1']", "new Array(5)", "{ length: 2 ** 32 }", "{ length: -1 }",
    "new Uint8Array(0)", "new Uint8Array(1)", "new Uint8Array(16)", "new Uint8Array(24)", "new Uint8Array(32)",
    "new Uint8Array(33)", "new Uint8Array(65536)", "new Uint8Array(65537)", "new Uint8Array(1 << 20)",
    "new Int32Array([7, -7, 2147483647])", "new Float64Array(3)", "new BigInt64Array(2)", "new Uint16Array(16)",
    "new DataView(new ArrayBuffer(8))", "new ArrayBuffer(32)",
    // Detached: transfer() leaves the original view with a detached buffer.
    "(() => { const u = new Uint8Array(32); u.buffer.transfer(); return u; })()",
    // Shared and resizable memory.
    "new Uint8Array(new SharedArrayBuffer(32))",
    "new Uint8Array(new ArrayBuffer(32, { maxByteLength: 64 }))",
    "(() => { const b = new ArrayBuffer(32, { maxByteLength: 64 }); const u = new Uint8Array(b); b.resize(8); return u; })()",
    // Views of the guest's own memory, which growth detaches.
    "g.view(g.heapBase, 32)", "new Uint8Array(g.memory.buffer)", "g.memory", "g.memory.buffer",
    // Re-entrant: getters and callbacks that call the API again mid-call.
    "{ get length() { mc.lock('x', key); return 32; } }",
    "new Proxy(new Uint8Array(32), {})",
    "() => mc.lock(text, key)",
    "() => g.withArena(() => g.alloc(1 << 20))",
    "() => { throw new Error('thrown by a callback'); }",
    "{ valueOf() { throw new Error('valueOf'); }, toString() { throw new Error('toString'); } }",
    "Object.create(null)",
    "(() => { const u = new Uint8Array(32); Object.defineProperty(u, 'length', { get() { return 1e9; } }); return u; })()",
    "new (class extends Uint8Array {})(32)",
    "mc.guest", "key", "box.mac", "box.nonce", "box.ciphertext", "text", "'../outside.txt'", "'/etc/passwd'",
    "new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))",
    // Crypto arguments: keys, signatures, low-order points, options of every shape.
    "new Uint8Array(64)", "pair.secretKey", "pair.publicKey", "sig", "encStream.header", "'\\uD800'", "'a\\uDC00b'",
    "Uint8Array.from({ length: 32 }, (_, i) => i === 0 ? 1 : 0)", "{ key }", "{ key, size: 16 }", "{ size: 65 }",
    "{ Key: key }", "{ length: 32 }", "{ get key() { throw new Error('getter'); } }",
    "{ memoryKiB: 8, passes: 1 }", "{ memoryKiB: 16, passes: 2, lanes: 2, size: 16 }", "{ memoryKiB: 8, passes: 2 ** 32 - 1 }",
    "{ memoryKiB: 8, passes: 1, secret: key }", "Object.assign(Object.create(null), { size: 8 })",
    "new Proxy({}, { ownKeys() { throw 1; } })",
    // Junk for Guest.load: not Wasm, a truncated header, random bytes, a valid but empty module.
    "Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255)", "new Uint8Array([0, 97, 115, 109, 1, 0])",
    "new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])", "new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127])",
    "{ exports: { memory: 'nope' } }", "{ imports: 5 }",
];

fn call_strategy() -> impl Strategy<Value = String> {
    (0..TARGETS.len(), vec(0..VALUES.len(), 4)).prop_map(|(target, args)| {
        let mut call = TARGETS[target].to_string();
        for (i, value) in args.iter().enumerate() {
            call = call.replace(&format!("${i}"), VALUES[*value]);
        }
        call
    })
}

fn script(calls: &[String]) -> String {
    let mut js = String::from(
        r#"
import { Monocypher, AuthenticationError } from "wasmcap:monocypher";
import { twoSum, twoSumJs } from "wasmcap:twosum";
import { Guest, wipe } from "wasmcap:guest";
import { readFile, writeFile } from "wasmcap:fs";
const mc = new Monocypher();
const key = mc.generateKey();
const text = "plaintext";
const box = mc.lock(text, key);
const pair = mc.ed25519KeyPair();
const sig = mc.ed25519Sign(pair.secretKey, text);
const hasher = mc.blake2bHasher();
const encStream = mc.encryptStream(key);
const decStream = mc.decryptStream(key, encStream.header);
const g = Guest.instantiate("twosum");
let ok = 0, errors = 0, oddities = [];
const attempt = (source, f) => {
  try { f(); ok++; }
  catch (e) { if (e instanceof Error) errors++; else oddities.push(`${source} threw a non-Error: ${String(e)}`); }
};
"#,
    );
    for call in calls {
        let quoted = serde_json::to_string(call).unwrap();
        js.push_str(&format!("attempt({quoted}, () => {{ {call}; }});\n"));
    }
    // The API must still work after all that: each crypto call round-trips (or matches its
    // other form), so "after" is "after" only if every one of them still does.
    js.push_str(
        r#"
const check = mc.lock("after", key);
let after = new TextDecoder().decode(mc.unlock(check.ciphertext, check.mac, key, check.nonce));
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const still = {
  blake2b: hex(mc.blake2b("m", { key, size: 32 })) === hex(mc.blake2bHasher({ key, size: 32 }).update("m").digest()),
  x25519: (() => { const a = mc.generateKey(), b = mc.generateKey();
    return mc.equal(mc.x25519(a, mc.x25519PublicKey(b)), mc.x25519(b, mc.x25519PublicKey(a))); })(),
  ed25519: (() => { const p = mc.ed25519KeyPair(); const s = mc.ed25519Sign(p.secretKey, "m");
    return mc.ed25519Verify(s, p.publicKey, "m") && !mc.ed25519Verify(s, p.publicKey, "n"); })(),
  argon2id: hex(mc.argon2id("p", "saltsalt", { memoryKiB: 8, passes: 1 })) === hex(mc.argon2id("p", "saltsalt", { memoryKiB: 8, passes: 1, lanes: 1, size: 32 })),
  stream: (() => { const e = mc.encryptStream(key, "ad"); const sealed = [e.update(new Uint8Array(70000).fill(7)), e.final()];
    const d = mc.decryptStream(key, e.header, "ad"); const n = d.update(sealed[0]).length + d.update(sealed[1]).length + d.final().length;
    return n === 70000; })(),
  wipe: (() => { const w = new Uint8Array(4).fill(1); wipe(w); return w.every((b) => b === 0); })(),
};
for (const [name, good] of Object.entries(still)) if (!good) after = `${name} broken`;
console.log(JSON.stringify({ ok, errors, oddities, after }));
"#,
    );
    js
}

#[test]
fn public_api_never_panics_and_fails_only_with_errors() {
    let scripts: u32 = std::env::var("FUZZ_SCRIPTS").ok().and_then(|n| n.parse().ok()).unwrap_or(48);
    let total_calls = AtomicUsize::new(0);
    let scratch = Scratch::new();
    let mut runner = TestRunner::new(Config { cases: scripts, failure_persistence: None, ..Config::default() });
    runner
        .run(&vec(call_strategy(), CALLS_PER_SCRIPT), |calls| {
            scratch.write("main.js", &script(&calls));
            let run = scratch.run(&["run", "--timeout", "60", "--max-heap", "512", "main.js"], "");
            prop_assert!(!run.stderr.contains("panicked"), "a Rust panic: {}", run.stderr);
            // A callback handed to setTimeout/queueMicrotask may throw later, uncaught: that is
            // still a JS exception, reported as one (exit 1), not a crash.
            let uncaught_js_error = run.code == 1 && run.stderr.starts_with("error: Uncaught ");
            prop_assert!(run.code == 0 || uncaught_js_error, "exit {}\nstderr: {}\nstdout: {}", run.code, run.stderr, run.stdout);
            let last = run.stdout.lines().last().unwrap_or_default();
            let summary: serde_json::Value = serde_json::from_str(last)
                .map_err(|e| TestCaseError::fail(format!("no summary ({e}): {}", run.stdout)))?;
            prop_assert_eq!(&summary["oddities"], &serde_json::json!([]));
            prop_assert_eq!(&summary["after"], "after");
            let counted = summary["ok"].as_u64().unwrap() + summary["errors"].as_u64().unwrap();
            prop_assert_eq!(counted as usize, calls.len());
            total_calls.fetch_add(calls.len(), Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    eprintln!(
        "fuzz: {} calls in {scripts} scripts: no panic, every failure an Error",
        total_calls.load(Ordering::Relaxed)
    );
}
