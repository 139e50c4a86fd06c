//! How an error that ends a run reads: the source line with a caret under the column, in
//! colour only when asked (a terminal, FORCE_COLOR) and never with NO_COLOR, safe to print
//! whatever the source holds. The goldens in tests/golden/errors show the plain format.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Scratch, WASMCAP};

/// Runs `wasmcap run main.js` in `dir` with `env` set (and FORCE_COLOR/NO_COLOR/TERM unset
/// unless given): stderr is a pipe, as in every test. Returns (exit code, stderr).
fn run_with_env(dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let mut command = Command::new(WASMCAP);
    command.args(["run", "--timeout", "60", "main.js"]).current_dir(dir);
    for name in ["FORCE_COLOR", "NO_COLOR", "TERM", "RUST_BACKTRACE"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let out = command.output().expect("spawn wasmcap");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).expect("stderr is UTF-8"))
}

fn error_of(code: &str) -> String {
    let s = Scratch::new();
    s.write("main.js", code);
    let (status, stderr) = run_with_env(s.path(), &[]);
    assert_eq!(status, 1, "{stderr}");
    stderr
}

const BOOM: &str = "function f() {\n  throw new Error(\"boom\");\n}\nf();\n";
const BOOM_PLAIN: &str =
    "error: Uncaught Error: boom\n    throw new Error(\"boom\");\n          ^\n    at f (main.js:2:9)\n    at main.js:4:1\n";

#[test]
fn plain_when_piped() {
    assert_eq!(error_of(BOOM), BOOM_PLAIN);
}

#[test]
fn force_color_colours_error_line_and_caret() {
    let s = Scratch::new();
    s.write("main.js", BOOM);
    let (status, stderr) = run_with_env(s.path(), &[("FORCE_COLOR", "1")]);
    assert_eq!(status, 1);
    assert_eq!(
        stderr,
        "\x1b[1;31merror\x1b[0m: Uncaught Error: boom\n    \x1b[2mthrow new Error(\"boom\");\x1b[22m\n          \x1b[31m^\x1b[39m\n    at f (main.js:2:9)\n    at main.js:4:1\n"
    );
    // FORCE_COLOR is also how Node spells "on"; `0` and `false` mean off, as in Node.
    for off in ["0", "false"] {
        assert_eq!(run_with_env(s.path(), &[("FORCE_COLOR", off)]).1, BOOM_PLAIN, "FORCE_COLOR={off}");
    }
    assert!(run_with_env(s.path(), &[("FORCE_COLOR", "")]).1.contains("\x1b[31m^"));
}

#[test]
fn no_color_wins_over_force_color() {
    let s = Scratch::new();
    s.write("main.js", BOOM);
    for env in [&[("NO_COLOR", "1")][..], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]] {
        assert_eq!(run_with_env(s.path(), env).1, BOOM_PLAIN, "{env:?}");
    }
    // An empty NO_COLOR is not set (no-color.org).
    assert!(run_with_env(s.path(), &[("NO_COLOR", ""), ("FORCE_COLOR", "1")]).1.contains("\x1b[31m^"));
    // Errors that have no source line are coloured (or not) the same way.
    s.write("main.js", "await new Promise(() => {});");
    let (_, coloured) = run_with_env(s.path(), &[("FORCE_COLOR", "1")]);
    assert!(coloured.starts_with("\x1b[1;31merror\x1b[0m: "), "{coloured:?}");
    assert!(!run_with_env(s.path(), &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]).1.contains('\x1b'));
}

#[test]
fn a_minified_line_shows_a_window_around_the_column() {
    // One 2 MB line, the error in the middle of it.
    let half = "x".repeat(1 << 20);
    let stderr = error_of(&format!("var a = \"{half}\"; null.property; var b = \"{half}\";\n"));
    assert!(stderr.len() < 400, "{} bytes of stderr", stderr.len());
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines[0], "error: Uncaught TypeError: Cannot read properties of null (reading 'property')");
    let (source, caret) = (lines[1], lines[2]);
    assert!(source.starts_with("    ...xxx") && source.ends_with("xxx..."), "{source}");
    assert!(source.len() <= 4 + 120, "{} columns", source.len());
    let at = caret.find('^').expect("a caret");
    assert_eq!(caret.trim(), "^");
    assert_eq!(&source[at..at + "property".len()], "property", "{source}\n{caret}");
    assert_eq!(lines[3], format!("    at main.js:1:{}", half.len() + 18));
}

#[test]
fn control_characters_and_escapes_in_the_source_come_out_escaped() {
    // Raw ESC, BEL, a C1 CSI and a right-to-left override on the line that throws.
    let code = "const s = \"\x1b[2J\x1b]0;owned\x07\u{9b}31m\u{202e}\"; throw new Error(\"x\");\n";
    let plain = error_of(code);
    let shown = r#"const s = "\x1b[2J\x1b]0;owned\x07\u{9b}31m\u{202e}"; throw new Error("x");"#;
    // The caret is under `new`: escapes count as the columns they are shown in.
    let caret = " ".repeat(4 + shown.find("new").unwrap());
    assert_eq!(plain, format!("error: Uncaught Error: x\n    {shown}\n{caret}^\n    at main.js:1:40\n"));
    // In colour, the only escapes are wasmcap's own.
    let s = Scratch::new();
    s.write("main.js", code);
    let (_, coloured) = run_with_env(s.path(), &[("FORCE_COLOR", "1")]);
    let ours = ["\x1b[1;31m", "\x1b[0m", "\x1b[2m", "\x1b[22m", "\x1b[31m", "\x1b[39m"];
    let stripped = ours.iter().fold(coloured.clone(), |text, code| text.replace(code, ""));
    assert_eq!(stripped, plain);
    assert!(!stripped.contains(['\x1b', '\x07', '\u{9b}', '\u{202e}']));
}

#[test]
fn crlf_line_endings_and_tabs_keep_the_caret_under_the_column() {
    let stderr = error_of("const a = 1;\r\nconst b = 2;\r\n\t\tif (a) {\tthrow new Error(\"crlf\");\t}\r\n");
    // Leading tabs are dropped, an inner tab is shown as spaces to the next multiple of 4.
    assert_eq!(
        stderr,
        "error: Uncaught Error: crlf\n    if (a) {    throw new Error(\"crlf\");    }\n                      ^\n    at main.js:3:18\n"
    );
    // A lone CR and U+2028 end lines for V8 too: the line shown is the one it numbers.
    let stderr = error_of("const a = 1;\rconst s = \"\u{2028}\";\n  null.f;\n");
    assert_eq!(
        stderr,
        "error: Uncaught TypeError: Cannot read properties of null (reading 'f')\n    null.f;\n         ^\n    at main.js:4:8\n"
    );
}

#[test]
fn a_position_past_the_end_of_the_line_puts_the_caret_after_it() {
    assert_eq!(
        error_of("const x = ("),
        "error: Uncaught SyntaxError: Unexpected end of input\n    const x = (\n               ^\n    at main.js:1:12\n"
    );
}

#[test]
fn a_failed_import_points_at_its_specifier() {
    let s = Scratch::new();
    // The specifier also appears in a comment above; non-ASCII text before it on its line
    // (deno_core's column for it counts bytes: the caret must not).
    s.write("main.js", "// import \"./gone.js\"\nconst é = \"ü\"; import \"./gone.js\";\n");
    let (status, stderr) = run_with_env(s.path(), &[]);
    assert_eq!(status, 1);
    assert_eq!(
        stderr,
        "error: module not found: 'gone.js' (imported from main.js)\n    const é = \"ü\"; import \"./gone.js\";\n                          ^\n    at main.js:2:23\n"
    );
    // Refused by permission, from a module that is itself imported.
    s.write("main.js", "import './lib/a.js';\n");
    s.write("lib/a.js", "export const a = 1;\n  import { b } from '../../outside.js';\n");
    let (_, stderr) = run_with_env(s.path(), &[]);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines[0].starts_with("error: cannot import "), "{stderr}");
    assert_eq!(&lines[1..], ["    import { b } from '../../outside.js';", "                      ^", "    at lib/a.js:2:21"]);
    // An import attribute refused while the module compiles (V8 gives that error no frame).
    s.write("main.js", "const z = 1;\nimport data from './data.json' with { type: 'text' };\n");
    let (_, stderr) = run_with_env(s.path(), &[]);
    assert_eq!(
        stderr,
        "error: Uncaught TypeError: import type \"text\" is not supported (only \"json\"): './data.json' imported from main.js\n    import data from './data.json' with { type: 'text' };\n                     ^\n    at main.js:2:18\n"
    );
}

#[test]
fn a_file_that_does_not_parse_is_never_shown() {
    let s = Scratch::new();
    s.write("notes.js", "API_KEY = hunter2 sk-live-123\n");
    s.write("main.js", "import \"./notes.js\";\n");
    let (_, stderr) = run_with_env(s.path(), &[]);
    assert_eq!(
        stderr,
        "error: 'notes.js' (imported from main.js) is not valid JavaScript (line 1, column 19)\n    import \"./notes.js\";\n           ^\n    at main.js:1:8\n"
    );
    // The same through a dynamic import nobody catches.
    s.write("main.js", "const name = './notes.js';\nawait import(name);\n");
    let (_, stderr) = run_with_env(s.path(), &[]);
    assert!(!stderr.contains("hunter2") && !stderr.contains("sk-live"), "{stderr}");
    // Its specifier is not written in the import: the string that spells it is shown.
    assert!(stderr.contains("    const name = './notes.js';\n                 ^\n    at main.js:1:14\n"), "{stderr}");
}

#[test]
fn eval_and_stdin_errors_show_their_line() {
    let s = Scratch::new();
    let run = s.run(&["eval", "const a = 1;\nnull.x"], "");
    assert_eq!(
        run.stderr,
        "error: Uncaught TypeError: Cannot read properties of null (reading 'x')\n    null.x\n         ^\n    at $eval.js:2:6\n"
    );
    let run = s.run(&["run", "-"], "\n  throw new RangeError('piped');\n");
    assert_eq!(
        run.stderr,
        "error: Uncaught RangeError: piped\n    throw new RangeError('piped');\n          ^\n    at $stdin.js:2:9\n"
    );
}

/// On a real terminal (no FORCE_COLOR) the error is coloured; `TERM=dumb` and NO_COLOR keep it
/// plain there too.
#[cfg(unix)]
#[test]
fn a_terminal_gets_colour_unless_dumb_or_no_color() {
    let s = Scratch::new();
    s.write("main.js", BOOM);
    let on_terminal = |env: &[(&str, &str)]| {
        let mut command = Command::new(WASMCAP);
        command.args(["run", "main.js"]).current_dir(s.path()).env_remove("NO_COLOR").env_remove("FORCE_COLOR");
        command.env("TERM", "xterm").envs(env.iter().copied());
        let options = rexpect::session::Options::new().timeout_ms(Some(20_000)).strip_ansi_escape_codes(false);
        let mut session = rexpect::session::spawn_with_options(command, options).expect("spawn on a pty");
        // A pty turns "\n" into "\r\n".
        session.exp_eof().expect("the run ends").replace("\r\n", "\n")
    };
    assert_eq!(
        on_terminal(&[]),
        "\x1b[1;31merror\x1b[0m: Uncaught Error: boom\n    \x1b[2mthrow new Error(\"boom\");\x1b[22m\n          \x1b[31m^\x1b[39m\n    at f (main.js:2:9)\n    at main.js:4:1\n"
    );
    assert_eq!(on_terminal(&[("TERM", "dumb")]), BOOM_PLAIN);
    assert_eq!(on_terminal(&[("NO_COLOR", "1")]), BOOM_PLAIN);
}
