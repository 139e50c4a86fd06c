//! The dot-commands: `.help`, `.exit`, `.clear`, `.load FILE` and `.save FILE`. The two that
//! touch files are held to the same grants as `wasmcap:fs`.

use super::{Flow, Repl, print_error};

const HELP: &str = "\
Commands:
  .help        Show this help
  .exit        Exit the REPL (also Ctrl+D, or Ctrl+C twice on an empty line)
  .clear       Start over in a fresh runtime (the capabilities are preloaded again)
  .load FILE   Evaluate FILE's contents in this session, as if typed
  .save FILE   Save the code entered in this session to FILE

Preloaded capabilities (globals):
  Monocypher, AuthenticationError   from wasmcap:monocypher
  mc                                a Monocypher instance: mc.generateKey(), mc.lock(...), mc.unlock(...)
  twoSum, twoSumJs                  from wasmcap:twosum
  Guest                             from wasmcap:guest

_ is the last result and _error the last thrown error. Top-level await works, and let/const
may be declared again. Keys: Tab completes, Up/Down and Ctrl+R search history, Ctrl+C clears
the input or interrupts a running evaluation, Ctrl+D exits.";

/// The largest file `.load` reads (16 MiB).
const MAX_LOAD_BYTES: u64 = 16 << 20;

/// Every dot-command, for Tab completion.
pub(super) const COMMANDS: &[&str] = &[".clear", ".exit", ".help", ".load", ".save"];

/// Whether `line`, typed at the start of an input, is a dot-command (`.help`) rather than code.
/// A dot followed by a digit is a number (`.5`).
pub(super) fn is_command(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('.') && line[1..].starts_with(|c: char| c.is_ascii_alphabetic())
}

impl Repl {
    /// Runs a dot-command line.
    pub(super) async fn command(&mut self, line: &str) -> anyhow::Result<Flow> {
        let line = line.trim();
        let (name, argument) = match line.split_once(char::is_whitespace) {
            Some((name, rest)) => (name, rest.trim()),
            None => (line, ""),
        };
        match name {
            ".help" => self.print(HELP),
            ".exit" => return Ok(Flow::Exit(self.exit_code())),
            ".clear" => {
                self.print("Clearing context...");
                // Drop the old runtime first: V8 isolates must be dropped in reverse order of
                // creation.
                self.session = None;
                self.entered.clear();
                self.start_session().await?;
            }
            ".load" if argument.is_empty() => print_error(&self.output, "usage: .load FILE"),
            // Boxed: `.load` evaluates lines, and evaluating lines may run a command.
            ".load" => return Box::pin(self.load(argument)).await,
            ".save" if argument.is_empty() => print_error(&self.output, "usage: .save FILE"),
            ".save" => {
                let mut text = self.entered.join("\n");
                if !text.is_empty() {
                    text.push('\n');
                }
                let saved = self
                    .open_granted(crate::permissions::Access::Write, argument)
                    .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| e.to_string()));
                match saved {
                    Ok(()) => self.print(&format!("Session saved to {argument}")),
                    Err(why) => print_error(&self.output, &format!("error: cannot save to {argument}: {why}")),
                }
            }
            _ => print_error(&self.output, &format!("unknown command '{name}': type .help for the list")),
        }
        Ok(Flow::Continue)
    }

    /// The path a dot-command may use for `file`: the same grant check as `wasmcap:fs`
    /// (`--allow-read`/`--allow-write` given to `wasmcap repl`; none by default), so a piped
    /// transcript can no more read or write files than a script can.
    fn open_granted(&self, access: crate::permissions::Access, file: &str) -> Result<std::fs::File, String> {
        use crate::permissions::{Access, Refusal};
        let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
        let target = self.permissions.check(access, file, &cwd).map_err(|refusal| match refusal {
            Refusal::Invalid(why) => format!("TypeError: {why}"),
            Refusal::Denied(why) => format!("PermissionDenied: {why}"),
        })?;
        // Opened beneath the granted directory, as wasmcap:fs does: no symbolic link out.
        let escape = |e: std::io::Error| {
            if crate::permissions::is_escape(&e) {
                format!("PermissionDenied: it leads out of the directory granted by {}", access.flag())
            } else {
                e.to_string()
            }
        };
        let place = target.place().map_err(escape)?;
        let opened = match access {
            Access::Read => place.open_read(),
            Access::Write => place.open_write(false),
        };
        // A FIFO with no reader refuses a non-blocking open for writing.
        let file = opened.map_err(|e| match e.raw_os_error() {
            Some(libc::ENXIO) => "it is a FIFO, not a regular file".to_string(),
            _ => escape(e),
        })?;
        let kind = file.metadata().map_err(|e| e.to_string())?.file_type();
        use std::os::unix::fs::FileTypeExt;
        let what = if kind.is_file() {
            return Ok(file);
        } else if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_block_device() || kind.is_char_device() {
            "a device"
        } else {
            "a socket"
        };
        Err(format!("it is {what}, not a regular file"))
    }

    /// `.load FILE`: the file's code, evaluated input by input as if it were typed (dot-commands
    /// in it are code).
    async fn load(&mut self, file: &str) -> anyhow::Result<Flow> {
        let code = self.open_granted(crate::permissions::Access::Read, file).and_then(|mut opened| {
            let bytes = crate::permissions::read_bounded(&mut opened, MAX_LOAD_BYTES).map_err(|e| e.to_string())?;
            String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
        });
        let code = match code {
            Ok(code) => code,
            Err(why) => {
                print_error(&self.output, &format!("error: cannot load {file}: {why}"));
                return Ok(Flow::Continue);
            }
        };
        self.eval_lines(code.lines().map(str::to_string), false).await
    }
}

#[cfg(test)]
mod tests {
    use super::is_command;

    #[test]
    fn commands_are_dot_words_not_numbers() {
        assert!(is_command(".help"));
        assert!(is_command("  .load x.js"));
        assert!(!is_command(".5 + 1"));
        assert!(!is_command("a.b"));
    }
}
