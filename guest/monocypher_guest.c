// Monocypher as a Wasm guest: the amalgamated library plus a bump allocator,
// one translation unit. Monocypher needs no libc and no allocator of its own;
// the host pushes key, nonce, additional data and text onto the arena, calls
// crypto_aead_lock() or crypto_aead_unlock() with pointers into it, copies
// the results out, then calls bump_reset(), which wipes every secret.
//
// Build with guest/build.sh (it fetches a pinned monocypher.c 4.0.3). Only
// the functions the host uses are exported, so the rest of Monocypher is
// dropped at link time.
#include "monocypher.c"
#include "bump.c"
