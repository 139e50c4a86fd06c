//! Hostile input: runner (see tests/hostile.rs).
//!
//! `wasmcap test` runs someone else's test files: case names, `// @` settings, `.out` files,
//! the suite's directory tree and REPL transcripts are all attacker-controlled. Nothing in them
//! may become a wasmcap flag, grant a file, make the runner read or write outside the suite,
//! hang it, or panic it; every bad input is a clear failure naming the file, line and setting,
//! and every bad command-line value a usage error (exit 2).

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common::{Bounded, Scratch, run_bounded};

/// Runs `wasmcap ARGS` in `dir` with `stdin`, killed (and failed) after `limit`.
fn bounded(dir: &Path, args: &[&std::ffi::OsStr], stdin: &str, limit: Duration) -> Bounded {
    run_bounded(dir, args, stdin, limit)
}

/// `wasmcap ARGS` in `dir`, at most 60 s (generous for a loaded 2-core machine).
fn wasmcap(dir: &Path, args: &[&str]) -> Bounded {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| std::ffi::OsStr::new(*a)).collect();
    bounded(dir, &args, "", Duration::from_secs(60))
}

fn assert_no_panic(run: &Bounded) {
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains("panicked at") && !text.contains("internal error"), "a panic:\n{text}");
        assert!(!text.contains("RUST_BACKTRACE"), "a backtrace hint:\n{text}");
    }
    assert!(matches!(run.code, Some(0..=2)), "exit {:?} (a signal or a crash)\n{}\n{}", run.code, run.stdout, run.stderr);
}

fn summary(run: &Bounded) -> &str {
    run.stdout.lines().last().unwrap_or_default()
}

fn mkfifo(path: &Path) {
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

// --- nothing in a case becomes a wasmcap flag ------------------------------------------------

/// Issue 11 section 6: a case named `--allow-read=.js` with `@args: --allow-write payload.js`
/// made the runner execute `wasmcap run --allow-read=.js --allow-write payload.js`.
#[test]
fn a_case_named_like_a_flag_cannot_grant_anything() {
    let s = Scratch::new();
    s.write("suite/--allow-read=.js", "// @args: --allow-write payload.js\nconsole.log(process.argv.slice(2));\n");
    s.write("suite/--allow-read=.out", "[ '--allow-write', 'payload.js' ]\n");
    s.write(
        "suite/payload.js",
        "import { writeFile } from 'wasmcap:fs';\nwriteFile('../pwned', 'owned');\nconsole.log('payload ran');\n",
    );
    let run = wasmcap(&s.path().join("suite"), &["test"]);
    assert_no_panic(&run);
    assert!(!s.path().join("pwned").exists(), "the payload ran with --allow-write:\n{}", run.stdout);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok      --allow-read= ("), "{}", run.stdout);
    assert_eq!(summary(&run), "1 passed, 0 failed");
}

/// `@args` that look like wasmcap's flags (before or after `--`) reach process.argv and grant
/// nothing: a case cannot write its own `.out`, read a secret or change its seed.
#[test]
fn settings_args_are_script_arguments_never_flags() {
    let s = Scratch::new();
    std::fs::write(s.path().join("secret.txt"), "TOP SECRET").unwrap();
    s.write(
        "suite/greedy.js",
        "// @args: --allow-read --allow-write --seed 1 --max-heap 8 -- --timeout=1 -j 0\n\
         import { readFile, writeFile } from 'wasmcap:fs';\n\
         console.log(process.argv.slice(2).join(' '));\n\
         for (const f of [() => writeFile('greedy.out', 'overwritten'), () => readFile('../secret.txt')]) {\n\
           try { f(); console.log('granted!'); } catch (e) { console.log(e.name); }\n\
         }\n",
    );
    let expected = "--allow-read --allow-write --seed 1 --max-heap 8 -- --timeout=1 -j 0\nPermissionDenied\nPermissionDenied\n";
    s.write("suite/greedy.out", expected);
    for args in [&["test"][..], &["test", "--update"]] {
        let run = wasmcap(&s.path().join("suite"), args);
        assert_no_panic(&run);
        assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
        assert_eq!(summary(&run), "1 passed, 0 failed");
        assert_eq!(std::fs::read_to_string(s.path().join("suite/greedy.out")).unwrap(), expected);
    }
}

/// Case (and directory) names with leading dashes, spaces, unicode and a newline run as
/// themselves; the newline is escaped in the report so it cannot forge a line of it.
#[test]
fn odd_case_names_run_as_themselves() {
    let s = Scratch::new();
    let names = ["-", "--help", "-x y", "with space", "ünï©ødé ✓", "line\n1 passed, 0 failed", "--seed=1/--version"];
    for name in names {
        s.write(&format!("suite/{name}.js"), "console.log(process.argv[1].split('/').pop());\n");
        let base = Path::new(name).file_name().unwrap().to_str().unwrap();
        s.write(&format!("suite/{name}.out"), &format!("{base}.js\n"));
    }
    let run = wasmcap(&s.path().join("suite"), &["test", "-j", "2"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(summary(&run), format!("{} passed, 0 failed", names.len()));
    assert!(run.stdout.contains("ok      line\\n1 passed, 0 failed ("), "{}", run.stdout);
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("1 passed")).count(), 0, "{}", run.stdout);
    assert!(run.stdout.contains("ok      ünï©ødé ✓ ("), "{}", run.stdout);
}

/// A `.repl` case's settings cannot reach `wasmcap repl`'s command line either: `@args` is an
/// error there, and `@seed` still works through the runner's own `--seed N`.
#[test]
fn repl_case_settings_stay_settings() {
    let s = Scratch::new();
    s.write("args.repl", "// @args: --allow-read\n1 + 1\n");
    s.write("args.out", "2\n");
    s.write("seeded.repl", "// @seed: 7\n// @timeout: 20\ncrypto.getRandomValues(new Uint8Array(2)).length\n");
    s.write("seeded.out", "2\n");
    let run = wasmcap(s.path(), &["test"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains(
            "FAILED  args: in ./args.repl: line 1: @args applies only to NAME.js cases (a REPL transcript takes no arguments)"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("ok      seeded ("), "{}", run.stdout);
}

/// `wasmcap test NAME.js` from the case's own directory: the parent directory is empty, which
/// once made the runner fail with "cannot start ... No such file or directory".
#[test]
fn a_case_named_from_its_own_directory_runs() {
    let s = Scratch::new();
    s.write("here.js", "console.log('here');\n");
    s.write("here.out", "here\n");
    s.write("-dash.repl", "40 + 2\n");
    s.write("-dash.out", "42\n");
    let run = wasmcap(s.path(), &["test", "here.js", "--", "-dash.repl"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(summary(&run), "2 passed, 0 failed");
}

// --- the REPL's dot-commands obey the grants -----------------------------------------------

/// Issue 11 section 6: `.repl` cases ran `.save /any/path` and `.load /any/file`.
#[test]
fn a_repl_case_cannot_save_or_load_outside_files() {
    let s = Scratch::new();
    std::fs::write(s.path().join("secret.js"), "'TOP SECRET'\n").unwrap();
    let outside = s.path().join("planted.js");
    let secret = s.path().join("secret.js");
    s.write(
        "suite/escape.repl",
        &format!("1 + 1\n.save {}\n.save ../relative.js\n.load {}\n", outside.display(), secret.display()),
    );
    s.write("suite/escape.out", "");
    let run = wasmcap(&s.path().join("suite"), &["test", "--update"]);
    assert_no_panic(&run);
    assert!(!outside.exists(), ".save wrote outside the suite:\n{}", run.stdout);
    assert!(!s.path().join("relative.js").exists(), ".save wrote outside the suite:\n{}", run.stdout);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let recorded = std::fs::read_to_string(s.path().join("suite/escape.out")).unwrap();
    assert!(!recorded.contains("TOP SECRET"), ".load read outside the suite:\n{recorded}");
    assert!(
        recorded.contains(&format!(
            "error: cannot load {0}: PermissionDenied: read access to '{0}' is not granted; run with --allow-read={0}",
            secret.display()
        )),
        "{recorded}"
    );
    assert!(recorded.contains("error: cannot save to ../relative.js: PermissionDenied: write access to '../relative.js' is not granted; run with --allow-write=../relative.js"), "{recorded}");
}

/// The same rule for `wasmcap repl` itself: no access by default, exactly the granted paths
/// with `--allow-read`/`--allow-write`, and never a link out of a grant, a FIFO or a device.
#[test]
fn repl_dot_commands_need_the_same_grants_as_scripts() {
    let s = Scratch::new();
    std::fs::create_dir(s.path().join("granted")).unwrap();
    std::fs::write(s.path().join("outside.js"), "'OUTSIDE'\n").unwrap();
    std::os::unix::fs::symlink(s.path().join("outside.js"), s.path().join("granted/link.js")).unwrap();
    std::os::unix::fs::symlink(s.path().join("new-outside.js"), s.path().join("granted/dangling.js")).unwrap();
    let transcript = "6 * 7\n.save granted/kept.js\n.save outside.js\n.save granted/dangling.js\n\
                      .load granted/kept.js\n.load outside.js\n.load granted/link.js\n";
    let none = s.run(&["repl"], transcript);
    assert_eq!(none.stdout, "42\n", "{}", none.stderr);
    assert!(none.stderr.contains("error: cannot save to granted/kept.js: PermissionDenied: write access to 'granted/kept.js' is not granted; run with --allow-write=granted/kept.js (or --allow-write for any file)\n"), "{}", none.stderr);
    assert!(none.stderr.contains("error: cannot load granted/kept.js: PermissionDenied: read access to 'granted/kept.js' is not granted; run with --allow-read=granted/kept.js (or --allow-read for any file)\n"), "{}", none.stderr);
    assert!(!s.path().join("granted/kept.js").exists());

    let granted = s.run(&["repl", "--allow-read=granted", "--allow-write=granted"], transcript);
    assert_eq!(granted.stdout, "42\nSession saved to granted/kept.js\n42\n", "{}", granted.stderr);
    assert_eq!(std::fs::read_to_string(s.path().join("granted/kept.js")).unwrap(), "6 * 7\n");
    assert_eq!(std::fs::read_to_string(s.path().join("outside.js")).unwrap(), "'OUTSIDE'\n");
    assert!(!s.path().join("new-outside.js").exists(), "written through a dangling link");
    assert!(granted.stderr.contains("error: cannot save to outside.js: PermissionDenied"), "{}", granted.stderr);
    assert!(granted.stderr.contains("error: cannot load outside.js: PermissionDenied"), "{}", granted.stderr);
    assert!(granted.stderr.contains("error: cannot load granted/link.js: PermissionDenied"), "{}", granted.stderr);
    assert!(!granted.stdout.contains("OUTSIDE"));
}

/// Even with every file granted, `.load` reads regular files only: a FIFO or /dev/zero would
/// hang the REPL or fill its memory.
#[test]
fn repl_load_refuses_fifos_and_devices_even_when_granted() {
    let s = Scratch::new();
    mkfifo(&s.path().join("fifo.js"));
    let args: Vec<&std::ffi::OsStr> = ["repl", "--allow-read", "--allow-write"].iter().map(std::ffi::OsStr::new).collect();
    let run = bounded(s.path(), &args, ".load fifo.js\n.load /dev/zero\n.save fifo.js\n.save /dev/null\n.load .\n1\n", Duration::from_secs(30));
    assert_eq!(run.stdout, "1\n", "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: cannot load fifo.js: it is a FIFO, not a regular file\n\
         error: cannot load /dev/zero: it is a device, not a regular file\n\
         error: cannot save to fifo.js: it is a FIFO, not a regular file\n\
         error: cannot save to /dev/null: it is a device, not a regular file\n\
         error: cannot load .: it is a directory, not a regular file\n"
    );
}

// --- --update writes the expected file only, never through a link ---------------------------

/// Issue 11 section 6: `--update` followed a symlinked `NAME.out` and wrote anywhere. Links in
/// place of `.out` are refused, whether they point outside the suite, inside it, or nowhere;
/// a link to a secret is not shown in a diff either.
#[test]
fn symlinked_out_files_are_refused_not_followed() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path().join("suite/data")).unwrap();
    std::fs::write(s.path().join("victim.txt"), "TOP SECRET\n").unwrap();
    std::fs::write(s.path().join("suite/data/inside.txt"), "inside\n").unwrap();
    for (name, target) in [
        ("outside", s.path().join("victim.txt")),
        ("inside", s.path().join("suite/data/inside.txt")),
        ("dangling", s.path().join("created-by-update.txt")),
        ("relative", Path::new("../victim.txt").to_path_buf()),
    ] {
        s.write(&format!("suite/{name}.js"), "console.log('new output');\n");
        std::os::unix::fs::symlink(&target, s.path().join(format!("suite/{name}.out"))).unwrap();
    }
    for args in [&["test"][..], &["test", "--update"]] {
        let run = wasmcap(&s.path().join("suite"), args);
        assert_no_panic(&run);
        assert_eq!(run.code, Some(1), "{}", run.stdout);
        assert_eq!(summary(&run), "0 passed, 4 failed", "{}", run.stdout);
        for name in ["outside", "inside", "dangling", "relative"] {
            assert!(
                run.stdout.contains(&format!(
                    "FAILED  {name}: cannot read ./{name}.out: it is a symbolic link (refused: a link can lead anywhere)"
                )),
                "{}",
                run.stdout
            );
        }
        assert!(!run.stdout.contains("TOP SECRET"), "a secret leaked into the report:\n{}", run.stdout);
        assert_eq!(std::fs::read_to_string(s.path().join("victim.txt")).unwrap(), "TOP SECRET\n");
        assert_eq!(std::fs::read_to_string(s.path().join("suite/data/inside.txt")).unwrap(), "inside\n");
        assert!(!s.path().join("created-by-update.txt").exists());
    }
}

/// `--update` renames a new file over `NAME.out`: a hard link to a file elsewhere keeps its
/// old content, the permissions stay, and no temporary file is left behind.
#[test]
fn update_replaces_the_out_file_atomically_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    s.write("suite/case.js", "console.log('new');\n");
    s.write("elsewhere.txt", "old\n");
    std::fs::hard_link(s.path().join("elsewhere.txt"), s.path().join("suite/case.out")).unwrap();
    std::fs::set_permissions(s.path().join("suite/case.out"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let run = wasmcap(&s.path().join("suite"), &["test", "--update"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(run.stdout.contains("updated case: wrote ./case.out"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(s.path().join("suite/case.out")).unwrap(), "new\n");
    assert_eq!(std::fs::read_to_string(s.path().join("elsewhere.txt")).unwrap(), "old\n", "written through a hard link");
    let mode = std::fs::metadata(s.path().join("suite/case.out")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let mut left: Vec<_> = std::fs::read_dir(s.path().join("suite")).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, ["case.js", "case.out"]);
}

/// A script symlinked in as a case is refused like a linked `.out` (it could be anything).
#[test]
fn symlinked_case_scripts_are_refused() {
    let s = Scratch::new();
    s.write("elsewhere/real.js", "console.log('ran');\n");
    s.write("suite/linked.out", "ran\n");
    std::os::unix::fs::symlink(s.path().join("elsewhere/real.js"), s.path().join("suite/linked.js")).unwrap();
    let run = wasmcap(&s.path().join("suite"), &["test"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains("FAILED  linked: cannot read ./linked.js: it is a symbolic link (refused: a link can lead anywhere)"),
        "{}",
        run.stdout
    );
}

// --- discovery: loops, links, depth, unreadable directories --------------------------------

/// Issue 11 section 6: `wasmcap test .` exploded on `ln -s . a; ln -s . b`.
#[test]
fn symlink_loops_are_walked_once() {
    let s = Scratch::new();
    s.write("suite/sub/case.js", "console.log(1);\n");
    s.write("suite/sub/case.out", "1\n");
    for (link, target) in [("a", "."), ("b", "."), ("sub/up", ".."), ("sub/self", "../sub")] {
        std::os::unix::fs::symlink(target, s.path().join("suite").join(link)).unwrap();
    }
    let run = wasmcap(&s.path().join("suite"), &["test", ".", "sub", "a", "b/sub"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(summary(&run), "1 passed, 0 failed", "{}", run.stdout);
    assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
}

/// Directory symlinks are not followed: a link cannot pull cases from elsewhere into a suite
/// (a path named on the command line may be a link: the user chose it).
#[test]
fn directory_symlinks_are_not_followed() {
    let s = Scratch::new();
    s.write("elsewhere/foreign.js", "console.log('foreign');\n");
    s.write("elsewhere/foreign.out", "foreign\n");
    s.write("suite/own.js", "console.log('own');\n");
    s.write("suite/own.out", "own\n");
    std::os::unix::fs::symlink(s.path().join("elsewhere"), s.path().join("suite/linked")).unwrap();
    let run = wasmcap(&s.path().join("suite"), &["test"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(summary(&run), "1 passed, 0 failed", "{}", run.stdout);
    let named = wasmcap(&s.path().join("suite"), &["test", "linked"]);
    assert_eq!(summary(&named), "1 passed, 0 failed", "{}", named.stdout);
}

/// A deep tree is walked with a stack of its own; one deeper than PATH_MAX is a clear error
/// naming the directory, not a crash.
#[test]
fn deep_trees_are_walked_without_recursion() {
    let s = Scratch::new();
    let deep = "d/".repeat(1500);
    s.write(&format!("suite/{deep}bottom.js"), "console.log('bottom');\n");
    s.write(&format!("suite/{deep}bottom.out"), "bottom\n");
    let run = wasmcap(&s.path().join("suite"), &["test"]);
    assert_no_panic(&run);
    assert_eq!(summary(&run), "1 passed, 0 failed", "{}", run.stdout);

    // Deeper than PATH_MAX (4096): built a step at a time, relative to the last step.
    let step = "e/".repeat(1000);
    let status = Command::new("sh")
        .args(["-c", "for i in 1 2 3; do mkdir -p \"$1\" && cd -P \"$1\" || exit 1; done", "sh", &step])
        .current_dir(s.path())
        .status()
        .unwrap();
    assert!(status.success());
    let run = wasmcap(s.path(), &["test", "e"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.starts_with("error: cannot read directory e/e/e/"), "{}", run.stderr);
    assert!(run.stderr.trim_end().ends_with("File name too long (os error 36)"), "{}", run.stderr);
}

/// An unreadable directory is a clear error naming it (skipped when running as root, which
/// reads any directory; the deep-tree test above covers the same path for root).
#[test]
fn an_unreadable_directory_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    if unsafe { libc::geteuid() } == 0 {
        return;
    }
    let s = Scratch::new();
    s.write("suite/locked/case.js", "console.log(1);\n");
    s.write("suite/locked/case.out", "1\n");
    std::fs::set_permissions(s.path().join("suite/locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = wasmcap(&s.path().join("suite"), &["test"]);
    std::fs::set_permissions(s.path().join("suite/locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stderr, "error: cannot read directory ./locked: Permission denied (os error 13)\n");
}

// --- settings and files of every shape --------------------------------------------------------

/// Issue 11 sections 5 and 6: `@timeout: 1e30|-1|nan|inf` panicked. Every bad setting is a
/// failure of that case naming the file, the line and the setting; the other cases still run.
#[test]
fn bad_settings_are_clear_per_case_failures() {
    let timeout_rule = "a number of seconds greater than 0 and at most 86400 (a day)";
    let long_args = format!("// @args: {}", "a ".repeat(3000));
    let long_exit = format!("// plain\n// @exit: {}", "9".repeat(200));
    let cases: Vec<(&str, String)> = vec![
        ("// @timeout: 1e30", format!("line 1: @timeout needs {timeout_rule}, got '1e30'")),
        ("// @timeout: -1", format!("line 1: @timeout needs {timeout_rule}, got '-1'")),
        ("// @timeout: nan", format!("line 1: @timeout needs {timeout_rule}, got 'nan'")),
        ("// @timeout: inf", format!("line 1: @timeout needs {timeout_rule}, got 'inf'")),
        ("// @timeout: 1e-300", format!("line 1: @timeout needs {timeout_rule}, got '1e-300'")),
        ("// @timeout: 0", format!("line 1: @timeout needs {timeout_rule}, got '0'")),
        ("// @timeout:", format!("line 1: @timeout needs {timeout_rule}, got ''")),
        ("// @exit: 99999999999", "line 1: @exit needs an exit code from 0 to 255, got '99999999999'".into()),
        ("// @exit: 256", "line 1: @exit needs an exit code from 0 to 255, got '256'".into()),
        ("// @exit: -1", "line 1: @exit needs an exit code from 0 to 255, got '-1'".into()),
        ("// @exit: 1.0", "line 1: @exit needs an integer exit code, got '1.0'".into()),
        ("// @seed: -1", "line 1: @seed needs an unsigned integer, got '-1'".into()),
        ("// @seed: 18446744073709551616", "line 1: @seed needs an unsigned integer, got '18446744073709551616'".into()),
        ("// @exit: 0\n// @exit: 0", "line 2: @exit is set twice (first on line 1)".into()),
        ("// @allow-writes: yes", "line 1: unknown setting @allow-writes (known: @exit, @args, @seed, @timeout, @skip, @allow-read, @allow-write, @allow-env, @env, @max-heap)".into()),
        ("// @allow-write: /", "line 1: @allow-write: '/' is an absolute path; a case grants paths relative to its own directory (the suite's root is .)".into()),
        ("// @allow-read: ..", "line 1: @allow-read: '..' is outside the suite's root; a case may grant only what is under it (the suite's root is .)".into()),
        ("// @max-heap: 1", "line 1: @max-heap needs a heap limit in MB from 8 to 4294967295, got '1'".into()),
        ("// @args: a\u{1b}[2Jb", "line 1: settings may not contain control characters, found U+001B".into()),
        ("// @skip: x\ry", "line 1: settings may not contain control characters, found U+000D".into()),
        ("// @args: \u{202E}gnp.exe", "line 1: settings may not contain control characters, found U+202E".into()),
        (&long_args, "line 1: a setting line may be at most 4096 bytes, this one is 6010".into()),
        (&long_exit, format!("line 2: @exit needs an exit code from 0 to 255, got '{}...'", "9".repeat(80))),
    ];
    let s = Scratch::new();
    for (i, (settings, _)) in cases.iter().enumerate() {
        s.write(&format!("c{i:02}.js"), &format!("{settings}\nconsole.log('ran');\n"));
        s.write(&format!("c{i:02}.out"), "ran\n");
    }
    s.write("good.js", "// @timeout: 86400\n// @exit: 255\n// @seed: 18446744073709551615\nprocess.exit(255);\n");
    s.write("good.out", "");
    let run = wasmcap(s.path(), &["test"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(1));
    for (i, (_, message)) in cases.iter().enumerate() {
        let line = format!("FAILED  c{i:02}: in ./c{i:02}.js: {message}\n");
        assert!(run.stdout.contains(&line), "missing:\n{line}in:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("ok      good ("), "{}", run.stdout);
    assert_eq!(summary(&run), format!("1 passed, {} failed", cases.len()));
}

/// Issue 11 sections 5 and 6: `wasmcap test --timeout 1e20` panicked and `-j 0` was quietly 1.
/// Bad command-line values are usage errors: exit 2 and one `error:` line.
#[test]
fn bad_command_line_values_are_usage_errors() {
    let s = Scratch::new();
    s.write("case.js", "console.log(1);\n");
    s.write("case.out", "1\n");
    for args in [
        &["test", "--timeout", "1e20"][..],
        &["test", "--timeout", "1e30"],
        &["test", "--timeout", "0"],
        &["test", "--timeout=-1"],
        &["test", "--timeout", "nan"],
        &["test", "--timeout", "inf"],
        &["test", "--timeout", "86401"],
        &["test", "--timeout", ""],
        &["test", "-j", "0"],
        &["test", "-j", "-1"],
        &["test", "-j", "1025"],
        &["test", "-j", "99999999999999999999"],
        &["test", "--seed", "-1"],
        &["test", "--seed", "18446744073709551616"],
    ] {
        let run = wasmcap(s.path(), args);
        assert_no_panic(&run);
        assert_eq!(run.code, Some(2), "{args:?}: {}{}", run.stdout, run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: "), "{args:?}: {}", run.stderr);
    }
    let run = wasmcap(s.path(), &["test", "--timeout", "1e20"]);
    assert_eq!(
        run.stderr,
        "error: invalid value '1e20' for '--timeout <SECONDS>': expected a number of seconds greater than 0 and at most 86400 (a day) (see 'wasmcap --help')\n"
    );
    let run = wasmcap(s.path(), &["test", "-j", "0"]);
    assert_eq!(run.stderr, "error: invalid value '0' for '--jobs <N>': 0 is not in 1..=1024 (see 'wasmcap --help')\n");
    let fine = wasmcap(s.path(), &["test", "--timeout", "86400", "-j", "1024", "--seed", "18446744073709551615"]);
    assert_eq!(fine.code, Some(0), "{}{}", fine.stdout, fine.stderr);
}

/// A case or `.out` that is not UTF-8, and a case whose name is not, fail clearly.
#[test]
fn non_utf8_files_and_names_fail_clearly() {
    let s = Scratch::new();
    std::fs::write(s.path().join("latin1.js"), b"// @args: caf\xe9\nconsole.log(1);\n").unwrap();
    s.write("latin1.out", "1\n");
    s.write("binary.js", "console.log(1);\n");
    std::fs::write(s.path().join("binary.out"), b"1\xff\n").unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"odd\xff");
    std::fs::write(s.path().join(odd).with_extension("js"), "console.log(1);\n").unwrap();
    std::fs::write(s.path().join(odd).with_extension("out"), "1\n").unwrap();
    let run = wasmcap(s.path(), &["test"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("FAILED  latin1: cannot read ./latin1.js: it is not UTF-8 text (invalid byte at offset 13)\n"), "{}", run.stdout);
    assert!(run.stdout.contains("FAILED  binary: cannot read ./binary.out: it is not UTF-8 text (invalid byte at offset 1)\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("FAILED  odd\u{FFFD}: ./odd\u{FFFD}.js: the file name is not valid UTF-8 (wasmcap runs UTF-8 paths only)\n"),
        "{}",
        run.stdout
    );
    assert_eq!(summary(&run), "0 passed, 3 failed");
}

/// A `.out` that is a FIFO, a directory or a socket fails its case at once: the runner never
/// opens anything that could block it, nor treats a directory as an expected output.
#[test]
fn out_files_that_are_not_regular_files_fail_without_hanging() {
    let s = Scratch::new();
    for name in ["fifo", "dir", "sock", "case_is_fifo"] {
        s.write(&format!("{name}.js"), "console.log(1);\n");
    }
    mkfifo(&s.path().join("fifo.out"));
    std::fs::create_dir(s.path().join("dir.out")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(s.path().join("sock.out")).unwrap();
    std::fs::remove_file(s.path().join("case_is_fifo.js")).unwrap();
    mkfifo(&s.path().join("case_is_fifo.js"));
    s.write("case_is_fifo.out", "1\n");
    for args in [&["test"][..], &["test", "--update"], &["test", "./fifo.js", "./case_is_fifo.js"]] {
        let run = wasmcap(s.path(), args);
        assert_no_panic(&run);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stdout);
        for line in [
            "FAILED  fifo: cannot read ./fifo.out: it is a FIFO, not a regular file\n",
            "FAILED  case_is_fifo: cannot read ./case_is_fifo.js: it is a FIFO, not a regular file\n",
        ] {
            assert!(run.stdout.contains(line), "{args:?}: missing {line}in {}", run.stdout);
        }
        if args.len() == 1 || args[1] == "--update" {
            assert!(run.stdout.contains("FAILED  dir: cannot read ./dir.out: it is a directory, not a regular file\n"), "{}", run.stdout);
            assert!(run.stdout.contains("FAILED  sock: cannot read ./sock.out: it is a socket, not a regular file\n"), "{}", run.stdout);
            assert_eq!(summary(&run), "0 passed, 4 failed");
        }
        assert!(s.path().join("dir.out").is_dir());
    }
}

/// A case that prints without end is stopped once its output passes 16 MiB, instead of
/// filling the runner's memory until the timeout.
#[test]
fn endless_output_is_bounded() {
    let s = Scratch::new();
    s.write("flood.js", "const line = 'x'.repeat(1 << 16);\nfor (;;) console.log(line);\n");
    s.write("flood.out", "");
    let run = wasmcap(s.path(), &["test", "--timeout", "50"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("FAILED  flood: printed more than 16 MiB (stopped)\n"), "{}", &run.stdout[..run.stdout.len().min(500)]);
    assert!(run.stdout.len() < 4096, "the report repeats the flood: {} bytes", run.stdout.len());
    assert!(run.elapsed < Duration::from_secs(45), "not stopped early: {:?}", run.elapsed);
}

/// `--filter` is plain text: regex metacharacters match only themselves.
#[test]
fn filter_is_plain_text() {
    let s = Scratch::new();
    for name in ["a.b", "axb", "a[b]", "(a|b)"] {
        s.write(&format!("{name}.js"), "console.log(1);\n");
        s.write(&format!("{name}.out"), "1\n");
    }
    for (filter, passed) in [("a.b", 1), (".*", 0), ("[b]", 1), ("(a|b)", 1), ("|", 1), ("", 4), ("\\", 0)] {
        let run = wasmcap(s.path(), &["test", "--filter", filter]);
        assert_no_panic(&run);
        assert_eq!(summary(&run), format!("{passed} passed, 0 failed"), "--filter {filter:?}: {}", run.stdout);
    }
}

// --- fuzz: command-line flags and golden settings ---------------------------------------------

/// Values of every shape: numbers of all kinds, empty, huge, negative, NaN, flag-looking.
const VALUES: &[&str] = &[
    "0", "-0", "1", "-1", "+3", "0.5", ".5", "5.", "1e3", "1e20", "1e30", "1e308", "1e309", "1e-300", "-1e-300",
    "nan", "NaN", "-nan", "inf", "-inf", "infinity", "86400", "86400.0001", "255", "256", "65535", "1024", "1025",
    "4294967296", "18446744073709551615", "18446744073709551616", "99999999999999999999999", "0x10", "1_000",
    "", " ", "  7  ", "--allow-write", "--allow-read=/", "-j", "--", "-", "--seed=1", "--timeout", "./x", "../..",
    "/etc/passwd", "\u{1b}[31mred", "a\rb", "\u{7}", "\u{202E}", "ü", "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999",
];

const FLAGS: &[&str] = &["--timeout", "-j", "--jobs", "--seed", "--filter", "--update", "--bogus", "--allow-write", "--"];
const KEYS: &[&str] = &["exit", "args", "seed", "timeout", "skip", "allow-write", "", "Exit", "args "];

/// Values no flag accepts: each one given to `--timeout` or `-j` must be a usage error.
const NEVER_VALID_NUMBERS: &[&str] =
    &["nan", "NaN", "inf", "-inf", "infinity", "1e20", "1e30", "1e308", "1e309", "1e-300", "-1", "0", "-0", "", "0x10", "1_000"];

/// Values each flag accepts, so that half the generated command lines get past the parser
/// and run the case with its generated settings.
fn accepted_value(flag: &str) -> &'static str {
    match flag {
        "--timeout" => "20",
        "-j" | "--jobs" => "2",
        "--seed" => "7",
        _ => "case",
    }
}

fn flag_strategy() -> impl Strategy<Value = Vec<String>> {
    let flag = (0..FLAGS.len(), 0..VALUES.len(), any::<bool>(), any::<bool>()).prop_map(|(f, v, hostile, joined)| {
        let flag = FLAGS[f];
        let value = if hostile { VALUES[v] } else { accepted_value(flag) };
        match flag {
            "--update" | "--" => vec![flag.to_string()],
            "--bogus" | "--allow-write" if !hostile => vec!["--update".to_string()],
            _ if joined && flag.starts_with("--") => vec![format!("{flag}={value}")],
            _ => vec![flag.to_string(), value.to_string()],
        }
    });
    proptest::collection::vec(flag, 0..3).prop_map(|flags| flags.concat())
}

fn settings_strategy() -> impl Strategy<Value = Vec<String>> {
    let line = (0..KEYS.len(), 0..VALUES.len(), 0..VALUES.len()).prop_map(|(k, v, w)| {
        let key = KEYS[k];
        if key == "args" { format!("// @args: {} {}", VALUES[v], VALUES[w]) } else { format!("// @{key}: {}", VALUES[v]) }
    });
    proptest::collection::vec(line, 0..4)
}

/// The property: whatever the flags and settings, `wasmcap test` never panics or dies by a
/// signal; a rejected command line is exit 2 with an `error:` line (always for values no flag
/// accepts); a rejected setting is a `FAILED` line naming the case file and line; and no
/// setting ever grants the case a file.
#[test]
fn fuzz_flags_and_settings_never_panic() {
    let cases: u32 = std::env::var("FUZZ_SCRIPTS").ok().and_then(|n| n.parse().ok()).unwrap_or(24);
    let scratch = Scratch::new();
    let outcomes = std::sync::Mutex::new([0usize; 3]);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&(flag_strategy(), settings_strategy(), any::<bool>()), |(flags, settings, repl)| {
            let suite = scratch.path().join("suite");
            let _ = std::fs::remove_dir_all(&suite);
            std::fs::create_dir_all(&suite).unwrap();
            let name = if repl { "case.repl" } else { "case.js" };
            let body = if repl {
                "1 + 1\n.save ../pwned.js\n"
            } else {
                "import { writeFile } from 'wasmcap:fs';\ntry { writeFile('../pwned.js', 'x'); } catch {}\nconsole.log(2);\n"
            };
            std::fs::write(suite.join(name), format!("{}\n{body}", settings.join("\n"))).unwrap();
            std::fs::write(suite.join("case.out"), "2\n").unwrap();
            let mut args: Vec<&std::ffi::OsStr> = vec!["test".as_ref()];
            args.extend(flags.iter().map(|f| std::ffi::OsStr::new(f.as_str())));
            let run = bounded(&suite, &args, "", Duration::from_secs(120));
            let context = format!("flags {flags:?}\nsettings {settings:?}\nexit {:?}\nstdout {}\nstderr {}", run.code, run.stdout, run.stderr);
            for text in [&run.stdout, &run.stderr] {
                prop_assert!(!text.contains("panicked at") && !text.contains("internal error"), "panic: {}", context);
            }
            prop_assert!(matches!(run.code, Some(0..=2)), "crash: {}", context);
            // `wasmcap test --allow-write` is the user's own grant; a case's setting never
            // reaches outside the suite.
            let user_granted = flags.iter().any(|f| f.starts_with("--allow-write"));
            prop_assert!(user_granted || !scratch.path().join("pwned.js").exists(), "a setting granted a write: {}", context);
            let _ = std::fs::remove_file(scratch.path().join("pwned.js"));
            match run.code {
                // A --seed warning may come first.
                Some(2) => prop_assert!(run.stderr.lines().any(|l| l.starts_with("error: ")), "exit 2 without an error line: {}", context),
                Some(1) => prop_assert!(
                    run.stdout.contains("FAILED  case: ") || run.stdout.contains("0 passed, 1 failed"),
                    "exit 1 without a failure line: {}",
                    context
                ),
                _ => {}
            }
            for pair in flags.windows(2) {
                if matches!(pair[0].as_str(), "--timeout" | "-j" | "--jobs") && NEVER_VALID_NUMBERS.contains(&pair[1].as_str()) {
                    // Unless an earlier `--` made it a path.
                    let ended = flags.iter().position(|f| f == "--").is_some_and(|i| flags[i..].contains(&pair[0]));
                    prop_assert!(ended || run.code == Some(2), "{} {:?} was accepted: {}", pair[0], pair[1], context);
                }
            }
            if let Some(code @ 0..=2) = run.code {
                outcomes.lock().unwrap()[code as usize] += 1;
            }
            if run.stdout.contains("FAILED  case: in ./case.") {
                prop_assert!(run.stdout.contains(&format!("FAILED  case: in ./{name}: line ")), "{}", context);
            }
            Ok(())
        })
        .unwrap();
    let [passed, failed, usage] = outcomes.into_inner().unwrap();
    eprintln!("fuzz: {cases} command lines: {passed} passed, {failed} failed a case, {usage} usage errors; no panic");
}

/// Case and `.out` files over 16 MiB are refused before they are read (sparse files: cheap).
#[test]
fn oversized_case_files_fail_clearly() {
    let s = Scratch::new();
    s.write("big_out.js", "console.log(1);\n");
    std::fs::File::create(s.path().join("big_out.out")).unwrap().set_len((16 << 20) + 1).unwrap();
    std::fs::File::create(s.path().join("big_script.js")).unwrap().set_len(1 << 30).unwrap();
    s.write("big_script.out", "");
    let run = wasmcap(s.path(), &["test"]);
    assert_no_panic(&run);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("FAILED  big_out: cannot read ./big_out.out: it is larger than 16 MiB\n"), "{}", run.stdout);
    assert!(run.stdout.contains("FAILED  big_script: cannot read ./big_script.js: it is larger than 16 MiB\n"), "{}", run.stdout);
    assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
}
