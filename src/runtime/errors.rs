//! How errors read: the exception with its stack, paths relative to the current directory, and
//! frames inside wasmcap's own JS hidden.

use std::borrow::Cow;

use deno_core::error::{CoreError, CoreErrorKind, ErrorElement, ErrorFormat, JsError, format_frame, format_location};
use deno_core::{JsRuntime, ModuleSpecifier, v8};

/// Formats an error the way `wasmcap` prints it after `error: `: the exception with its stack,
/// paths relative to the current directory.
pub fn format_core_error(error: &CoreError) -> String {
    match error.0.as_ref() {
        CoreErrorKind::Js(js_error) => format_js_error(js_error),
        other => other.to_string(),
    }
}

pub fn format_js_error(error: &JsError) -> String {
    let cwd = std::env::current_dir().ok().and_then(|d| ModuleSpecifier::from_directory_path(d).ok());
    let mut text = error.exception_message.clone();
    let is_syntax_error = error.name.as_deref() == Some("SyntaxError") || error.exception_message.starts_with("Uncaught SyntaxError");
    for frame in error.frames.iter().filter(|f| !is_internal_frame(f)) {
        text.push_str("\n    at ");
        if is_syntax_error && frame.function_name.is_none() {
            // A parse error has a position, not a caller: `file:line:col`.
            text.push_str(&format_location::<Relative>(frame, cwd.as_ref()));
        } else {
            text.push_str(&format_frame::<Relative>(frame, cwd.as_ref()));
        }
    }
    if let Some(cause) = &error.cause {
        text.push_str("\nCaused by: ");
        text.push_str(&format_js_error(cause).trim_start_matches("Uncaught ").to_string());
    }
    text
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
