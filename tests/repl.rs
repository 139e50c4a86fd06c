//! The REPL: piped sessions (golden transcripts, one per evaluation rule) and a real terminal
//! through a pseudo-terminal (line editing, history, completion, Ctrl+C).

mod common;

use common::{Run, Scratch, WASMCAP};

/// Pipes `input` into `wasmcap repl` in a fresh scratch directory.
fn repl(input: &str) -> Run {
    Scratch::new().run(&["repl"], input)
}

/// Asserts a piped session printed exactly `stdout`, nothing on stderr, and exited 0.
#[track_caller]
fn assert_transcript(input: &str, stdout: &str) {
    let run = repl(input);
    assert_eq!(run.stderr, "", "unexpected stderr for input:\n{input}");
    assert_eq!(run.stdout, stdout, "stdout for input:\n{input}");
    assert_eq!(run.code, 0);
}

#[test]
fn piped_session_prints_each_result_like_console_log() {
    assert_transcript(
        "1 + 1\n'text'\nundefined\nnull\n[1, 'a', { b: 2n }]\n",
        "2\n'text'\nundefined\nnull\n[ 1, 'a', { b: 2n } ]\n",
    );
}

#[test]
fn empty_lines_and_comments() {
    assert_transcript("\n   \n// a comment\n7\n", "undefined\n7\n");
}

#[test]
fn top_level_await() {
    assert_transcript(
        "await Promise.resolve(41) + 1\nconst late = await new Promise((r) => setTimeout(() => r('late'), 10))\nlate\n",
        "42\nundefined\n'late'\n",
    );
}

#[test]
fn let_and_const_may_be_declared_again() {
    assert_transcript(
        "let x = 1\nlet x = 2\nconst y = 'a'\nconst y = 'b'\nx + y\n",
        "undefined\nundefined\nundefined\nundefined\n'2b'\n",
    );
}

#[test]
fn underscore_is_the_last_value() {
    assert_transcript("6 * 7\n_ + 1\n_\n", "42\n43\n43\n");
    // Assigning `_` makes it a plain variable, as in Node.
    assert_transcript(
        "1\n_ = 'mine'\n2\n_\n",
        "1\nExpression assignment to _ now disabled.\n'mine'\n2\n'mine'\n",
    );
}

#[test]
fn underscore_error_is_the_last_thrown_error() {
    let run = repl("throw new RangeError('out of range')\n_error instanceof RangeError\n_error.message\n1\n_error.message\n");
    assert_eq!(run.stdout, "true\n'out of range'\n1\n'out of range'\n");
    assert_eq!(run.stderr, "Uncaught RangeError: out of range\n    at <anonymous>:1:7\n");
    assert_eq!(run.code, 0);
}

#[test]
fn a_leading_brace_is_an_object_literal_unless_it_cannot_be() {
    assert_transcript(
        "{a: 1}\n{ a: 1, b: [2, 'x'] }\n{a: await Promise.resolve(3)}\n{ let q = 2; q * 3 }\n{a: 1};\n",
        "{ a: 1 }\n{ a: 1, b: [ 2, 'x' ] }\n{ a: 3 }\n6\n1\n",
    );
}

#[test]
fn errors_print_and_the_session_goes_on() {
    let run = repl("throw new TypeError('boom')\nnull.x\nthrow 'plain'\n1 +* 2\nundefinedName\n'still here'\n");
    assert_eq!(run.stdout, "'still here'\n");
    assert_eq!(
        run.stderr,
        "Uncaught TypeError: boom\n    at <anonymous>:1:7\n\
         Uncaught TypeError: Cannot read properties of null (reading 'x')\n    at <anonymous>:1:6\n\
         Uncaught 'plain'\n\
         Uncaught SyntaxError: Unexpected token '*'\n\
         Uncaught ReferenceError: undefinedName is not defined\n    at <anonymous>:1:1\n"
    );
    assert_eq!(run.code, 0);
}

#[test]
fn multi_line_input_continues_while_open() {
    assert_transcript(
        concat!(
            "function add(a, b) {\n  return a + b;\n}\nadd(2, 3)\n",
            "const text = `one\ntwo ${add(1,\n 1)}`\ntext\n",
            "[\n  1,\n  2,\n].length\n",
            "/* a comment\n over lines */ 'after'\n",
            "1 +\n2\n",
            "'/' + /[/]/.source + \"(\"\n",
        ),
        "undefined\n5\nundefined\n'one\\ntwo 2'\n2\n'after'\n3\n'/[/]('\n",
    );
}

#[test]
fn console_output_appears_in_order_with_results() {
    assert_transcript(
        "console.log('a'); 1\nconsole.log('b')\nfor (const i of [1, 2]) console.log(i)\n",
        "a\n1\nb\nundefined\n1\n2\nundefined\n",
    );
}

// --- the event loop runs between inputs ----------------------------------------------------
// Delays are far apart (tens of ms against a second or more) so that the order holds on a
// loaded machine.

#[test]
fn piped_timers_do_not_hold_back_later_inputs_and_are_awaited_at_the_end() {
    // Input already there is evaluated before a timer that is due later; at the end of the
    // input the REPL waits for the timer, as `node < file` does.
    assert_transcript(
        "setTimeout(() => console.log('tick'), 1000); 'scheduled'\n'next'\n",
        "'scheduled'\n'next'\ntick\n",
    );
}

#[test]
fn timers_fire_while_a_later_input_awaits() {
    assert_transcript(
        "setTimeout(() => console.log('tick'), 10); 'scheduled'\nawait new Promise((r) => setTimeout(() => r('awaited'), 1500))\n",
        "'scheduled'\ntick\n'awaited'\n",
    );
}

#[test]
fn a_piped_interval_runs_while_later_lines_are_evaluated_until_the_timeout() {
    let started = std::time::Instant::now();
    let run = Scratch::new().run(
        &["repl", "--timeout", "2"],
        "let n = 0; setInterval(() => console.log('tick', ++n), 300); 'started'\n\
         await new Promise((r) => setTimeout(r, 1000))\n\
         ['after', n > 0]\n",
    );
    let took = started.elapsed();
    // The later lines were evaluated, in order, while the interval ticked; it ticked on after
    // the input ended until --timeout stopped it (a timeout is exit 124, as for `run`).
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "'started'", "{run:?}");
    let awaited = lines.iter().position(|l| *l == "undefined").expect("the await's result");
    assert!(awaited >= 2, "the interval did not tick during the await: {run:?}");
    assert_eq!(lines[awaited + 1], "[ 'after', true ]", "{run:?}");
    assert!(lines.len() > awaited + 3, "the interval did not tick after the input ended: {run:?}");
    assert!(lines.iter().filter(|l| l.starts_with("tick ")).count() == lines.len() - 3, "{run:?}");
    assert_eq!(run.stderr, "error: timed out: the script was stopped after 2 s (--timeout)\n");
    assert_eq!(run.code, 124);
    assert!(took < std::time::Duration::from_secs(1 + 2 + 5), "{took:?}");
}

#[test]
fn a_piped_interval_that_clears_itself_ends_the_session_normally() {
    assert_transcript(
        "let n = 0; const t = setInterval(() => { console.log('tick', ++n); if (n === 3) clearInterval(t) }, 20); 'started'\n'next'\n",
        "'started'\n'next'\ntick 1\ntick 2\ntick 3\n",
    );
}

#[test]
fn a_timer_that_throws_while_idle_is_reported_and_the_session_goes_on() {
    let output = wasmcap::Output::capture();
    let captured = output.clone();
    let code = wasmcap::repl::run_session(
        "Promise.reject(new Error('no'))\n\
         setTimeout(() => { throw new Error('in timer') }, 0); 1\n\
         await new Promise((r) => setTimeout(r, 1000))\n2\n",
        move || wasmcap::Options { output: output.clone(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(captured.captured()).unwrap(),
        "Promise {\n  <rejected> Error: no\n      at <anonymous>:1:16\n}\n\
         Uncaught (in promise) Error: no\n    at <anonymous>:1:16\n\
         1\nUncaught Error: in timer\n    at <anonymous>:1:26\n\
         undefined\n2\n"
    );
}

/// Pipes `first` into `wasmcap ARGS`, keeps the pipe open for `pause` (the REPL waits for input
/// meanwhile, with its event loop running), then pipes `rest` and closes it.
fn repl_with_a_pause(args: &[&str], first: &str, pause: std::time::Duration, rest: &str) -> Run {
    use std::io::Write;
    let s = Scratch::new();
    let mut child = std::process::Command::new(WASMCAP)
        .args(args)
        .current_dir(s.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(first.as_bytes()).unwrap();
    std::thread::sleep(pause);
    stdin.write_all(rest.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

#[test]
fn an_input_split_across_pieces_of_piped_input_is_evaluated_once_complete() {
    let run = repl_with_a_pause(
        &["repl"],
        "let n = 0; const t = setInterval(() => n++, 10); 'armed'\nfunction f() {\n",
        std::time::Duration::from_millis(500),
        "  return n > 0 }\nclearInterval(t); f()\n",
    );
    // The interval ran while the function's first line waited for the rest.
    assert_eq!((run.stdout.as_str(), run.stderr.as_str(), run.code), ("'armed'\nundefined\ntrue\n", "", 0));
}

#[test]
fn a_timer_that_never_returns_while_idle_is_stopped_at_the_timeout() {
    // Each turn of the event loop between inputs has the same deadline as an input.
    let run = repl_with_a_pause(
        &["repl", "--timeout", "1"],
        "setTimeout(() => { while (true) {} }, 100); 'armed'\n",
        std::time::Duration::from_millis(2500),
        "'still here'\n",
    );
    assert_eq!(run.stdout, "'armed'\n'still here'\n");
    assert_eq!(run.stderr, "error: timed out: the script was stopped after 1 s (--timeout)\n");
    assert_eq!(run.code, 0);
}

#[test]
fn a_timer_that_runs_out_of_memory_while_idle_is_stopped_and_the_session_goes_on() {
    let run = repl_with_a_pause(
        &["repl", "--max-heap", "16"],
        "setTimeout(() => { const a = []; for (;;) a.push({ x: a.length }) }, 100); 'armed'\n",
        std::time::Duration::from_millis(2500),
        "'still here'\n",
    );
    assert_eq!(run.stdout, "'armed'\n'still here'\n");
    assert_eq!(
        run.stderr,
        "error: out of memory: the script reached its 16 MB memory limit (raise it with --max-heap)\n"
    );
    assert_eq!(run.code, 0);
}

#[test]
fn an_await_that_can_never_settle_is_reported() {
    let run = repl("await new Promise(() => {})\n'next'\n");
    assert_eq!(run.stdout, "'next'\n");
    assert_eq!(
        run.stderr,
        "Uncaught Error: top-level await never resolved: the code waits on a promise that nothing will settle\n"
    );
}

#[test]
fn run_session_captures_results_and_errors_interleaved() {
    let output = wasmcap::Output::capture();
    let captured = output.clone();
    let code = wasmcap::repl::run_session(
        "console.log('out'); console.error('err'); 1\nthrow new Error('x')\n'end'\n",
        move || wasmcap::Options { seed: Some(1), output: output.clone(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(captured.captured()).unwrap(),
        "out\nerr\n1\nUncaught Error: x\n    at <anonymous>:1:7\n'end'\n"
    );
}

#[test]
fn the_capabilities_are_preloaded() {
    assert_transcript(
        "typeof Monocypher\ntypeof AuthenticationError\nmc instanceof Monocypher\ntypeof twoSum\ntypeof twoSumJs\ntypeof Guest\n",
        "'function'\n'function'\ntrue\n'function'\n'function'\n'function'\n",
    );
    assert_transcript("twoSum([2, 7, 11, 15], 9)\ntwoSumJs([3, 2, 4], 6)\n", "[ 0, 1 ]\n[ 1, 2 ]\n");
}

#[test]
fn aead_round_trip_with_the_preloaded_instance() {
    assert_transcript(
        concat!(
            "const key = mc.generateKey()\n",
            "const box = mc.lock('attack at dawn', key, 'header')\n",
            "new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce, 'header'))\n",
            "try { mc.unlock(box.ciphertext, box.mac, key, box.nonce, 'forged') } catch (e) { e instanceof AuthenticationError }\n",
        ),
        "undefined\nundefined\n'attack at dawn'\ntrue\n",
    );
}

#[test]
fn help_lists_the_commands_and_the_preloaded_globals() {
    let run = repl(".help\n");
    assert_eq!(run.code, 0);
    for word in [".exit", ".clear", ".load FILE", ".save FILE", "Monocypher", "AuthenticationError", "mc ", "twoSum", "twoSumJs", "Guest", "_error"] {
        assert!(run.stdout.contains(word), "help does not mention {word}:\n{}", run.stdout);
    }
}

#[test]
fn unknown_commands_are_reported_and_numbers_are_not_commands() {
    let run = repl(".nope\n.5 + 1\n");
    assert_eq!(run.stdout, "1.5\n");
    assert_eq!(run.stderr, "unknown command '.nope': type .help for the list\n");
}

#[test]
fn clear_starts_a_fresh_runtime_with_the_capabilities() {
    assert_transcript(
        "let kept = 1\nglobalThis.alsoKept = 2\n.clear\ntypeof kept\ntypeof alsoKept\ntypeof mc\n",
        "undefined\n2\nClearing context...\n'undefined'\n'undefined'\n'object'\n",
    );
}

#[test]
fn save_then_load_replays_the_session() {
    let s = Scratch::new();
    // Dot-commands need the same grants as a script's wasmcap:fs calls (tests/hostile/runner.rs).
    let saved = s.run(&["repl", "--allow-write=session.js"], "let n = 20\nfunction twice(v) {\n  return v * 2;\n}\nn += 1\n.save session.js\n");
    assert_eq!(saved.stderr, "");
    assert_eq!(saved.stdout, "undefined\nundefined\n21\nSession saved to session.js\n");
    assert_eq!(
        std::fs::read_to_string(s.path().join("session.js")).unwrap(),
        "let n = 20\nfunction twice(v) {\n  return v * 2;\n}\nn += 1\n"
    );
    let loaded = s.run(&["repl", "--allow-read=session.js"], ".load session.js\ntwice(n)\n");
    assert_eq!(loaded.stderr, "");
    assert_eq!(loaded.stdout, "undefined\nundefined\n21\n42\n");
}

#[test]
fn load_reports_a_missing_file_and_goes_on() {
    let run = repl(".load missing.js\n.load\n1\n");
    assert_eq!(run.stdout, "1\n");
    assert!(run.stderr.starts_with("error: cannot load missing.js: "), "{}", run.stderr);
    assert!(run.stderr.ends_with("usage: .load FILE\n"), "{}", run.stderr);
}

#[test]
fn exit_codes() {
    let run = repl("process.exit(5)\n'unreached'\n");
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (5, "", ""));
    let run = repl("process.exitCode = 3\n.exit\n'unreached'\n");
    assert_eq!((run.code, run.stdout.as_str()), (3, "3\n"));
    let run = repl("setTimeout(() => process.exit(4), 5); 'waiting'\n");
    assert_eq!((run.code, run.stdout.as_str()), (4, "'waiting'\n"));
}

// --- a real terminal -----------------------------------------------------------------------

#[cfg(unix)]
mod terminal {
    use std::path::Path;
    use std::process::Command;

    use rexpect::process::WaitStatus;
    use rexpect::session::{Options, PtySession};

    use super::{Scratch, WASMCAP};

    const LEFT: &str = "\x1b[D";
    const UP: &str = "\x1b[A";

    /// Starts `wasmcap repl` on a pseudo-terminal with its history in `history`, and waits for
    /// the first prompt.
    fn start(dir: &Path, history: &Path) -> PtySession {
        start_with(dir, history, &[], true)
    }

    /// `start`, with `env` set (and NO_COLOR/FORCE_COLOR unset unless given), keeping the
    /// output's ANSI escapes unless `strip_ansi`.
    fn start_with(dir: &Path, history: &Path, env: &[(&str, &str)], strip_ansi: bool) -> PtySession {
        let mut command = Command::new(WASMCAP);
        command
            .arg("repl")
            .current_dir(dir)
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env("TERM", "xterm")
            .env("WASMCAP_REPL_HISTORY", history)
            .envs(env.iter().copied());
        let options = Options::new().timeout_ms(Some(5000)).strip_ansi_escape_codes(strip_ansi);
        let mut session = rexpect::session::spawn_with_options(command, options).expect("spawn wasmcap repl");
        session.exp_string("Type .help for help").expect("banner");
        session.exp_string("> ").expect("prompt");
        session
    }

    /// Types `keys` (rexpect's `send` does not flush).
    fn type_keys(session: &mut PtySession, keys: &str) {
        session.send(keys).unwrap();
        session.flush().unwrap();
    }

    /// Waits for `text` and then for the next prompt. Control keys must wait for the prompt:
    /// while an evaluation runs the terminal is in cooked mode, where Ctrl+D is the line
    /// discipline's end-of-file marker and is dropped when the editor switches back to raw mode.
    fn expect_then_prompt(session: &mut PtySession, text: &str) {
        session.exp_string(text).unwrap();
        session.exp_string("> ").unwrap();
    }

    /// Ctrl+D at the prompt: the session ends, exit code 0.
    fn quit_with_ctrl_d(session: &mut PtySession) {
        session.send_control('d').unwrap();
        session.exp_eof().unwrap();
        assert_eq!(exit_code(session), 0);
    }

    fn exit_code(session: &PtySession) -> i32 {
        match session.process().wait().expect("wait") {
            WaitStatus::Exited(_, code) => code,
            other => panic!("wasmcap ended with {other:?}"),
        }
    }

    #[test]
    fn results_are_coloured_as_node_colours_them_unless_no_color() {
        let s = Scratch::new();
        let input = "[1, 'a', null, undefined, true, 2n, Symbol('s')]";
        let mut repl = start_with(s.path(), &s.path().join("history"), &[], false);
        repl.send_line(input).unwrap();
        let (y, g, off) = ("\x1b[33m", "\x1b[32m", "\x1b[39m");
        repl.exp_string(&format!(
            "[ {y}1{off}, {g}'a'{off}, \x1b[1mnull\x1b[22m, \x1b[90mundefined{off}, {y}true{off}, {y}2n{off}, {g}Symbol(s){off} ]"
        ))
        .unwrap();
        repl.send_control('d').unwrap();
        repl.exp_eof().unwrap();
        // NO_COLOR: the same result, plain (a coloured one would not match).
        let mut repl = start_with(s.path(), &s.path().join("history"), &[("NO_COLOR", "1")], false);
        repl.send_line(input).unwrap();
        repl.exp_string("[ 1, 'a', null, undefined, true, 2n, Symbol(s) ]").unwrap();
        repl.send_control('d').unwrap();
        repl.exp_eof().unwrap();
    }

    #[test]
    fn line_editing_moves_the_cursor_and_inserts() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        // Type `2*34`, move left past `4` and `3`, insert `1`, go home (Ctrl+A), insert `-`.
        type_keys(&mut repl, &format!("2*34{LEFT}{LEFT}1\x01-\r"));
        expect_then_prompt(&mut repl, "-268");
        quit_with_ctrl_d(&mut repl);
    }

    #[test]
    fn history_is_recalled_and_persisted() {
        let s = Scratch::new();
        let history = s.path().join("state").join("repl_history");
        let mut first = start(s.path(), &history);
        first.send_line("6 * 7").unwrap();
        expect_then_prompt(&mut first, "42");
        first.send_control('d').unwrap();
        first.exp_eof().unwrap();
        let saved = std::fs::read_to_string(&history).expect("history file written");
        assert!(saved.lines().any(|line| line == "6 * 7"), "history file:\n{saved}");

        let mut second = start(s.path(), &history);
        type_keys(&mut second, &format!("{UP}\r"));
        expect_then_prompt(&mut second, "42");
        second.send_control('d').unwrap();
        second.exp_eof().unwrap();
    }

    #[test]
    fn tab_completes_properties_and_globals() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        type_keys(&mut repl, "Math.ma\t(3, 4) * 10\r");
        repl.exp_string("40").unwrap();
        repl.send_line("const answerValue = 4").unwrap();
        repl.exp_string("undefined").unwrap();
        type_keys(&mut repl, "answerV\t + 1 === 5\r");
        expect_then_prompt(&mut repl, "true");
        repl.send_control('d').unwrap();
        repl.exp_eof().unwrap();
    }

    #[test]
    fn ctrl_c_interrupts_a_long_evaluation() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_line("while (true) {}").unwrap();
        // Let the evaluation start (the editor has handed the terminal back), then interrupt.
        std::thread::sleep(std::time::Duration::from_millis(500));
        repl.send_control('c').unwrap();
        repl.exp_string("Uncaught Error: execution was interrupted").unwrap();
        repl.send_line("'still' + 'usable'").unwrap();
        expect_then_prompt(&mut repl, "'stillusable'");
        quit_with_ctrl_d(&mut repl);
    }

    #[test]
    fn ctrl_c_interrupts_timer_loops_and_stuck_awaits_and_timers_still_work() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        let interrupt = |repl: &mut PtySession| {
            std::thread::sleep(std::time::Duration::from_millis(500));
            repl.send_control('c').unwrap();
            repl.exp_string("Uncaught Error: execution was interrupted").unwrap();
        };
        // A timer callback that never returns, run while the next input waits for a timer.
        repl.send_line("setTimeout(() => { while (true) {} }, 0); 'armed'").unwrap();
        repl.exp_string("'armed'").unwrap();
        // Whether the line is complete is decided without the runtime thread, busy in the
        // callback: Enter hands the line over at once, and Ctrl+C is a SIGINT.
        repl.send_line("await new Promise((r) => setTimeout(r, 50))").unwrap();
        interrupt(&mut repl);
        repl.send_line("await new Promise(() => {})").unwrap();
        interrupt(&mut repl);
        repl.send_line("await new Promise((r) => setTimeout(() => r(6 * 7), 20))").unwrap();
        expect_then_prompt(&mut repl, "42");
        repl.send_control('d').unwrap();
        repl.exp_eof().unwrap();
    }

    #[test]
    fn ctrl_c_twice_on_an_empty_line_exits() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_control('c').unwrap();
        expect_then_prompt(&mut repl, "(To exit, press Ctrl+C again");
        repl.send_control('c').unwrap();
        repl.exp_eof().unwrap();
        assert_eq!(exit_code(&repl), 0);
    }

    // --- the event loop runs while the editor waits for input ---------------------------

    #[test]
    fn an_idle_timer_prints_at_the_prompt_and_the_line_being_typed_survives() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_line("setTimeout(() => console.log('ti' + 'ck'), 1500); 'armed'").unwrap();
        expect_then_prompt(&mut repl, "'armed'");
        // Half a line typed, no Enter: the timer prints above it, and the editor redraws it.
        type_keys(&mut repl, "20 + ");
        repl.exp_string("tick").unwrap();
        repl.exp_string("> 20 + ").unwrap();
        type_keys(&mut repl, "22\r");
        expect_then_prompt(&mut repl, "42");
        quit_with_ctrl_d(&mut repl);
    }

    #[test]
    fn completion_works_while_timers_are_pending() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_line("setInterval(() => {}, 20); setTimeout(() => {}, 60000); 'armed'").unwrap();
        expect_then_prompt(&mut repl, "'armed'");
        type_keys(&mut repl, "Math.ma\t(3, 4) * 10\r");
        expect_then_prompt(&mut repl, "40");
        // Ctrl+D ends the session at once, timers or not (as in Node).
        quit_with_ctrl_d(&mut repl);
    }

    #[test]
    fn ctrl_c_at_the_prompt_with_pending_timers_clears_then_exits() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_line("setInterval(() => {}, 20); 'armed'").unwrap();
        expect_then_prompt(&mut repl, "'armed'");
        type_keys(&mut repl, "'discarded'");
        repl.exp_string("'discarded'").unwrap();
        repl.send_control('c').unwrap();
        // Keys typed before the next prompt may be lost with the Ctrl+C (rustyline's read-ahead).
        repl.exp_string("> ").unwrap();
        repl.send_line("'kept'").unwrap();
        expect_then_prompt(&mut repl, "'kept'");
        repl.send_control('c').unwrap();
        expect_then_prompt(&mut repl, "(To exit, press Ctrl+C again");
        repl.send_control('c').unwrap();
        repl.exp_eof().unwrap();
        assert_eq!(exit_code(&repl), 0);
    }

    #[test]
    fn ctrl_c_at_the_prompt_interrupts_a_timer_that_never_returns() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_line("setTimeout(() => { while (true) {} }, 200); 'armed'").unwrap();
        expect_then_prompt(&mut repl, "'armed'");
        std::thread::sleep(std::time::Duration::from_millis(1000));
        repl.send_control('c').unwrap();
        repl.exp_string("Uncaught Error: execution was interrupted").unwrap();
        // That Ctrl+C stopped the callback: it does not count towards exiting.
        repl.send_line("'still' + 'usable'").unwrap();
        expect_then_prompt(&mut repl, "'stillusable'");
        quit_with_ctrl_d(&mut repl);
    }

    #[test]
    fn an_idle_timer_that_exits_ends_the_session_with_its_code() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_line("setTimeout(() => { console.log('by' + 'e'); process.exit(3) }, 500); 'armed'").unwrap();
        expect_then_prompt(&mut repl, "'armed'");
        repl.exp_string("bye").unwrap();
        repl.exp_eof().unwrap();
        assert_eq!(exit_code(&repl), 3);
    }

    #[test]
    fn an_idle_exit_gives_the_terminal_back_as_it_was() {
        // The editor thread is in the middle of reading a line (raw mode) when a timer ends the
        // process: the REPL must put the terminal back itself. `stty -a` runs before and after
        // it, on the same terminal.
        let s = Scratch::new();
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("stty -a; echo BEFORE-END; '{WASMCAP}' repl; echo \"exit=$?\"; stty -a"))
            .current_dir(s.path())
            .env("TERM", "xterm")
            .env("WASMCAP_REPL_HISTORY", "");
        let options = Options::new().timeout_ms(Some(5000)).strip_ansi_escape_codes(true);
        let mut repl = rexpect::session::spawn_with_options(command, options).expect("spawn sh");
        let before = repl.exp_string("BEFORE-END").unwrap();
        repl.exp_string("> ").unwrap();
        repl.send_line("setTimeout(() => process.exit(5), 500); 'armed'").unwrap();
        expect_then_prompt(&mut repl, "'armed'");
        repl.exp_string("exit=5").unwrap();
        let after = repl.exp_eof().unwrap();
        let flags = |settings: &str| -> Vec<String> {
            let words = settings.split_whitespace().map(|w| w.trim_end_matches(';').to_string());
            words.filter(|w| ["icanon", "echo", "isig", "icrnl", "opost", "onlcr"].contains(&w.trim_start_matches('-'))).collect()
        };
        assert_eq!(flags(&after), flags(&before), "before:\n{before}\nafter:\n{after}");
        assert_eq!(flags(&before).len(), 6, "{before}");
    }

    #[test]
    fn an_output_flood_at_the_prompt_does_not_stop_typing() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_line("const t = setInterval(() => console.log('x'.repeat(100)), 0); 'flooding'").unwrap();
        repl.exp_string("'flooding'").unwrap();
        type_keys(&mut repl, "clearInterval(t); 'stop' + 'ped'\r");
        repl.exp_string("'stopped'").unwrap();
        repl.exp_string("> ").unwrap();
        quit_with_ctrl_d(&mut repl);
    }

    #[test]
    fn process_exit_ends_the_terminal_session_with_its_code() {
        let s = Scratch::new();
        let mut repl = start(s.path(), &s.path().join("history"));
        repl.send_line("process.exit(7)").unwrap();
        repl.exp_eof().unwrap();
        assert_eq!(exit_code(&repl), 7);
    }
}
