//! The terminal driver, on the runtime's thread: starts the line editor's thread, answers its
//! questions, evaluates what it reads, and between inputs runs the event loop (`idle`) with
//! output printed above the prompt (`printer`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use tokio::sync::mpsc::unbounded_channel;

use super::channel::{FromEditor, Input, Next};
use super::commands::is_command;
use super::editor::{self, SavedTerminal};
use super::idle::Waited;
use super::interrupt::Interrupter;
use super::printer::Printer;
use super::{Flow, MakeOptions, Repl, new_tokio};

/// When a callback ends the REPL while the editor shows its prompt: how long to leave the
/// editor thread to show the last message it was handed (rustyline says nothing once shown).
const LAST_MESSAGE_GRACE: Duration = Duration::from_millis(100);

pub(super) fn run(make_options: MakeOptions, history: Option<PathBuf>) -> anyhow::Result<i32> {
    let interrupter = Interrupter::install()?;
    let printer = Printer::new();
    let terminal = SavedTerminal::save();
    new_tokio()?.block_on(async {
        let mut repl = Repl::start(make_options, Some(printer.output()), Some(interrupter.clone()), true).await?;
        repl.print(&format!(
            "wasmcap {} REPL: Monocypher (and an instance, mc), twoSum, twoSumJs and Guest are preloaded.\n\
             Type .help for help, Ctrl+D to exit.",
            env!("CARGO_PKG_VERSION")
        ));
        let (to_runtime, mut inbox) = unbounded_channel();
        let (to_editor, next) = std::sync::mpsc::channel();
        let editor = editor::spawn(to_runtime, next, history, interrupter, printer.clone())?;
        printer.set_above_prompt(true);
        let _ = to_editor.send(Next::Prompt);
        let mut exit_armed = false;
        loop {
            let input = match repl.wait_for(&mut inbox).await? {
                Waited::Message(FromEditor::Input(input)) => input,
                Waited::Message(FromEditor::Complete { line, pos, answer }) => {
                    let _ = answer.send(repl.session()?.complete(&line, pos));
                    continue;
                }
                // A callback called `process.exit()` while the editor reads a line: that thread
                // cannot be woken, so put the terminal back for it.
                Waited::Exit(code) => {
                    printer.finish();
                    std::thread::sleep(LAST_MESSAGE_GRACE);
                    terminal.restore()?;
                    return Ok(code);
                }
                Waited::Closed => bail!("the line editor stopped"),
            };
            // The editor waits for the word: print straight out, in order.
            printer.set_above_prompt(false);
            let flow = match input {
                Input::Line(line) => {
                    exit_armed = false;
                    if is_command(&line) { repl.command(&line).await? } else { repl.eval_input(&line).await? }
                }
                Input::Cleared => {
                    exit_armed = false;
                    Flow::Continue
                }
                // This Ctrl+C stopped a timer callback that did not return: not a step to exit.
                Input::InterruptedEmpty if std::mem::take(&mut repl.idle_interrupted) => Flow::Continue,
                Input::InterruptedEmpty if exit_armed => Flow::Exit(repl.exit_code()),
                Input::InterruptedEmpty => {
                    exit_armed = true;
                    repl.print("(To exit, press Ctrl+C again or Ctrl+D or type .exit)");
                    Flow::Continue
                }
                Input::End => Flow::Exit(repl.exit_code()),
                Input::Failed(why) => {
                    let _ = to_editor.send(Next::Stop);
                    bail!(why);
                }
            };
            repl.idle_interrupted = false;
            match flow {
                Flow::Continue => {
                    printer.set_above_prompt(true);
                    let _ = to_editor.send(Next::Prompt);
                }
                Flow::Exit(code) => {
                    let _ = to_editor.send(Next::Stop);
                    let _ = editor.join();
                    printer.finish();
                    return Ok(code);
                }
            }
        }
    })
}
