//! Hostile input: fs (see tests/hostile.rs). File access is a capability: every access
//! happens beneath a granted directory, so no symlink (existing or dangling, at any
//! component, swapped in at any moment) and no `..` leads out; paths are checked cheaply
//! and bounded; FIFOs and devices never block and are read only when granted by name.
//!
//! Hard links are out of scope: a hard link inside a grant *is* the file, wherever its other
//! names are, and nothing at open time can tell (README "Security model" says so).

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use wait_timeout::ChildExt;

use crate::common::{Run, Scratch, WASMCAP, ok};

/// Runs `wasmcap ARGS` in `dir`, killed (and failed) after `limit`. Scripts also get
/// `--timeout` from callers.
pub(crate) fn run_bounded(dir: &Path, args: &[&str], stdin: &str, limit: Duration) -> Run {
    let run = crate::common::run_bounded(dir, args, stdin, limit);
    Run { stdout: run.stdout, stderr: run.stderr, code: run.code.unwrap_or(-1) }
}

const LIMIT: Duration = Duration::from_secs(20);

/// Runs `wasmcap ARGS` in `s`; once the script has written `ready`, calls `swap` (which changes
/// the tree under the running script), then waits for it and returns its stdout.
fn run_and_swap_when_ready(s: &Scratch, args: &[&str], swap: impl FnOnce()) -> String {
    let start = Instant::now();
    let mut child = Command::new(WASMCAP)
        .args(args)
        .current_dir(s.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while !s.path().join("ready").exists() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("the script never started");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    swap();
    if child.wait_timeout(LIMIT).unwrap().is_none() {
        let _ = child.kill();
        panic!("wasmcap {args:?} hung");
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// JS that runs each attempt and prints its result or `Name: message`.
const TRY: &str = r#"
import * as fs from "wasmcap:fs";
const attempt = (label, f) => {
  try { const v = f(); console.log(`${label}: ok ${v === undefined ? "" : JSON.stringify(v instanceof Uint8Array ? Array.from(v) : v)}`.trimEnd()); }
  catch (e) { console.log(`${label}: ${e.name}: ${e.message}`); }
};
"#;

/// A scratch with `grant/` (granted) and `outside/` (not), and `outside/secret.txt`.
fn grant_and_outside() -> Scratch {
    let s = Scratch::new();
    std::fs::create_dir(s.path().join("grant")).unwrap();
    s.write("outside/secret.txt", "secret");
    s
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn run_script(s: &Scratch, flags: &[&str], body: &str) -> Run {
    s.write("main.js", &format!("{TRY}{body}"));
    let mut args = vec!["run", "--timeout", "10"];
    args.extend_from_slice(flags);
    args.push("main.js");
    run_bounded(s.path(), &args, "", LIMIT)
}

// --- the issue's case: a dangling symlink at the last component ---------------------------

#[test]
fn a_dangling_symlink_in_a_grant_does_not_create_a_file_outside() {
    let s = grant_and_outside();
    symlink(s.path().join("outside/new-file"), s.path().join("grant/dangle")).unwrap();
    symlink("../outside/new-relative", s.path().join("grant/dangle-relative")).unwrap();
    let out = ok(run_script(
        &s,
        &["--allow-write=grant"],
        r#"
        attempt("write", () => fs.writeFile("grant/dangle", "pwned"));
        attempt("append", () => fs.appendFile("grant/dangle", "pwned"));
        attempt("write relative", () => fs.writeFile("grant/dangle-relative", "pwned"));
        "#,
    ));
    assert_eq!(
        out,
        "write: PermissionDenied: cannot write 'grant/dangle': it leads out of the directory granted by --allow-write (through a symbolic link)\n\
         append: PermissionDenied: cannot append to 'grant/dangle': it leads out of the directory granted by --allow-write (through a symbolic link)\n\
         write relative: PermissionDenied: cannot write 'grant/dangle-relative': it leads out of the directory granted by --allow-write (through a symbolic link)\n"
    );
    assert_eq!(listing(&s.path().join("outside")), ["secret.txt"]);
}

#[test]
fn a_dangling_symlink_in_the_middle_of_a_path_does_not_lead_out() {
    let s = grant_and_outside();
    symlink(s.path().join("outside/not-yet"), s.path().join("grant/mid")).unwrap();
    let out = ok(run_script(
        &s,
        &["--allow-write=grant", "--allow-read=grant"],
        r#"
        attempt("write", () => fs.writeFile("grant/mid/file", "pwned"));
        attempt("mkdir", () => fs.mkdir("grant/mid/a/b", { recursive: true }));
        attempt("read", () => fs.readFile("grant/mid/file"));
        "#,
    ));
    assert_eq!(
        out,
        "write: PermissionDenied: cannot write 'grant/mid/file': it leads out of the directory granted by --allow-write (through a symbolic link)\n\
         mkdir: PermissionDenied: cannot create directory 'grant/mid/a/b': it leads out of the directory granted by --allow-write (through a symbolic link)\n\
         read: PermissionDenied: cannot read 'grant/mid/file': it leads out of the directory granted by --allow-read (through a symbolic link)\n"
    );
    assert_eq!(listing(&s.path().join("outside")), ["secret.txt"]);
}

// --- a symlink to a directory outside, through every function --------------------------------

#[test]
fn every_function_refuses_a_symlinked_directory_leading_out() {
    let s = grant_and_outside();
    std::fs::create_dir(s.path().join("outside/sub")).unwrap();
    symlink(s.path().join("outside"), s.path().join("grant/out")).unwrap();
    symlink("../outside", s.path().join("grant/out-relative")).unwrap();
    let denied = |verb: &str, path: &str, flag: &str| {
        format!("PermissionDenied: cannot {verb} '{path}': it leads out of the directory granted by --allow-{flag} (through a symbolic link)")
    };
    for link in ["grant/out", "grant/out-relative"] {
        let out = ok(run_script(
            &s,
            &["--allow-write=grant", "--allow-read=grant"],
            &format!(
                r#"
            const L = "{link}";
            attempt("readFile", () => fs.readFile(`${{L}}/secret.txt`));
            attempt("readFileChunk", () => fs.readFileChunk(`${{L}}/secret.txt`, 0, 3));
            attempt("writeFile", () => fs.writeFile(`${{L}}/secret.txt`, "x"));
            attempt("appendFile", () => fs.appendFile(`${{L}}/new.txt`, "x"));
            attempt("mkdir", () => fs.mkdir(`${{L}}/made`));
            attempt("readDir", () => fs.readDir(L));
            attempt("stat", () => fs.stat(`${{L}}/secret.txt`));
            attempt("remove", () => fs.remove(`${{L}}/sub`, {{ recursive: true }}));
            attempt("rename out", () => fs.rename(`${{L}}/secret.txt`, "grant/stolen.txt"));
            attempt("rename in", () => fs.rename("grant/x", `${{L}}/x`));
            "#
            ),
        ));
        let expected = [
            format!("readFile: {}", denied("read", &format!("{link}/secret.txt"), "read")),
            format!("readFileChunk: {}", denied("read", &format!("{link}/secret.txt"), "read")),
            format!("writeFile: {}", denied("write", &format!("{link}/secret.txt"), "write")),
            format!("appendFile: {}", denied("append to", &format!("{link}/new.txt"), "write")),
            format!("mkdir: {}", denied("create directory", &format!("{link}/made"), "write")),
            format!("readDir: {}", denied("read directory", link, "read")),
            format!("stat: {}", denied("stat", &format!("{link}/secret.txt"), "read")),
            format!("remove: {}", denied("remove", &format!("{link}/sub"), "write")),
            format!("rename out: {}", denied("rename", &format!("{link}/secret.txt' to 'grant/stolen.txt"), "write")),
            format!("rename in: {}", denied("rename", &format!("grant/x' to '{link}/x"), "write")),
        ];
        assert_eq!(out.lines().collect::<Vec<_>>(), expected, "{link}");
    }
    assert_eq!(listing(&s.path().join("outside")), ["secret.txt", "sub"]);
    assert_eq!(std::fs::read_to_string(s.path().join("outside/secret.txt")).unwrap(), "secret");
}

#[test]
fn a_symlink_at_the_end_of_a_path_is_described_or_removed_not_followed() {
    let s = grant_and_outside();
    symlink(s.path().join("outside"), s.path().join("grant/out")).unwrap();
    let out = ok(run_script(
        &s,
        &["--allow-write=grant", "--allow-read=grant"],
        r#"
        const st = fs.stat("grant/out");
        console.log(st.isSymlink, st.isDirectory, st.isFile);
        console.log(JSON.stringify(fs.readDir("grant")));
        fs.remove("grant/out", { recursive: true });
        console.log(JSON.stringify(fs.readDir("grant")));
        "#,
    ));
    assert_eq!(
        out,
        "true false false\n[{\"name\":\"out\",\"isFile\":false,\"isDirectory\":false,\"isSymlink\":true}]\n[]\n"
    );
    assert_eq!(listing(&s.path().join("outside")), ["secret.txt"], "remove took the link, not its target");
}

#[test]
fn symlinks_that_stay_inside_the_grant_are_followed() {
    let s = grant_and_outside();
    s.write("grant/real/data.txt", "inside");
    symlink("real", s.path().join("grant/alias")).unwrap();
    symlink("real/data.txt", s.path().join("grant/data-link")).unwrap();
    let out = ok(run_script(
        &s,
        &["--allow-write=grant", "--allow-read=grant"],
        r#"
        const text = (u8) => new TextDecoder().decode(u8);
        console.log(text(fs.readFile("grant/alias/data.txt")), text(fs.readFile("grant/data-link")));
        fs.writeFile("grant/alias/new.txt", "made");
        console.log(fs.readDir("grant/alias").map((e) => e.name).join(","));
        "#,
    ));
    assert_eq!(out, "inside inside\ndata.txt,new.txt\n");
}

#[test]
fn dot_dot_is_folded_as_text_before_the_grant_check() {
    let s = grant_and_outside();
    s.write("grant/x.txt", "grant's x");
    s.write("outside/x.txt", "outside's x");
    std::fs::create_dir(s.path().join("outside/deeper")).unwrap();
    symlink(s.path().join("outside/deeper"), s.path().join("grant/deep")).unwrap();
    let out = ok(run_script(
        &s,
        &["--allow-read=grant"],
        r#"
        const text = (u8) => new TextDecoder().decode(u8);
        // `grant/deep/..` is `grant` as text; the kernel would have said `outside`.
        attempt("after a symlink", () => text(fs.readFile("grant/deep/../x.txt")));
        attempt("out by dots", () => fs.readFile("grant/deep/../../outside/x.txt"));
        attempt("dots at the top", () => fs.readFile("grant/../../../../../../../etc/hostname"));
        "#,
    ));
    assert_eq!(
        out,
        "after a symlink: ok \"grant's x\"\n\
         out by dots: PermissionDenied: read access to 'grant/deep/../../outside/x.txt' is not granted; run with --allow-read=grant/deep/../../outside/x.txt (or --allow-read for any file)\n\
         dots at the top: PermissionDenied: read access to 'grant/../../../../../../../etc/hostname' is not granted; run with --allow-read=grant/../../../../../../../etc/hostname (or --allow-read for any file)\n"
    );
}

// --- grants naming a file; roots swapped after startup -------------------------------------

#[test]
fn a_symlink_named_in_a_grant_leads_to_its_target_only() {
    let s = grant_and_outside();
    s.write("grant/real.txt", "real");
    s.write("grant/other.txt", "other");
    symlink("real.txt", s.path().join("grant/named-link.txt")).unwrap();
    // The flag names the link: its target (resolved at startup) is what is granted, by name.
    let out = ok(run_script(
        &s,
        &["--allow-read=grant/named-link.txt"],
        r#"
        const text = (u8) => new TextDecoder().decode(u8);
        attempt("the link", () => text(fs.readFile("grant/named-link.txt")));
        attempt("its target", () => text(fs.readFile("grant/real.txt")));
        attempt("a neighbour", () => text(fs.readFile("grant/other.txt")));
        "#,
    ));
    assert_eq!(
        out,
        "the link: ok \"real\"\nits target: ok \"real\"\n\
         a neighbour: PermissionDenied: read access to 'grant/other.txt' is not granted; run with --allow-read=grant/other.txt (or --allow-read for any file)\n"
    );
}

#[test]
fn a_file_grant_refuses_a_symlink_at_its_name() {
    let s = grant_and_outside();
    // `--allow-write=grant/out.txt` where out.txt does not exist yet: a dangling symlink made
    // there later must not be followed (no O_CREAT through a link).
    s.write(
        "main.js",
        &format!(
            "{TRY}{}",
            r#"
        fs.writeFile("ready", "");
        const waitForLink = () => {
          let st;
          try { st = fs.stat("grant/out.txt"); } catch {}
          if (!st?.isSymlink) return setTimeout(waitForLink, 10);
          attempt("write", () => fs.writeFile("grant/out.txt", "pwned"));
          attempt("append", () => fs.appendFile("grant/out.txt", "pwned"));
          attempt("read", () => fs.readFile("grant/out.txt"));
        };
        waitForLink();
        "#
        ),
    );
    let stdout = run_and_swap_when_ready(
        &s,
        &["run", "--timeout", "15", "--allow-write=grant/out.txt,ready", "--allow-read=grant/out.txt", "main.js"],
        || symlink(s.path().join("outside/created"), s.path().join("grant/out.txt")).unwrap(),
    );
    let link = "it is a symbolic link, which is not followed here (grant its target instead)";
    assert_eq!(
        stdout,
        format!("write: Error: cannot write 'grant/out.txt': {link}\nappend: Error: cannot append to 'grant/out.txt': {link}\nread: Error: cannot read 'grant/out.txt': {link}\n")
    );
    assert_eq!(listing(&s.path().join("outside")), ["secret.txt"]);
}

#[test]
fn a_granted_directory_swapped_for_a_symlink_after_startup_is_refused() {
    let s = grant_and_outside();
    s.write("grant/own.txt", "own");
    s.write(
        "main.js",
        &format!(
            "{TRY}{}",
            r#"
        fs.writeFile("ready", "");
        const wait = () => {
          let st;
          try { st = fs.stat("grant"); } catch {}
          if (!st?.isSymlink) return setTimeout(wait, 10);
          attempt("read", () => fs.readFile("grant/secret.txt"));
          attempt("write", () => fs.writeFile("grant/planted.txt", "x"));
          attempt("list", () => fs.readDir("grant"));
        };
        wait();
        "#
        ),
    );
    let stdout = run_and_swap_when_ready(&s, &["run", "--timeout", "15", "--allow-write=grant,ready", "--allow-read=grant", "main.js"], || {
        std::fs::rename(s.path().join("grant"), s.path().join("grant.old")).unwrap();
        symlink(s.path().join("outside"), s.path().join("grant")).unwrap();
    });
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for line in lines {
        assert!(line.contains("it is a symbolic link") || line.contains("Not a directory"), "{line}");
        assert!(!line.contains(": ok"), "{line}");
    }
    assert_eq!(listing(&s.path().join("outside")), ["secret.txt"]);
}

// --- the race: a name flipped between a file and a symlink while the script writes ----------

#[test]
fn a_name_flipped_to_a_symlink_between_check_and_use_never_escapes() {
    let s = grant_and_outside();
    let grant = s.path().join("grant");
    std::fs::create_dir(grant.join("mid")).unwrap();
    std::fs::create_dir(s.path().join("outside/dir")).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    // Each flipper swaps a name atomically (rename over it) between a real thing and a
    // symlink out of the grant: the last component, and a directory in the middle.
    let flip = |name: &'static str, real_is_dir: bool, target: PathBuf| {
        let (grant, stop) = (grant.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut flips = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let tmp = grant.join(format!(".{name}.tmp"));
                let _ = std::fs::remove_file(&tmp);
                let _ = std::fs::remove_dir_all(&tmp);
                if flips % 2 == 0 {
                    let _ = symlink(&target, &tmp);
                } else if real_is_dir {
                    let _ = std::fs::create_dir(&tmp);
                } else {
                    let _ = std::fs::write(&tmp, "");
                }
                // A directory cannot be renamed over a link (nor a link over a non-empty
                // directory): clear the name first when the kinds differ.
                match std::fs::symlink_metadata(grant.join(name)) {
                    Ok(m) if m.is_dir() => drop(std::fs::remove_dir_all(grant.join(name))),
                    Ok(m) if m.is_symlink() && real_is_dir => drop(std::fs::remove_file(grant.join(name))),
                    _ => {}
                }
                let _ = std::fs::rename(&tmp, grant.join(name));
                flips += 1;
            }
            flips
        })
    };
    let flippers = [
        flip("flip", false, s.path().join("outside/victim")),
        flip("flipdir", true, s.path().join("outside/dir")),
    ];
    let out = run_script(
        &s,
        &["--allow-write=grant", "--allow-read=grant"],
        r#"
        let ok = 0, refused = 0;
        const count = (f) => { try { f(); ok++; } catch (e) { if (!(e instanceof Error)) throw e; refused++; } };
        for (let i = 0; i < 3000; i++) {
          count(() => fs.writeFile("grant/flip", "pwned"));
          count(() => fs.appendFile("grant/flip", "pwned"));
          count(() => fs.writeFile("grant/flipdir/f", "pwned"));
          count(() => fs.mkdir("grant/flipdir/d"));
          count(() => fs.readFile("grant/flipdir/f"));
        }
        console.log(ok + refused, ok > 0, refused > 0);
        "#,
    );
    stop.store(true, Ordering::Relaxed);
    let flips: u64 = flippers.into_iter().map(|f| f.join().unwrap()).sum();
    assert_eq!(ok(out), "15000 true true\n");
    assert!(flips > 100, "the names were flipped only {flips} times");
    assert_eq!(listing(&s.path().join("outside")), ["dir", "secret.txt"], "something was written outside");
    assert_eq!(listing(&s.path().join("outside/dir")), Vec::<String>::new(), "something was written outside");
}

// --- bad paths ------------------------------------------------------------------------------

#[test]
fn paths_with_nul_empty_or_longer_than_path_max_are_type_errors() {
    let s = grant_and_outside();
    let out = ok(run_script(
        &s,
        &["--allow-read", "--allow-write"],
        r#"
        attempt("nul", () => fs.readFile("grant/a\0b"));
        attempt("nul write", () => fs.writeFile("grant/a\0b", "x"));
        attempt("empty", () => fs.stat(""));
        attempt("long", () => fs.readDir("a/".repeat(300000)));
        attempt("just over", () => fs.mkdir("a".repeat(4097)));
        "#,
    ));
    assert_eq!(
        out,
        "nul: TypeError: read: the path contains a NUL byte\n\
         nul write: TypeError: write: the path contains a NUL byte\n\
         empty: TypeError: read needs a file path, got an empty string\n\
         long: TypeError: read: the path is 600000 bytes long, more than the 4096-byte limit (PATH_MAX)\n\
         just over: TypeError: write: the path is 4097 bytes long, more than the 4096-byte limit (PATH_MAX)\n"
    );
}

#[test]
fn a_600_kb_path_fails_fast_every_time() {
    let s = grant_and_outside();
    // Once quadratic (a stat per component): minutes for one call. Now a length check.
    let out = ok(run_script(
        &s,
        &["--allow-read=grant", "--allow-write=grant"],
        r#"
        const long = "grant/" + "a/".repeat(300000);
        const started = performance.now();
        let refused = 0;
        for (let i = 0; i < 200; i++) {
          for (const f of [() => fs.readFile(long), () => fs.writeFile(long, "x"), () => fs.stat(long)]) {
            try { f(); } catch (e) { if (e instanceof TypeError) refused++; }
          }
        }
        console.log(refused, performance.now() - started < 5000);
        "#,
    ));
    assert_eq!(out, "600 true\n");
}

#[test]
fn names_that_look_like_flags_are_only_names() {
    let s = grant_and_outside();
    let out = ok(run_script(
        &s,
        &["--allow-write=grant", "--allow-read=grant"],
        r#"
        for (const name of ["--allow-read", "-rf", "--allow-write=..", "-"]) fs.writeFile(`grant/${name}`, name);
        console.log(fs.readDir("grant").map((e) => e.name).join(" "));
        attempt("bare", () => fs.writeFile("--allow-write", "x"));
        "#,
    ));
    assert_eq!(
        out,
        "- --allow-read --allow-write=.. -rf\n\
         bare: PermissionDenied: write access to '--allow-write' is not granted; run with --allow-write=--allow-write (or --allow-write for any file)\n"
    );
    assert_eq!(listing(s.path()), ["grant", "main.js", "outside"]);
}

// --- FIFOs and devices ----------------------------------------------------------------------

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[test]
fn a_fifo_granted_by_name_is_read_without_blocking() {
    let s = grant_and_outside();
    mkfifo(&s.path().join("grant/pipe"));
    let out = ok(run_script(
        &s,
        &["--allow-read=grant/pipe", "--allow-write=grant/pipe"],
        r#"
        attempt("read", () => fs.readFile("grant/pipe"));
        attempt("chunk", () => fs.readFileChunk("grant/pipe", 0, 16));
        attempt("write", () => fs.writeFile("grant/pipe", "nobody reads"));
        "#,
    ));
    assert_eq!(
        out,
        "read: ok []\nchunk: ok []\nwrite: Error: cannot write 'grant/pipe': No such device or address (os error 6)\n"
    );
}

#[test]
fn a_fifo_named_beside_its_directory_in_a_grant_is_granted_by_name() {
    let s = grant_and_outside();
    mkfifo(&s.path().join("grant/pipe"));
    let out = ok(run_script(&s, &["--allow-read=grant,grant/pipe"], r#"attempt("read", () => fs.readFile("grant/pipe"));"#));
    assert_eq!(out, "read: ok []\n");
}

#[test]
fn a_fifo_under_a_directory_grant_is_refused_without_blocking() {
    let s = grant_and_outside();
    mkfifo(&s.path().join("grant/pipe"));
    let out = ok(run_script(
        &s,
        &["--allow-read=grant", "--allow-write=grant"],
        r#"
        attempt("read", () => fs.readFile("grant/pipe"));
        attempt("chunk", () => fs.readFileChunk("grant/pipe", 0, 16));
        attempt("append", () => fs.appendFile("grant/pipe", "x"));
        "#,
    ));
    assert_eq!(
        out,
        "read: PermissionDenied: cannot read 'grant/pipe': it is not a regular file (a FIFO, device or socket); those are read only when granted by name: --allow-read=grant/pipe\n\
         chunk: PermissionDenied: cannot read 'grant/pipe': it is not a regular file (a FIFO, device or socket); those are read only when granted by name: --allow-read=grant/pipe\n\
         append: PermissionDenied: cannot append to 'grant/pipe': it is not a regular file (a FIFO, device or socket); those are written only when granted by name: --allow-write=grant/pipe\n"
    );
}

#[test]
fn dev_zero_is_refused_under_a_broad_grant_and_bounded_when_named() {
    let s = grant_and_outside();
    let script = r#"
        attempt("readFile", () => fs.readFile("/dev/zero").length);
        attempt("chunk", () => fs.readFileChunk("/dev/zero", 0, 4));
        attempt("directory", () => fs.readFile("grant"));
        "#;
    let out = ok(run_script(&s, &["--allow-read", "--max-heap", "64"], script));
    let refused = "PermissionDenied: cannot read '/dev/zero': it is not a regular file (a FIFO, device or socket); those are read only when granted by name: --allow-read=/dev/zero";
    assert_eq!(
        out,
        format!("readFile: {refused}\nchunk: {refused}\ndirectory: Error: cannot read 'grant': it is a directory (use readDir)\n")
    );
    let out = ok(run_script(&s, &["--allow-read=/dev/zero,grant", "--max-heap", "64"], script));
    assert_eq!(
        out,
        "readFile: Error: cannot read '/dev/zero': it is not a regular file and gives more than 67108864 bytes; read it with readFileChunk\n\
         chunk: ok [0,0,0,0]\n\
         directory: Error: cannot read 'grant': it is a directory (use readDir)\n"
    );
}

// --- the new functions, and rename across grants --------------------------------------------

#[test]
fn mkdir_readdir_stat_remove_and_rename_work_inside_a_grant() {
    let s = grant_and_outside();
    let out = ok(run_script(
        &s,
        &["--allow-write=grant", "--allow-read=grant"],
        r#"
        fs.mkdir("grant/a/b/c", { recursive: true });
        fs.mkdir("grant/a/b/c", { recursive: true });
        attempt("mkdir again", () => fs.mkdir("grant/a"));
        attempt("mkdir no parent", () => fs.mkdir("grant/x/y"));
        fs.writeFile("grant/a/z.txt", "12345");
        fs.writeFile("grant/a/m.txt", "");
        console.log(JSON.stringify(fs.readDir("grant/a")));
        const st = fs.stat("grant/a/z.txt");
        console.log(st.size, st.isFile, st.isDirectory, st.isSymlink, Number.isFinite(st.mtimeMs) && st.mtimeMs > 0);
        fs.rename("grant/a/z.txt", "grant/a/b/moved.txt");
        console.log(fs.readDir("grant/a/b").map((e) => e.name).join(","));
        attempt("remove non-empty", () => fs.remove("grant/a"));
        fs.remove("grant/a/m.txt");
        fs.remove("grant/a", { recursive: true });
        console.log(JSON.stringify(fs.readDir("grant")));
        attempt("stat gone", () => fs.stat("grant/a"));
        attempt("options", () => fs.mkdir("grant/q", { recursive: true, mode: 0o777 }));
        attempt("options type", () => fs.remove("grant/q", "yes"));
        attempt("option value", () => fs.remove("grant/q", { recursive: 1 }));
        attempt("read grant only", () => fs.readDir("outside"));
        "#,
    ));
    assert_eq!(
        out,
        "mkdir again: Error: cannot create directory 'grant/a': File exists (os error 17)\n\
         mkdir no parent: NotFound: cannot create directory 'grant/x/y': No such file or directory (os error 2)\n\
         [{\"name\":\"b\",\"isFile\":false,\"isDirectory\":true,\"isSymlink\":false},{\"name\":\"m.txt\",\"isFile\":true,\"isDirectory\":false,\"isSymlink\":false},{\"name\":\"z.txt\",\"isFile\":true,\"isDirectory\":false,\"isSymlink\":false}]\n\
         5 true false false true\n\
         c,moved.txt\n\
         remove non-empty: Error: cannot remove 'grant/a': Directory not empty (os error 39)\n\
         []\n\
         stat gone: NotFound: cannot stat 'grant/a': No such file or directory (os error 2)\n\
         options: TypeError: mkdir: unknown option 'mode'; accepted: recursive\n\
         options type: TypeError: remove: options must be a plain object with the keys recursive, got string\n\
         option value: TypeError: remove: option 'recursive' must be a boolean, got 1\n\
         read grant only: PermissionDenied: read access to 'outside' is not granted; run with --allow-read=outside (or --allow-read for any file)\n"
    );
}

#[test]
fn rename_needs_write_grants_at_both_ends() {
    let s = grant_and_outside();
    s.write("grant/mine.txt", "mine");
    s.write("other/theirs.txt", "theirs");
    let out = ok(run_script(
        &s,
        &["--allow-write=grant", "--allow-read"],
        r#"
        attempt("out of the grant", () => fs.rename("grant/mine.txt", "outside/mine.txt"));
        attempt("into the grant", () => fs.rename("other/theirs.txt", "grant/theirs.txt"));
        attempt("the grant away", () => fs.rename("grant", "outside/grant"));
        "#,
    ));
    assert_eq!(
        out,
        "out of the grant: PermissionDenied: write access to 'outside/mine.txt' is not granted; run with --allow-write=outside/mine.txt (or --allow-write for any file)\n\
         into the grant: PermissionDenied: write access to 'other/theirs.txt' is not granted; run with --allow-write=other/theirs.txt (or --allow-write for any file)\n\
         the grant away: PermissionDenied: write access to 'outside/grant' is not granted; run with --allow-write=outside/grant (or --allow-write for any file)\n"
    );
    assert_eq!(listing(&s.path().join("grant")), ["mine.txt"]);
    assert_eq!(listing(&s.path().join("other")), ["theirs.txt"]);
}

#[test]
fn bare_flags_still_grant_plain_access_everywhere() {
    let s = grant_and_outside();
    symlink(s.path().join("outside"), s.path().join("grant/out")).unwrap();
    let out = ok(run_script(
        &s,
        &["--allow-write", "--allow-read"],
        r#"
        const text = (u8) => new TextDecoder().decode(u8);
        console.log(text(fs.readFile("grant/out/secret.txt")));
        fs.writeFile("grant/out/written.txt", "w");
        console.log(fs.readDir("outside").map((e) => e.name).join(","));
        "#,
    ));
    assert_eq!(out, "secret\nsecret.txt,written.txt\n");
}

// --- fuzz: every wasmcap:fs function, with grants, on a hostile tree ------------------------

/// Names in the scratch tree (see `hostile_tree`), `..`, `.`, empty parts (`//`) and long ones.
const PARTS: &[&str] = &[
    "granted", "granted", "granted", "outside", "..", ".", "", "file.txt", "dir", "inner.txt", "fifo", "link-in",
    "link-dir-in", "link-out", "link-out-abs", "link-dir-out", "dangling-out", "dangling-in", "loop", "new", "made",
    "secret.txt", "sub", "/", "-rf", "--allow-read",
];

fn long_part(n: usize) -> String {
    "x".repeat(n)
}

fn path_strategy() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        10 => (0..PARTS.len()).prop_map(|i| PARTS[i].to_string()),
        1 => prop_oneof![Just(long_part(255)), Just(long_part(256)), Just(long_part(5000))],
    ];
    // Mostly inside the grant (so that calls succeed and change the tree), sometimes not.
    let prefix = prop_oneof![
        7 => Just("granted/"),
        1 => Just(""),
        1 => Just("$ROOT/granted/"),
        1 => Just("$ROOT/"),
    ];
    (prefix, vec(part, 0..5), any::<bool>()).prop_map(|(prefix, parts, double)| {
        format!("{prefix}{}", parts.join(if double { "//" } else { "/" }))
    })
}

const FS_CALLS: &[&str] = &[
    "fs.readFile($0)",
    "fs.readFileChunk($0, 0, 64)",
    "fs.readFileChunk($0, 3, 1)",
    "fs.writeFile($0, 'fuzz')",
    "fs.appendFile($0, 'fuzz')",
    "fs.mkdir($0)",
    "fs.mkdir($0, { recursive: true })",
    "fs.readDir($0)",
    "fs.stat($0)",
    "fs.remove($0)",
    "fs.remove($0, { recursive: true })",
    "fs.rename($0, $1)",
];

fn call_strategy() -> impl Strategy<Value = String> {
    (0..FS_CALLS.len(), path_strategy(), path_strategy()).prop_map(|(call, a, b)| {
        let quote = |p: String| serde_json::to_string(&p).unwrap().replace("$ROOT", "${ROOT}").replacen('"', "`", 2);
        FS_CALLS[call].replace("$0", &quote(a)).replace("$1", &quote(b))
    })
}

/// `granted/` (read and write granted) full of traps, beside `outside/` (not granted).
fn hostile_tree(s: &Scratch) {
    let root = s.path();
    s.write("outside/secret.txt", "secret");
    s.write("outside/sub/deep.txt", "deep");
    s.write("granted/file.txt", "file");
    s.write("granted/dir/inner.txt", "inner");
    mkfifo(&root.join("granted/fifo"));
    mkfifo(&root.join("granted/dir/fifo"));
    symlink("file.txt", root.join("granted/link-in")).unwrap();
    symlink("dir", root.join("granted/link-dir-in")).unwrap();
    symlink("../outside/secret.txt", root.join("granted/link-out")).unwrap();
    symlink(root.join("outside/secret.txt"), root.join("granted/link-out-abs")).unwrap();
    symlink("../outside", root.join("granted/link-dir-out")).unwrap();
    symlink("../../outside", root.join("granted/dir/link-dir-out")).unwrap();
    symlink("../outside/new", root.join("granted/dangling-out")).unwrap();
    symlink(root.join("outside/new-abs"), root.join("granted/dir/dangling-out")).unwrap();
    symlink("nothing-here", root.join("granted/dangling-in")).unwrap();
    symlink("loop", root.join("granted/loop")).unwrap();
}

/// Every path under `dir` (not following symlinks) with its kind and, for files, contents.
fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let what = if meta.is_symlink() {
                format!("link {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                stack.push(path.clone());
                "dir".to_string()
            } else if meta.is_file() {
                format!("file {:?}", std::fs::read(&path).unwrap())
            } else {
                "other".to_string()
            };
            out.push((path.strip_prefix(dir).unwrap().to_path_buf(), what));
        }
    }
    out.sort();
    out
}

#[test]
fn fuzz_every_fs_function_with_grants_on_a_hostile_tree() {
    let scripts: u32 = std::env::var("FUZZ_SCRIPTS").ok().and_then(|n| n.parse().ok()).unwrap_or(24);
    let mut runner = TestRunner::new(Config { cases: scripts, failure_persistence: None, ..Config::default() });
    let total = std::sync::atomic::AtomicUsize::new(0);
    let succeeded = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&vec(call_strategy(), 30), |calls| {
            let s = Scratch::new();
            hostile_tree(&s);
            let outside_before = snapshot(&s.path().join("outside"));
            let root = s.path().display().to_string();
            let mut js = format!(
                "import * as fs from \"wasmcap:fs\";\nconst ROOT = {};\nlet ok = 0, errors = 0, oddities = [];\n",
                serde_json::to_string(&root).unwrap()
            );
            js.push_str("const attempt = (source, f) => { try { f(); ok++; } catch (e) { if (e instanceof Error) errors++; else oddities.push(source); } };\n");
            for call in &calls {
                js.push_str(&format!("attempt({}, () => {call});\n", serde_json::to_string(call).unwrap()));
            }
            js.push_str("console.log(JSON.stringify({ ok, errors, oddities }));\n");
            s.write("main.js", &js);
            let run = run_bounded(
                s.path(),
                &["run", "--timeout", "30", "--allow-read=granted", "--allow-write=granted", "main.js"],
                "",
                Duration::from_secs(60),
            );
            prop_assert!(!run.stderr.contains("panicked"), "a Rust panic: {}", run.stderr);
            prop_assert_eq!(run.code, 0, "stderr: {}\nscript:\n{}", run.stderr, js);
            let summary: serde_json::Value = serde_json::from_str(run.stdout.trim())
                .map_err(|e| TestCaseError::fail(format!("no summary ({e}): {}", run.stdout)))?;
            prop_assert_eq!(&summary["oddities"], &serde_json::json!([]));
            let counted = summary["ok"].as_u64().unwrap() + summary["errors"].as_u64().unwrap();
            prop_assert_eq!(counted as usize, calls.len());
            prop_assert_eq!(snapshot(&s.path().join("outside")), outside_before, "outside changed; script:\n{}", js);
            // (The script may remove or rename `granted` itself: it is granted.)
            let beside: Vec<String> = listing(s.path()).into_iter().filter(|n| n != "granted").collect();
            prop_assert_eq!(beside, vec!["main.js", "outside"], "a file appeared beside the grant");
            total.fetch_add(calls.len(), Ordering::Relaxed);
            succeeded.fetch_add(summary["ok"].as_u64().unwrap() as usize, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    eprintln!(
        "fs fuzz: {} calls ({} succeeded) in {scripts} scripts: nothing outside the grant changed",
        total.load(Ordering::Relaxed),
        succeeded.load(Ordering::Relaxed)
    );
}
