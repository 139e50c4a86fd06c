//! Hostile input: limits. One deadline for every way a script runs, memory that is counted
//! (JS heap, ArrayBuffers, guest memories) and ends in a clean error, never a signal, and no
//! panic from any flag or exit code.
//!
//! Time bounds here are generous sanity bounds for a loaded 2-core machine (deadline + 3 s);
//! the promise is exit 124 with the message, and the bound only says "it did not run on".

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Run, Scratch, WASMCAP, ok};

const OOM: &str = "error: out of memory: the script reached its";
const TIMED_OUT: &str = "error: timed out: the script was stopped after";

/// Runs `wasmcap ARGS` in `s`, returning the run and how long it took.
fn timed(s: &Scratch, args: &[&str], stdin: &str) -> (Run, Duration) {
    let start = Instant::now();
    let run = s.run(args, stdin);
    (run, start.elapsed())
}

fn assert_timed_out(run: &Run, took: Duration, timeout_s: u64) {
    assert_eq!(run.code, 124, "expected exit 124; stderr:\n{}", run.stderr);
    assert!(run.stderr.starts_with(TIMED_OUT), "stderr:\n{}", run.stderr);
    assert!(took < Duration::from_secs(timeout_s + 3), "ran {took:?} under --timeout {timeout_s}");
}

fn assert_out_of_memory(run: &Run) {
    assert_eq!(run.code, 1, "expected exit 1 (never a signal); stderr:\n{}", run.stderr);
    assert!(run.stderr.starts_with(OOM), "stderr:\n{}", run.stderr);
    assert!(!run.stderr.contains("Fatal"), "V8's fatal OOM text leaked:\n{}", run.stderr);
}

// --- one deadline, however the script runs -------------------------------------------------

#[test]
fn eval_honours_the_timeout_when_busy_and_when_waiting() {
    let s = Scratch::new();
    let (run, took) = timed(&s, &["eval", "--timeout", "1", "while (true) {}"], "");
    assert_timed_out(&run, took, 1);
    let (run, took) = timed(&s, &["eval", "--timeout", "1", "setInterval(() => {}, 100)"], "");
    assert_timed_out(&run, took, 1);
    let (run, took) = timed(&s, &["eval", "--timeout", "1", "await new Promise((r) => setTimeout(r, 60000))"], "");
    assert_timed_out(&run, took, 1);
}

#[test]
fn a_script_from_stdin_honours_the_timeout() {
    let s = Scratch::new();
    let (run, took) = timed(&s, &["run", "--timeout", "1", "-"], "for (;;) {}");
    assert_timed_out(&run, took, 1);
    let (run, took) = timed(&s, &["run", "--timeout", "1", "-"], "setInterval(() => {}, 50);");
    assert_timed_out(&run, took, 1);
}

#[test]
fn long_v8_builtins_are_stopped_at_the_deadline() {
    // Array.prototype.fill over 2^27 elements does not check for termination; the last-resort
    // stop ends the process a grace period after the deadline.
    let s = Scratch::new();
    let (run, took) = timed(&s, &["eval", "--timeout", "1", "new Array(2 ** 27).fill(1.5).length"], "");
    assert_timed_out(&run, took, 1);
    s.write("fill.js", "const a = new Array(2 ** 27).fill(1.5); console.log(a.length);");
    let (run, took) = timed(&s, &["run", "--timeout", "1", "fill.js"], "");
    assert_timed_out(&run, took, 1);
}

#[test]
fn a_write_that_never_returns_is_stopped_at_the_deadline() {
    // stdout is a pipe nobody reads: the script's writes block in the kernel once it is full.
    let s = Scratch::new();
    let start = Instant::now();
    let mut child = Command::new(WASMCAP)
        .args(["eval", "--timeout", "1", "for (;;) console.log('x'.repeat(10000))"])
        .current_dir(s.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("a blocked write kept the process alive past its deadline");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    let run = Run { stdout: String::new(), stderr, code: status.code().unwrap_or(-1) };
    assert_timed_out(&run, took, 1);
}

#[test]
fn timeouts_that_cannot_be_a_deadline_are_usage_errors() {
    let s = Scratch::new();
    for bad in ["1e20", "1e30", "-1", "0", "nan", "inf", "-inf", "", "1s", "0x10"] {
        for command in [&["eval", "--timeout", bad, "1"][..], &["run", "--timeout", bad, "-"][..]] {
            let run = s.run(command, "");
            assert_eq!(run.code, 2, "--timeout {bad:?}: {run:?}");
            assert!(run.stderr.starts_with("error: invalid value"), "--timeout {bad:?}: {}", run.stderr);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
    // The longest deadline there is still works (and does not fire).
    assert_eq!(ok(s.run(&["eval", "--timeout", "4294967295", "6 * 7"], "")), "42\n");
}

// --- memory is counted, and running out is an error ----------------------------------------

#[test]
fn one_allocation_larger_than_the_heap_is_a_clean_out_of_memory() {
    let s = Scratch::new();
    let run = s.run(&["eval", "--max-heap", "16", r#""ab".repeat(3e7).toUpperCase().length"#], "");
    assert_out_of_memory(&run);
    // A 20 MB string literal in the source itself.
    let literal = format!("const s = \"{}\";\nconsole.log(s.length);\n", "a".repeat(20_000_000));
    s.write("literal.js", &literal);
    let run = s.run(&["run", "--max-heap", "8", "literal.js"], "");
    assert_out_of_memory(&run);
}

#[test]
fn growing_the_heap_past_its_limit_is_out_of_memory_in_run_eval_and_stdin() {
    let s = Scratch::new();
    let grow = "const a = []; for (;;) a.push({ n: a.length, s: 'x' + a.length });";
    assert_out_of_memory(&s.run(&["eval", "--max-heap", "16", grow], ""));
    assert_out_of_memory(&s.run(&["run", "--max-heap", "16", "-"], grow));
    s.write("grow.js", grow);
    assert_out_of_memory(&s.run(&["run", "--max-heap", "16", "grow.js"], ""));
}

#[test]
fn array_buffers_count_against_the_limit_and_fail_as_range_errors() {
    let s = Scratch::new();
    // One buffer larger than the whole budget, then many small ones: each refusal is a
    // RangeError the script catches, and the script goes on.
    let code = r#"
        try { new ArrayBuffer(100 * 2 ** 20); console.log("allocated"); } catch (e) { console.log(e.name); }
        const held = [];
        try { for (;;) held.push(new Uint8Array(2 ** 20)); } catch (e) { console.log(e.name, held.length < 64); }
        held.length = 0;
        console.log("still running");
    "#;
    s.write("buffers.js", code);
    let out = ok(s.run(&["run", "--max-heap", "64", "buffers.js"], ""));
    assert_eq!(out, "RangeError\nRangeError true\nstill running\n");
    // Without a limit the same buffer is fine.
    assert_eq!(ok(s.run(&["eval", "new ArrayBuffer(100 * 2 ** 20).byteLength"], "")), "104857600\n");
}

#[test]
fn guest_memories_count_against_the_limit() {
    // Forty 64 MB guest memories, each written to, under a 64 MB budget: stopped long before
    // 2.5 GB is held.
    let s = Scratch::new();
    let code = r#"
        const held = [];
        for (let i = 0; i < 40; i++) {
            const memory = new WebAssembly.Memory({ initial: 1024 });
            new Uint8Array(memory.buffer).fill(1);
            held.push(memory);
        }
        console.log("held", held.length * 64, "MB");
    "#;
    let run = s.run(&["eval", "--max-heap", "64", "--max-guest-mb", "64", code], "");
    assert_out_of_memory(&run);
    assert!(!run.stdout.contains("held"), "{}", run.stdout);
}

// --- no panic from any input ---------------------------------------------------------------

#[test]
fn a_closed_stdout_ends_quietly() {
    let s = Scratch::new();
    for args in [
        &["eval", r#""x\n".repeat(1e5)"#][..],
        &["eval", r#"for (let i = 0; i < 1e5; i++) console.log(i)"#][..],
    ] {
        let mut child = Command::new(WASMCAP)
            .args(args)
            .current_dir(s.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one line, like `| head -1`, then close the pipe.
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: stderr {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn exit_codes_are_taken_modulo_256_as_in_node() {
    let s = Scratch::new();
    for (code, status) in [("256", 0), ("257", 1), ("-1", 255), ("255", 255), ("2 ** 31 - 1", 255)] {
        let run = s.run(&["eval", &format!("process.exit({code})")], "");
        assert_eq!(run.code, status, "process.exit({code}): {run:?}");
        let run = s.run(&["eval", &format!("process.exitCode = {code}; 0")], "");
        assert_eq!(run.code, status, "process.exitCode = {code}: {run:?}");
    }
    let run = s.run(&["eval", "process.exit(1.5)"], "");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("TypeError: process exit code must be an integer"), "{}", run.stderr);
}

// --- everything after FILE belongs to the script -------------------------------------------

#[test]
fn flags_after_the_script_are_the_scripts_arguments() {
    let s = Scratch::new();
    std::fs::write(s.path().join("secret.txt"), "s3cret").unwrap();
    s.write(
        "tool.js",
        r#"import { readFile } from "wasmcap:fs";
console.log(JSON.stringify(process.argv.slice(2)));
try { readFile("secret.txt"); console.log("READ"); } catch (e) { console.log(e.name); }
"#,
    );
    let out = ok(s.run(&["run", "tool.js", "--allow-read", "--timeout", "1", "--", "-x"], ""));
    assert_eq!(out, "[\"--allow-read\",\"--timeout\",\"1\",\"--\",\"-x\"]\nPermissionDenied\n");
    // Before FILE they are wasmcap's.
    let out = ok(s.run(&["run", "--allow-read", "tool.js"], ""));
    assert_eq!(out, "[]\nREAD\n");
}

#[test]
fn a_script_whose_name_looks_like_a_flag_runs_after_a_double_dash() {
    let s = Scratch::new();
    s.write("--allow-read=.js", "console.log('ran', process.argv.length - 2);");
    s.write("-e", "console.log('dash e');");
    assert_eq!(ok(s.run(&["run", "--", "--allow-read=.js", "a"], "")), "ran 1\n");
    assert_eq!(ok(s.run(&["run", "--", "-e"], "")), "dash e\n");
    // Without `--` a flag-like name is a flag, and an unknown one is a usage error.
    let run = s.run(&["run", "-e"], "");
    assert_eq!(run.code, 2, "{run:?}");
    // An unknown flag before FILE is never taken as the script's name.
    let run = s.run(&["run", "--allow-reed", "x.js"], "");
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn the_stdin_marker_keeps_its_arguments() {
    let s = Scratch::new();
    let out = ok(s.run(&["run", "-", "--max-heap", "1"], "console.log(process.argv.slice(2).join(' '))"));
    assert_eq!(out, "--max-heap 1\n");
}

// --- the REPL: the same limits per evaluation ----------------------------------------------

#[test]
fn the_repl_stops_each_evaluation_at_its_deadline_and_goes_on() {
    let s = Scratch::new();
    let input = "let n = 1\nwhile (true) {}\nn + 1\nawait new Promise((r) => setTimeout(r, 60000))\n";
    let (run, took) = timed(&s, &["repl", "--timeout", "1"], input);
    assert_eq!(run.stdout, "undefined\n2\n");
    // Two inputs stopped, and the session went on. The 60 s timer the last one started is
    // still pending at the end of the input, which the REPL waits for (as `node < file`)
    // within one more --timeout: the third stop, which ends the session as it ends `run`.
    let stops = run.stderr.lines().filter(|l| l.starts_with(TIMED_OUT)).count();
    assert_eq!(stops, 3, "stderr:\n{}", run.stderr);
    assert_eq!(run.code, 124, "{run:?}");
    assert!(took < Duration::from_secs(3 + 3), "{took:?}");
}

#[test]
fn the_repl_survives_running_out_of_memory_within_the_same_limit() {
    let s = Scratch::new();
    // Each loop fills what the budget leaves; were the limit raised for good after a stop
    // (a stop gives V8 at least 64 MB more to unwind in), the second loop would hold several
    // times what the first did. With `a` still alive it holds less (about 0.6-0.8 of it);
    // where the stop lands varies with garbage-collection timing, hence the margin.
    let input = "const a = []; for (;;) a.push({ x: a.length })\n\
                 let b = []; for (;;) b.push({ x: b.length })\n\
                 b.length < 1.5 * a.length || [a.length, b.length]\n\
                 let c = []; for (;;) c.push(new Array(1000).fill(c.length))\n\
                 'still here'\n";
    let run = s.run(&["repl", "--max-heap", "16"], input);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "true\n'still here'\n");
    let stops = run.stderr.lines().filter(|l| l.starts_with(OOM)).count();
    assert_eq!(stops, 3, "stderr:\n{}", run.stderr);
    assert!(!run.stderr.contains("inspector"), "stderr:\n{}", run.stderr);
}

#[test]
fn every_other_way_to_hold_memory_counts_too() {
    // Resizable buffers (reserved by V8 itself, committed on resize), shared buffers and a
    // shared guest memory grown from JS: each under a 64 MB budget, each stopped or refused.
    let s = Scratch::new();
    for code in [
        "const b = new ArrayBuffer(1, { maxByteLength: 2 ** 31 }); b.resize(2 ** 30); new Uint8Array(b).fill(1); b.byteLength",
        "const m = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }); m.grow(16000); new Uint8Array(m.buffer).fill(1); m.buffer.byteLength",
    ] {
        let run = s.run(&["eval", "--max-heap", "64", code], "");
        assert_out_of_memory(&run);
    }
    let run = s.run(&["eval", "--max-heap", "64", "new SharedArrayBuffer(2 ** 30).byteLength"], "");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.starts_with("error: Uncaught RangeError: Array buffer allocation failed"), "{}", run.stderr);
}

#[test]
fn every_kind_of_runaway_is_stopped_at_the_deadline() {
    let s = Scratch::new();
    for code in [
        "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)",
        "const f = () => Promise.resolve().then(f); f()",
        "const g = () => queueMicrotask(g); g()",
        "/(a+)+$/.test('a'.repeat(40) + 'b')",
        "let s = 'x'; for (;;) s = s + s.length",
        "const a = []; a.length = 2 ** 32 - 1; a.sort()",
        "for (;;) new Array(1000).fill(1)",
    ] {
        let (run, took) = timed(&s, &["eval", "--timeout", "1", code], "");
        assert_eq!(run.code, 124, "{code}: {run:?}");
        assert!(run.stderr.contains(TIMED_OUT), "{code}: {}", run.stderr);
        assert!(took < Duration::from_secs(4), "{code}: ran {took:?}");
    }
}
