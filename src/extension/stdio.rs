//! `process.stdout`/`process.stderr` writes and `process.stdin` reads. Reading stdin needs no
//! grant: it is the user's own pipe. It is read on demand, one chunk per request, so a huge
//! input is never buffered whole.

use std::cell::RefCell;
use std::io::{IsTerminal, Read};
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

use deno_core::convert::Uint8Array;
use deno_core::{OpState, op2};
use deno_error::JsErrorBox;
use tokio::sync::oneshot;

use crate::Output;

/// The most one read of stdin returns (Node's stream chunk size).
pub const STDIN_CHUNK: usize = 64 * 1024;

/// `process.stdout.write(bytes)` / `process.stderr.write(bytes)`: through the same `Output`
/// as `console`, so the two stay in order.
#[op2(fast)]
pub fn op_wasmcap_write(state: &mut OpState, #[buffer] bytes: &[u8], to_stderr: bool) {
    state.borrow::<Output>().write(to_stderr, bytes);
}

/// `[stdin isTTY, stdout isTTY, stderr isTTY, stdout columns, stderr columns]` (0 columns:
/// not a terminal). Captured output (golden tests) is never a terminal.
#[op2]
#[serde]
pub fn op_wasmcap_stdio_info(state: &mut OpState) -> (bool, bool, bool, u16, u16) {
    let captured = matches!(state.borrow::<Output>(), Output::Capture(_));
    let stdout = !captured && std::io::stdout().is_terminal();
    let stderr = !captured && std::io::stderr().is_terminal();
    let columns = |fd, tty| if tty { terminal_columns(fd) } else { 0 };
    (std::io::stdin().is_terminal(), stdout, stderr, columns(1, stdout), columns(2, stderr))
}

fn terminal_columns(fd: libc::c_int) -> u16 {
    // SAFETY: TIOCGWINSZ writes one winsize into the struct we pass; a failure leaves it zeroed.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    if unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } != 0 {
        return 0;
    }
    size.ws_col
}

type StdinReply = oneshot::Sender<std::io::Result<Vec<u8>>>;

/// One thread per process reads stdin, a chunk per request: a blocked read holds no tokio
/// worker, and a read still pending when the script ends does not keep the process alive.
fn stdin_requests() -> &'static Mutex<mpsc::Sender<StdinReply>> {
    static REQUESTS: OnceLock<Mutex<mpsc::Sender<StdinReply>>> = OnceLock::new();
    REQUESTS.get_or_init(|| {
        let (requests, incoming) = mpsc::channel::<StdinReply>();
        std::thread::Builder::new()
            .name("wasmcap-stdin".into())
            .spawn(move || {
                for reply in incoming {
                    let _ = reply.send(read_chunk());
                }
            })
            .expect("cannot start the stdin reader thread");
        Mutex::new(requests)
    })
}

fn read_chunk() -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; STDIN_CHUNK];
    loop {
        match std::io::stdin().lock().read(&mut buf) {
            Ok(n) => {
                buf.truncate(n);
                return Ok(buf);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // A closed stdin (`0<&-`) reads as empty, as in Node.
            Err(e) if e.raw_os_error() == Some(libc::EBADF) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        }
    }
}

/// The next chunk of stdin (at most [`STDIN_CHUNK`] bytes); empty at end of input.
#[op2]
pub async fn op_wasmcap_stdin_read(_state: Rc<RefCell<OpState>>) -> Result<Uint8Array, JsErrorBox> {
    let (reply, chunk) = oneshot::channel();
    stdin_requests()
        .lock()
        .map_err(|_| JsErrorBox::generic("the stdin reader failed earlier"))?
        .send(reply)
        .map_err(|_| JsErrorBox::generic("the stdin reader has stopped"))?;
    let chunk = chunk.await.map_err(|_| JsErrorBox::generic("the stdin reader has stopped"))?;
    chunk.map(Uint8Array::from).map_err(|e| JsErrorBox::generic(format!("cannot read stdin: {e}")))
}
