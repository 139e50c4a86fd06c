//! `wasmcap test --coverage`: V8's block coverage of the modules cases run, merged across the
//! cases' processes into lcov.info and a summary.

mod common;

use common::Scratch;

/// A module with a function that runs, one that branches, and one that never runs.
const LIB: &str = "\
// A small library.
export function add(a, b) {
  return a + b;
}

export function sign(x) {
  if (x < 0) {
    return -1;
  } else if (x === 0) {
    return 0;
  }
  return 1;
}

export const unused = () => {
  throw new Error(\"never\");
};
";

/// Two cases, each its own process, that together reach some of LIB.
fn suite() -> Scratch {
    let s = Scratch::new();
    s.write("suite/lib.js", LIB);
    s.write("suite/a.js", "import { add, sign } from \"./lib.js\";\nconsole.log(add(1, 2), sign(5));\n");
    s.write("suite/a.out", "3 1\n");
    s.write("suite/b.js", "import { sign } from \"./lib.js\";\nconsole.log(sign(-3));\n");
    s.write("suite/b.out", "-1\n");
    s
}

#[test]
fn coverage_of_a_small_suite_is_exact_lcov() {
    let s = suite();
    let run = s.run(&["test", "--coverage", "suite"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let root = s.path().canonicalize().unwrap();
    let root = root.display();
    let lcov = std::fs::read_to_string(s.path().join("coverage/lcov.info")).unwrap();
    let case = |name: &str| {
        format!("TN:\nSF:{root}/suite/{name}.js\nFNF:0\nFNH:0\nBRF:0\nBRH:0\nDA:1,1\nDA:2,1\nLF:2\nLH:2\nend_of_record\n")
    };
    // Lines: a line's count is the highest of the code on it. `export function add` runs with
    // the module (once per case: 2), `return a + b` once (case a). In sign, called once by
    // each case: `return -1` ran in b, `else if (x === 0)` was tested in a and found false,
    // so `return 0;` and its `}` never ran. `unused` never ran, but its first and last lines
    // hold module code (`export const unused =`, the `;`) that did.
    //
    // Functions: add once, sign twice, unused never.
    //
    // Branches (function 2, sign): the `if` block ran once (in b), the code after it once
    // (in a: in b it ran as often as sign, so V8 did not list it there), the `else if` block
    // never.
    let expected_lib = format!(
        "TN:\nSF:{root}/suite/lib.js\n\
         FN:2,add\nFN:6,sign\nFN:15,unused\nFNDA:1,add\nFNDA:2,sign\nFNDA:0,unused\nFNF:3\nFNH:2\n\
         BRDA:7,2,0,1\nBRDA:9,2,1,1\nBRDA:9,2,2,0\nBRF:3\nBRH:2\n\
         DA:2,2\nDA:3,1\nDA:4,1\nDA:6,2\nDA:7,2\nDA:8,1\nDA:9,1\nDA:10,0\nDA:11,0\nDA:12,1\nDA:13,2\nDA:15,2\nDA:16,0\nDA:17,2\n\
         LF:14\nLH:11\nend_of_record\n"
    );
    assert_eq!(lcov, format!("{}{}{expected_lib}", case("a"), case("b")));
    let summary = run.stdout.split_once("\ncoverage (coverage/lcov.info):\n").map(|(_, s)| s).unwrap_or(&run.stdout);
    assert_eq!(
        summary,
        "File           Lines          Branches     Functions\n\
         suite/a.js     100.0% (2/2)   -            -\n\
         suite/b.js     100.0% (2/2)   -            -\n\
         suite/lib.js   78.5% (11/14)  66.6% (2/3)  66.6% (2/3)\n\
         All files (3)  83.3% (15/18)  66.6% (2/3)  66.6% (2/3)\n"
    );
}

#[test]
fn machine_reports_keep_stdout_and_coverage_goes_to_the_directory_asked() {
    let s = suite();
    let run = s.run(&["test", "--coverage=out/cov", "--reporter=tap", "suite"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("TAP version 13\n1..2\n"), "{}", run.stdout);
    assert!(!run.stdout.contains("coverage"), "the summary belongs on stderr with TAP: {}", run.stdout);
    assert!(run.stderr.contains("coverage (out/cov/lcov.info):\nFile "), "{}", run.stderr);
    assert!(s.path().join("out/cov/lcov.info").is_file());
    assert!(!s.path().join("coverage").exists());
}

#[test]
fn coverage_counts_cases_that_exit_fail_or_use_the_repl() {
    let s = suite();
    // process.exit, an uncaught error and a REPL transcript each still write their coverage:
    // together they reach `return 0;` and the `else if` block, and call `unused`.
    s.write("suite/exits.js", "// @exit: 3\nimport { sign } from './lib.js';\nconsole.log(sign(0));\nprocess.exit(3);\n");
    s.write("suite/exits.out", "0\n");
    s.write("suite/throws.js", "// @exit: 1\nimport { unused } from './lib.js';\nunused();\n");
    s.write("suite/throws.out", "[WILDCARD]Error: never[WILDCARD]");
    s.write("suite/session.repl", "// @allow-read\nconst { add } = await import('./lib.js');\nadd(2, 2)\n");
    s.write("suite/session.out", "[WILDCARD]4\n");
    // Coverage attaches V8's debugger; nothing may pause on it.
    s.write("suite/pauses.js", "import { add } from './lib.js';\ndebugger;\nconsole.log(add(0, 0));\n");
    s.write("suite/pauses.out", "0\n");
    let run = s.run(&["test", "--coverage", "--timeout=20", "suite"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let lcov = std::fs::read_to_string(s.path().join("coverage/lcov.info")).unwrap();
    let lib = lcov.split("end_of_record\n").find(|r| r.contains("/suite/lib.js\n")).unwrap();
    assert!(lib.contains("FNDA:3,add\nFNDA:3,sign\nFNDA:1,unused\n"), "{lib}");
    assert!(lib.contains("DA:10,1\nDA:11,1\n") && lib.contains("DA:16,1\n"), "{lib}");
    assert!(lib.contains("LF:14\nLH:14\n"), "{lib}");
}

#[test]
fn what_cannot_be_mapped_or_written_safely_is_left_out_and_said() {
    let s = Scratch::new();
    // A module that the case rewrites after it ran: its lines on disk are not the ones counted.
    s.write("suite/changes.js", "console.log('before');\n");
    s.write(
        "suite/main.js",
        "// @allow-write: changes.js\nimport './changes.js';\nimport { writeFile } from 'wasmcap:fs';\n\
         writeFile('changes.js', new TextEncoder().encode('// other\\n'));\n\
         const odd = { 'a\\nFN:1,forged': function () { return 1; } };\nodd['a\\nFN:1,forged']();\n",
    );
    s.write("suite/main.out", "before\n");
    // A module whose name holds a newline: as an lcov path it would forge records.
    s.write("suite/new\nline.js", "export const x = 1;\n");
    s.write("suite/imports.js", "import { x } from './new%0Aline.js';\nconsole.log(x);\n");
    s.write("suite/imports.out", "1\n");
    let run = s.run(&["test", "--coverage", "suite"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("note: not in the coverage: "), "{}", run.stdout);
    assert!(run.stdout.contains("/suite/changes.js: the file is not the text that ran"), "{}", run.stdout);
    assert!(run.stdout.contains("/suite/new\\nline.js: its path holds control characters"), "{}", run.stdout);
    let lcov = std::fs::read_to_string(s.path().join("coverage/lcov.info")).unwrap();
    let records: Vec<&str> = lcov.lines().filter(|l| l.starts_with("SF:")).collect();
    assert_eq!(records.len(), 2, "{lcov}");
    // A function's name is escaped: it cannot start a line of its own.
    assert!(lcov.contains("FN:5,a\\nFN:1,forged\n"), "{lcov}");
    assert!(!lcov.lines().any(|l| l == "FN:1,forged"), "{lcov}");
}

#[test]
fn the_coverage_directory_is_checked_not_trusted() {
    let s = suite();
    // lcov.info is never written through a link.
    s.write("victim.txt", "untouched\n");
    std::fs::create_dir(s.path().join("cov")).unwrap();
    std::os::unix::fs::symlink(s.path().join("victim.txt"), s.path().join("cov/lcov.info")).unwrap();
    let run = s.run(&["test", "--coverage=cov", "suite"], "");
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("error: cannot write cov/lcov.info: it is a symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(s.path().join("victim.txt")).unwrap(), "untouched\n");
    // A file where the directory should be.
    let run = s.run(&["test", "--coverage=victim.txt", "suite"], "");
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("error: cannot create victim.txt"), "{}", run.stderr);
    // Watching re-runs cases forever: a coverage report would never be final.
    let run = s.run(&["test", "--coverage", "--watch", "suite"], "");
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("'--coverage[=<DIR>]' cannot be used with '--watch'"), "{}", run.stderr);
}

#[test]
fn a_commonjs_module_is_counted_in_its_own_lines() {
    let s = Scratch::new();
    // `require` compiles it wrapped in a function on its first line: the offsets V8 gives are
    // into the wrapper, the lines reported are the file's.
    s.write("suite/helper.cjs", "exports.twice = (n) => n * 2;\nexports.never = () => {\n  return 0;\n};\n");
    s.write("suite/main.js", "import helper from './helper.cjs';\nconsole.log(helper.twice(21));\n");
    s.write("suite/main.out", "42\n");
    let run = s.run(&["test", "--coverage", "suite"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("note:"), "{}", run.stdout);
    let lcov = std::fs::read_to_string(s.path().join("coverage/lcov.info")).unwrap();
    let helper = lcov.split("end_of_record\n").find(|r| r.contains("/suite/helper.cjs\n")).expect("helper.cjs is reported");
    let after_path = helper.split_once("helper.cjs\n").unwrap().1;
    assert_eq!(
        after_path,
        "FN:1,exports.twice\nFN:2,exports.never\nFNDA:1,exports.twice\nFNDA:0,exports.never\nFNF:2\nFNH:1\n\
         BRF:0\nBRH:0\nDA:1,1\nDA:2,1\nDA:3,0\nDA:4,1\nLF:4\nLH:3\n"
    );
}

#[test]
fn packages_and_wasmcaps_own_modules_are_not_reported() {
    let s = Scratch::new();
    s.write("suite/node_modules/pkg/package.json", "{\"name\": \"pkg\", \"type\": \"module\", \"exports\": \"./index.js\"}\n");
    s.write("suite/node_modules/pkg/index.js", "export const double = (n) => n * 2;\n");
    s.write(
        "suite/main.js",
        "import { double } from 'pkg';\nimport { Monocypher } from 'wasmcap:monocypher';\nimport { twoSum } from 'wasmcap:twosum';\n\
         console.log(double(2), typeof Monocypher, twoSum([1, 2], 3));\n",
    );
    s.write("suite/main.out", "4 function [ 0, 1 ]\n");
    let run = s.run(&["test", "--coverage", "suite"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let lcov = std::fs::read_to_string(s.path().join("coverage/lcov.info")).unwrap();
    let files: Vec<&str> = lcov.lines().filter_map(|l| l.strip_prefix("SF:")).collect();
    let root = s.path().canonicalize().unwrap();
    assert_eq!(files, [format!("{}/suite/main.js", root.display())], "{lcov}");
    assert!(!run.stdout.contains("note:"), "{}", run.stdout);
}
