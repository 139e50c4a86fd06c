//! Piped mode: no banner, no prompts. A reader thread hands over the lines of each chunk of
//! input as it arrives; each complete input is evaluated and its result printed, and the event
//! loop runs while no input is waiting (see `idle`), so a `setInterval` never holds back the
//! lines after it. At the end of the input the REPL waits for pending work, as `node < file`.

use std::io::Read;

use anyhow::bail;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::idle::Waited;
use super::{Flow, MakeOptions, Repl, new_tokio};

/// The largest piece read at once (lines that arrive together are handed over together).
const READ_SIZE: usize = 64 << 10;

pub(super) enum Source {
    Stdin,
    /// A whole transcript, already here (`run_session`).
    Text(String),
}

/// What the reader hands over.
enum Chunk {
    Lines(Vec<String>),
    End,
    Failed(String),
}

pub(super) fn run(make_options: MakeOptions, source: Source) -> anyhow::Result<i32> {
    let (sender, mut inbox) = unbounded_channel();
    match source {
        Source::Text(text) => {
            let _ = sender.send(Chunk::Lines(text.lines().map(str::to_string).collect()));
            let _ = sender.send(Chunk::End);
        }
        // The thread is left blocked in `read` if the REPL ends first (`process.exit()`).
        Source::Stdin => {
            std::thread::Builder::new()
                .name("wasmcap-repl-stdin".into())
                .spawn(move || read_lines(std::io::stdin(), &sender))?;
        }
    }
    new_tokio()?.block_on(async {
        let mut repl = Repl::start(make_options, None, None, false).await?;
        let mut chunk = String::new();
        loop {
            let lines = match repl.wait_for(&mut inbox).await? {
                Waited::Exit(code) => return Ok(code),
                Waited::Message(Chunk::Lines(lines)) => lines,
                Waited::Message(Chunk::Failed(why)) => bail!("cannot read the REPL's input: {why}"),
                Waited::Message(Chunk::End) | Waited::Closed => break,
            };
            for line in lines {
                if let Flow::Exit(code) = repl.feed(&mut chunk, &line, true).await? {
                    return Ok(code);
                }
            }
        }
        // An input still open at the end (`foo(`) is evaluated as it is: V8 says what is wrong.
        if let Flow::Exit(code) = repl.eval_input(&chunk).await? {
            return Ok(code);
        }
        Ok(match repl.finish_pending_work().await {
            Flow::Exit(code) => code,
            Flow::Continue => repl.exit_code(),
        })
    })
}

/// Reads `input` to its end, sending the complete lines of each read as one [`Chunk`] (without
/// their `\n` or `\r\n`), and a last line without a newline before [`Chunk::End`].
fn read_lines(mut input: impl Read, to_repl: &UnboundedSender<Chunk>) {
    let mut pending = Vec::new();
    let mut buffer = vec![0; READ_SIZE];
    loop {
        let read = match input.read(&mut buffer) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = to_repl.send(Chunk::Failed(e.to_string()));
                return;
            }
        };
        if read == 0 {
            break;
        }
        pending.extend_from_slice(&buffer[..read]);
        let Some(last_newline) = pending.iter().rposition(|&b| b == b'\n') else { continue };
        let rest = pending.split_off(last_newline + 1);
        let lines = match decode_lines(&pending) {
            Ok(lines) => lines,
            Err(why) => {
                let _ = to_repl.send(Chunk::Failed(why));
                return;
            }
        };
        pending = rest;
        if to_repl.send(Chunk::Lines(lines)).is_err() {
            return;
        }
    }
    let last = match decode_lines(&pending) {
        Ok(lines) => Chunk::Lines(lines),
        Err(why) => Chunk::Failed(why),
    };
    let _ = to_repl.send(last);
    let _ = to_repl.send(Chunk::End);
}

fn decode_lines(bytes: &[u8]) -> Result<Vec<String>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    Ok(text.lines().map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::{Chunk, read_lines};

    #[test]
    fn lines_arrive_per_chunk_and_the_last_may_lack_a_newline() {
        let (sender, mut inbox) = tokio::sync::mpsc::unbounded_channel();
        read_lines(&b"a\r\nb\nc"[..], &sender);
        let mut got = Vec::new();
        while let Ok(chunk) = inbox.try_recv() {
            got.push(match chunk {
                Chunk::Lines(lines) => lines.join("|"),
                Chunk::End => "END".to_string(),
                Chunk::Failed(why) => why,
            });
        }
        assert_eq!(got, ["a|b", "c", "END"]);
        let (sender, mut inbox) = tokio::sync::mpsc::unbounded_channel();
        read_lines(&b"ok\n\xff\n"[..], &sender);
        assert!(matches!(inbox.try_recv(), Ok(Chunk::Failed(why)) if why == "it is not UTF-8 text"));
    }
}
