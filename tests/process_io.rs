//! process I/O and facts (issue 13 section 2): stdin always readable (the user's own pipe),
//! `process.env` only what `--allow-env` grants, `process.cwd()` only under a read grant.

mod common;

use std::process::{Command, Stdio};

use common::{Scratch, WASMCAP, ok};

#[test]
fn stdin_is_read_in_chunks_to_eof_without_a_grant() {
    let s = Scratch::new();
    s.write("main.js", "let n = 0, bytes = 0; for await (const c of process.stdin) { n++; bytes += c.length; if (!(c instanceof Uint8Array)) throw 1; } console.log(bytes, n >= 2);");
    let input = "x".repeat(200_000);
    assert_eq!(ok(s.run(&["run", "main.js"], &input)), "200000 true\n");
    // An empty pipe is an immediate end.
    assert_eq!(ok(s.run(&["run", "main.js"], "")), "0 false\n");
}

#[test]
fn stdin_text_decodes_invalid_utf8_as_node_does() {
    let s = Scratch::new();
    s.write("main.js", "const t = await process.stdin.text(); console.log(JSON.stringify(t), t.length);");
    let mut child = Command::new(WASMCAP)
        .args(["run", "main.js"])
        .current_dir(s.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    // "h", a lone continuation byte, "\u{e9}" split into its two bytes (kept whole), 0xff.
    child.stdin.take().unwrap().write_all(b"h\x80\xc3\xa9\xff").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "\"h\u{fffd}\u{e9}\u{fffd}\" 4\n");
}

#[test]
fn a_closed_stdin_reads_as_empty() {
    let s = Scratch::new();
    s.write("main.js", "console.log(JSON.stringify(await process.stdin.text()));");
    let out = Command::new(WASMCAP).args(["run", "main.js"]).current_dir(s.path()).stdin(Stdio::null()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "\"\"\n");
    // Truly closed (fd 0 not open at all).
    let out = Command::new("sh")
        .args(["-c", &format!("'{WASMCAP}' run main.js <&-")])
        .current_dir(s.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "\"\"\n", "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_huge_stdin_is_not_buffered_whole_when_iterated() {
    // 512 MiB through a 64 MB limit: only one chunk is held at a time.
    let s = Scratch::new();
    s.write("main.js", "let bytes = 0; for await (const c of process.stdin) bytes += c.length; console.log(bytes);");
    let out = Command::new("sh")
        .args(["-c", &format!("head -c 536870912 /dev/zero | '{WASMCAP}' run --max-heap 64 main.js")])
        .current_dir(s.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "536870912\n", "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn stdin_has_a_web_stream_view() {
    let s = Scratch::new();
    s.write("main.js", "const parts = await Array.fromAsync(process.stdin.readable.pipeThrough(new TextDecoderStream())); console.log(parts.join(''), process.stdin.readable === process.stdin.readable);");
    assert_eq!(ok(s.run(&["run", "main.js"], "piped text")), "piped text true\n");
}

#[test]
fn env_holds_only_what_is_granted() {
    let s = Scratch::new();
    s.write("main.js", "console.log(JSON.stringify(Object.keys(process.env)), process.env.WASMCAP_TEST_A, process.env.WASMCAP_TEST_B, process.env.HOME, 'NO_COLOR' in process.env);");
    let run = |args: &[&str]| {
        let out = Command::new(WASMCAP)
            .args(args)
            .current_dir(s.path())
            .env("WASMCAP_TEST_A", "a")
            .env("WASMCAP_TEST_B", "b")
            .output()
            .unwrap();
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code())
    };
    // No grant: an empty environment, every read undefined.
    assert_eq!(run(&["run", "main.js"]).0, "[] undefined undefined undefined false\n");
    assert_eq!(run(&["run", "--allow-env=WASMCAP_TEST_A,UNSET_ONE", "main.js"]).0, "[\"WASMCAP_TEST_A\"] a undefined undefined false\n");
    let all = run(&["run", "--allow-env", "main.js"]).0;
    assert!(all.contains("\"WASMCAP_TEST_A\"") && all.contains(" a b "), "{all}");
}

#[test]
fn allow_env_rejects_what_is_not_a_name() {
    let s = Scratch::new();
    s.write("main.js", "console.log('ran');");
    for (value, why) in [("--allow-read", "do not start with '-'"), ("A=B", "cannot contain '='"), ("A,,B", "empty name")] {
        let run = s.run(&["run", &format!("--allow-env={value}"), "main.js"], "");
        assert_eq!(run.code, 2, "{value}: {run:?}");
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains(why), "{value}: {}", run.stderr);
    }
    // The bare flag followed by another flag is two flags, not a name.
    assert_eq!(ok(s.run(&["run", "--allow-env", "--allow-read", "main.js"], "")), "ran\n");
}

#[test]
fn cwd_needs_a_read_grant_covering_it() {
    let s = Scratch::new();
    s.write("main.js", "try { console.log(process.cwd() === new URL('.', import.meta.url).pathname.replace(/\\/$/, '')); } catch (e) { console.log(e.name, e.message); }");
    let denied = ok(s.run(&["run", "main.js"], ""));
    assert_eq!(denied, "PermissionDenied process.cwd() needs read access to the current directory: run with --allow-read=. (or --allow-read)\n");
    assert!(!denied.contains(&s.path().display().to_string()), "the refusal must not reveal the directory");
    assert_eq!(ok(s.run(&["run", "--allow-read=.", "main.js"], "")), "true\n");
    s.write("sub/x.txt", "");
    assert!(ok(s.run(&["run", "--allow-read=sub", "main.js"], "")).starts_with("PermissionDenied"));
}
