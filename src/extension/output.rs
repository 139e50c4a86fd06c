//! Where `console` output goes.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use deno_core::{OpState, op2};

/// Where `console` output goes: the process's stdout/stderr, or one shared buffer in which
/// both streams interleave in the order written (golden tests compare exactly that), or a
/// host's own writer (the REPL prints above its prompt while it waits for input).
#[derive(Clone, Default)]
pub enum Output {
    #[default]
    Inherit,
    Capture(Rc<RefCell<Vec<u8>>>),
    /// Called with each piece of output and whether it is for stderr.
    Writer(Rc<dyn Fn(bool, &[u8])>),
}

impl Output {
    pub fn capture() -> Self {
        Output::Capture(Rc::default())
    }

    /// What was captured so far (empty unless `Capture`).
    pub fn captured(&self) -> Vec<u8> {
        match self {
            Output::Inherit | Output::Writer(_) => Vec::new(),
            Output::Capture(buf) => buf.borrow().clone(),
        }
    }

    pub fn write(&self, to_stderr: bool, bytes: &[u8]) {
        // A closed pipe (`wasmcap run x.js | head`) is not the script's fault: drop the output.
        match self {
            Output::Inherit if to_stderr => {
                let _ = std::io::stderr().lock().write_all(bytes);
            }
            Output::Inherit => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(bytes);
                let _ = out.flush();
            }
            Output::Capture(buf) => buf.borrow_mut().extend_from_slice(bytes),
            Output::Writer(write) => write(to_stderr, bytes),
        }
    }
}

#[op2(fast)]
pub fn op_wasmcap_print(state: &mut OpState, #[string] text: &str, to_stderr: bool) {
    state.borrow::<Output>().write(to_stderr, text.as_bytes());
}
