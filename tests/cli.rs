//! The `wasmcap` binary as users meet it: run, eval, stdin, globals, errors and exit codes.

mod common;

use common::{Scratch, WASMCAP, ok, run_in};

#[test]
fn run_prints_to_stdout_and_stderr() {
    let s = Scratch::new();
    let run = s.script("console.log('out', 1); console.info('info'); console.debug('debug'); console.warn('warn'); console.error('err');");
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "out 1\ninfo\ndebug\n");
    assert_eq!(run.stderr, "warn\nerr\n");
}

#[test]
fn run_relative_imports_across_directories() {
    let s = Scratch::new();
    s.write("lib/math.js", "import { two } from '../consts.js'; export const double = (x) => x * two;");
    s.write("consts.js", "export const two = 2;");
    let out = ok(s.script("import { double } from './lib/math.js'; console.log(double(21));"));
    assert_eq!(out, "42\n");
}

#[test]
fn run_json_import_with_attribute() {
    let s = Scratch::new();
    s.write("data.json", r#"{"n": 7}"#);
    s.write("main.js", "import data from './data.json' with { type: 'json' }; console.log(data.n);");
    // JSON modules are data: they need a read grant (tests/hostile/imports.rs has the rest).
    let out = ok(s.run(&["run", "--allow-read=data.json", "main.js"], ""));
    assert_eq!(out, "7\n");
}

#[test]
fn top_level_await_waits_for_timers() {
    let s = Scratch::new();
    let out = ok(s.script(
        "const v = await new Promise((resolve) => setTimeout(() => resolve('late'), 20)); console.log(v);",
    ));
    assert_eq!(out, "late\n");
}

#[test]
fn timers_microtasks_and_intervals_run_in_order() {
    // Orders that hold however late the machine runs the loop: timers fire in the order they
    // fall due, microtasks before any timer.
    let s = Scratch::new();
    let out = ok(s.script(
        r#"
        console.log('sync');
        setTimeout(() => console.log('timeout 0'), 0);
        const cancelled = setTimeout(() => console.log('never'), 5);
        clearTimeout(cancelled);
        Promise.resolve().then(() => console.log('promise'));
        queueMicrotask(() => console.log('microtask'));
        let ticks = 0;
        const id = setInterval(() => {
            console.log('tick', ++ticks);
            if (ticks < 3) return;
            clearInterval(id);
            setTimeout(() => console.log('timeout 30'), 30);
            setTimeout((a, b) => console.log('args', a, b), 10, 'x', 'y');
        }, 1);
        "#,
    ));
    assert_eq!(
        out,
        "sync\npromise\nmicrotask\ntimeout 0\ntick 1\ntick 2\ntick 3\nargs x y\ntimeout 30\n"
    );
}

#[test]
fn run_reads_the_module_from_stdin() {
    let s = Scratch::new();
    let out = ok(s.run(&["run", "-"], "const x = await Promise.resolve(5); console.log(x * 2);"));
    assert_eq!(out, "10\n");
}

#[test]
fn eval_prints_the_value_like_console_log() {
    let s = Scratch::new();
    assert_eq!(ok(s.run(&["eval", "1 + 1"], "")), "2\n");
    assert_eq!(ok(s.run(&["eval", "'plain'"], "")), "plain\n");
    assert_eq!(ok(s.run(&["eval", "({ a: [1, 'x'] })"], "")), "{ a: [ 1, 'x' ] }\n");
    assert_eq!(ok(s.run(&["eval", "undefined"], "")), "undefined\n");
}

#[test]
fn process_argv_has_exec_path_script_and_args() {
    let s = Scratch::new();
    s.write("main.js", "console.log(JSON.stringify(process.argv.slice(1)), process.argv[0].length > 0);");
    let out = ok(s.run(&["run", "main.js", "a", "--flag", "-x"], ""));
    let script = s.path().canonicalize().unwrap().join("main.js");
    assert_eq!(out, format!("[\"{}\",\"a\",\"--flag\",\"-x\"] true\n", script.display()));
}

// --- console formatting: exactly what Node's util.inspect prints --------------------------

fn console_log(expr: &str) -> String {
    ok(Scratch::new().script(&format!("console.log({expr});")))
}

#[test]
fn console_formats_nested_objects_to_depth_two() {
    assert_eq!(console_log("{ a: { b: { c: { d: 1 } } } }"), "{ a: { b: { c: [Object] } } }\n");
    assert_eq!(console_log("[[1, [2, [3, [4]]]]]"), "[ [ 1, [ 2, [Array] ] ] ]\n");
}

#[test]
fn console_formats_circular_references() {
    let s = Scratch::new();
    let out = ok(s.script("const o = { name: 'o' }; o.self = o; console.log(o);"));
    assert_eq!(out, "<ref *1> { name: 'o', self: [Circular *1] }\n");
}

#[test]
fn console_formats_maps_sets_and_typed_arrays() {
    assert_eq!(console_log("new Map([['a', 1]])"), "Map(1) { 'a' => 1 }\n");
    assert_eq!(console_log("new Set([1, 'x'])"), "Set(2) { 1, 'x' }\n");
    assert_eq!(console_log("new Uint8Array([1, 2, 3])"), "Uint8Array(3) [ 1, 2, 3 ]\n");
    assert_eq!(console_log("new Map()"), "Map(0) {}\n");
}

#[test]
fn console_quotes_strings_only_when_nested() {
    assert_eq!(console_log("'top'"), "top\n");
    assert_eq!(console_log("['a', \"it's\"]"), "[ 'a', \"it's\" ]\n");
    assert_eq!(console_log("{ s: 'x', n: null, u: undefined, b: 10n, sym: Symbol('k') }"),
        "{ s: 'x', n: null, u: undefined, b: 10n, sym: Symbol(k) }\n");
}

#[test]
fn console_prints_errors_with_their_stack() {
    let s = Scratch::new();
    let out = ok(s.script("function make() { return new RangeError('bad'); }\nconsole.log(make());"));
    assert_eq!(out, "RangeError: bad\n    at make (main.js:1:26)\n    at main.js:2:13\n");
}

#[test]
fn console_format_specifiers() {
    assert_eq!(console_log("'%s is %d, %i, %j', 'Bob', 42.5, 42.9, { a: [1] }"), "Bob is 42.5, 42, {\"a\":[1]}\n");
    assert_eq!(console_log("'%o and %s', { a: 1 }, 'more', 'extra'"), "{ a: 1 } and more extra\n");
    assert_eq!(console_log("'100%% %s', 'sure'"), "100% sure\n");
    // One argument is printed as is, as in Node.
    assert_eq!(console_log("'100%% %s'"), "100%% %s\n");
}

// --- crypto ------------------------------------------------------------------------------

#[test]
fn get_random_values_fills_in_place_and_differs() {
    let s = Scratch::new();
    let out = ok(s.script(
        r#"
        const a = new Uint8Array(32), b = new Uint8Array(32);
        console.log(crypto.getRandomValues(a) === a);
        crypto.getRandomValues(b);
        console.log(a.some((x, i) => x !== b[i]), a.some((x) => x !== 0));
        const words = crypto.getRandomValues(new BigUint64Array(4));
        console.log(words.some((w) => w !== 0n));
        console.log(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()));
        console.log(crypto.randomUUID() !== crypto.randomUUID());
        "#,
    ));
    assert_eq!(out, "true\ntrue true\ntrue\ntrue\ntrue\n");
}

#[test]
fn get_random_values_rejects_float_arrays_with_type_mismatch() {
    let s = Scratch::new();
    let out = ok(s.script(
        "try { crypto.getRandomValues(new Float64Array(2)); } catch (e) { console.log(e instanceof DOMException, e.name, e.code); }",
    ));
    assert_eq!(out, "true TypeMismatchError 17\n");
}

#[test]
fn get_random_values_caps_at_65536_bytes() {
    let s = Scratch::new();
    let out = ok(s.script(
        r#"
        crypto.getRandomValues(new Uint8Array(65536));
        try { crypto.getRandomValues(new Uint32Array(16385)); } catch (e) { console.log(e.name, e.code, e.message); }
        "#,
    ));
    assert_eq!(
        out,
        "QuotaExceededError 22 The ArrayBufferView's byte length (65540) exceeds the number of bytes of entropy available via this API (65536)\n"
    );
}

// --- other globals -------------------------------------------------------------------------

#[test]
fn text_encoding_clone_and_clock() {
    let s = Scratch::new();
    let out = ok(s.script(
        r#"
        const bytes = new TextEncoder().encode('h\u00e9\u{1F600}');
        console.log(bytes.length, new TextDecoder().decode(bytes) === 'h\u00e9\u{1F600}');
        console.log(new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62])) === 'a\ufffdb');
        try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { console.log(e.name); }
        const copy = structuredClone({ m: new Map([[1, { d: new Date(0) }]]) });
        console.log(copy.m.get(1).d.getTime());
        const t0 = performance.now(); console.log(typeof t0, t0 >= 0, performance.now() >= t0);
        console.log(process.platform === 'linux' || process.platform === 'macos' || process.platform === 'windows');
        "#,
    ));
    assert_eq!(out, "7 true\ntrue\nTypeError\n0\nnumber true true\ntrue\n");
}

#[test]
fn scripts_get_no_deno_internals() {
    let s = Scratch::new();
    let out = ok(s.script("console.log(typeof Deno, typeof __bootstrap, typeof require, typeof fetch);"));
    assert_eq!(out, "undefined undefined undefined undefined\n");
}

#[test]
fn imports_outside_the_script_tree_are_refused() {
    let s = Scratch::new();
    s.write("outside.js", "export const secret = 1;");
    s.write("app/main.js", "import { secret } from '../outside.js'; console.log(secret);");
    let run = s.run(&["run", "app/main.js"], "");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cannot import 'outside.js'"), "{}", run.stderr);
    assert!(run.stderr.contains("only from their own directory tree (app)"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

// --- exit codes and error output -----------------------------------------------------------

#[test]
fn process_exit_stops_the_script_with_its_code() {
    let s = Scratch::new();
    let run = s.script("console.log('before'); process.exit(3); console.log('after');");
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (3, "before\n", ""));
    let run = s.script("setTimeout(() => process.exit(4), 5); setTimeout(() => console.log('never'), 50);");
    assert_eq!((run.code, run.stdout.as_str()), (4, ""));
}

#[test]
fn process_exit_code_is_honoured() {
    let s = Scratch::new();
    let run = s.script("process.exitCode = 5; console.log(process.exitCode);");
    assert_eq!((run.code, run.stdout.as_str()), (5, "5\n"));
}

#[test]
fn uncaught_exception_prints_error_and_stack_and_exits_one() {
    let s = Scratch::new();
    let run = s.script("function fail() {\n  throw new TypeError('message');\n}\nfail();\n");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: Uncaught TypeError: message\n    throw new TypeError('message');\n          ^\n    at fail (main.js:2:9)\n    at main.js:4:1\n"
    );
}

#[test]
fn unhandled_rejection_exits_one() {
    let s = Scratch::new();
    let run = s.script("Promise.reject(new Error('nobody caught me'));");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: Uncaught (in promise) Error: nobody caught me\n    Promise.reject(new Error('nobody caught me'));\n                   ^\n    at main.js:1:16\n"
    );
}

#[test]
fn error_in_a_timer_exits_one() {
    let s = Scratch::new();
    let run = s.script("setTimeout(() => { throw new Error('late'); }, 1);");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: Uncaught Error: late\n    setTimeout(() => { throw new Error('late'); }, 1);\n                             ^\n    at main.js:1:26\n"
    );
}

#[test]
fn syntax_error_shows_file_line_and_column() {
    let s = Scratch::new();
    s.write("lib/bad.js", "export const x = 1;\nconst y = ;\n");
    let run = s.script("import './lib/bad.js';");
    assert_eq!(run.code, 1);
    // An imported file's parse error names the position, never a token of it (issue 11): the
    // line shown is the import's.
    assert_eq!(
        run.stderr,
        "error: 'lib/bad.js' (imported from main.js) is not valid JavaScript (line 2, column 11)\n    import './lib/bad.js';\n           ^\n    at main.js:1:8\n"
    );
}

#[test]
fn missing_file_is_a_usage_error() {
    let s = Scratch::new();
    let run = s.run(&["run", "nope.js"], "");
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    assert_eq!(run.stderr, "error: cannot run 'nope.js': no such file\n");
}

#[test]
fn unknown_flag_is_a_one_line_usage_error() {
    let s = Scratch::new();
    let run = s.run(&["run", "--frobnicate", "x.js"], "");
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: unexpected argument '--frobnicate' found (see 'wasmcap --help')\n");
    let run = s.run(&["launch"], "");
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("'launch'"), "{}", run.stderr);
}

#[test]
fn missing_import_names_the_module_and_the_importer() {
    let s = Scratch::new();
    let run = s.script("import './gone.js';");
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains("module not found: 'gone.js' (imported from main.js)"), "{}", run.stderr);
}

// --- the binary is self-contained ----------------------------------------------------------

#[test]
fn binary_copied_elsewhere_runs_every_wasmcap_module() {
    // No js/ or guest/ beside the copy: the extension's JS and guests are in the binary.
    let bin_dir = tempfile::tempdir().unwrap();
    let moved = bin_dir.path().join("wasmcap");
    std::fs::copy(WASMCAP, &moved).unwrap();
    let s = Scratch::new();
    // Every public module, by the list the loader resolves from: a new one is covered too.
    let modules: Vec<&str> = wasmcap::loader::public_module_names().collect();
    assert!(modules.len() >= 4, "{modules:?}");
    let imports: String = modules.iter().enumerate().map(|(i, name)| format!("import * as m{i} from '{name}';\n")).collect();
    let exports: Vec<String> = (0..modules.len()).map(|i| format!("Object.keys(m{i}).length > 0")).collect();
    s.write(
        "main.js",
        &format!(
            r#"
            {imports}
            import {{ Monocypher }} from 'wasmcap:monocypher';
            import {{ twoSum }} from 'wasmcap:twosum';
            import {{ Guest }} from 'wasmcap:guest';
            import {{ readFileChunk }} from 'wasmcap:fs';
            console.log([{exports}].join(' '));
            const mc = new Monocypher();
            const key = mc.generateKey();
            const box = mc.lock('moved', key);
            console.log(new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce)), twoSum([3, 4, 5], 9));
            console.log(typeof Guest);
            // The chunk limit js/fs.js checks is the one the Rust op enforces (64 MiB).
            console.log(readFileChunk('main.js', 0, 64 * 2 ** 20).length > 0);
            try {{ readFileChunk('main.js', 0, 64 * 2 ** 20 + 1); }} catch (e) {{ console.log(e.message); }}
            "#,
            exports = exports.join(", ")
        ),
    );
    let run = run_in(moved.to_str().unwrap(), s.path(), &["run", "--allow-read", "main.js"], "");
    let all_true = vec!["true"; modules.len()].join(" ");
    let expected = format!(
        "{all_true}\nmoved [ 1, 2 ]\nfunction\ntrue\n\
         readFileChunk: length must be an integer from 0 to 67108864, got 67108865\n"
    );
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, expected.as_str(), ""));
}
