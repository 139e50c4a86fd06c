//! How errors read: the exception with its stack, the line of source it points at with a caret
//! under the column, paths relative to the current directory, and frames inside wasmcap's own
//! JS hidden.

use std::borrow::Cow;
use std::fmt;

use deno_core::error::{CoreError, CoreErrorKind, ErrorElement, ErrorFormat, JsError, format_frame, format_location};
use deno_core::{JsRuntime, ModuleSpecifier, v8};

use super::source_line::{Snippet, nth_line, snippet};
use super::sources::Sources;
use super::style::{Style, paint};

/// An error that ended a run, as wasmcap prints it after `error: `: what happened, the line of
/// source it points at with a caret under the column, then where (the stack):
///
/// ```text
/// Uncaught TypeError: expected a string, got number
///     if (typeof input !== "string") throw new TypeError(`expected ...`);
///                                          ^
///     at parse (uncaught_throw.js:3:40)
/// ```
///
/// `Display` is plain text; [`ScriptError::render`] colours it for a terminal.
#[derive(Debug)]
pub struct ScriptError {
    headline: String,
    snippet: Option<Snippet>,
    /// The `at` lines and `Caused by:`, each line starting with a newline.
    trail: String,
}

impl ScriptError {
    /// Describes `error`, with the source line from `sources` where its position is known:
    /// the first stack frame in the script's own code, or where a failed import was written.
    /// (Never a line of a file that does not parse, other than the main script: see the
    /// loader's `syntax_check`.)
    pub fn new(error: &CoreError, sources: &Sources) -> Self {
        match error.0.as_ref() {
            CoreErrorKind::Js(js_error) => {
                let (headline, trail) = describe_js_error(js_error);
                // A failed dynamic import: where it was written, then the stack of the code
                // that imported.
                if let Some(blamed) = js_error.message.as_deref().and_then(|message| sources.blamed(message)) {
                    return ScriptError::blamed(headline, blamed, sources, &trail);
                }
                let snippet = first_script_position(js_error)
                    .and_then(|(url, line, column)| snippet_at(sources, &url, line, column));
                ScriptError { headline, snippet, trail }
            }
            other => {
                let headline = other.to_string();
                match sources.blamed(&headline) {
                    Some(blamed) => ScriptError::blamed(headline, blamed, sources, ""),
                    None => ScriptError { headline, snippet: None, trail: String::new() },
                }
            }
        }
    }

    /// An error shown at a failed import the loader recorded, with `at` it before `trail`.
    fn blamed(headline: String, (url, line, column): (String, usize, Option<usize>), sources: &Sources, trail: &str) -> Self {
        let shown = crate::loader::display_specifier(&url);
        let at = match column {
            Some(column) => format!("\n    at {shown}:{line}:{column}"),
            None => format!("\n    at {shown}:{line}"),
        };
        ScriptError { headline, snippet: snippet_at(sources, &url, line, column), trail: at + trail }
    }

    /// The error as text; with `color`, the source line dim and the caret red.
    pub fn render(&self, color: bool) -> String {
        let mut text = self.headline.clone();
        if let Some(snippet) = &self.snippet {
            text.push_str("\n    ");
            text.push_str(&paint(color, Style::Dim, &snippet.text));
            if let Some(caret) = snippet.caret {
                text.push_str("\n    ");
                text.push_str(&" ".repeat(caret));
                text.push_str(&paint(color, Style::Red, "^"));
            }
        }
        text.push_str(&self.trail);
        text
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for ScriptError {}

/// How the CLI prints an error that ends it: `error: ` and the error (a [`ScriptError`] with
/// its source line, anything else with its causes); with `color`, "error" in red.
pub fn report(error: &anyhow::Error, color: bool) -> String {
    let body = match error.downcast_ref::<ScriptError>() {
        Some(script_error) => script_error.render(color),
        None => format!("{error:#}"),
    };
    format!("{}: {body}", paint(color, Style::BoldRed, "error"))
}

/// Where the error points in the script's own code: its first frame there (a parse error's
/// only frame is its position), skipping code made by `eval`/`new Function` (whose line
/// numbers count from the start of that code, not of the file).
fn first_script_position(error: &JsError) -> Option<(String, usize, Option<usize>)> {
    let frame = error.frames.iter().find(|f| !is_internal_frame(f) && !f.is_eval)?;
    let line = usize::try_from(frame.line_number?).ok()?;
    let column = frame.column_number.and_then(|c| usize::try_from(c).ok());
    Some((frame.file_name.clone()?, line, column))
}

fn snippet_at(sources: &Sources, url: &str, line: usize, column: Option<usize>) -> Option<Snippet> {
    let text = sources.text(url)?;
    let shown = snippet(nth_line(&text, line)?, column);
    (!shown.text.is_empty()).then_some(shown)
}

/// Formats an error the way `wasmcap` prints it after `error: `: the exception with its stack,
/// paths relative to the current directory (no source line: see [`ScriptError`]).
pub fn format_core_error(error: &CoreError) -> String {
    match error.0.as_ref() {
        CoreErrorKind::Js(js_error) => format_js_error(js_error),
        other => other.to_string(),
    }
}

pub fn format_js_error(error: &JsError) -> String {
    let (headline, trail) = describe_js_error(error);
    headline + &trail
}

/// The exception's message, and its stack and causes (each line starting with a newline).
fn describe_js_error(error: &JsError) -> (String, String) {
    let cwd = std::env::current_dir().ok().and_then(|d| ModuleSpecifier::from_directory_path(d).ok());
    let mut trail = String::new();
    let is_syntax_error = error.name.as_deref() == Some("SyntaxError") || error.exception_message.starts_with("Uncaught SyntaxError");
    for frame in error.frames.iter().filter(|f| !is_internal_frame(f)) {
        trail.push_str("\n    at ");
        if is_syntax_error && frame.function_name.is_none() {
            // A parse error has a position, not a caller: `file:line:col`.
            trail.push_str(&format_location::<Relative>(frame, cwd.as_ref()));
        } else {
            trail.push_str(&format_frame::<Relative>(frame, cwd.as_ref()));
        }
    }
    if let Some(cause) = &error.cause {
        trail.push_str("\nCaused by: ");
        trail.push_str(format_js_error(cause).trim_start_matches("Uncaught "));
    }
    (error.exception_message.clone(), trail)
}

pub(super) fn not_in_promise(mut error: CoreError) -> CoreError {
    if let CoreErrorKind::Js(js_error) = error.0.as_mut() {
        if let Some(rest) = js_error.exception_message.strip_prefix("Uncaught (in promise) ") {
            js_error.exception_message = format!("Uncaught {rest}");
        }
    }
    error
}

/// Frames in the runtime's own JS (the prelude, the `wasmcap:` modules) are hidden from stack
/// traces: an error reads as thrown where the script called the API, and golden files do not
/// change with every release of the shim.
fn is_internal_frame(frame: &deno_core::error::JsStackFrame) -> bool {
    frame.file_name.as_deref().is_some_and(|f| f.starts_with("ext:") || f.starts_with("wasmcap:"))
}

fn is_internal_frame_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("at ")
        && ["(ext:", "(wasmcap:", "at ext:", "at wasmcap:"].iter().any(|marker| line.contains(marker))
}

/// Formats stack frames with file paths relative to the current directory (deno_core prints
/// the directory part separately, for colouring: drop it).
struct Relative;

impl ErrorFormat for Relative {
    fn fmt_element(element: ErrorElement, _in_extension_code: bool, s: &str) -> Cow<'_, str> {
        match element {
            ErrorElement::WorkingDirPath => Cow::Borrowed(""),
            _ => Cow::Borrowed(s),
        }
    }
}

/// deno_core's `Error.prepareStackTrace` callback, with the current directory's URL stripped
/// from the result, so that `error.stack` (and so `console.log(error)`) shows relative paths.
pub(super) fn relative_stack_trace<'s, 'i>(
    scope: &mut v8::PinScope<'s, 'i>,
    error: v8::Local<'s, v8::Value>,
    callsites: v8::Local<'s, v8::Array>,
) -> v8::Local<'s, v8::Value> {
    let stack = deno_core::error::prepare_stack_trace_callback(scope, error, callsites);
    let Some(cwd) = JsRuntime::op_state_from(scope)
        .borrow()
        .try_borrow::<deno_core::error::InitialCwd>()
        .map(|c| c.0.to_string())
    else {
        return stack;
    };
    if !stack.is_string() {
        return stack;
    }
    let text = stack.to_rust_string_lossy(scope);
    // Also drop frames inside the runtime's own JS (see `is_internal_frame`).
    let relative: Vec<&str> = text.split('\n').filter(|line| !is_internal_frame_line(line)).collect();
    let relative = relative.join("\n").replace(&cwd, "");
    v8::String::new(scope, &relative).map(Into::into).unwrap_or(stack)
}
