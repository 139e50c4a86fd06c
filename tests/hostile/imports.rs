//! Hostile input: imports (see tests/hostile.rs). Imports are code, not a way to read data:
//! JavaScript modules (.js/.mjs, regular files) come from the script's own tree, opened
//! beneath it; JSON modules and anything outside the tree need `--allow-read`; code without a
//! file (stdin, eval, the REPL) has no tree; import attributes other than `type: "json"` are
//! refused; a FIFO or directory is never read as a module.

use std::os::unix::fs::symlink;
use std::process::Command;
use std::time::Duration;

use crate::common::{Scratch, ok};
use crate::fs::run_bounded;

const LIMIT: Duration = Duration::from_secs(20);

/// Runs each dynamic import and prints what it gave or `Name: message`.
const TRY_IMPORT: &str = r#"
const attempt = async (label, specifier, options) => {
  try { const m = await import(specifier, options); console.log(`${label}: ok ${JSON.stringify(m.default ?? Object.keys(m))}`); }
  catch (e) { console.log(`${label}: ${e.name}: ${e.message}`); }
};
"#;

/// A tree like a home directory: a module, JSON and dotfile secrets, a FIFO, a directory.
fn home_like() -> Scratch {
    let s = Scratch::new();
    s.write(".config/creds.json", r#"{"token":"s3cret-token"}"#);
    s.write(".env", "API_KEY=sk-live-123abc\n");
    s.write("notes.txt", "hunter2");
    s.write("m.js", "export const answer = 42;");
    s.write("outside/evil.js", "export const evil = true;");
    std::fs::create_dir(s.path().join("dir.js")).unwrap();
    let status = Command::new("mkfifo").arg(s.path().join("pipe.js")).status().unwrap();
    assert!(status.success());
    s
}

fn run(s: &Scratch, flags: &[&str], body: &str) -> String {
    s.write("main.js", &format!("{TRY_IMPORT}{body}"));
    let mut args = vec!["run", "--timeout", "10"];
    args.extend_from_slice(flags);
    args.push("main.js");
    ok(run_bounded(s.path(), &args, "", LIMIT))
}

// --- the issue's four cases -----------------------------------------------------------------

#[test]
fn json_in_the_scripts_tree_is_data_and_needs_a_read_grant() {
    let s = home_like();
    let body = r#"await attempt("creds", "./.config/creds.json", { with: { type: "json" } });"#;
    assert_eq!(
        run(&s, &[], body),
        "creds: TypeError: cannot import '.config/creds.json': JSON modules are data: they are read only under --allow-read; run with --allow-read=.config/creds.json\n"
    );
    assert_eq!(run(&s, &["--allow-read=.config"], body), "creds: ok {\"token\":\"s3cret-token\"}\n");
}

#[test]
fn a_dotfile_or_data_file_is_not_code_and_its_text_never_shows() {
    let s = home_like();
    let out = run(
        &s,
        &[],
        r#"
        await attempt("env", "./.env");
        await attempt("txt", "./notes.txt");
        await attempt("no extension", "./.config/creds");
        "#,
    );
    assert_eq!(
        out,
        "env: TypeError: cannot import '.env': only .js, .mjs and .cjs files are JavaScript modules\n\
         txt: TypeError: cannot import 'notes.txt': only .js, .mjs and .cjs files are JavaScript modules\n\
         no extension: TypeError: cannot import '.config/creds': only .js, .mjs and .cjs files are JavaScript modules\n"
    );
    for secret in ["sk-live", "123abc", "API_KEY", "hunter2"] {
        assert!(!out.contains(secret), "{out}");
    }
    // A static import of one fails the whole script, with the same message.
    s.write("main.js", "import './.env';");
    let run = run_bounded(s.path(), &["run", "main.js"], "", LIMIT);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: cannot import '.env' (imported from main.js): only .js, .mjs and .cjs files are JavaScript modules\n    import './.env';\n           ^\n    at main.js:1:8\n"
    );
}

#[test]
fn a_fifo_in_the_tree_does_not_hang_import() {
    let s = home_like();
    let out = run(&s, &[], r#"await attempt("fifo", "./pipe.js");"#);
    assert_eq!(out, "fifo: TypeError: cannot import 'pipe.js': it is not a regular file (a FIFO, device or socket)\n");
    // Granting it by name does not make it a module either.
    let out = run(&s, &["--allow-read=pipe.js"], r#"await attempt("fifo", "./pipe.js");"#);
    assert_eq!(out, "fifo: TypeError: cannot import 'pipe.js': it is not a regular file (a FIFO, device or socket)\n");
    // Statically imported: the run ends with the error, it does not wait for a writer.
    s.write("main.js", "import './pipe.js';");
    let run = run_bounded(s.path(), &["run", "--timeout", "5", "main.js"], "", LIMIT);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: cannot import 'pipe.js' (imported from main.js): it is not a regular file (a FIFO, device or socket)\n    import './pipe.js';\n           ^\n    at main.js:1:8\n"
    );
}

#[test]
fn import_attributes_other_than_type_json_are_refused() {
    let s = home_like();
    let out = run(
        &s,
        &[],
        r#"
        await attempt("text", "./m.js", { with: { type: "text" } });
        await attempt("bytes", "./m.js", { with: { type: "bytes" } });
        await attempt("css", "./m.js", { with: { type: "css" } });
        await attempt("unknown key", "./m.js", { with: { integrity: "sha384-x" } });
        await attempt("json and more", "./m.js", { with: { type: "json", lazy: "yes" } });
        // wasmcap: modules come from the snapshot (deno_core's synthetic modules, which ignore
        // the requested type): the import yields the module, no data is read.
        await attempt("builtin as json", "wasmcap:fs", { with: { type: "json" } });
        await attempt("plain", "./m.js");
        "#,
    );
    assert_eq!(
        out,
        "text: TypeError: import type \"text\" is not supported (only \"json\"): './m.js' imported from main.js\n\
         bytes: TypeError: import type \"bytes\" is not supported (only \"json\"): './m.js' imported from main.js\n\
         css: TypeError: import type \"css\" is not supported (only \"json\"): './m.js' imported from main.js\n\
         unknown key: TypeError: import attribute \"integrity\" is not supported (only type: \"json\"): './m.js' imported from main.js\n\
         json and more: TypeError: import attribute \"lazy\" is not supported (only type: \"json\"): './m.js' imported from main.js\n\
         builtin as json: ok {}\n\
         plain: ok [\"answer\"]\n"
    );
    // Static imports are checked before anything loads, with the place of the import.
    s.write("main.js", "console.log('never');\nimport m from './m.js' with { type: 'text' };");
    let run = run_bounded(s.path(), &["run", "main.js"], "", LIMIT);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: Uncaught TypeError: import type \"text\" is not supported (only \"json\"): './m.js' imported from main.js"),
        "{}",
        run.stderr
    );
}

// --- code without a file has no tree --------------------------------------------------------

const IMPORT_M: &str = "import('./m.js').then((m) => console.log('imported', m.answer), (e) => console.log(`${e.name}: ${e.message}`));";

#[test]
fn stdin_scripts_import_files_only_under_a_read_grant() {
    let s = home_like();
    let denied = "TypeError: cannot import 'm.js': code from stdin, eval or the REPL may import files only under --allow-read; run with --allow-read=m.js\n";
    assert_eq!(ok(run_bounded(s.path(), &["run", "-"], IMPORT_M, LIMIT)), denied);
    assert_eq!(ok(run_bounded(s.path(), &["run", "--allow-read=m.js", "-"], IMPORT_M, LIMIT)), "imported 42\n");
    let json = "import c from './.config/creds.json' with { type: 'json' }; console.log(c.token);";
    let run = run_bounded(s.path(), &["run", "-"], json, LIMIT);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("JSON modules are data"), "{}", run.stderr);
    assert!(!run.stdout.contains("s3cret"));
    // Static imports too; the embedded modules always work.
    let stat = "import { answer } from './m.js'; console.log(answer);";
    let run = run_bounded(s.path(), &["run", "-"], stat, LIMIT);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("code from stdin, eval or the REPL may import files only under --allow-read"), "{}", run.stderr);
    let builtin = "import { Monocypher } from 'wasmcap:monocypher'; console.log(typeof Monocypher);";
    assert_eq!(ok(run_bounded(s.path(), &["run", "-"], builtin, LIMIT)), "function\n");
}

#[test]
fn eval_imports_files_only_under_a_read_grant() {
    let s = home_like();
    // eval runs a classic script: import() with a then-callback that prints.
    let out = ok(run_bounded(s.path(), &["eval", IMPORT_M], "", LIMIT));
    assert!(out.contains("TypeError: cannot import 'm.js': code from stdin, eval or the REPL may import files only under --allow-read"), "{out}");
    let out = ok(run_bounded(s.path(), &["eval", "--allow-read=m.js", IMPORT_M], "", LIMIT));
    assert!(out.contains("imported 42"), "{out}");
}

#[test]
fn repl_imports_files_only_under_a_read_grant() {
    let s = home_like();
    let line = "await import('./m.js').then((m) => m.answer, (e) => e.message)\n";
    assert_eq!(
        ok(run_bounded(s.path(), &["repl"], line, LIMIT)),
        "\"cannot import 'm.js': code from stdin, eval or the REPL may import files only under --allow-read; run with --allow-read=m.js\"\n"
    );
    assert_eq!(ok(run_bounded(s.path(), &["repl", "--allow-read=m.js"], line, LIMIT)), "42\n");
    let json = "await import('./.config/creds.json', { with: { type: 'json' } }).then((m) => m.default.token, (e) => e.name)\n";
    assert_eq!(ok(run_bounded(s.path(), &["repl"], json, LIMIT)), "'TypeError'\n");
}

// --- module files: symlinks, directories, sizes ----------------------------------------------

#[test]
fn a_module_symlinked_out_of_the_tree_is_refused() {
    let s = home_like();
    std::fs::create_dir(s.path().join("app")).unwrap();
    symlink(s.path().join("outside/evil.js"), s.path().join("app/evil.js")).unwrap();
    symlink("../outside/evil.js", s.path().join("app/evil-relative.js")).unwrap();
    symlink(s.path().join("outside"), s.path().join("app/lib")).unwrap();
    symlink(s.path().join("outside/missing.js"), s.path().join("app/dangling.js")).unwrap();
    s.write("app/own.js", "export const own = 1;");
    symlink("own.js", s.path().join("app/alias.js")).unwrap();
    s.write(
        "app/main.js",
        &format!(
            "{TRY_IMPORT}{}",
            r#"
        await attempt("absolute link", "./evil.js");
        await attempt("relative link", "./evil-relative.js");
        await attempt("linked directory", "./lib/evil.js");
        await attempt("dangling", "./dangling.js");
        await attempt("link inside", "./alias.js");
        "#
        ),
    );
    let out = ok(run_bounded(s.path(), &["run", "--timeout", "10", "app/main.js"], "", LIMIT));
    let escape = "it leads out of its directory (through a symbolic link)";
    assert_eq!(
        out,
        format!(
            "absolute link: TypeError: cannot import 'app/evil.js': {escape}\n\
             relative link: TypeError: cannot import 'app/evil-relative.js': {escape}\n\
             linked directory: TypeError: cannot import 'app/lib/evil.js': {escape}\n\
             dangling: TypeError: cannot import 'app/dangling.js': {escape}\n\
             link inside: ok [\"own\"]\n"
        )
    );
    // Outside the tree, an import needs a read grant, by its real path.
    s.write("app/main.js", &format!("{TRY_IMPORT}await attempt(\"up\", \"../outside/evil.js\");"));
    let out = ok(run_bounded(s.path(), &["run", "app/main.js"], "", LIMIT));
    assert!(out.starts_with("up: TypeError: cannot import 'outside/evil.js': scripts may import modules only from their own directory tree"), "{out}");
    let out = ok(run_bounded(s.path(), &["run", "--allow-read=outside", "app/main.js"], "", LIMIT));
    assert_eq!(out, "up: ok [\"evil\"]\n");
}

#[test]
fn a_directory_is_not_a_module() {
    let s = home_like();
    let out = run(&s, &[], r#"await attempt("dir", "./dir.js"); await attempt("tree", "./");"#);
    assert_eq!(
        out,
        "dir: TypeError: cannot import 'dir.js': it is a directory\n\
         tree: TypeError: cannot import '.': only .js, .mjs and .cjs files are JavaScript modules\n"
    );
}

#[test]
fn the_main_script_may_have_any_name_but_its_imports_may_not() {
    let s = home_like();
    s.write("tool", "import { answer } from './m.js'; console.log(answer);");
    assert_eq!(ok(run_bounded(s.path(), &["run", "tool"], "", LIMIT)), "42\n");
    s.write("lib.mjs", "export const x = 'mjs';");
    s.write("main.js", "const { x } = await import('./lib.mjs'); console.log(x);");
    assert_eq!(ok(run_bounded(s.path(), &["run", "main.js"], "", LIMIT)), "mjs\n");
}

/// Code given as text has no main file: under a read grant, what it imports statically (which
/// deno_core loads with no referrer, as it loads a main module) is still an import, so a data
/// file is never run as code, from stdin, eval or the REPL, statically or dynamically.
#[test]
fn code_without_a_file_cannot_run_a_data_file_as_its_import() {
    let s = home_like();
    s.write("notes.txt", "console.log('data file ran as code');");
    s.write("tool", "console.log('data file ran as code');");
    let refused = "only .js, .mjs and .cjs files are JavaScript modules";
    for (args, input) in [
        (vec!["run", "--allow-read", "-"], "import './notes.txt';"),
        (vec!["run", "--allow-read", "-"], "import './tool';"),
        (vec!["run", "--allow-read", "-"], "await import('./notes.txt');"),
        (vec!["eval", "--allow-read", "import('./notes.txt').catch((e) => console.error(e.message))"], ""),
        (vec!["repl", "--allow-read"], "await import('./notes.txt').catch((e) => e.message)\n"),
    ] {
        let run = run_bounded(s.path(), &args, input, LIMIT);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains("data file ran as code"), "{args:?} {input:?}: {all}");
        assert!(all.contains(refused), "{args:?} {input:?}: {all}");
    }
}

#[test]
fn an_overlong_import_path_is_refused_quickly() {
    let s = home_like();
    let out = run(
        &s,
        &[],
        r#"
        const started = performance.now();
        for (let i = 0; i < 50; i++) await attempt("long", "./" + "a/".repeat(300000) + "m.js").catch(() => {});
        console.log(performance.now() - started < 10000);
        "#,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 51, "{out}");
    assert!(lines[0].contains("the limit is 4096 bytes (PATH_MAX)"), "{}", lines[0]);
    assert_eq!(lines[50], "true");
}

#[test]
fn a_parse_error_in_an_imported_file_names_a_position_not_a_token() {
    let s = home_like();
    s.write("bad.js", "export const a = 1;\nconst x = 1 SECRET_TOKEN_abc;\n");
    s.write("bad.json", "{\"a\": 1,\n \"token\": SECRET_VALUE_xyz}");
    s.write("good.js", "export const fine = 1;");
    let out = run(
        &s,
        &["--allow-read=bad.json"],
        r#"
        await attempt("js", "./bad.js");
        await attempt("json", "./bad.json", { with: { type: "json" } });
        await attempt("good", "./good.js");
        "#,
    );
    assert_eq!(
        out,
        "js: TypeError: 'bad.js' is not valid JavaScript (line 2, column 13)\n\
         json: TypeError: 'bad.json' is not valid JSON\n\
         good: ok [\"fine\"]\n"
    );
    s.write("main.js", "import './bad.js';");
    let run = run_bounded(s.path(), &["run", "main.js"], "", LIMIT);
    assert_eq!(run.code, 1);
    // The line shown is the import's, never the bad file's.
    assert_eq!(
        run.stderr,
        "error: 'bad.js' (imported from main.js) is not valid JavaScript (line 2, column 13)\n    import './bad.js';\n           ^\n    at main.js:1:8\n"
    );
    // The main script is the user's own: V8's own message, which helps them, is kept.
    s.write("main.js", "const x = 1 OWN_TOKEN;");
    let run = run_bounded(s.path(), &["run", "main.js"], "", LIMIT);
    assert!(run.stderr.contains("Unexpected identifier 'OWN_TOKEN'"), "{}", run.stderr);
}
