//! `wasmcap test` on directories of passing, failing, skipped and updated cases.

mod common;

use common::Scratch;

fn suite() -> Scratch {
    let s = Scratch::new();
    s.write("pass/hello.js", "console.log('hello');\nconsole.error('to stderr');\n");
    s.write("pass/hello.out", "hello\nto stderr\n");
    s.write("pass/wild.js", "console.log('took', Math.random(), 'ms');\nconsole.log('a\\nb\\nc');\nconsole.log('end');\n");
    s.write("pass/wild.out", "took [WILDLINE]\n[WILDCARD]\nend\n");
    s.write("pass/exits.js", "// @exit: 3\n// @args: x y\nconsole.log(process.argv.slice(2).join('+'));\nprocess.exit(3);\n");
    s.write("pass/exits.out", "x+y\n");
    s.write("pass/skipped.js", "// @skip: not ready\nthrow new Error('must not run');\n");
    s.write("pass/skipped.out", "");
    s.write("pass/no_out_file.js", "console.log('not a test: no .out beside it');\n");
    s.write("fail/wrong.js", "console.log('actual line');\n");
    s.write("fail/wrong.out", "expected line\n");
    s
}

#[test]
fn passing_cases_pass_and_skips_are_counted() {
    let s = suite();
    let run = s.run(&["test", "pass"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout.lines().last(), Some("3 passed, 0 failed, 1 skipped"), "{}", run.stdout);
    assert!(run.stdout.contains("skipped pass/skipped: not ready"), "{}", run.stdout);
    assert!(!run.stdout.contains("no_out_file"), "{}", run.stdout);
}

#[test]
fn a_failing_case_prints_a_diff_and_exits_one() {
    let s = suite();
    let run = s.run(&["test"], "");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("FAILED  fail/wrong: output differs"), "{}", run.stdout);
    assert!(run.stdout.contains("-expected line\n+actual line\n"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("3 passed, 1 failed, 1 skipped"), "{}", run.stdout);
}

#[test]
fn wrong_exit_code_fails() {
    let s = Scratch::new();
    s.write("code.js", "process.exitCode = 2;\n");
    s.write("code.out", "");
    let run = s.run(&["test"], "");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("FAILED  code: exit code 2 (expected 0)"), "{}", run.stdout);
}

#[test]
fn update_rewrites_only_differing_out_files() {
    let s = suite();
    let untouched = std::fs::read_to_string(s.path().join("pass/wild.out")).unwrap();
    let run = s.run(&["test", "--update"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("updated fail/wrong"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(s.path().join("fail/wrong.out")).unwrap(), "actual line\n");
    assert_eq!(std::fs::read_to_string(s.path().join("pass/wild.out")).unwrap(), untouched);
    let again = s.run(&["test"], "");
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert_eq!(again.stdout.lines().last(), Some("4 passed, 0 failed, 1 skipped"));
}

#[test]
fn filter_and_jobs_select_and_parallelise() {
    let s = suite();
    let run = s.run(&["test", "--filter", "hello", "-j", "1"], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn a_hanging_case_times_out() {
    let s = Scratch::new();
    s.write("hang.js", "while (true) {}\n");
    s.write("hang.out", "");
    let run = s.run(&["test", "--timeout", "0.5"], "");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("FAILED  hang: timed out after 0.5 s"), "{}", run.stdout);
}

#[test]
fn seed_makes_output_reproducible_and_warns_once() {
    let s = Scratch::new();
    s.write("rand.js", "console.log(crypto.getRandomValues(new Uint8Array(4)).join(','));\n");
    s.write("rand.out", "");
    let first = s.run(&["test", "--seed", "9", "--update"], "");
    assert_eq!(first.code, 0, "{}", first.stdout);
    assert_eq!(first.stderr.matches("NOT secret").count(), 1, "{}", first.stderr);
    let pinned = std::fs::read_to_string(s.path().join("rand.out")).unwrap();
    assert_eq!(pinned.split(',').count(), 4, "{pinned}");
    let again = s.run(&["test", "--seed", "9"], "");
    assert_eq!(again.code, 0, "{}", again.stdout);
    let unseeded = s.run(&["test"], "");
    assert_eq!(unseeded.code, 1, "without the seed the bytes differ: {}", unseeded.stdout);
}

#[test]
fn bad_settings_and_paths_are_clear_errors() {
    let s = Scratch::new();
    s.write("bad.js", "// @exit: soon\n");
    s.write("bad.out", "");
    let run = s.run(&["test"], "");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("line 1: @exit needs an integer exit code, got 'soon'"), "{}", run.stdout);
    let run = s.run(&["test", "missing-dir"], "");
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: no such file or directory: missing-dir\n");
}
