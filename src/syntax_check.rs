//! Parse checks for imported files, in a V8 isolate of their own on a thread of their own.
//! V8's SyntaxError quotes the offending token; an imported file's text must not reach the
//! script that way (`import("./notes.js")` would read its first bad word), so an imported
//! module is parsed here first and a parse error is reported by position only. The main
//! script is not checked: it is the user's own choice, and V8's message helps them.
//!
//! The REPL's editor asks here too whether an input ends too early (`1 +`, `if (x)`): the
//! answer must not wait for the runtime's thread, which may be busy in a timer callback.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, OnceLock};

use deno_core::v8;

#[derive(Clone, Copy)]
pub enum Kind {
    Module,
    Json,
    /// A classic script, as the REPL compiles an input.
    Script,
}

/// Why a text was refused (the default: it could not be checked).
#[derive(Debug, Default)]
pub struct Rejection {
    /// 1-based line and column of a parse error, where V8 said.
    pub at: Option<(usize, usize)>,
    /// V8 found nothing wrong but that the text ended too early.
    pub ends_too_early: bool,
}

pub type Verdict = Result<(), Rejection>;

/// Whether V8 fails to parse `code` as a script only because it ends too early (false if it
/// parses, fails otherwise, or could not be checked). Compiling runs nothing.
pub fn ends_too_early(code: &str) -> bool {
    check(code.to_string(), Kind::Script).is_err_and(|rejection| rejection.ends_too_early)
}

type Request = (String, Kind, Sender<Verdict>);

static CHECKER: OnceLock<Mutex<Option<Sender<Request>>>> = OnceLock::new();

pub fn check(source: String, kind: Kind) -> Verdict {
    let checker = CHECKER.get_or_init(|| {
        // The checker's isolate needs V8 started, as a runtime would (whichever comes first).
        crate::runtime::init_v8();
        let (requests, inbox) = channel::<Request>();
        let started = std::thread::Builder::new().name("wasmcap-syntax-check".into()).spawn(move || serve(inbox));
        Mutex::new(started.ok().map(|_| requests))
    });
    let (reply, verdict) = channel();
    let sent = match checker.lock() {
        Ok(sender) => sender.as_ref().is_some_and(|s| s.send((source, kind, reply)).is_ok()),
        Err(_) => false,
    };
    if !sent {
        return Err(Rejection::default());
    }
    verdict.recv().unwrap_or(Err(Rejection::default()))
}

fn serve(inbox: Receiver<Request>) {
    let mut isolate = v8::Isolate::new(v8::CreateParams::default());
    let context = {
        v8::scope!(let scope, &mut isolate);
        let context = v8::Context::new(scope, Default::default());
        v8::Global::new(scope, context)
    };
    for (source, kind, reply) in inbox {
        let verdict = {
            v8::scope_with_context!(let scope, &mut isolate, &context);
            check_one(scope, &source, kind)
        };
        let _ = reply.send(verdict);
    }
}

fn check_one(scope: &mut v8::PinScope, source: &str, kind: Kind) -> Verdict {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let Some(text) = v8::String::new(scope, source) else { return Err(Rejection::default()) };
    v8::tc_scope!(let tc, scope);
    let parsed = match kind {
        Kind::Module => {
            let name = v8::String::new(tc, "module").map(Into::into);
            let Some(name) = name else { return Err(Rejection::default()) };
            let origin = v8::ScriptOrigin::new(tc, name, 0, 0, false, 0, None, false, false, true, None);
            let mut compiled = v8::script_compiler::Source::new(text, Some(&origin));
            v8::script_compiler::compile_module(tc, &mut compiled).is_some()
        }
        Kind::Json => v8::json::parse(tc, text).is_some(),
        Kind::Script => v8::Script::compile(tc, text, None).is_some(),
    };
    if parsed {
        return Ok(());
    }
    match kind {
        Kind::Module => {
            let Some(message) = tc.message() else { return Err(Rejection::default()) };
            let line = message.get_line_number(tc).unwrap_or(0);
            Err(Rejection { at: (line > 0).then(|| (line, message.get_start_column() + 1)), ends_too_early: false })
        }
        Kind::Script => {
            let said = tc.exception().map(|e| e.to_rust_string_lossy(tc)).unwrap_or_default();
            Err(Rejection { at: None, ends_too_early: said.starts_with("SyntaxError: Unexpected end of input") })
        }
        // JSON.parse's message says "at position N" (and quotes the text): keep the position.
        Kind::Json => {
            let said = tc.exception().map(|e| e.to_rust_string_lossy(tc)).unwrap_or_default();
            let position = said
                .split("at position ")
                .nth(1)
                .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok());
            Err(Rejection { at: position.map(|at| line_and_column(source, at)), ends_too_early: false })
        }
    }
}

/// 1-based line and column of UTF-16 offset `at` in `text`.
fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let (mut line, mut column, mut offset) = (1, 1, 0);
    for c in text.chars() {
        if offset >= at {
            break;
        }
        offset += c.len_utf16();
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_input_that_ends_too_early_asks_for_more() {
        for more in ["1 +", "if (x)", "function f() {", "const a ="] {
            assert!(ends_too_early(more), "{more:?}");
        }
        // Whole, or wrong for another reason: Enter evaluates it (and V8 says what is wrong).
        for whole in ["1 + 1", "await fetch(url)", "let a = ;", "}", "let x = 1; let x = 2"] {
            assert!(!ends_too_early(whole), "{whole:?}");
        }
    }
}
