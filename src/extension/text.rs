//! Text decoding for `TextDecoder`.

use deno_core::op2;
use deno_error::JsErrorBox;

/// UTF-8 decoding for `TextDecoder`: replacement characters (WHATWG's rule, which Rust's
/// lossy decoding follows) or, with `fatal`, a TypeError.
#[op2]
#[string]
pub fn op_wasmcap_utf8_decode(
    #[buffer] bytes: &[u8],
    fatal: bool,
    ignore_bom: bool,
) -> Result<String, JsErrorBox> {
    let bytes = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] if !ignore_bom => rest,
        _ => bytes,
    };
    if fatal {
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|e| JsErrorBox::type_error(format!("The encoded data was not valid for encoding utf-8 (invalid byte at offset {})", e.valid_up_to())))
    } else {
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }
}
