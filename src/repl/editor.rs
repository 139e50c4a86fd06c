//! The terminal's line editor, on its own thread: rustyline with history (kept in a file),
//! Ctrl+R, multi-line input while an input is incomplete, Tab completion, and Ctrl+C that clears
//! the line (twice on an empty line exits). It reads a line, hands it to the runtime thread and
//! waits for the word to read the next one (see `channel`); meanwhile the runtime thread keeps
//! the event loop running, and prints above the prompt through the editor's `ExternalPrinter`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

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
use tokio::sync::mpsc::UnboundedSender;

use super::channel::{FromEditor, Input, Next, ask};
use super::commands::is_command;
use super::interrupt::Interrupter;
use super::printer::Printer;
use super::is_complete_input;

/// How long Ctrl+C at the prompt waits for the runtime thread before it interrupts what that
/// thread runs (a timer callback that does not return).
const CTRL_C_PATIENCE: Duration = Duration::from_millis(500);

/// Starts the editor thread. It reads a line each time `next` says [`Next::Prompt`], and ends
/// at [`Next::Stop`] (or when the runtime thread is gone).
pub(super) fn spawn(
    to_runtime: UnboundedSender<FromEditor>,
    next: Receiver<Next>,
    history: Option<PathBuf>,
    interrupter: Arc<Interrupter>,
    printer: Printer,
) -> anyhow::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("wasmcap-repl-editor".into())
        .spawn(move || {
            let mut editor = match LineEditor::new(to_runtime.clone(), history) {
                Ok(editor) => editor,
                Err(e) => {
                    let _ = to_runtime.send(FromEditor::Input(Input::Failed(format!("{e:#}"))));
                    return;
                }
            };
            // Without a printer (stdout is not the terminal), output simply goes straight out.
            if let Ok(external) = editor.editor.create_external_printer() {
                if let Err(e) = printer.start_relay(external) {
                    eprintln!("warning: cannot print above the prompt: {e}");
                }
            }
            let mut word = next.recv();
            while let Ok(Next::Prompt) = word {
                let input = editor.read();
                let ctrl_c = matches!(input, Input::Cleared | Input::InterruptedEmpty);
                if to_runtime.send(FromEditor::Input(input)).is_err() {
                    return;
                }
                // Ctrl+C that the runtime does not take up at once: it is running a timer
                // callback, which the key then interrupts (while the editor reads, the terminal
                // is raw and Ctrl+C is a key, not a SIGINT).
                word = match ctrl_c.then(|| next.recv_timeout(CTRL_C_PATIENCE)) {
                    Some(Ok(word)) => Ok(word),
                    Some(Err(RecvTimeoutError::Timeout)) => {
                        interrupter.interrupt();
                        next.recv()
                    }
                    Some(Err(RecvTimeoutError::Disconnected)) => return,
                    None => next.recv(),
                };
            }
        })
        .context("cannot start the line editor's thread")
}

/// rustyline with the REPL's helper and a persistent history.
struct LineEditor {
    editor: Editor<ReplHelper, DefaultHistory>,
    history: Option<PathBuf>,
    /// Set by the Ctrl+C binding: whether the line was empty when it was pressed.
    ctrl_c_on_empty: Arc<AtomicBool>,
}

impl LineEditor {
    fn new(to_runtime: UnboundedSender<FromEditor>, history: Option<PathBuf>) -> anyhow::Result<Self> {
        let config = Config::builder()
            .max_history_size(1000)
            .context("invalid history size")?
            .history_ignore_dups(true)
            .context("invalid history setting")?
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .build();
        let mut editor = Editor::with_config(config).context("cannot set up the line editor")?;
        editor.set_helper(Some(ReplHelper { to_runtime }));
        let ctrl_c_on_empty = Arc::new(AtomicBool::new(false));
        editor.bind_sequence(
            KeyEvent::ctrl('C'),
            EventHandler::Conditional(Box::new(NoteEmptyLine(ctrl_c_on_empty.clone()))),
        );
        if let Some(path) = &history {
            match editor.load_history(path) {
                Ok(()) => {}
                Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => eprintln!("warning: cannot read the REPL history {}: {e}", path.display()),
            }
        }
        Ok(LineEditor { editor, history, ctrl_c_on_empty })
    }

    fn read(&mut self) -> Input {
        match self.editor.readline("> ") {
            Ok(line) => {
                self.remember(&line);
                Input::Line(line)
            }
            Err(ReadlineError::Interrupted) if self.ctrl_c_on_empty.load(Ordering::SeqCst) => Input::InterruptedEmpty,
            Err(ReadlineError::Interrupted) => Input::Cleared,
            Err(ReadlineError::Eof) => Input::End,
            Err(e) => Input::Failed(format!("cannot read input: {e}")),
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
pub(super) fn history_path() -> Option<PathBuf> {
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

/// Completion, and multi-line input while brackets, strings, template literals or comments are
/// open, or while V8 finds the input unfinished: the questions only the runtime can answer are
/// asked of it (see `channel::ask`).
struct ReplHelper {
    to_runtime: UnboundedSender<FromEditor>,
}

impl Completer for ReplHelper {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &rustyline::Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let line = line.to_string();
        Ok(ask(&self.to_runtime, |answer| FromEditor::Complete { line, pos, answer }).unwrap_or((pos, Vec::new())))
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        let complete = is_command(input) || is_complete_input(input);
        Ok(if complete { ValidationResult::Valid(None) } else { ValidationResult::Incomplete })
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {}

impl Helper for ReplHelper {}

/// The terminal's settings before the editor changed them, to put back if the REPL ends while
/// the editor is in the middle of reading a line (a timer called `process.exit()`): that
/// thread never gets to undo its raw mode.
pub(super) struct SavedTerminal(Option<libc::termios>);

impl SavedTerminal {
    pub(super) fn save() -> Self {
        let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills the struct when it returns 0.
        let saved = unsafe { libc::tcgetattr(libc::STDIN_FILENO, termios.as_mut_ptr()) == 0 }
            .then(|| unsafe { termios.assume_init() });
        SavedTerminal(saved)
    }

    /// Puts the settings back, turns bracketed paste off (rustyline turned it on) and ends the
    /// prompt's line.
    pub(super) fn restore(&self) -> anyhow::Result<()> {
        if let Some(termios) = &self.0 {
            // SAFETY: a termios that tcgetattr filled, for the same descriptor.
            if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSADRAIN, termios) } != 0 {
                return Err(anyhow!("cannot restore the terminal: {}", std::io::Error::last_os_error()));
            }
        }
        crate::Output::Inherit.write(false, b"\x1b[?2004l\n");
        Ok(())
    }
}
