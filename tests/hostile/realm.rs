//! Hostile input: the realm a script shares with wasmcap's own JavaScript (issue 11, sections
//! 7, 8's built-ins, 5's streaming compile and 9's JS defects).
//!
//! The design under test: the runtime's services (the CSPRNG pool, the guests, the fs ops) live
//! in module scope inside the startup snapshot, reachable by no global; the wasmcap: modules are
//! built from that snapshot; and wasmcap's JS uses only built-ins captured before any script ran.

use crate::common::{Scratch, ok};

/// Runs `code` as main.js and returns its stdout (asserting a clean run).
fn script(code: &str) -> String {
    ok(Scratch::new().script(code))
}

// --- 7. same-realm honesty -----------------------------------------------------------------

#[test]
fn no_global_reaches_the_runtime_bridge() {
    // The old exploit: the frozen bridge object's fillRandom, handed a fake target whose `set`
    // captured its argument, gave the script a live view of the CSPRNG pool.
    let out = script(
        r#"
        import { Monocypher } from "wasmcap:monocypher";
        const internal = globalThis[Symbol.for("wasmcap.internal")];
        console.log(typeof internal);
        let pool;
        try {
          internal.fillRandom({ length: 32, set(view) { pool = view; } });
        } catch (e) {
          console.log(e.name);
        }
        console.log(pool === undefined);
        // Nothing on the global object leads to wasmcap's or deno_core's internals.
        const names = Reflect.ownKeys(globalThis).map(String);
        console.log(names.filter((n) => /wasmcap|bootstrap|Deno|internal|core|__/i.test(n)));
        console.log(typeof Deno, typeof __bootstrap, typeof __wasmcapStart, typeof globalThis.__infra);
        // Keys from two instances never repeat: no shared, script-visible state decides them.
        const a = new Monocypher().generateKey(), b = new Monocypher().generateKey();
        console.log(a.length, a.some((x) => x !== 0), a.some((x, i) => x !== b[i]));
        "#,
    );
    assert_eq!(out, "undefined\nTypeError\ntrue\n[]\nundefined undefined undefined undefined\n32 true true\n");
}

#[test]
fn wasmcap_internal_cannot_be_imported_in_any_case() {
    let s = Scratch::new();
    let available = "available: wasmcap:guest, wasmcap:monocypher, wasmcap:twosum, wasmcap:fs";
    let out = ok(s.script(
        r#"
        for (const name of ["wasmcap:internal", "WASMCAP:internal", "WasmCap:internal", "wasmcap:Internal",
                            "wasmcap:internal?x", "wasmcap:/internal", "wasmcap://internal", "wasmcap:exports/guest"]) {
          try {
            await import(name);
            console.log(name, "imported!");
          } catch (e) {
            console.log(e.name, e.message);
          }
        }
        "#,
    ));
    let expected: String = [
        "internal",
        "internal",
        "internal",
        "Internal",
        "internal?x",
        "/internal",
        "//internal",
        "exports/guest",
    ]
    .iter()
    .map(|name| format!("TypeError unknown module 'wasmcap:{name}' imported from main.js; {available}\n"))
    .collect();
    assert_eq!(out, expected);
    // A static import fails the same way, before anything runs.
    let run = s.script("console.log('ran'); import { fillRandom } from 'WASMCAP:internal';");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains(&format!("unknown module 'wasmcap:internal' imported from main.js; {available}")), "{}", run.stderr);
}

#[test]
fn runtime_modules_cannot_be_imported_by_their_internal_names() {
    let out = script(
        r#"
        for (const name of ["ext:wasmcap_runtime/prelude.js", "ext:wasmcap_runtime/guest.js", "ext:core/mod.js",
                            "ext:core/ops", "ext:wasmcap_runtime/exports/guest.js"]) {
          try {
            await import(name);
            console.log(name, "imported!");
          } catch (e) {
            console.log(e.name, e.message.replace(/ from file:.*/, ""));
          }
        }
        "#,
    );
    let expected: String = ["ext:wasmcap_runtime/prelude.js", "ext:wasmcap_runtime/guest.js", "ext:core/mod.js", "ext:core/ops", "ext:wasmcap_runtime/exports/guest.js"]
        .iter()
        .map(|name| format!("TypeError Importing ext: modules is only allowed from ext: and node: modules. Tried to import {name}\n"))
        .collect();
    assert_eq!(out, expected);
}

/// What every way of running code prints after importing the four public modules.
const IMPORTS_CHECK: &str = "Promise.all(['wasmcap:monocypher', 'wasmcap:twosum', 'wasmcap:guest', 'wasmcap:fs', 'WASMCAP:guest'].map((m) => import(m))).then((ms) => console.log(typeof ms[0].Monocypher, typeof ms[1].twoSum, typeof ms[2].Guest, typeof ms[3].readFile, ms[2].Guest === ms[4].Guest))";

#[test]
fn public_modules_import_statically_and_dynamically_everywhere() {
    let s = Scratch::new();
    // Statically, from a file and from a module it imports, with the same exports each time.
    s.write(
        "lib.js",
        "import { Guest } from 'wasmcap:guest'; import * as fs from 'wasmcap:fs'; export { Guest, fs };",
    );
    let out = ok(s.script(
        r#"
        import { Monocypher, AuthenticationError } from "wasmcap:monocypher";
        import { twoSum, twoSumJs } from "wasmcap:twosum";
        import { Guest, wipe } from "wasmcap:guest";
        import { readFile, writeFile } from "wasmcap:fs";
        import * as lib from "./lib.js";
        const mc = new Monocypher();
        const key = mc.generateKey();
        const box = mc.lock("attack at dawn", key);
        console.log(new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce)), twoSum([3, 4, 5], 9));
        console.log(lib.Guest === Guest, lib.fs.readFile === readFile, typeof wipe, typeof twoSumJs, typeof AuthenticationError);
        console.log((await import("wasmcap:guest")).Guest === Guest);
        "#,
    ));
    assert_eq!(out, "attack at dawn [ 1, 2 ]\ntrue true function function function\ntrue\n");
    let expected = "function function function function true\n";
    // Dynamically from a file, from stdin, from eval and from the REPL.
    assert_eq!(ok(s.script(&format!("{IMPORTS_CHECK};"))), expected);
    assert_eq!(ok(s.run(&["run", "-"], &format!("{IMPORTS_CHECK};"))), expected);
    // eval prints its value when the code has run, before the work it started (as `node -p`).
    assert_eq!(ok(s.run(&["eval", &format!("{IMPORTS_CHECK}, undefined")], "")), format!("undefined\n{expected}"));
    assert_eq!(ok(s.run(&["repl"], &format!("await {IMPORTS_CHECK}\n"))), format!("{expected}undefined\n"));
}

#[test]
fn unknown_wasmcap_modules_keep_their_clear_error() {
    let s = Scratch::new();
    let run = s.script("import { x } from 'wasmcap:nope';");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("unknown module 'wasmcap:nope' imported from main.js; available: wasmcap:guest, wasmcap:monocypher, wasmcap:twosum, wasmcap:fs"),
        "{}",
        run.stderr
    );
    // A missing export of a real module is V8's usual SyntaxError.
    let run = s.script("import { fillRandom } from 'wasmcap:monocypher';");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("does not provide an export named 'fillRandom'"), "{}", run.stderr);
}

// --- 8. built-ins are captured at startup --------------------------------------------------

/// Replaces the built-ins wasmcap's JS once relied on. `seen` records which ones were called;
/// `captured` whatever a species constructor was handed.
const POISON: &str = r#"
const real = {
  length: Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), "length").get,
  join: Array.prototype.join,
  some: Array.prototype.some,
};
const len = (a) => Reflect.apply(real.length, a, []);
globalThis.seen = new Set();
globalThis.captured = [];
const TA = Object.getPrototypeOf(Uint8Array.prototype);
TA.set = function () { seen.add("set"); };
TA.subarray = function () { seen.add("subarray"); return new Uint8Array(0); };
TA.fill = function () { seen.add("fill"); return this; };
TA.slice = function () { seen.add("slice"); return new Uint8Array(len(this)); };
class Spy extends Uint8Array {
  constructor(...args) { super(...args); captured.push(new Error().stack); seen.add("species"); }
}
Object.defineProperty(Uint8Array, Symbol.species, { get() { seen.add("species"); return Spy; }, configurable: true });
Object.defineProperty(Uint8Array.prototype, "constructor", { get() { seen.add("constructor"); return Spy; }, configurable: true });
Array.prototype[Symbol.iterator] = function* () { seen.add("iterator"); };
Object.getPrototypeOf([][Symbol.iterator]()).next = function () { seen.add("next"); return { done: true }; };
Object.defineProperty(Object.prototype, "then", { get() { seen.add("then"); return undefined; }, configurable: true });
Object.defineProperty(Object.prototype, "exports", { set() { seen.add("exports"); }, configurable: true });
WebAssembly.Instance = function () { seen.add("Instance"); return { exports: {} }; };
WebAssembly.Module = function () { seen.add("Module"); };
Object.defineProperty(WebAssembly.Memory.prototype, "buffer", { get() { seen.add("buffer"); return new ArrayBuffer(65536); } });
Object.defineProperty(WebAssembly.Instance.prototype, "exports", { get() { seen.add("instance exports"); return {}; } });
ArrayBuffer.isView = () => { seen.add("isView"); return false; };
Array.isArray = () => { seen.add("isArray"); return true; };
Number.isInteger = () => { seen.add("isInteger"); return true; };
Map.prototype.get = function () { seen.add("Map.get"); };
Function.prototype.call = function () { seen.add("call"); };
Function.prototype.apply = function () { seen.add("apply"); };
String.prototype.slice = function () { seen.add("String.slice"); return ""; };
Number.prototype.toString = function () { seen.add("toString"); return "0"; };
const digits = "0123456789abcdef";
const hex = (a) => { let s = ""; for (let i = 0; i < len(a); i++) s += digits[a[i] >> 4] + digits[a[i] & 15]; return s; };
"#;

#[test]
fn replaced_builtins_cannot_weaken_randomness_guests_or_twosum() {
    let out = script(&format!(
        r#"
        import {{ Monocypher }} from "wasmcap:monocypher";
        import {{ twoSum, twoSumJs }} from "wasmcap:twosum";
        import {{ Guest }} from "wasmcap:guest";
        {POISON}
        Number.prototype.toString = undefined; // (hex() above no longer needs it)
        const nonzero = (a) => {{ let n = 0; for (let i = 0; i < len(a); i++) if (a[i] !== 0) n++; return n; }};
        const mc = new Monocypher();
        const k1 = mc.generateKey(), k2 = mc.generateKey();
        let same = 0;
        for (let i = 0; i < 32; i++) if (k1[i] === k2[i]) same++;
        console.log("generateKey", len(k1), nonzero(k1) > 20, same < 8);
        const r = crypto.getRandomValues(new Uint8Array(64));
        console.log("getRandomValues", nonzero(r) > 50);
        const r32 = crypto.getRandomValues(new Uint32Array(4));
        console.log("getRandomValues u32", r32[0] !== 0 || r32[1] !== 0);
        const uuid = crypto.randomUUID();
        console.log("randomUUID", /^[0-9a-f]{{8}}-[0-9a-f]{{4}}-4[0-9a-f]{{3}}-[89ab][0-9a-f]{{3}}-[0-9a-f]{{12}}$/.test(uuid), uuid !== crypto.randomUUID());
        console.log("twoSum", String(twoSum([2, 7, 11, 15], 9)), String(twoSumJs([3, 2, 4], 6)), String(twoSum(Int32Array.of(1, 5, 3), 8)));
        const g = Guest.instantiate("twosum");
        const p = g.copyIn(Uint8Array.of(1, 2, 3));
        const out = g.copyOut(p, 3);
        console.log("Guest", out instanceof Spy, len(out), out[0], out[1], out[2], g.view(p, 3)[2]);
        g.write(p, Uint8Array.of(9));
        console.log("write", g.copyOut(p, 1)[0]);
        console.log("TextEncoder", len(new TextEncoder().encode("hé")), new TextDecoder().decode(Uint8Array.of(104, 105)));
        const dst = new Uint8Array(2);
        const res = new TextEncoder().encodeInto("ab", dst);
        console.log("encodeInto", res.read, res.written, dst[0], dst[1]);
        let fired = 0;
        const t = setTimeout(() => {{ fired++; }}, 1);
        clearTimeout(t);
        setTimeout((a, b) => console.log("timer", a, b, fired), 5, "x", "y");
        console.log("log %s-%d", "a", 1);
        console.log("no view of any buffer handed out:", captured.length);
        "#
    ));
    assert_eq!(
        out,
        "generateKey 32 true true\ngetRandomValues true\ngetRandomValues u32 true\nrandomUUID true true\n\
         twoSum 0,1 1,2 1,2\nGuest false 3 1 2 3 3\nwrite 9\nTextEncoder 3 hi\nencodeInto 2 2 97 98\n\
         log a-1\nno view of any buffer handed out: 0\ntimer x y 0\n"
    );
}

#[test]
fn replaced_webassembly_builtins_cannot_swap_a_guest() {
    // The crypto runs in the real guest, with the real memory, whatever the script replaced:
    // a lock/unlock round trip, and a tampered box is refused.
    let out = script(
        r#"
        import { Monocypher, AuthenticationError } from "wasmcap:monocypher";
        WebAssembly.Instance = function () { return { exports: { crypto_aead_lock() {}, crypto_aead_unlock() { return 0; } } }; };
        WebAssembly.Module = function () {};
        Object.defineProperty(WebAssembly.Memory.prototype, "buffer", { get() { return new ArrayBuffer(1 << 20); } });
        Object.defineProperty(WebAssembly.Instance.prototype, "exports", { get() { return {}; } });
        Object.defineProperty(Object.prototype, "exports", { set() {}, configurable: true });
        Array.prototype[Symbol.iterator] = function* () {};
        const mc = new Monocypher();
        const key = mc.generateKey();
        const box = mc.lock("attack at dawn", key, "ad");
        console.log(new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce, "ad")));
        box.ciphertext[0] ^= 1;
        try { mc.unlock(box.ciphertext, box.mac, key, box.nonce, "ad"); } catch (e) { console.log(e instanceof AuthenticationError); }
        console.log(Object.isFrozen(mc.guest.exports), Object.getOwnPropertyDescriptor(mc.guest, "exports").writable);
        "#,
    );
    assert_eq!(out, "attack at dawn\ntrue\ntrue false\n");
}

#[test]
fn guest_methods_cannot_be_replaced_under_the_wasmcap_modules() {
    let out = script(
        r#"
        import { Guest, wipe } from "wasmcap:guest";
        import { twoSum } from "wasmcap:twosum";
        for (const name of ["copyOut", "copyIn", "alloc", "withArena"]) {
          try { Guest.prototype[name] = () => 0; } catch (e) { console.log(name, e.name); }
        }
        try { Guest.instantiate = () => null; } catch (e) { console.log("instantiate", e.name); }
        console.log(String(twoSum([1, 2, 3], 5)));
        // wipe works on any buffer and never calls a foreign fill.
        const u = Uint8Array.of(1, 2), ab = Uint8Array.of(3, 4).buffer, dv = new DataView(Uint8Array.of(5, 6).buffer);
        wipe(u); wipe(ab); wipe(dv);
        console.log(u[0] + u[1], new Uint8Array(ab)[1], dv.getUint8(1));
        try { wipe({ fill() { console.log("foreign fill called"); } }); } catch (e) { console.log(e.name, e.message); }
        "#,
    );
    assert_eq!(
        out,
        "copyOut TypeError\ncopyIn TypeError\nalloc TypeError\nwithArena TypeError\ninstantiate TypeError\n1,2\n0 0 0\n\
         TypeError wipe needs a TypedArray, a DataView or an ArrayBuffer, got Object\n"
    );
}

#[test]
fn twosum_reads_each_number_once() {
    // A getter that passes the check and then turns into something else is read only once.
    let out = script(
        r#"
        import { twoSum, twoSumJs } from "wasmcap:twosum";
        let reads = 0;
        const nums = [2, 0, 11];
        Object.defineProperty(nums, 1, { get() { reads++; return reads === 1 ? 7 : 1e10; } });
        console.log(String(twoSum(nums, 9)), reads);
        const proxy = new Proxy([3, 2, 4], { get: (t, k) => (k === "length" ? 3 : t[k]) });
        console.log(String(twoSumJs(proxy, 6)));
        "#,
    );
    assert_eq!(out, "0,1 1\n1,2\n");
}

#[test]
fn replaced_typed_array_methods_cannot_corrupt_the_aead() {
    let out = script(&format!(
        r#"
        import {{ Monocypher }} from "wasmcap:monocypher";
        const mc = new Monocypher();
        {POISON}
        const key = mc.generateKey();
        const box = mc.lock("attack at dawn", key, "ad");
        console.log(new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce, "ad")));
        const zero = new Monocypher().lock("attack at dawn", new Uint8Array(32), "ad");
        console.log(hex(zero.ciphertext) !== hex(box.ciphertext), captured.length);
        for (const stack of captured) console.log(stack);
        "#
    ));
    assert_eq!(out, "attack at dawn\ntrue 0\n");
}

// --- 5. streaming compilation --------------------------------------------------------------

#[test]
fn streaming_compile_works_or_rejects_never_aborts() {
    let s = Scratch::new();
    // The twosum guest, from its bytes: a real module.
    std::fs::write(s.path().join("twosum.wasm"), include_bytes!("../../guest/twosum.wasm")).unwrap();
    s.write(
        "main.js",
        r#"
        import { readFile } from "wasmcap:fs";
        const bytes = readFile("twosum.wasm");
        const response = { ok: true, status: 200, arrayBuffer: async () => bytes.buffer };
        const m = await WebAssembly.compileStreaming(response);
        console.log(m instanceof WebAssembly.Module, WebAssembly.Module.exports(m).some((e) => e.name === "twosum"));
        const { module, instance } = await WebAssembly.instantiateStreaming(Promise.resolve(response), {});
        console.log(module instanceof WebAssembly.Module, typeof instance.exports.twosum);
        console.log((await WebAssembly.compileStreaming(bytes)) instanceof WebAssembly.Module);
        const cases = {
          "rejected promise": Promise.reject(new Error("fetch failed")),
          "non-object": 42,
          "null": null,
          "no arrayBuffer": {},
          "not ok": { ok: false, status: 404, arrayBuffer: async () => bytes.buffer },
          "arrayBuffer gives a string": { arrayBuffer: async () => "nope" },
          "arrayBuffer throws": { arrayBuffer() { throw new RangeError("boom"); } },
          "not wasm": { arrayBuffer: async () => new ArrayBuffer(8) },
        };
        for (const [name, source] of Object.entries(cases)) {
          for (const fn of ["compileStreaming", "instantiateStreaming"]) {
            try {
              await WebAssembly[fn](source);
              console.log(name, fn, "resolved!");
            } catch (e) {
              console.log(`${name}: ${e.name}: ${e.message}`);
            }
          }
        }
        try { await WebAssembly.compileStreaming(); } catch (e) { console.log(`none: ${e.name}`); }
        "#,
    );
    let out = ok(s.run(&["run", "--allow-read", "main.js"], ""));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[..3], ["true true", "true function", "true"]);
    let expect_pair = |i: usize, text: &str| {
        assert_eq!(lines[i], text, "{out}");
        assert_eq!(lines[i + 1], text.replace("compileStreaming", "instantiateStreaming"), "{out}");
    };
    expect_pair(3, "rejected promise: Error: fetch failed");
    expect_pair(5, "non-object: TypeError: WebAssembly.compileStreaming: expected a Response (an object with arrayBuffer()), or a promise of one, or the module's bytes; got number");
    expect_pair(7, "null: TypeError: WebAssembly.compileStreaming: expected a Response (an object with arrayBuffer()), or a promise of one, or the module's bytes; got null");
    expect_pair(9, "no arrayBuffer: TypeError: WebAssembly.compileStreaming: expected a Response (an object with arrayBuffer()), or a promise of one, or the module's bytes; got Object");
    expect_pair(11, "not ok: TypeError: WebAssembly.compileStreaming: the response is not ok (status 404)");
    expect_pair(13, "arrayBuffer gives a string: TypeError: WebAssembly.compileStreaming: the response's arrayBuffer() did not give an ArrayBuffer");
    expect_pair(15, "arrayBuffer throws: RangeError: boom");
    assert!(lines[17].starts_with("not wasm: CompileError: WebAssembly.compile(): "), "{out}");
    assert!(lines[18].starts_with("not wasm: CompileError: WebAssembly.instantiate(): "), "{out}");
    assert_eq!(lines[19..], ["none: TypeError"]);
}

#[test]
fn streaming_compile_from_eval_does_not_abort() {
    let s = Scratch::new();
    let run = s.run(&["eval", "WebAssembly.compileStreaming(1).catch((e) => console.log(e.name)), 0"], "");
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, "0\nTypeError\n", ""));
}

// --- 9. JS defects ---------------------------------------------------------------------------

#[test]
fn clone_errors_are_data_clone_error_dom_exceptions() {
    // As in Node 20.
    let out = script(
        r#"
        for (const v of [() => 1, Symbol("s"), new WeakMap(), { f() {} }, new WeakSet(), Promise.resolve(), { deep: [1, { g: () => 2 }] }]) {
          try {
            structuredClone(v);
            console.log("cloned");
          } catch (e) {
            console.log(e instanceof DOMException, e instanceof Error, e.name, e.code, e.message);
          }
        }
        // A getter's own error passes through unchanged.
        try { structuredClone({ get x() { throw new RangeError("mine"); } }); } catch (e) { console.log(e.name, e.message); }
        const copy = structuredClone({ m: new Map([[1, new Uint8Array([1, 2])]]), d: new Date(0), e: new TypeError("t") });
        console.log(copy.m.get(1), copy.d.getTime(), copy.e instanceof TypeError, copy.e.message);
        "#,
    );
    assert_eq!(
        out,
        "true true DataCloneError 25 () => 1 could not be cloned.\n\
         true true DataCloneError 25 Symbol(s) could not be cloned.\n\
         true true DataCloneError 25 #<WeakMap> could not be cloned.\n\
         true true DataCloneError 25 f() {} could not be cloned.\n\
         true true DataCloneError 25 #<WeakSet> could not be cloned.\n\
         true true DataCloneError 25 #<Promise> could not be cloned.\n\
         true true DataCloneError 25 () => 2 could not be cloned.\n\
         RangeError mine\n\
         Uint8Array(2) [ 1, 2 ] 0 true t\n"
    );
}

#[test]
fn text_decoder_accepts_null_and_undefined_options() {
    // As in Node 20 and Deno; a non-object is still a TypeError.
    let out = script(
        r#"
        const bytes = Uint8Array.of(0xef, 0xbb, 0xbf, 104, 0xff);
        for (const options of [null, undefined, {}, { fatal: false, ignoreBOM: true }]) {
          const d = new TextDecoder("utf-8", options);
          console.log(JSON.stringify(d.decode(bytes)), d.fatal, d.ignoreBOM, JSON.stringify(d.decode(bytes, null)));
        }
        try { new TextDecoder("utf-8", 5); } catch (e) { console.log(e.name); }
        try { new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch (e) { console.log(e.name); }
        console.log(new TextDecoder().decode(new DataView(Uint8Array.of(104, 105).buffer)), new TextDecoder().decode(Uint8Array.of(106).buffer));
        "#,
    );
    assert_eq!(
        out,
        "\"h\u{fffd}\" false false \"h\u{fffd}\"\n\"h\u{fffd}\" false false \"h\u{fffd}\"\n\"h\u{fffd}\" false false \"h\u{fffd}\"\n\
         \"\u{feff}h\u{fffd}\" false true \"\u{feff}h\u{fffd}\"\nTypeError\nTypeError\nhi j\n"
    );
}

#[test]
fn console_log_shows_what_a_value_holds_not_what_its_getters_say() {
    // Node 20 prints "... 999999999996 more items" for the first; sizes and contents come from
    // internal slots instead (as newer Node does).
    let out = script(
        r#"
        const u8 = new Uint8Array([1, 2, 3]);
        Object.defineProperty(u8, "length", { get: () => 999999999999 });
        console.log(u8);
        class L extends Uint8Array { get length() { return 7; } get byteLength() { return 99; } get buffer() { return "nope"; } }
        console.log(new L([4, 5]));
        class M extends Map { get size() { return 1e9; } *[Symbol.iterator]() { yield ["fake", 1]; } entries() { return [["fake", 1]].values(); } }
        console.log(new M([[1, 2]]));
        class S extends Set { get size() { return -5; } *[Symbol.iterator]() { yield "fake"; } values() { return ["fake"].values(); } }
        console.log(new S([1, 2]));
        console.log(new Proxy(u8, { get: (t, k) => (k === "length" ? 1e6 : t[k]) }));
        console.log(new Proxy(new L([6]), {}));
        console.log(new Proxy(new M([[3, 4]]), { get: () => 0 }));
        const lies = new Uint8Array([9]);
        Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), "length", { get: () => 5 });
        Object.defineProperty(Map.prototype, "size", { get: () => 5 });
        Function.prototype.call = () => 0;
        console.log(lies, new Map([[5, 6]]), [lies]);
        "#,
    );
    assert_eq!(
        out,
        "Uint8Array(3) [ 1, 2, 3 ]\nL(2) [Uint8Array] [ 4, 5 ]\nM(1) [Map] { 1 => 2 }\nS(2) [Set] { 1, 2 }\n\
         Uint8Array(3) [ 1, 2, 3 ]\nL(1) [Uint8Array] [ 6 ]\nM(1) [Map] { 3 => 4 }\n\
         Uint8Array(1) [ 9 ] Map(1) { 5 => 6 } [ Uint8Array(1) [ 9 ] ]\n"
    );
}

#[test]
fn console_log_of_buffers_survives_replaced_constructors() {
    let out = script(
        r#"
        const ab = Uint8Array.of(1, 2).buffer;
        const bare = Object.setPrototypeOf(Uint8Array.of(3, 4), null);
        globalThis.Uint8Array = function () { return [9, 9, 9]; };
        console.log(ab, bare);
        "#,
    );
    assert_eq!(out, "ArrayBuffer { [Uint8Contents]: <01 02>, byteLength: 2 } [Uint8Array(2): null prototype] [ 3, 4 ]\n");
}

#[test]
fn no_bridge_in_eval_or_the_repl_either() {
    let s = Scratch::new();
    let probe = "[typeof globalThis[Symbol.for('wasmcap.internal')], typeof Deno, typeof __bootstrap, Object.getOwnPropertySymbols(globalThis).map(String)]";
    assert_eq!(ok(s.run(&["eval", probe], "")), "[ 'undefined', 'undefined', 'undefined', [] ]\n");
    // The REPL's own hooks (recording `_`, preloading) are all it adds.
    assert_eq!(
        ok(s.run(&["repl"], &format!("{probe}\nawait import('WASMCAP:internal').catch((e) => e.message)\n"))),
        "[ 'undefined', 'undefined', 'undefined', [ 'Symbol(wasmcap.repl)' ] ]\n\
         \"unknown module 'wasmcap:internal' imported from $repl.js; available: wasmcap:guest, wasmcap:monocypher, wasmcap:twosum, wasmcap:fs\"\n"
    );
}
