//! What the editor thread and the runtime thread say to each other. The runtime (and V8) stays
//! on its own thread; the editor thread reads lines, and asks the runtime what only it knows
//! (completions, whether V8 finds an input unfinished) with a bounded wait, so that a runtime
//! busy in a timer never freezes the keyboard.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

/// How long the editor waits for an answer before it makes do without one.
pub(super) const ANSWER_WAIT: Duration = Duration::from_secs(2);

/// What the user did at the prompt. Each one is answered with a [`Next`].
pub(super) enum Input {
    Line(String),
    /// Ctrl+C with something typed: the input was discarded.
    Cleared,
    /// Ctrl+C on an empty line.
    InterruptedEmpty,
    /// Ctrl+D.
    End,
    /// The terminal failed (the text says how).
    Failed(String),
}

/// From the editor thread to the runtime thread.
pub(super) enum FromEditor {
    Input(Input),
    /// Tab: the completions of `line` at byte `pos`, and where they start.
    Complete { line: String, pos: usize, answer: SyncSender<(usize, Vec<String>)> },
}

/// From the runtime thread to the editor thread, after each [`Input`].
pub(super) enum Next {
    /// Read the next line.
    Prompt,
    /// The session is over.
    Stop,
}

/// Asks the runtime thread through `to_runtime` and waits at most [`ANSWER_WAIT`]; `None` if
/// it did not answer (busy, or gone).
pub(super) fn ask<T>(
    to_runtime: &UnboundedSender<FromEditor>,
    question: impl FnOnce(SyncSender<T>) -> FromEditor,
) -> Option<T> {
    let (answer, answered): (SyncSender<T>, Receiver<T>) = sync_channel(1);
    to_runtime.send(question(answer)).ok()?;
    answered.recv_timeout(ANSWER_WAIT).ok()
}
