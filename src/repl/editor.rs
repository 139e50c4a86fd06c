//! The terminal: rustyline with history (kept in a file), Ctrl+R, multi-line input while an
//! input is incomplete, Tab completion, and Ctrl+C that clears the line (twice on an empty line
//! exits).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context as _, anyhow};
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{
    CompletionType, ConditionalEventHandler, Config, Editor, Event, EventContext, EventHandler, Helper, KeyEvent,
    RepeatCount,
};

use super::commands::is_command;
use super::interrupt::Interrupter;
use super::{Flow, Repl, ReplOptions, SessionSlot, is_complete_input, new_tokio};
use crate::Output;
pub(super) fn run(options: &ReplOptions) -> anyhow::Result<i32> {
    let interrupter = Interrupter::install()?;
    new_tokio()?.block_on(async {
        let mut repl = Repl::start(options.clone(), Output::Inherit, Some(interrupter), false).await?;
        repl.print(&format!(
            "wasmcap {} REPL: Monocypher (and an instance, mc), twoSum, twoSumJs and Guest are preloaded.\n\
             Type .help for help, Ctrl+D to exit.",
            env!("CARGO_PKG_VERSION")
        ));
        let mut editor = LineEditor::new(repl.slot.clone())?;
        let mut exit_armed = false;
        loop {
            match editor.read()? {
                Input::Line(line) => {
                    exit_armed = false;
                    let flow = if is_command(&line) {
                        repl.command(&line).await?
                    } else {
                        repl.eval_input(&line).await?
                    };
                    if let Flow::Exit(code) = flow {
                        return Ok(code);
                    }
                }
                Input::Cleared => exit_armed = false,
                Input::InterruptedEmpty if exit_armed => return Ok(repl.exit_code()),
                Input::InterruptedEmpty => {
                    exit_armed = true;
                    repl.print("(To exit, press Ctrl+C again or Ctrl+D or type .exit)");
                }
                Input::End => return Ok(repl.exit_code()),
            }
        }
    })
}

enum Input {
    Line(String),
    /// Ctrl+C with something typed: the input was discarded.
    Cleared,
    /// Ctrl+C on an empty line.
    InterruptedEmpty,
    /// Ctrl+D.
    End,
}

/// rustyline with the REPL's helper and a persistent history.
struct LineEditor {
    editor: Editor<ReplHelper, DefaultHistory>,
    history: Option<PathBuf>,
    /// Set by the Ctrl+C binding: whether the line was empty when it was pressed.
    ctrl_c_on_empty: Arc<AtomicBool>,
}

impl LineEditor {
    fn new(slot: SessionSlot) -> anyhow::Result<Self> {
        let config = Config::builder()
            .max_history_size(1000)
            .context("invalid history size")?
            .history_ignore_dups(true)
            .context("invalid history setting")?
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .build();
        let mut editor = Editor::with_config(config).context("cannot set up the line editor")?;
        editor.set_helper(Some(ReplHelper { slot }));
        let ctrl_c_on_empty = Arc::new(AtomicBool::new(false));
        editor.bind_sequence(
            KeyEvent::ctrl('C'),
            EventHandler::Conditional(Box::new(NoteEmptyLine(ctrl_c_on_empty.clone()))),
        );
        let history = history_path();
        if let Some(path) = &history {
            match editor.load_history(path) {
                Ok(()) => {}
                Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => eprintln!("warning: cannot read the REPL history {}: {e}", path.display()),
            }
        }
        Ok(LineEditor { editor, history, ctrl_c_on_empty })
    }

    fn read(&mut self) -> anyhow::Result<Input> {
        match self.editor.readline("> ") {
            Ok(line) => {
                self.remember(&line);
                Ok(Input::Line(line))
            }
            Err(ReadlineError::Interrupted) => Ok(if self.ctrl_c_on_empty.load(Ordering::SeqCst) {
                Input::InterruptedEmpty
            } else {
                Input::Cleared
            }),
            Err(ReadlineError::Eof) => Ok(Input::End),
            Err(e) => Err(anyhow!("cannot read input: {e}")),
        }
    }

    /// Adds a line to the history and appends it to the history file at once, so a session
    /// that ends abruptly keeps it (and concurrent sessions do not overwrite each other).
    fn remember(&mut self, line: &str) {
        if line.trim().is_empty() || !self.editor.add_history_entry(line).unwrap_or(false) {
            return;
        }
        let Some(path) = &self.history else { return };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = self.editor.append_history(path) {
            let path = path.display();
            eprintln!("warning: cannot write the REPL history {path}: {e} (history is off for this session)");
            self.history = None;
        }
    }
}

/// `WASMCAP_REPL_HISTORY` (empty: no history file), else `<data dir>/wasmcap/repl_history`.
fn history_path() -> Option<PathBuf> {
    match std::env::var_os("WASMCAP_REPL_HISTORY") {
        Some(path) if path.is_empty() => None,
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::data_dir().map(|dir| dir.join("wasmcap").join("repl_history")),
    }
}

/// Records whether Ctrl+C was pressed on an empty line, then lets rustyline handle it.
struct NoteEmptyLine(Arc<AtomicBool>);

impl ConditionalEventHandler for NoteEmptyLine {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<rustyline::Cmd> {
        self.0.store(ctx.line().is_empty(), Ordering::SeqCst);
        None
    }
}

/// Completion through the session's inspector, and multi-line input while brackets,
/// strings, template literals or comments are open.
struct ReplHelper {
    slot: SessionSlot,
}

impl Completer for ReplHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(match self.slot.borrow_mut().as_mut() {
            Some(session) => session.complete(line, pos),
            None => (pos, Vec::new()),
        })
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        Ok(if is_command(input) || is_complete_input(input, self.slot.borrow_mut().as_mut()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {}

impl Helper for ReplHelper {}
