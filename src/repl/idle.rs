//! The event loop between inputs: while the REPL waits for the next one, timers fire and
//! promises settle, and what they print appears at once (above the prompt on a terminal).
//!
//! Limits while idle: each turn of the event loop (the callbacks that are due together) is held
//! to the same `--timeout` and `--max-heap` as an input, so a timer callback that loops forever
//! is stopped after `--timeout` (error printed, the session goes on). On a terminal, Ctrl+C
//! interrupts it too. Time spent waiting does not count. At the end of piped input the REPL
//! waits for what is still pending, like `node < file`, within one `--timeout` (exit 124).

use std::future::poll_fn;
use std::task::{Context, Poll};

use deno_core::PollEventLoopOptions;
use tokio::sync::mpsc::UnboundedReceiver;

use super::{Flow, Repl, print_error, within};
use crate::Stopped;
use crate::runtime::format_core_error;

/// What waiting for the next message came to.
pub(super) enum Waited<T> {
    Message(T),
    /// The sender is gone.
    Closed,
    /// A callback called `process.exit()`.
    Exit(i32),
}

impl Repl {
    /// The next message from `inbox` (input, or a question from the line editor), running the
    /// event loop until it comes. Messages come first: input that is already there is evaluated
    /// before timers that are due, as in Node.
    pub(super) async fn wait_for<T>(&mut self, inbox: &mut UnboundedReceiver<T>) -> anyhow::Result<Waited<T>> {
        // With nothing pending the loop is not polled again until a message comes (an input
        // may start new work, and the wait for the next one polls afresh).
        let mut loop_idle = false;
        Ok(poll_fn(|cx| {
            if let Poll::Ready(message) = inbox.poll_recv(cx) {
                return Poll::Ready(message.map_or(Waited::Closed, Waited::Message));
            }
            while !loop_idle {
                match self.idle_turn(cx) {
                    Turn::Exit(code) => return Poll::Ready(Waited::Exit(code)),
                    Turn::Idle => loop_idle = true,
                    Turn::Waiting => return Poll::Pending,
                    // Errors are reported one per turn: turn again, unless a message came.
                    Turn::Reported => {
                        if let Poll::Ready(message) = inbox.poll_recv(cx) {
                            return Poll::Ready(message.map_or(Waited::Closed, Waited::Message));
                        }
                    }
                }
            }
            Poll::Pending
        })
        .await)
    }

    /// One turn of the event loop, guarded as an input is.
    fn idle_turn(&mut self, cx: &mut Context) -> Turn {
        let Some(session) = self.session.as_mut() else { return Turn::Idle };
        let interrupter = self.interrupter.as_deref();
        if let Some(interrupter) = interrupter {
            interrupter.begin(session.runtime.js_runtime().v8_isolate().thread_safe_handle());
        }
        let guard = session.runtime.guard(self.timeout);
        let turn = session.runtime.js_runtime().poll_event_loop(cx, PollEventLoopOptions::default());
        drop(guard);
        let interrupted = interrupter.is_some_and(|i| i.end());
        if let Some(code) = session.exit_requested() {
            return Turn::Exit(code);
        }
        if let Some(why) = session.runtime.recover() {
            print_error(&self.output, &format!("error: {why}"));
            return Turn::Reported;
        }
        if interrupted {
            session.runtime.js_runtime().v8_isolate().cancel_terminate_execution();
            self.idle_interrupted = true;
            print_error(&self.output, "Uncaught Error: execution was interrupted");
            return Turn::Reported;
        }
        match turn {
            Poll::Ready(Err(e)) => {
                print_error(&self.output, &format_core_error(&e));
                Turn::Reported
            }
            Poll::Ready(Ok(())) => Turn::Idle,
            Poll::Pending => Turn::Waiting,
        }
    }

    /// At the end of piped input: runs the event loop until nothing is pending (errors are
    /// printed and the loop goes on), within one `--timeout`.
    pub(super) async fn finish_pending_work(&mut self) -> Flow {
        let timeout = self.timeout;
        let Some(session) = self.session.as_mut() else { return Flow::Continue };
        // Busy callbacks are stopped by the guard; the timer below stops the waiting.
        let guard = session.runtime.guard(timeout);
        let output = self.output.clone();
        let finished = within(
            timeout,
            poll_fn(|cx| loop {
                let turn = session.runtime.js_runtime().poll_event_loop(cx, PollEventLoopOptions::default());
                if session.exit_requested().is_some() || session.runtime.stopped().is_some() {
                    return Poll::Ready(());
                }
                match turn {
                    Poll::Ready(Err(e)) => print_error(&output, &format_core_error(&e)),
                    Poll::Ready(Ok(())) => return Poll::Ready(()),
                    Poll::Pending => return Poll::Pending,
                }
            }),
        )
        .await;
        drop(guard);
        if let Some(code) = session.exit_requested() {
            return Flow::Exit(code);
        }
        let stopped = session.runtime.stopped().or(match finished {
            Some(()) => None,
            None => timeout.map(Stopped::TimedOut),
        });
        match stopped {
            Some(why) => {
                print_error(&output, &format!("error: {why}"));
                Flow::Exit(why.exit_code())
            }
            None => Flow::Continue,
        }
    }
}

/// How one turn of the event loop between inputs ended.
enum Turn {
    /// Nothing is pending.
    Idle,
    /// Work is pending (a timer): the event loop wakes the task when it is due.
    Waiting,
    /// An error was printed (a throw in a callback, a stop by a limit, Ctrl+C).
    Reported,
    Exit(i32),
}
