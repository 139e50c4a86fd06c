//! The web platform (deno_web) under attack: what it must not open up, and the memory limit
//! against a decompression bomb.

mod common;

use common::{Scratch, ok};

/// 1 GiB of zeros, gzipped twice: 1,827 bytes.
const BOMB_B64: &str = "H4sIACzFD2sC/+3coW5TcRyG4XataCY2JqYQ4yZIZkiKAYvYFGIhmZlAottkoDDcCRguABR3AHO7gGViWVALpe1NLDnv85j/0T/55eQ9+jwbbexMbn6Mx+uP5Zd/X29nuyMAAABg4JZXl5PNGDB6tvr96s0pAAAAMHTv9vem21Hg4ezpS+cAAACAwfv04vjJ9g+Bu8X7qXMAAADA4B3+vZ5vt4Bfq+8HJ+4BAAAAg/dHMAAAAABSBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWgQDAAAAoEUwAAAAAFoEAwAAACBGMAAAAABaBAMAAACgRTAAAAAAWgQDAAAAIEYwAAAAAFoEAwAAAKBFMAAAAABaBAMAAAAgRjAAAAAAWi7292abLeDj/eLD69Eje/7t5/nb9Tv/D9RnhczI7A8A";

#[test]
fn a_decompression_bomb_is_stopped_by_the_memory_limit_not_a_crash() {
    let s = Scratch::new();
    s.write(
        "main.js",
        &format!(
            r#"
const bomb = Uint8Array.from(atob("{BOMB_B64}"), (c) => c.charCodeAt(0));
const kept = [];
let total = 0;
const inflated = ReadableStream.from([bomb])
  .pipeThrough(new DecompressionStream("gzip"))
  .pipeThrough(new DecompressionStream("gzip"));
for await (const chunk of inflated) {{ kept.push(chunk); total += chunk.length; }}
console.log("inflated all of it:", total);
"#
        ),
    );
    let run = s.run(&["run", "--max-heap", "64", "main.js"], "");
    assert_eq!(run.code, 1, "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("error: out of memory"), "{}", run.stderr);
}

#[test]
fn a_bomb_that_is_only_counted_streams_through_in_bounded_memory() {
    // The same bytes, read and dropped chunk by chunk: the limit is about what is held.
    let s = Scratch::new();
    s.write(
        "main.js",
        &format!(
            r#"
const bomb = Uint8Array.from(atob("{BOMB_B64}"), (c) => c.charCodeAt(0));
let total = 0;
const once = ReadableStream.from([bomb]).pipeThrough(new DecompressionStream("gzip"));
for await (const chunk of once) total += chunk.length;
console.log(total);
"#
        ),
    );
    assert_eq!(ok(s.run(&["run", "--max-heap", "64", "main.js"], "")), "1043656\n");
}

#[test]
fn brotli_is_not_offered_for_decompression() {
    let s = Scratch::new();
    let out = ok(s.script(
        r#"try { new DecompressionStream("brotli"); } catch (e) { console.log(e.name, e.message.includes("unbounded")); }
console.log(typeof new CompressionStream("brotli").readable);"#,
    ));
    assert_eq!(out, "TypeError true\nobject\n");
}

#[test]
fn loading_the_lazy_web_apis_leaves_no_back_door() {
    // Streams, compression and URLPattern are evaluated on first use, after the script
    // started: deno_core lends them its bootstrap object while they load; none may stay.
    let s = Scratch::new();
    let out = ok(s.script(
        r#"
const before = JSON.stringify(Object.keys(globalThis));
void ReadableStream, CompressionStream, DecompressionStream, URLPattern;
console.log([typeof Deno, typeof __bootstrap, typeof __infra, typeof globalThis.core].join(" "));
console.log([typeof fetch, typeof Response, typeof WebSocket, typeof BroadcastChannel, typeof location, typeof caches, typeof URL.createObjectURL].join(" "));
console.log(JSON.stringify(Object.keys(globalThis)) === before, before);
"#,
    ));
    assert_eq!(
        out,
        "undefined undefined undefined undefined\nundefined undefined undefined undefined undefined undefined undefined\ntrue [\"queueMicrotask\"]\n"
    );
}

#[test]
fn a_replaced_global_does_not_change_what_the_platform_uses() {
    // A script may overwrite globals; the web APIs hold their own built-ins.
    let s = Scratch::new();
    let out = ok(s.script(
        r#"
const Real = Uint8Array;
globalThis.ReadableStream = function fake() { throw new Error("fake used"); };
Uint8Array.prototype.constructor = function Evil() { throw new Error("species used"); };
const bytes = new TextEncoder().encode("x".repeat(5000));
const packed = await Array.fromAsync(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")));
const back = await Array.fromAsync(new Blob(packed).stream().pipeThrough(new DecompressionStream("gzip")));
console.log(back.reduce((n, c) => n + c.length, 0), new URL("a", "https://x/").href);
"#,
    ));
    assert_eq!(out, "5000 https://x/a\n");
}
