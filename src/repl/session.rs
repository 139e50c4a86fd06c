//! The session: one runtime driven through its inspector. Code is evaluated in REPL mode, its
//! value recorded as `_` (or `_error`) and inspected for printing, and the event loop is run
//! until the answer comes, printing the errors it reports on the way.

use std::task::Poll;

use anyhow::{anyhow, bail};
use deno_core::PollEventLoopOptions;
use deno_core::serde_json::{Value, json};

use crate::runtime::inspector::{InspectorClient, call_argument, exception_text, into_result};
use super::interrupt::Interrupter;
use super::print_error;
use crate::runtime::format_core_error;
use crate::{Options, Runtime};

/// The REPL's own JavaScript, run once in every fresh runtime before any user input, with the
/// prelude's `inspect` (see `Runtime::call_with_inspect`). It keeps `_`/`_error` and exposes a
/// frozen hook object the host calls through the inspector.
const HOOKS_JS: &str = include_str!("../../js/repl_hooks.js");
// 7-bit ASCII, as all of js/: deno_core then hands static text to V8 without a copy.
const _: () = assert!(HOOKS_JS.is_ascii());

/// Object group for evaluation results: released after each input, so that the inspector does
/// not keep every value ever printed alive (`_` keeps the last one).
const RESULT_GROUP: &str = "wasmcap-repl-results";

/// What an evaluation came to.
pub(super) enum Outcome {
    /// The completion value (a CDP `RemoteObject`), and errors the event loop reported in the
    /// same turn the value arrived (an unhandled rejection of the value itself): printed after
    /// the value.
    Value { object: Value, later_errors: Vec<String> },
    /// An exception (CDP `ExceptionDetails`).
    Thrown { details: Value, later_errors: Vec<String> },
    /// The code awaits something nothing will ever settle (reported when piped; on a terminal
    /// the REPL waits for Ctrl+C instead).
    NeverSettles,
    /// Ctrl+C.
    Interrupted,
    /// A limit stopped it (the caller reads why from the runtime).
    Stopped,
    /// `process.exit()` (the caller reads the code from the runtime).
    Exited,
}

/// How a run of the event loop ended.
pub(super) enum Driven {
    /// The awaited inspector response, with errors to print after the result.
    Response(Value, Vec<String>),
    /// Nothing left to do (and no response came).
    Idle,
    /// Not idle yet, but nothing is ready now (`run_ready_work`).
    Waiting,
    Interrupted,
    /// A limit (`--timeout`, `--max-heap`) stopped the script.
    Stopped,
    Exited(i32),
}

pub(super) struct Session {
    // Declared before `runtime`, so dropped first: deno_core requires inspector sessions to
    // be gone before the runtime.
    pub(super) inspector: InspectorClient,
    pub(super) runtime: Runtime,
    pub(super) context_id: u64,
    /// The remote object id of the hook object from `HOOKS_JS`.
    hooks: String,
    /// Results are printed in colour (an interactive REPL on a colour terminal).
    colors: bool,
}

impl Session {
    /// A fresh runtime with the REPL hooks installed and the capabilities preloaded. Preload
    /// failures are reported as warnings: the REPL is still useful without them.
    /// `colors`: results are inspected in colour (a terminal that takes it).
    pub(super) async fn start(options: Options, colors: bool) -> anyhow::Result<Self> {
        let output = options.output.clone();
        let mut runtime = Runtime::new(options)?;
        runtime.call_with_inspect(HOOKS_JS).map_err(|e| anyhow!("the REPL's setup script failed: {e:#}"))?;
        let mut inspector = InspectorClient::connect(runtime.js_runtime());
        inspector.call("Runtime.enable", json!({}))?;
        let context_id = inspector
            .context_id()
            .ok_or_else(|| anyhow!("the inspector reported no execution context"))?;
        let hooks = inspector.call(
            "Runtime.evaluate",
            json!({
                "expression": "globalThis[Symbol.for('wasmcap.repl')]",
                "contextId": context_id,
                "objectGroup": "wasmcap-repl-hooks",
            }),
        )?;
        if let Some(details) = hooks.get("exceptionDetails") {
            bail!("the REPL's setup script failed: {}", exception_text(details));
        }
        let hooks = hooks["result"]["objectId"]
            .as_str()
            .ok_or_else(|| anyhow!("the REPL's setup script returned no object"))?
            .to_string();
        let mut session = Session { inspector, runtime, context_id, hooks, colors };

        let id = session.inspector.post(
            "Runtime.callFunctionOn",
            json!({
                "functionDeclaration": "function () { return this.preload(); }",
                "objectId": session.hooks,
                "awaitPromise": true,
                "returnByValue": true,
            }),
        );
        match session.drive(Some(id), None).await {
            Driven::Response(response, errors) => {
                for error in errors {
                    print_error(&output, &error);
                }
                let response = into_result(response)?;
                for failure in response["result"]["value"].as_array().into_iter().flatten() {
                    let failure = failure.as_str().unwrap_or_default();
                    print_error(&output, &format!("warning: could not preload {failure}"));
                }
            }
            _ => bail!("preloading the capabilities did not finish"),
        }
        Ok(session)
    }

    pub(super) fn exit_requested(&self) -> Option<i32> {
        match self.runtime.exit_status() {
            (true, code) => Some(code),
            (false, _) => None,
        }
    }

    /// Evaluates `code` in REPL mode and waits for it, running the event loop meanwhile.
    pub(super) async fn evaluate(&mut self, code: &str, interrupter: Option<&Interrupter>) -> anyhow::Result<Outcome> {
        let expression = self.object_literal_wrapped(code)?.unwrap_or_else(|| code.to_string());
        let id = self.inspector.post(
            "Runtime.evaluate",
            json!({
                "expression": expression,
                "contextId": self.context_id,
                "replMode": true,
                "objectGroup": RESULT_GROUP,
            }),
        );
        Ok(match self.drive(Some(id), interrupter).await {
            Driven::Response(response, later_errors) => {
                let result = into_result(response)?;
                match result.get("exceptionDetails") {
                    Some(details) => Outcome::Thrown { details: details.clone(), later_errors },
                    None => Outcome::Value { object: result["result"].clone(), later_errors },
                }
            }
            Driven::Idle | Driven::Waiting => Outcome::NeverSettles,
            // The caller checks the interrupter and reports the interruption.
            Driven::Interrupted => Outcome::Interrupted,
            Driven::Stopped => Outcome::Stopped,
            Driven::Exited(_) => Outcome::Exited,
        })
    }

    /// Node's rule: an input that starts with `{` and does not end with `;` is tried as an
    /// expression first, so `{a: 1}` is an object rather than a block with a label. Returns the
    /// wrapped code if it parses (checked without running anything).
    fn object_literal_wrapped(&mut self, code: &str) -> anyhow::Result<Option<String>> {
        let trimmed = code.trim();
        if !trimmed.starts_with('{') || trimmed.ends_with(';') {
            return Ok(None);
        }
        // The newline keeps a trailing `// comment` from swallowing the parenthesis.
        let wrapped = format!("({trimmed}\n)");
        // An async arrow body accepts exactly the expressions REPL mode would, `await` included.
        let probe = self.inspector.call(
            "Runtime.compileScript",
            json!({
                "expression": format!("(async () => {wrapped})"),
                "sourceURL": "",
                "persistScript": false,
                "executionContextId": self.context_id,
            }),
        )?;
        Ok(probe.get("exceptionDetails").is_none().then_some(wrapped))
    }

    /// Stores an evaluation's value as `_` (or a thrown value as `_error`) and returns it
    /// inspected, as `console.log` would show it.
    pub(super) fn record(&mut self, object: &Value, thrown: bool) -> String {
        let response = self.inspector.call(
            "Runtime.callFunctionOn",
            json!({
                "functionDeclaration": "function (value, thrown, colors) { return this.record(value, thrown, colors); }",
                "objectId": self.hooks,
                "arguments": [call_argument(object), { "value": thrown }, { "value": self.colors }],
                "returnByValue": true,
                "silent": true,
            }),
        );
        let why = match &response {
            Ok(response) => match (response.get("exceptionDetails"), response["result"]["value"].as_str()) {
                (None, Some(text)) => return text.to_string(),
                (details, _) => details.map(exception_text).unwrap_or_else(|| "no text".to_string()),
            },
            Err(e) => format!("{e:#}"),
        };
        // Inspecting threw (a hostile proxy, say): V8's own one-line description will do.
        let description = object["description"].as_str().or(object["type"].as_str()).unwrap_or("a value");
        format!("{description} [could not be inspected: {why}]")
    }

    pub(super) fn release_results(&mut self) -> anyhow::Result<()> {
        self.inspector.call("Runtime.releaseObjectGroup", json!({ "objectGroup": RESULT_GROUP }))?;
        Ok(())
    }

    /// Runs what is ready now (settled promises, expired timers) without waiting for more.
    pub(super) async fn run_ready_work(&mut self, interrupter: Option<&Interrupter>) -> Driven {
        let mut drive = std::pin::pin!(self.drive(None, interrupter));
        std::future::poll_fn(|cx| match drive.as_mut().poll(cx) {
            Poll::Ready(driven) => Poll::Ready(driven),
            Poll::Pending => Poll::Ready(Driven::Waiting),
        })
        .await
    }

    /// Runs the event loop until the response to `awaited` arrives (or, with `None`, until the
    /// loop is idle), printing the errors it reports (uncaught exceptions in timers, unhandled
    /// rejections) as they come.
    async fn drive(&mut self, awaited: Option<i32>, interrupter: Option<&Interrupter>) -> Driven {
        std::future::poll_fn(|cx| {
            let mut errors = Vec::new();
            // Errors are reported one per turn; keep turning while there are more.
            loop {
                if let Some(code) = self.exit_requested() {
                    return Poll::Ready(Driven::Exited(code));
                }
                if interrupter.is_some_and(Interrupter::was_interrupted) {
                    return Poll::Ready(Driven::Interrupted);
                }
                // V8 stays terminated until the caller recovers: turning again would only
                // report the termination again.
                if self.runtime.stopped().is_some() {
                    return Poll::Ready(Driven::Stopped);
                }
                if let Some(response) = awaited.and_then(|id| self.inspector.take_response(id)) {
                    return Poll::Ready(Driven::Response(response, errors));
                }
                for error in errors.drain(..) {
                    print_error(self.runtime.output(), &error);
                }
                if let Some(interrupter) = interrupter {
                    interrupter.waker.register(cx.waker());
                }
                let turn = self.runtime.js_runtime().poll_event_loop(cx, PollEventLoopOptions::default());
                match turn {
                    Poll::Ready(Err(e)) => {
                        if self.exit_requested().is_none() && !interrupter.is_some_and(Interrupter::was_interrupted) {
                            errors.push(format_core_error(&e));
                        }
                    }
                    Poll::Ready(Ok(())) => {
                        if let Some(driven) = self.after_turn(awaited, &mut errors) {
                            return Poll::Ready(driven);
                        }
                        // With Ctrl+C at hand, an await that looks stuck is left to the user, as
                        // in Node and Deno: deno_core's idle signal is unreliable after a timer
                        // callback was interrupted (its timer ref count stays off). The event
                        // loop has registered its wakers; so has the interrupter.
                        if awaited.is_some() && interrupter.is_some() {
                            return Poll::Pending;
                        }
                        return Poll::Ready(Driven::Idle);
                    }
                    Poll::Pending => {
                        return match self.after_turn(awaited, &mut errors) {
                            Some(driven) => Poll::Ready(driven),
                            None => Poll::Pending,
                        };
                    }
                }
            }
        })
        .await
    }

    /// After a turn of the event loop: the awaited response if it came (with the errors
    /// reported meanwhile, for the caller to print after it), else print the errors and end
    /// the drive if the script asked to exit.
    fn after_turn(&mut self, awaited: Option<i32>, errors: &mut Vec<String>) -> Option<Driven> {
        if let Some(response) = awaited.and_then(|id| self.inspector.take_response(id)) {
            return Some(Driven::Response(response, std::mem::take(errors)));
        }
        for error in errors.drain(..) {
            print_error(self.runtime.output(), &error);
        }
        self.exit_requested().map(Driven::Exited)
    }

}
