//! Packages that try to leave the sandbox or the package: symlinks out of node_modules,
//! `main` and `exports` targets that climb out, huge and deeply nested package.json files,
//! specifiers built to confuse (flags, NUL, percent-encoded dots), and file text that must
//! not leak through error messages. Each must be refused with a clear error, never followed.

mod common;

use common::{Scratch, ok};

/// Runs `code` as main.js and returns the refusal's message line. What follows it may only
/// point into main.js itself (its line, the caret, `at main.js:...`): never a line of a package
/// file that was refused.
fn refused(s: &Scratch, code: &str) -> String {
    let run = s.script(code);
    assert_eq!(run.code, 1, "expected a refusal; stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let mut lines = run.stderr.lines();
    let message = format!("{}\n", lines.next().unwrap_or_default());
    for line in lines {
        let line = line.trim();
        assert!(
            line == "^" || line.starts_with("at main.js:") || code.contains(line),
            "a line that is not main.js's: {line:?}\n{}",
            run.stderr
        );
    }
    message
}

#[cfg(unix)]
#[test]
fn a_node_modules_symlink_out_of_the_tree_is_refused() {
    let outside = Scratch::new();
    outside.write("evil/package.json", r#"{ "name": "evil", "main": "index.js" }"#);
    outside.write("evil/index.js", "module.exports = 'escaped';");
    let s = Scratch::new();
    std::fs::create_dir(s.path().join("node_modules")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("evil"), s.path().join("node_modules/evil")).unwrap();
    assert_eq!(
        refused(&s, "import evil from 'evil'; console.log(evil);"),
        "error: cannot read package 'evil' at 'node_modules/evil': it leads out of its directory (through a symbolic link) (imported from main.js)\n"
    );
    let stderr = refused(&s, "import { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('evil');");
    assert!(stderr.contains("cannot read package 'evil' at 'node_modules/evil': it leads out of its directory"), "{stderr}");
    // A link that stays in the tree (as npm makes for workspaces) is followed.
    s.write("packages/inside/package.json", r#"{ "name": "inside", "exports": "./main.js" }"#);
    s.write("packages/inside/main.js", "module.exports = 'inside';");
    std::os::unix::fs::symlink("../packages/inside", s.path().join("node_modules/inside")).unwrap();
    assert_eq!(ok(s.script("import inside from 'inside'; console.log(inside);")), "inside\n");
}

#[test]
fn main_and_exports_cannot_climb_out_of_the_package() {
    let s = Scratch::new();
    s.write("node_modules/climber/package.json", r#"{ "name": "climber", "main": "../../../etc/passwd" }"#);
    assert_eq!(
        refused(&s, "import 'climber';"),
        "error: '../../../etc/passwd' (main of the package in 'node_modules/climber') leads outside the package: refused (imported from main.js)\n"
    );
    for (target, why) in [
        ("../outside.js", "invalid target \"../outside.js\": targets must start with \"./\""),
        ("/etc/passwd", "invalid target \"/etc/passwd\": targets must start with \"./\""),
        ("./a/../../outside.js", "invalid target \"./a/../../outside.js\": it leaves the package or names node_modules"),
        ("./%2e%2e/outside.js", "invalid target \"./%2e%2e/outside.js\": it leaves the package or names node_modules"),
        ("./node_modules/other/index.js", "invalid target \"./node_modules/other/index.js\": it leaves the package or names node_modules"),
    ] {
        s.write("node_modules/target/package.json", &format!(r#"{{ "name": "target", "exports": {{ ".": "{target}" }} }}"#));
        assert_eq!(
            refused(&s, "import 'target';"),
            format!("error: cannot resolve 'target': {why} in 'node_modules/target/package.json' (imported from main.js)\n")
        );
    }
    // A pattern's match may not smuggle `..` in either.
    s.write("node_modules/pattern/package.json", r#"{ "name": "pattern", "exports": { "./*": "./lib/*.js" } }"#);
    s.write("node_modules/pattern/lib/ok.js", "module.exports = 'ok';");
    assert_eq!(ok(s.script("import ok from 'pattern/ok'; console.log(ok);")), "ok\n");
    let stderr = refused(&s, "import 'pattern/%2e%2e/%2e%2e/x';");
    assert!(stderr.starts_with("error: invalid package specifier 'pattern/%2e%2e/%2e%2e/x'"), "{stderr}");
}

#[test]
fn huge_or_deeply_nested_package_json_is_refused_without_reading_it_whole() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path().join("node_modules/huge")).unwrap();
    // 100 MB, sparse: refused by its size before a byte is read.
    let file = std::fs::File::create(s.path().join("node_modules/huge/package.json")).unwrap();
    file.set_len(100 << 20).unwrap();
    assert_eq!(
        refused(&s, "import 'huge';"),
        "error: cannot read 'node_modules/huge/package.json': it is larger than 16777216 bytes (imported from main.js)\n"
    );
    s.write("node_modules/deep/package.json", &format!("{{ \"main\": {}1{} }}", "[".repeat(100_000), "]".repeat(100_000)));
    let started = std::time::Instant::now();
    let stderr = refused(&s, "import 'deep';");
    assert!(stderr.starts_with("error: 'node_modules/deep/package.json' is nested too deeply (line 1, column "), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    s.write("node_modules/broken/package.json", "{ \"main\": \"secret-token-in-json\" ");
    let stderr = refused(&s, "import 'broken';");
    assert!(stderr.starts_with("error: 'node_modules/broken/package.json' is not valid JSON (line 1, column "), "{stderr}");
    assert!(!stderr.contains("secret-token"), "{stderr}");
}

#[test]
fn specifiers_built_to_confuse_are_refused() {
    let s = Scratch::new();
    s.write("node_modules/pkg/package.json", r#"{ "name": "pkg" }"#);
    s.write("node_modules/pkg/index.js", "module.exports = 1;");
    for (specifier, message) in [
        ("--allow-read", "invalid package specifier '--allow-read': a package name cannot start with '.' or '-' or contain '\\' or '%'"),
        ("%2e%2e/secret", "invalid package specifier '%2e%2e/secret': a package name cannot start with '.' or '-' or contain '\\' or '%'"),
        ("pkg/../../../etc/passwd", "invalid package specifier 'pkg/../../../etc/passwd': its subpath has an empty, '.', '..' or node_modules segment"),
        ("pkg/%2E%2E/x", "invalid package specifier 'pkg/%2E%2E/x': its subpath has an empty, '.', '..' or node_modules segment"),
        ("@scope", "invalid package specifier '@scope': a scoped name is @scope/name"),
        ("#", "invalid module specifier '#': \"#\" needs a name"),
    ] {
        assert_eq!(refused(&s, &format!("import '{specifier}';")), format!("error: {message} (imported from main.js)\n"), "{specifier}");
    }
    let stderr = refused(&s, "import 'pk\\0g';");
    assert_eq!(stderr, "error: invalid module specifier: it is empty or contains a NUL byte (imported from main.js)\n");
    s.write("lib.cjs", "module.exports = (id) => require(id);");
    let out = ok(s.script(
        "import load from './lib.cjs';\n\
         for (const id of ['pk\\0g', '', '--help', 'file:///etc/passwd', '/etc/passwd', './secret.txt', '../../../../etc/passwd']) {\n\
           try { load(id); console.log('loaded', id); } catch (e) { console.log(e.name + ': ' + e.message); }\n\
         }\n",
    ));
    assert_eq!(
        out,
        "TypeError: invalid module specifier: it contains a NUL byte (required from lib.cjs)\n\
         TypeError: The argument 'id' must be a non-empty string. Received ''\n\
         TypeError: invalid package specifier '--help': a package name cannot start with '.' or '-' or contain '\\' or '%' (required from lib.cjs)\n\
         TypeError: require takes a path or a package name, not the URL 'file:///etc/passwd' (required from lib.cjs)\n\
         NotFound: cannot find module '/etc/passwd' (looked for it as a file, with .js or .json, and as a directory, in the script's tree and --allow-read only) (required from lib.cjs)\n\
         NotFound: cannot find module './secret.txt' (looked for it as a file, with .js or .json, and as a directory, in the script's tree and --allow-read only) (required from lib.cjs)\n\
         NotFound: cannot find module '../../../../etc/passwd' (looked for it as a file, with .js or .json, and as a directory, in the script's tree and --allow-read only) (required from lib.cjs)\n"
    );
}

#[test]
fn require_reads_no_data_and_leaks_no_text() {
    let s = Scratch::new();
    s.write("secret.txt", "the-secret-text");
    s.write("config.json", r#"{ "password": "hunter2" }"#);
    s.write("bad.cjs", "module.exports = 1 +* secret_token_in_source;");
    s.write("lib.cjs", "module.exports = (id) => require(id);");
    let out = ok(s.script(
        "import load from './lib.cjs';\n\
         for (const id of ['./secret.txt', './config.json', './bad.cjs']) {\n\
           try { load(id); console.log('loaded', id); } catch (e) { console.log(e.name + ': ' + e.message); }\n\
         }\n",
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], "TypeError: cannot require 'secret.txt': only .js, .cjs, .mjs and .json files are modules (required from lib.cjs)");
    assert!(lines[1].starts_with("PermissionDenied: cannot require 'config.json': JSON outside node_modules is data, read only under --allow-read"), "{out}");
    assert_eq!(lines[2], "SyntaxError: 'bad.cjs' is not valid JavaScript");
    assert!(!out.contains("hunter2") && !out.contains("secret_token") && !out.contains("the-secret-text"), "{out}");
    // With the grant, JSON is data the script may read.
    let out = ok(s.run(&["run", "--allow-read=config.json", "main.js"], ""));
    assert!(out.contains("loaded ./config.json"), "{out}");
}
