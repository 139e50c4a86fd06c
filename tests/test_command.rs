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
    assert!(run.stdout.contains("FAILED  code: exit code 2, expected 0"), "{}", run.stdout);
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

/// The start of a case that reads text files through `wasmcap:fs`.
const READS: &str = "import { readFile, writeFile } from 'wasmcap:fs';\n\
const text = (path) => { try { return new TextDecoder().decode(readFile(path)).trim(); } catch (e) { return e.name; } };\n";

#[test]
fn a_case_grants_itself_files_under_the_suite_root_only() {
    let s = Scratch::new();
    s.write("secret.txt", "outside\n");
    s.write("suite/data/x.txt", "inside\n");
    s.write(
        "suite/cases/read.js",
        &format!("// @allow-read: ../data\n{READS}console.log(text('../data/x.txt'), text('../../secret.txt'));\n"),
    );
    s.write("suite/cases/read.out", "inside PermissionDenied\n");
    // The bare setting grants the suite's root, nothing above it.
    s.write(
        "suite/cases/bare.js",
        &format!("// @allow-read\n// @allow-write: out, ./out2\n// @max-heap: 64\n{READS}\
         writeFile('out', new Uint8Array([104, 105]));\n\
         console.log(text('../data/x.txt'), text('out'), text('../../secret.txt'));\n\
         try {{ writeFile('../data/y.txt', new Uint8Array(1)); }} catch (e) {{ console.log(e.name); }}\n"),
    );
    s.write("suite/cases/bare.out", "inside hi PermissionDenied\nPermissionDenied\n");
    std::os::unix::fs::symlink("../..", s.path().join("suite/cases/up_link")).unwrap();
    std::os::unix::fs::symlink("../../gone", s.path().join("suite/cases/dangling")).unwrap();
    let attacks = [
        ("root", "/", "'/' is an absolute path; a case grants paths relative to its own directory"),
        ("up", "../..", "'../..' is outside the suite's root; a case may grant only what is under it"),
        ("sneaky", "../data/../../secret.txt", "'../data/../../secret.txt' is outside the suite's root; a case may grant only what is under it"),
        ("via_link", "up_link/secret.txt", "'up_link/secret.txt' leads out of the suite's root through a symbolic link"),
        ("dangling", "dangling", "'dangling' is, or goes through, a symbolic link to nothing (where it leads cannot be checked)"),
    ];
    for (name, paths, _) in attacks {
        s.write(&format!("suite/cases/{name}.js"), &format!("// @exit: 0\n// @allow-write: {paths}\nconsole.log('ran');\n"));
        s.write(&format!("suite/cases/{name}.out"), "ran\n");
    }
    let run = s.run(&["test", "suite"], "");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (name, _, why) in attacks {
        let line = format!("FAILED  suite/cases/{name}: in suite/cases/{name}.js: line 2: @allow-write: {why} (the suite's root is suite)\n");
        assert!(run.stdout.contains(&line), "missing {line}in:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("ok      suite/cases/read ("), "{}", run.stdout);
    assert!(run.stdout.contains("ok      suite/cases/bare ("), "{}", run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("2 passed, 5 failed"), "{}", run.stdout);
    assert!(!s.path().join("gone").exists());
}

#[test]
fn command_line_grants_apply_to_every_case() {
    let s = Scratch::new();
    s.write("secret.txt", "outside\n");
    for name in ["one", "two"] {
        s.write(&format!("suite/{name}.js"), &format!("{READS}console.log(text('../secret.txt'));\n"));
        s.write(&format!("suite/{name}.out"), "outside\n");
    }
    let denied = s.run(&["test", "suite"], "");
    assert_eq!(denied.stdout.lines().last(), Some("0 passed, 2 failed"), "{}", denied.stdout);
    // Relative to where `wasmcap test` runs, not to each case's directory.
    let granted = s.run(&["test", "--allow-read=secret.txt", "suite"], "");
    assert_eq!(granted.stdout.lines().last(), Some("2 passed, 0 failed"), "{}", granted.stdout);
    let all = s.run(&["test", "--allow-read", "suite"], "");
    assert_eq!(all.stdout.lines().last(), Some("2 passed, 0 failed"), "{}", all.stdout);
}

/// Prints what the case sees of the variables, and how many it sees.
const SHOWS_ENV: &str = "console.log(JSON.stringify([process.env.CI_TOKEN, process.env.GREETING, process.env.HOME !== undefined, Object.keys(process.env).length > 0]));\n";

#[test]
fn a_case_sees_only_the_environment_the_runner_passes_on() {
    let s = Scratch::new();
    // Names only what @env set: the runner's CI_TOKEN never reaches the case.
    s.write("suite/asks.js", &format!("// @allow-env: CI_TOKEN, GREETING, HOME\n// @env: GREETING=hi\n{SHOWS_ENV}"));
    s.write("suite/asks.out", "[null,\"hi\",false,true]\n");
    // The bare setting: everything in the case's own environment, which is not the runner's.
    s.write("suite/all.js", &format!("// @allow-env\n{SHOWS_ENV}"));
    s.write("suite/all.out", "[null,null,false,true]\n");
    // No grant: @env sets the variable and grants it, nothing else is seen.
    s.write("suite/none.js", &format!("// @env: GREETING=hello A=b=c\n{SHOWS_ENV}console.log(process.env.A);\n"));
    s.write("suite/none.out", "[null,\"hello\",false,true]\nb=c\n");
    s.write("suite/bad.js", "// @env: =x\n");
    s.write("suite/bad.out", "");
    let secret = [("CI_TOKEN", "s3cr3t"), ("HOME", "/home/ci")];
    let run = s.run_with_env(&["test", "suite"], &secret);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("s3cr3t"), "{}", run.stdout);
    assert!(run.stdout.contains("FAILED  suite/bad: in suite/bad.js: line 1: @env: '=x' is not a variable name"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("3 passed, 1 failed"), "{}", run.stdout);

    // The person running the suite passes a variable on: every case that asks sees it.
    std::fs::remove_file(s.path().join("suite/bad.js")).unwrap();
    s.write("suite/asks.out", "[\"s3cr3t\",\"hi\",false,true]\n");
    s.write("suite/all.out", "[\"s3cr3t\",null,false,true]\n");
    s.write("suite/none.out", "[\"s3cr3t\",\"hello\",false,true]\nb=c\n");
    let passed = s.run_with_env(&["test", "--allow-env=CI_TOKEN", "suite"], &secret);
    assert_eq!(passed.stdout.lines().last(), Some("3 passed, 0 failed"), "{}{}", passed.stdout, passed.stderr);
    let bad = s.run(&["test", "--allow-env=--allow-read", "suite"], "");
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("'--allow-read' is not an environment variable name"), "{}", bad.stderr);
}

/// The report with its times fixed: `(12 ms)` becomes `(T ms)`, `finished in 0.23 s` becomes
/// `finished in T s`.
fn steady(report: &str) -> String {
    let case_time = regex::Regex::new(r"\(\d+ ms\)").unwrap();
    let total_time = regex::Regex::new(r"finished in \d+\.\d\d s").unwrap();
    total_time.replace_all(&case_time.replace_all(report, "(T ms)"), "finished in T s").into_owned()
}

/// A suite with one failure of each common sort.
fn failing_suite() -> Scratch {
    let s = Scratch::new();
    s.write("both.js", "// @exit: 3\nconsole.log('other');\n");
    s.write("both.out", "expected\n");
    s.write("code.js", "// @exit: 1\nconsole.log('fine');\n");
    s.write("code.out", "fine\n");
    s.write("fine.js", "console.log('fine');\n");
    s.write("fine.out", "fine\n");
    s.write(
        "wild.js",
        "console.log('start');\nfor (let i = 0; i < 6; i++) console.log('noise', i);\n\
         console.log('took', 12, 'ms');\nconsole.log('result: 41');\nconsole.log('end');\n",
    );
    s.write("wild.out", "start\n[WILDCARD]\ntook [WILDLINE] ms\nresult: 42\nend\n");
    s
}

/// Issue 15.2: wildcard-matched text is context and only the real change is marked; an exit
/// code mismatch with matching output is one plain sentence; the failures come again at the
/// end, then the time, then the totals.
#[test]
fn a_failing_suite_reads_at_a_glance() {
    let s = failing_suite();
    let run = s.run(&["test", "-j", "1"], "");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        steady(&run.stdout),
        "FAILED  both: exit code 0, expected 3; the output differs too
--- ./both.out
+++ actual output
@@ -1 +1 @@
-expected
+other

FAILED  code: exit code 0, expected 1
ok      fine (T ms)
FAILED  wild: output differs
--- ./wild.out
+++ actual output
@@ -2 +6 @@
 noise 4
 noise 5
 took 12 ms
-result: 42
+result: 41
 end

failures:
    both: exit code 0, expected 3; the output differs too
    code: exit code 0, expected 1
    wild: output differs

finished in T s
1 passed, 3 failed
"
    );
    assert_eq!(run.stderr, "");
}

/// `FORCE_COLOR` colours the report even into a pipe, and wins over `NO_COLOR` (as in Node);
/// `FORCE_COLOR=0` does not.
#[test]
fn force_color_and_no_color_are_honoured() {
    let s = failing_suite();
    let run_with = |vars: &[(&str, &str)]| {
        let mut command = std::process::Command::new(common::WASMCAP);
        command.args(["test", "fine.js", "code.js"]).current_dir(s.path()).env_remove("NO_COLOR").env_remove("FORCE_COLOR");
        command.envs(vars.iter().copied());
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    let forced = run_with(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]);
    assert!(forced.contains("\x1b[32mok     \x1b[0m fine ("), "{forced:?}");
    assert!(forced.contains("\x1b[31mFAILED \x1b[0m code: exit code 0, expected 1\n"), "{forced:?}");
    for vars in [&[("FORCE_COLOR", "0")][..], &[("NO_COLOR", "1")], &[]] {
        let plain = run_with(vars);
        assert!(!plain.contains('\x1b') && plain.contains("FAILED  code"), "{vars:?}: {plain:?}");
    }
}

/// Issue 15.3: a run that tests nothing fails, saying why (exit 2, as for other setup errors).
#[test]
fn a_run_in_which_no_case_ran_fails() {
    let s = Scratch::new();
    std::fs::create_dir(s.path().join("empty")).unwrap();
    let run = s.run(&["test", "empty"], "");
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout.lines().last(), Some("0 passed, 0 failed"));
    assert_eq!(run.stderr, "error: no case ran: no NAME.js or NAME.repl with a NAME.out beside it under empty\n");
    let s = suite();
    let run = s.run(&["test", "--filter", "nothing-is-called-this"], "");
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.ends_with("error: no case ran: --filter matched none of the 5 cases under .\n"), "{}", run.stderr);
    let run = s.run(&["test", "pass/skipped.js"], "");
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "error: no case ran: the one case selected was skipped\n");
}

/// Issue 15.3: a script without its `.out` is named once (not per directory, not silently),
/// and `--update` on it writes the `.out`.
#[test]
fn scripts_without_out_files_are_named_once_and_update_creates_them() {
    let s = suite();
    s.write("pass/also_no_out.js", "console.log('helper');\n");
    let run = s.run(&["test", "pass"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stderr,
        "note: 2 scripts have no .out file and did not run: pass/also_no_out.js, pass/no_out_file.js \
         (to make one a case: wasmcap test --update pass/also_no_out.js)\n"
    );
    let named = s.run(&["test", "pass/no_out_file.js"], "");
    assert_eq!(named.code, 1);
    assert!(named.stdout.contains("FAILED  pass/no_out_file: no .out file (wasmcap test --update writes it)\n"), "{}", named.stdout);
    let update = s.run(&["test", "--update", "pass/no_out_file.js"], "");
    assert_eq!(update.code, 0, "{}{}", update.stdout, update.stderr);
    assert!(update.stdout.contains("updated pass/no_out_file: wrote pass/no_out_file.out\n"), "{}", update.stdout);
    assert_eq!(std::fs::read_to_string(s.path().join("pass/no_out_file.out")).unwrap(), "not a test: no .out beside it\n");
    // A script without its .out is not written unless named: helper modules look the same.
    let again = s.run(&["test", "--update", "pass"], "");
    assert!(!s.path().join("pass/also_no_out.out").exists(), "{}", again.stdout);
}

/// Issue 15.3: a file's `@seed` pins its output, so it wins over `--seed`.
#[test]
fn a_files_seed_wins_over_the_command_line() {
    let s = Scratch::new();
    let bytes = "console.log(crypto.getRandomValues(new Uint8Array(4)).join(','));\n";
    s.write("pinned.js", &format!("// @seed: 1\n{bytes}"));
    s.write("pinned.out", "");
    assert_eq!(s.run(&["test", "--update"], "").code, 0);
    let pinned = std::fs::read_to_string(s.path().join("pinned.out")).unwrap();
    let run = s.run(&["test", "--seed", "2"], "");
    assert_eq!(run.code, 0, "--seed 2 overrode @seed 1: {}", run.stdout);
    s.write("unpinned.js", bytes);
    s.write("unpinned.out", &pinned);
    let run = s.run(&["test", "--seed", "1", "unpinned.js"], "");
    assert_eq!(run.code, 0, "--seed applies to cases without @seed: {}", run.stdout);
}

/// A suite for the CI reporters: a pass, a skip, a failure whose output holds what XML and
/// TAP cannot carry raw, and a case named with XML's special characters.
fn reporter_suite() -> Scratch {
    let s = Scratch::new();
    s.write("group/pass.js", "console.log('fine');\n");
    s.write("group/pass.out", "fine\n");
    s.write("group/skip.js", "// @skip: not # ready <yet>\n");
    s.write("group/skip.out", "");
    s.write("dirty.js", "console.log('<![CDATA[ ]]> \\u001b[31m \\u0000 \\u0007 \\uffff & done');\n");
    s.write("dirty.out", "clean\n");
    s.write("a<b>&\"'#.js", "// @exit: 2\n");
    s.write("a<b>&\"'#.out", "");
    s
}

/// Issue 15.4: the JUnit report is well-formed XML (checked by a strict parser) with the
/// elements and counts CI systems read, whatever the case names and outputs hold.
#[test]
fn junit_report_is_well_formed_with_the_right_counts() {
    let s = reporter_suite();
    let run = s.run(&["test", "--junit-path=report.xml"], "");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout.lines().last(), Some("1 passed, 2 failed, 1 skipped"), "the pretty report stays on stdout");
    let from_file = std::fs::read_to_string(s.path().join("report.xml")).unwrap();
    let on_stdout = s.run(&["test", "--reporter=junit"], "");
    assert_eq!(on_stdout.code, 1);
    for xml in [&from_file, &on_stdout.stdout] {
        let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let attr = |node: roxmltree::Node, name| node.attribute(name).unwrap_or_else(|| panic!("no {name}")).to_string();
        assert_eq!((attr(root, "tests"), attr(root, "failures"), attr(root, "skipped")), ("4".into(), "2".into(), "1".into()));
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert!(suites.iter().all(|n| n.tag_name().name() == "testsuite"));
        let names: Vec<String> = suites.iter().map(|n| attr(*n, "name")).collect();
        assert_eq!(names, [".", "group"]);
        let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
        let case_names: Vec<String> = cases.iter().map(|n| attr(*n, "name")).collect();
        assert_eq!(case_names, ["a<b>&\"'#", "dirty", "group/pass", "group/skip"]);
        for case in &cases {
            assert!(attr(*case, "time").parse::<f64>().is_ok());
            assert!(!attr(*case, "classname").is_empty());
        }
        let failure = |i: usize| cases[i].children().find(|n| n.has_tag_name("failure")).expect("a failure element");
        assert_eq!(attr(failure(0), "message"), "exit code 0, expected 2");
        assert_eq!(attr(failure(0), "type"), "exit-code");
        let diff = failure(1).text().unwrap();
        assert!(diff.contains("+<![CDATA[ ]]> \\u{1b}[31m \\u{0} \\u{7} \\u{ffff} & done\n"), "{diff}");
        assert_eq!(attr(failure(1), "message"), "output differs");
        assert!(cases[2].children().all(|n| !n.is_element()), "a passing case has no child");
        let skipped = cases[3].children().find(|n| n.has_tag_name("skipped")).expect("a skipped element");
        assert_eq!(attr(skipped, "message"), "not # ready <yet>");
    }
    let unwritable = s.run(&["test", "--junit-path=no/such/dir/report.xml"], "");
    assert_eq!(unwritable.code, 2, "{}", unwritable.stderr);
    assert!(unwritable.stderr.starts_with("error: cannot write the JUnit report to no/such/dir/report.xml: "), "{}", unwritable.stderr);
}

/// Issue 15.4: TAP 13 as a consumer reads it: the version, the plan, consecutive numbers,
/// `not ok` with a YAML block, `# SKIP`, and `#` in names escaped so it is no directive.
#[test]
fn tap_report_follows_tap_13() {
    let s = reporter_suite();
    let run = s.run(&["test", "--reporter=tap", "-j", "1"], "");
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(&lines[..2], ["TAP version 13", "1..4"]);
    let tests: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("ok ") || l.starts_with("not ok ")).collect();
    assert_eq!(tests, ["not ok 1 - a<b>&\"'\\# ", "not ok 2 - dirty", "ok 3 - group/pass", "ok 4 - group/skip # SKIP not \\# ready <yet>"].map(|l| l.trim_end()));
    // Each `not ok` is followed by a YAML block: `  ---`, indented keys, `  ...`.
    for (i, _) in lines.iter().enumerate().filter(|(_, l)| l.starts_with("not ok")) {
        assert_eq!(lines[i + 1], "  ---", "{}", run.stdout);
        let close = lines[i + 1..].iter().position(|l| *l == "  ...").expect("a closed YAML block") + i + 1;
        assert!(lines[i + 2..close].iter().all(|l| l.starts_with("  ")), "{}", run.stdout);
        assert!(lines[i + 2..close].contains(&"  severity: fail"), "{}", run.stdout);
    }
    assert!(run.stdout.contains("  diff: |2-\n    --- ./dirty.out\n    +++ actual output\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  message: |2-\n    exit code 0, expected 2\n"), "{}", run.stdout);
    assert_eq!(lines.last(), Some(&"# 1 passed, 2 failed, 1 skipped"));
}

/// Issue 15.4: `--filter` is repeatable (any selects) and `/…/` is a regex; a bad regex is a
/// usage error that says what is wrong.
#[test]
fn filters_repeat_and_take_regexes() {
    let s = suite();
    let run = s.run(&["test", "--filter", "/^pass/(hello|wild)$/", "--filter", "wrong"], "");
    assert_eq!(run.stdout.lines().last(), Some("2 passed, 1 failed"), "{}", run.stdout);
    let run = s.run(&["test", "--filter=/[/"], "");
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: invalid value '/[/' for '--filter <TEXT>': '/[/' is not a valid regular expression: unclosed character class (see 'wasmcap --help')\n"
    );
}

/// Issue 15.4: `--fail-fast[=N]` starts no case after N failures and says how many did not
/// run; `--fail-fast=0` is a usage error.
#[test]
fn fail_fast_stops_after_n_failures() {
    let s = Scratch::new();
    for i in 0..4 {
        s.write(&format!("f{i}.js"), "console.log('no');\n");
        s.write(&format!("f{i}.out"), "yes\n");
    }
    let run = s.run(&["test", "--fail-fast", "-j", "1"], "");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("FAILED  f").count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("failures:\n    f0: output differs\n"), "{}", run.stdout);
    assert!(run.stdout.contains("stopped after 1 failure (--fail-fast): 3 not run\n"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().last(), Some("0 passed, 1 failed"));
    let run = s.run(&["test", "--fail-fast=3", "-j", "1", "--reporter=tap"], "");
    assert!(run.stdout.contains("not ok 3 - f2\n") && !run.stdout.contains("f3"), "{}", run.stdout);
    assert!(run.stdout.contains("Bail out! stopped after 3 failures (--fail-fast): 1 not run\n"), "{}", run.stdout);
    let run = s.run(&["test", "--fail-fast=4"], "");
    assert!(!run.stdout.contains("stopped"), "all ran: {}", run.stdout);
    for bad in ["--fail-fast=0", "--fail-fast=-1", "--fail-fast=x"] {
        let run = s.run(&["test", bad], "");
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stderr.contains("expected a number of failures, 1 or more"), "{bad}: {}", run.stderr);
    }
}

/// Issue 15.4: `--shuffle` runs the cases in a random order and prints the seed; the same
/// seed gives the same order.
#[test]
fn shuffle_prints_a_seed_that_repeats_the_order() {
    let s = Scratch::new();
    for i in 0..12 {
        s.write(&format!("c{i:02}.js"), "console.log(1);\n");
        s.write(&format!("c{i:02}.out"), "1\n");
    }
    let order = |args: &[&str]| -> (Vec<String>, String) {
        let run = s.run(&[&["test", "-j", "1"][..], args].concat(), "");
        assert_eq!(run.code, 0, "{}", run.stdout);
        let names = run.stdout.lines().filter_map(|l| l.strip_prefix("ok      ")).map(|l| l[..3].to_string()).collect();
        (names, run.stdout)
    };
    let (sorted, _) = order(&[]);
    let (random, report) = order(&["--shuffle"]);
    let seed = report.lines().find_map(|l| l.strip_prefix("shuffled with seed ")).expect("the seed is printed");
    let seed = seed.split_whitespace().next().unwrap();
    let (again, _) = order(&[&format!("--shuffle={seed}")]);
    assert_eq!(random, again);
    let (seven, _) = order(&["--shuffle=7"]);
    assert_ne!(seven, sorted, "seed 7 shuffles these 12 names");
    let mut unshuffled = seven.clone();
    unshuffled.sort();
    assert_eq!(unshuffled, sorted);
}

/// `--watch`: after the first run, a changed .out re-runs that case alone, a changed module
/// re-runs every case, and what a case writes into the suite while it runs does not trigger
/// another run (or a case writing a file would loop forever).
#[test]
fn watch_reruns_what_a_change_affects_and_ignores_what_cases_write() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let s = Scratch::new();
    s.write("w/a.js", "import { v } from './lib.js';\nconsole.log(v);\n");
    s.write("w/a.out", "1\n");
    s.write("w/b.js", "console.log('b');\n");
    s.write("w/b.out", "b\n");
    s.write("w/lib.js", "export const v = 1;\n");
    // Writes a module-like file into the suite each time it runs.
    s.write(
        "w/writer.js",
        "// @allow-write: written.json\nimport { writeFile } from 'wasmcap:fs';\nwriteFile('written.json', '{}');\nconsole.log('wrote');\n",
    );
    s.write("w/writer.out", "wrote\n");
    let mut child = Command::new(common::WASMCAP)
        .args(["test", "--watch", "w"])
        .current_dir(s.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, output) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Everything printed up to the next "watching" line (or what there was at the deadline).
    let until_watching = |limit: Duration| -> String {
        let deadline = Instant::now() + limit;
        let mut seen = String::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match output.recv_timeout(left) {
                Ok(line) if line.starts_with("watch: watching") => return seen,
                Ok(line) => seen.push_str(&(line + "\n")),
                Err(_) => break,
            }
        }
        seen
    };
    let first = until_watching(Duration::from_secs(20));
    assert!(first.contains("3 passed, 0 failed"), "{first}");
    // The writer's own write is not a change: nothing runs until the user changes something.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(output.try_recv().is_err(), "a case's own write started a run");

    s.write("w/b.out", "B\n");
    let second = until_watching(Duration::from_secs(20));
    assert!(second.contains("changed: w/b.out"), "{second}");
    assert!(second.contains("FAILED  w/b: output differs") && second.contains("0 passed, 1 failed"), "{second}");
    assert!(!second.contains("w/a"), "only b re-ran: {second}");

    s.write("w/lib.js", "export const v = 2;\n");
    let third = until_watching(Duration::from_secs(20));
    assert!(third.contains("changed: w/lib.js"), "{third}");
    assert!(third.contains("FAILED  w/a: output differs"), "{third}");
    assert!(third.contains("1 passed, 2 failed"), "every case re-ran: {third}");
    child.kill().unwrap();
    let _ = child.wait();
}
