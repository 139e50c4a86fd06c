//! Randomness: the CSPRNG behind `crypto.getRandomValues` and every key and nonce.

use deno_core::{OpState, op2};
use deno_error::JsErrorBox;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

/// Where every byte of randomness comes from. `Os` is the default and the only secure choice;
/// `Seeded` exists so golden tests can pin AEAD outputs (`--seed`).
pub enum Csprng {
    Os,
    Seeded(Box<ChaCha20Rng>),
}

impl Csprng {
    pub fn seeded(seed: u64) -> Self {
        Csprng::Seeded(Box::new(ChaCha20Rng::seed_from_u64(seed)))
    }

    pub fn fill(&mut self, buf: &mut [u8]) -> Result<(), getrandom::Error> {
        match self {
            Csprng::Os => getrandom::fill(buf),
            Csprng::Seeded(rng) => {
                rng.fill_bytes(buf);
                Ok(())
            }
        }
    }
}

/// Fills `buf` from the CSPRNG. A fast op: this is on the path of every nonce.
#[op2(fast)]
pub fn op_wasmcap_random_fill(
    state: &mut OpState,
    #[buffer] buf: &mut [u8],
) -> Result<(), JsErrorBox> {
    state
        .borrow_mut::<Csprng>()
        .fill(buf)
        .map_err(|e| JsErrorBox::generic(format!("the system random number generator failed: {e}")))
}
