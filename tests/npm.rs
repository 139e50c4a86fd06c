//! npm packages, as users meet them: real packages installed by `npm ci` from the pinned
//! tests/npm/package-lock.json into a scratch directory (never committed), each running an
//! example from its own README with golden output (tests/npm/examples/NAME.out); a local
//! package whose `exports` map picks different files for import and require; CommonJS
//! interop; the node: builtins.
//!
//! The registry tests need `npm` and the npm registry. Where neither is available set
//! WASMCAP_SKIP_NPM=1 to skip them (they fail otherwise, so CI cannot pass them silently).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{Scratch, ok};

const EXAMPLES: &[&str] = &["zod.js", "date-fns.js", "yaml.js", "semver.cjs", "semver-import.js", "uuid.js", "noble-hashes.js"];

fn npm_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/npm")
}

/// The scratch directory with the pinned packages installed, once per test run; `None` if
/// WASMCAP_SKIP_NPM is set.
fn installed() -> Option<&'static Path> {
    static INSTALLED: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            if std::env::var_os("WASMCAP_SKIP_NPM").is_some() {
                eprintln!("WASMCAP_SKIP_NPM is set: skipping the npm registry tests");
                return None;
            }
            // Under target/tmp: a static is never dropped, so this directory outlives the run.
            let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
            for file in ["package.json", "package-lock.json"] {
                std::fs::copy(npm_dir().join(file), dir.path().join(file)).unwrap();
            }
            let out = Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(dir.path())
                .output()
                .unwrap_or_else(|e| panic!("cannot run npm ({e}): install Node.js and npm, or set WASMCAP_SKIP_NPM=1"));
            assert!(out.status.success(), "npm ci failed:\n{}", String::from_utf8_lossy(&out.stderr));
            for example in EXAMPLES {
                std::fs::copy(npm_dir().join("examples").join(example), dir.path().join(example)).unwrap();
            }
            Some(dir)
        })
        .as_ref()
        .map(|dir| dir.path())
}

#[test]
fn readme_examples_of_real_packages_match_their_golden_output() {
    let Some(dir) = installed() else { return };
    for example in EXAMPLES {
        let run = common::run_in(common::WASMCAP, dir, &["run", example], "");
        let expected_path = npm_dir().join("examples").join(format!("{example}.out"));
        if std::env::var_os("WASMCAP_UPDATE_NPM").is_some() {
            std::fs::write(&expected_path, &run.stdout).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{example}: stdout:\n{}", run.stdout);
        assert_eq!(run.stdout, expected, "{example}");
    }
}

#[test]
fn installed_packages_resolve_outside_the_tree_only_under_allow_read() {
    let Some(dir) = installed() else { return };
    // A script in a subdirectory finds ../node_modules only when --allow-read covers it.
    let sub = tempfile::tempdir_in(dir).unwrap();
    std::fs::write(sub.path().join("main.js"), "import semver from 'semver'; console.log(semver.valid('1.2.3'));").unwrap();
    let run = common::run_in(common::WASMCAP, sub.path(), &["run", "main.js"], "");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: cannot find package 'semver'; searched node_modules (directories outside the script's tree are searched only under --allow-read); install it with `npm install semver` (imported from main.js)\n    import semver from 'semver'; console.log(semver.valid('1.2.3'));\n                       ^\n    at main.js:1:20\n"
    );
    let granted = format!("--allow-read={}", dir.join("node_modules").display());
    assert_eq!(ok(common::run_in(common::WASMCAP, sub.path(), &["run", &granted, "main.js"], "")), "1.2.3\n");
}

/// A package whose `exports` gives import and require different files, a subpath pattern,
/// `imports` (#internal) and a CommonJS package with `main` naming a directory.
fn fixture() -> Scratch {
    let s = Scratch::new();
    s.write(
        "node_modules/dual/package.json",
        r##"{ "name": "dual", "type": "module",
             "exports": { ".": { "import": "./esm/index.js", "require": "./cjs/index.cjs" },
                          "./features/*": "./esm/features/*.js", "./features/private/*": null },
             "imports": { "#shared": "./esm/shared.js" } }"##,
    );
    s.write("node_modules/dual/esm/index.js", "import { shared } from '#shared'; export const picked = 'import'; export { shared };");
    s.write("node_modules/dual/esm/shared.js", "export const shared = 'shared';");
    s.write("node_modules/dual/esm/features/one.js", "export default 'feature one';");
    s.write("node_modules/dual/esm/features/private/secret.js", "export default 'secret';");
    s.write("node_modules/dual/cjs/index.cjs", "exports.picked = 'require'; exports.viaDirname = require('path').basename(__dirname);");
    s.write("node_modules/classic/package.json", r#"{ "name": "classic", "main": "lib" }"#);
    s.write(
        "node_modules/classic/lib/index.js",
        "const dual = require('dual');\nmodule.exports = { fromDual: dual.picked, data: require('./data.json'), add: (a, b) => a + b };\n",
    );
    s.write("node_modules/classic/lib/data.json", r#"{ "answer": 42 }"#);
    s
}

#[test]
fn exports_pick_different_files_for_import_and_require() {
    let s = fixture();
    let out = ok(s.script(
        "import { picked, shared } from 'dual';\n\
         import one from 'dual/features/one';\n\
         import classic, { fromDual, add } from 'classic';\n\
         import { createRequire } from 'node:module';\n\
         const require = createRequire(import.meta.url);\n\
         console.log(picked, shared, one, fromDual, add(2, 3), classic.data.answer);\n\
         console.log(require('dual'), require.resolve('dual').endsWith('node_modules/dual/cjs/index.cjs'));\n",
    ));
    assert_eq!(out, "import shared feature one require 5 42\n{ picked: 'require', viaDirname: 'cjs' } true\n");
    // A package's own JSON is part of it; the user's JSON stays data (--allow-read only).
    s.write("config.json", r#"{ "token": "t" }"#);
    let out = ok(s.script("import data from 'classic/lib/data.json' with { type: 'json' };\nconsole.log(data);"));
    assert_eq!(out, "{ answer: 42 }\n");
    let run = s.script("import data from './config.json' with { type: 'json' };");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("JSON modules are data: they are read only under --allow-read"), "{}", run.stderr);
    let run = s.script("import secret from 'dual/features/private/secret';");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("subpath './features/private/secret' is not exported for conditions [wasmcap, import, module, default] in 'node_modules/dual/package.json'"), "{}", run.stderr);
}

#[test]
fn commonjs_modules_share_one_instance_and_cycles_see_partial_exports() {
    let s = Scratch::new();
    s.write("a.cjs", "exports.early = 'a-early';\nconst b = require('./b.cjs');\nexports.late = 'a-late';\nexports.bSawA = b.sawA;\n");
    s.write("b.cjs", "const a = require('./a.cjs');\nexports.sawA = JSON.stringify(a);\n");
    s.write("counter.cjs", "let n = 0;\nmodule.exports = { next: () => ++n };\n");
    s.write("other.cjs", "module.exports = require('./counter.cjs').next();\n");
    let out = ok(s.script(
        "import a from './a.cjs';\nimport { next } from './counter.cjs';\nimport other from './other.cjs';\n\
         console.log(a.bSawA, a.late, other, next());\n",
    ));
    // b ran while a was half done, as in Node; counter.cjs ran once for both importers.
    assert_eq!(out, "{\"early\":\"a-early\"} a-late 1 2\n");
}

#[test]
fn commonjs_errors_keep_the_file_name_in_the_stack() {
    let s = Scratch::new();
    s.write("thrower.cjs", "\nfunction boom() {\n  throw new Error('from cjs');\n}\nmodule.exports = boom;\n");
    let run = s.script("import boom from './thrower.cjs';\nboom();\n");
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("error: Uncaught Error: from cjs\n    at boom (thrower.cjs:3:9)\n"), "{}", run.stderr);
}

#[test]
fn node_builtins_behave_as_in_node() {
    let s = Scratch::new();
    s.write(
        "main.js",
        r#"
import { Buffer } from "node:buffer";
import { EventEmitter, once } from "node:events";
import path from "node:path";
import util, { promisify, types } from "node:util";
import { StringDecoder } from "node:string_decoder";
import qs from "node:querystring";
import { fileURLToPath, pathToFileURL } from "node:url";
import crypto from "node:crypto";
import process from "node:process";
import { setTimeout as delay } from "node:timers";
const b = Buffer.from("hello, world");
console.log(b, b.toString("hex"), b.toString("base64"), b.toString("base64url"), Buffer.from("aGk_", "base64url").toString());
console.log(Buffer.from([0xe9]).toString("latin1") === "\u00e9", Buffer.concat([Buffer.from("a"), Buffer.from("b")]).toString(), b.readUInt16BE(0));
console.log(Buffer.isBuffer(b.subarray(1)), b instanceof Uint8Array, JSON.stringify(Buffer.from([1, 2])));
const e = new EventEmitter();
e.once("x", (v) => console.log("once", v));
e.emit("x", 1); console.log(e.emit("x", 2), e.listenerCount("x"));
try { e.emit("error", new Error("unheard")); } catch (err) { console.log("thrown:", err.message); }
console.log(path.join("/a/b", "../c", "./d.txt"), path.relative("/a/b/c", "/a/d"), path.parse("/x/y.tar.gz"));
console.log(util.format("%s=%d %j", "n", 42, { a: 1 }), util.inspect({ deep: { er: { est: 1 } } }, { depth: 0 }));
console.log(types.isDate(new Date()), types.isRegExp({}), util.isDeepStrictEqual({ a: [1] }, { a: [1] }));
const sleep = promisify((ms, cb) => delay(() => cb(null, ms), ms));
console.log("slept", await sleep(1));
const d = new StringDecoder("utf8");
const euro = Buffer.from("\u20ac");
console.log(d.write(euro.subarray(0, 1)) + "|" + d.write(euro.subarray(1)) + "|" + d.end());
console.log(qs.parse("a=1&b=x%20y&a=2"), qs.stringify({ q: "a b", n: [1, 2] }));
console.log(fileURLToPath("file:///tmp/a%20b.txt"), pathToFileURL("/tmp/a b.txt").href);
console.log(crypto.randomBytes(8).length, /^[0-9a-f-]{36}$/.test(crypto.randomUUID()), crypto.createHash("blake2b512").update("abc").digest("hex").slice(0, 16));
try { crypto.createHash("sha256"); } catch (err) { console.log(err.code, err.message.slice(0, 61)); }
console.log(typeof process.exit, process === globalThis.process);
"#,
    );
    let out = ok(s.run(&["run", "main.js"], ""));
    assert_eq!(
        out,
        "<Buffer 68 65 6c 6c 6f 2c 20 77 6f 72 6c 64> 68656c6c6f2c20776f726c64 aGVsbG8sIHdvcmxk aGVsbG8sIHdvcmxk hi?\n\
         true ab 26725\n\
         true true {\"type\":\"Buffer\",\"data\":[1,2]}\n\
         once 1\n\
         false 0\n\
         thrown: unheard\n\
         /a/c/d.txt ../../d { root: '/', dir: '/x', base: 'y.tar.gz', ext: '.gz', name: 'y.tar' }\n\
         n=42 {\"a\":1} { deep: [Object] }\n\
         true false true\n\
         slept 1\n\
         |\u{20ac}|\n\
         [Object: null prototype] { a: [ '1', '2' ], b: 'x y' } q=a%20b&n=1&n=2\n\
         /tmp/a b.txt file:///tmp/a%20b.txt\n\
         8 true ba80a53f981c4d0d\n\
         ERR_NOT_SUPPORTED createHash('sha256') is not supported in wasmcap: node:crypto\n\
         function true\n"
    );
}

#[test]
fn assert_reports_as_node_does() {
    let s = Scratch::new();
    let run = s.script(
        "import assert from 'node:assert';\nimport { strict } from 'node:assert';\n\
         try { strict.equal(1, '1'); } catch (e) { console.log(e.name, e.code, e.operator, JSON.stringify(e.message)); }\n\
         assert.deepEqual({ a: 1 }, { a: '1' });\n\
         assert.throws(() => { throw new TypeError('x'); }, TypeError);\n\
         try { assert.fail(); } catch (e) { console.log(e.stack.split('\\n')[0]); }\n\
         assert.deepStrictEqual([1, 2, 3], [1, 2, 4]);\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "AssertionError ERR_ASSERTION strictEqual \"Expected values to be strictly equal:\\n\\n1 !== '1'\\n\"\nAssertionError [ERR_ASSERTION]: Failed\n");
    assert!(
        run.stderr.starts_with(
            "error: Uncaught AssertionError: Expected values to be strictly deep-equal:\n+ actual - expected\n\n  [\n    1,\n    2,\n+   3\n-   4\n  ]\n    assert.deepStrictEqual([1, 2, 3], [1, 2, 4]);\n           ^\n    at main.js:7:8\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_rest_of_node_is_refused_by_name() {
    let s = Scratch::new();
    let run = s.script("import { readFileSync } from 'node:fs';");
    assert_eq!((run.code, run.stderr.as_str()), (1, "error: 'node:fs' is not available in wasmcap: use wasmcap:fs (with --allow-read / --allow-write) (imported from main.js)\n    import { readFileSync } from 'node:fs';\n                                 ^\n    at main.js:1:30\n"));
    s.write("lib.cjs", "module.exports = () => require('child_process');");
    let run = s.script("import f from './lib.cjs';\ntry { f(); } catch (e) { console.log(e.name, e.message); }");
    assert_eq!(ok(run), "Error 'node:child_process' is not available in wasmcap: scripts cannot start processes (required from lib.cjs)\n");
}
