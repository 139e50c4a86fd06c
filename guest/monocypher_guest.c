// Monocypher as a Wasm guest: the amalgamated library (and its optional Ed25519
// file, further down) plus a bump allocator, one translation unit. Monocypher
// needs no libc and no allocator of its own; for every call the host pushes the
// inputs onto the arena, calls an export with pointers into it, copies the
// results out, then calls bump_reset(), which wipes every secret.
//
// The exports (guest/build.sh names some, export_name attributes here the rest):
//  - the arena ABI of bump.c: bump_alloc, bump_reset, bump_high_water and
//    __heap_base;
//  - the AEAD: crypto_aead_lock/unlock and the streaming crypto_aead_write/read,
//    defined here, and Monocypher's crypto_aead_init_x;
//  - Monocypher's own BLAKE2b, X25519, Ed25519 and crypto_verify16/32/64;
//  - wrappers defined here: wasmcap_blake2b_ctx_size, wasmcap_aead_ctx_size,
//    wasmcap_argon2 and wasmcap_ed25519_check.
//
// The AEAD is Monocypher's XChaCha20-Poly1305 (RFC 8439 with a 24-byte
// nonce, as crypto_aead_lock/unlock in monocypher.c 4.0.3, same signatures and
// same bytes) with one change: the ChaCha20 keystream is computed four blocks at
// a time with Wasm SIMD (128-bit vectors, one block per lane), where Monocypher
// computes one block at a time in scalar code. HChaCha20, Poly1305, the mac
// layout and the constant-time mac check are Monocypher's own. For texts of up
// to 192 bytes one four-block pass yields both the Poly1305 key (block 0) and
// all the keystream (blocks 1-3). Lock encrypts and authenticates 4 KiB at a
// time, while the chunk is in cache; unlock checks the mac over the whole
// ciphertext before it decrypts a byte, as Monocypher does. The streaming AEAD
// (crypto_aead_write / crypto_aead_read) gets the same SIMD keystream.
//
// Build with guest/build.sh (it fetches a pinned monocypher.c 4.0.3). Only the
// exports above are kept, so the rest of Monocypher is dropped at link time.
#include "monocypher.c"
#include "bump.c"

#include <wasm_simd128.h>

// Rotations: by 16 and 8 as byte shuffles (one pshufb in V8 on x86-64), by 12
// and 7 as two shifts and an or.
#define ROTL16(v) wasm_i8x16_shuffle(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)
#define ROTL8(v)  wasm_i8x16_shuffle(v, v, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)
#define ROTL(v, n) wasm_v128_or(wasm_i32x4_shl(v, n), wasm_u32x4_shr(v, 32 - (n)))

#define QUARTERROUND_X4(a, b, c, d)                              \
    a = wasm_i32x4_add(a, b); d = ROTL16(wasm_v128_xor(d, a));   \
    c = wasm_i32x4_add(c, d); b = ROTL(wasm_v128_xor(b, c), 12); \
    a = wasm_i32x4_add(a, b); d = ROTL8(wasm_v128_xor(d, a));    \
    c = wasm_i32x4_add(c, d); b = ROTL(wasm_v128_xor(b, c), 7)

// The ChaCha20 (djb: 64-bit counter, 64-bit nonce) state of blocks ctr to
// ctr + 3, one block per lane: x[i] holds word i of all four blocks. Sets x to
// the four keystream blocks (rounds plus input), still word-major.
static void chacha20_x4(v128_t x[16], const u32 key[8], const u32 nonce[2], u64 ctr)
{
    v128_t in[16];
    in[0] = wasm_i32x4_splat(0x61707865); // "expand 32-byte k"
    in[1] = wasm_i32x4_splat(0x3320646e);
    in[2] = wasm_i32x4_splat(0x79622d32);
    in[3] = wasm_i32x4_splat(0x6b206574);
    FOR (i, 0, 8) {
        in[4 + i] = wasm_i32x4_splat((int32_t)key[i]);
    }
    in[12] = wasm_i32x4_make((int32_t)(u32)(ctr + 0), (int32_t)(u32)(ctr + 1),
                             (int32_t)(u32)(ctr + 2), (int32_t)(u32)(ctr + 3));
    in[13] = wasm_i32x4_make((int32_t)(u32)((ctr + 0) >> 32), (int32_t)(u32)((ctr + 1) >> 32),
                             (int32_t)(u32)((ctr + 2) >> 32), (int32_t)(u32)((ctr + 3) >> 32));
    in[14] = wasm_i32x4_splat((int32_t)nonce[0]);
    in[15] = wasm_i32x4_splat((int32_t)nonce[1]);

    v128_t t0 = in[0], t1 = in[1], t2 = in[2], t3 = in[3];
    v128_t t4 = in[4], t5 = in[5], t6 = in[6], t7 = in[7];
    v128_t t8 = in[8], t9 = in[9], t10 = in[10], t11 = in[11];
    v128_t t12 = in[12], t13 = in[13], t14 = in[14], t15 = in[15];
    FOR (i, 0, 10) { // 20 rounds, 2 per loop
        QUARTERROUND_X4(t0, t4, t8, t12);
        QUARTERROUND_X4(t1, t5, t9, t13);
        QUARTERROUND_X4(t2, t6, t10, t14);
        QUARTERROUND_X4(t3, t7, t11, t15);
        QUARTERROUND_X4(t0, t5, t10, t15);
        QUARTERROUND_X4(t1, t6, t11, t12);
        QUARTERROUND_X4(t2, t7, t8, t13);
        QUARTERROUND_X4(t3, t4, t9, t14);
    }
    x[0] = wasm_i32x4_add(t0, in[0]);     x[1] = wasm_i32x4_add(t1, in[1]);
    x[2] = wasm_i32x4_add(t2, in[2]);     x[3] = wasm_i32x4_add(t3, in[3]);
    x[4] = wasm_i32x4_add(t4, in[4]);     x[5] = wasm_i32x4_add(t5, in[5]);
    x[6] = wasm_i32x4_add(t6, in[6]);     x[7] = wasm_i32x4_add(t7, in[7]);
    x[8] = wasm_i32x4_add(t8, in[8]);     x[9] = wasm_i32x4_add(t9, in[9]);
    x[10] = wasm_i32x4_add(t10, in[10]);  x[11] = wasm_i32x4_add(t11, in[11]);
    x[12] = wasm_i32x4_add(t12, in[12]);  x[13] = wasm_i32x4_add(t13, in[13]);
    x[14] = wasm_i32x4_add(t14, in[14]);  x[15] = wasm_i32x4_add(t15, in[15]);
}

// Transposes words 4g..4g+3 of the four blocks: afterwards x[4g + b] holds
// those words of block b, i.e. bytes 16g..16g+15 of block b, little-endian.
static void transpose4(v128_t x[16], size_t g)
{
    v128_t a = x[4 * g], b = x[4 * g + 1], c = x[4 * g + 2], d = x[4 * g + 3];
    v128_t ab_lo = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5); // a0 b0 a1 b1
    v128_t cd_lo = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
    v128_t ab_hi = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7); // a2 b2 a3 b3
    v128_t cd_hi = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
    x[4 * g + 0] = wasm_i64x2_shuffle(ab_lo, cd_lo, 0, 2); // a0 b0 c0 d0: block 0
    x[4 * g + 1] = wasm_i64x2_shuffle(ab_lo, cd_lo, 1, 3);
    x[4 * g + 2] = wasm_i64x2_shuffle(ab_hi, cd_hi, 0, 2);
    x[4 * g + 3] = wasm_i64x2_shuffle(ab_hi, cd_hi, 1, 3);
}

// Stores keystream blocks ctr to ctr + 3 in out[256].
static void chacha20_x4_store(u8 out[256], const u32 key[8], const u32 nonce[2], u64 ctr)
{
    v128_t x[16];
    chacha20_x4(x, key, nonce, ctr);
    FOR (g, 0, 4) {
        transpose4(x, g);
        FOR (b, 0, 4) {
            wasm_v128_store(out + 64 * b + 16 * g, x[4 * g + b]);
        }
    }
    crypto_wipe(x, sizeof(x));
}

// out = in XOR the keystream from block ctr on, for size bytes. out may be in.
static void chacha20_x4_xor(u8 *out, const u8 *in, size_t size,
                            const u32 key[8], const u32 nonce[2], u64 ctr)
{
    v128_t x[16];
    for (; size >= 256; size -= 256, in += 256, out += 256, ctr += 4) {
        chacha20_x4(x, key, nonce, ctr);
        FOR (g, 0, 4) {
            transpose4(x, g);
            FOR (b, 0, 4) {
                size_t at = 64 * b + 16 * g;
                wasm_v128_store(out + at, wasm_v128_xor(wasm_v128_load(in + at), x[4 * g + b]));
            }
        }
    }
    if (size > 0) {
        u8 stream[256];
        chacha20_x4_store(stream, key, nonce, ctr);
        FOR (i, 0, size) {
            out[i] = in[i] ^ stream[i];
        }
        crypto_wipe(stream, sizeof(stream));
    }
    crypto_wipe(x, sizeof(x));
}

// What lock and unlock share: the XChaCha20 subkey and nonce, and keystream
// blocks 0-3 of the message: block 0's first 32 bytes are the Poly1305 key
// (as in crypto_aead_write), blocks 1-3 encrypt the text's first 192 bytes.
typedef struct {
    u32 key[8];
    u32 nonce[2];
    u8  stream[256];
} aead_state;

static void aead_init(aead_state *s, const u8 key[32], const u8 nonce[24])
{
    u8 sub_key[32];
    crypto_chacha20_h(sub_key, key, nonce);
    load32_le_buf(s->key, sub_key, 8);
    load32_le_buf(s->nonce, nonce + 16, 2);
    chacha20_x4_store(s->stream, s->key, s->nonce, 0);
    crypto_wipe(sub_key, sizeof(sub_key));
}

// out = in XOR the message keystream: blocks ctr + 1 on, where s->stream holds
// blocks ctr to ctr + 3 (ctr is 0 for lock/unlock, the chunk's counter for the
// streaming AEAD).
static void aead_xor(aead_state *s, u64 ctr, u8 *out, const u8 *in, size_t size)
{
    size_t head = MIN(size, 192);
    FOR (i, 0, head) {
        out[i] = in[i] ^ s->stream[64 + i];
    }
    if (size > head) {
        chacha20_x4_xor(out + head, in + head, size - head, s->key, s->nonce, ctr + 4);
    }
}

// Encrypts and authenticates in one pass over the text, in chunks that stay in
// the CPU cache between the two (Monocypher makes two passes over all of it):
// the same Poly1305 input as lock_auth(), fed in the same order.
#define LOCK_CHUNK 4096 // a multiple of 256: chunks start on a four-block boundary

__attribute__((export_name("crypto_aead_lock")))
void wasmcap_aead_lock(u8 *cipher_text, u8 mac[16], const u8 key[32],
                       const u8 nonce[24], const u8 *ad, size_t ad_size,
                       const u8 *plain_text, size_t text_size)
{
    aead_state s;
    crypto_poly1305_ctx poly;
    aead_init(&s, key, nonce);
    crypto_poly1305_init(&poly, s.stream);
    crypto_poly1305_update(&poly, ad, ad_size);
    crypto_poly1305_update(&poly, zero, gap(ad_size, 16));

    size_t head = MIN(text_size, 192);
    FOR (i, 0, head) {
        cipher_text[i] = plain_text[i] ^ s.stream[64 + i];
    }
    crypto_poly1305_update(&poly, cipher_text, head);
    for (size_t at = head; at < text_size; at += LOCK_CHUNK) {
        size_t chunk = MIN(text_size - at, LOCK_CHUNK);
        chacha20_x4_xor(cipher_text + at, plain_text + at, chunk, s.key, s.nonce, 4 + (at - head) / 64);
        crypto_poly1305_update(&poly, cipher_text + at, chunk);
    }

    u8 sizes[16]; // not secret, not wiped
    store64_le(sizes + 0, ad_size);
    store64_le(sizes + 8, text_size);
    crypto_poly1305_update(&poly, zero, gap(text_size, 16));
    crypto_poly1305_update(&poly, sizes, 16);
    crypto_poly1305_final(&poly, mac); // wipes poly
    crypto_wipe(&s, sizeof(s));
}

// Returns 0, or -1 if the mac is wrong; then plain_text is left untouched.
__attribute__((export_name("crypto_aead_unlock")))
int wasmcap_aead_unlock(u8 *plain_text, const u8 mac[16], const u8 key[32],
                        const u8 nonce[24], const u8 *ad, size_t ad_size,
                        const u8 *cipher_text, size_t text_size)
{
    aead_state s;
    u8 real_mac[16];
    aead_init(&s, key, nonce);
    lock_auth(real_mac, s.stream, ad, ad_size, cipher_text, text_size);
    int mismatch = crypto_verify16(mac, real_mac);
    if (!mismatch) {
        aead_xor(&s, 0, plain_text, cipher_text, text_size);
    }
    crypto_wipe(&s, sizeof(s));
    crypto_wipe(real_mac, sizeof(real_mac));
    return mismatch;
}

// The streaming AEAD: crypto_aead_write / crypto_aead_read as in monocypher.c
// 4.0.3 (same signatures, same bytes, same ratchet) on the SIMD keystream. Per
// chunk, block ctx->counter yields the Poly1305 key (its first 32 bytes) and
// the next chunk's key (its last 32: rekeying); blocks counter + 1 on encrypt
// the text, the first three of them from the same four-block pass.
static void stream_init(const crypto_aead_ctx *ctx, aead_state *s)
{
    load32_le_buf(s->key, ctx->key, 8);
    load32_le_buf(s->nonce, ctx->nonce, 2);
    chacha20_x4_store(s->stream, s->key, s->nonce, ctx->counter);
}

__attribute__((export_name("crypto_aead_write")))
void wasmcap_aead_write(crypto_aead_ctx *ctx, u8 *cipher_text, u8 mac[16],
                        const u8 *ad, size_t ad_size,
                        const u8 *plain_text, size_t text_size)
{
    aead_state s;
    stream_init(ctx, &s);
    aead_xor(&s, ctx->counter, cipher_text, plain_text, text_size);
    lock_auth(mac, s.stream, ad, ad_size, cipher_text, text_size);
    COPY(ctx->key, s.stream + 32, 32);
    crypto_wipe(&s, sizeof(s));
}

// Returns 0, or -1 if the mac is wrong; then plain_text is left untouched and
// the key is not ratcheted (as in Monocypher).
__attribute__((export_name("crypto_aead_read")))
int wasmcap_aead_read(crypto_aead_ctx *ctx, u8 *plain_text, const u8 mac[16],
                      const u8 *ad, size_t ad_size,
                      const u8 *cipher_text, size_t text_size)
{
    aead_state s;
    u8 real_mac[16];
    stream_init(ctx, &s);
    lock_auth(real_mac, s.stream, ad, ad_size, cipher_text, text_size);
    int mismatch = crypto_verify16(mac, real_mac);
    if (!mismatch) {
        aead_xor(&s, ctx->counter, plain_text, cipher_text, text_size);
        COPY(ctx->key, s.stream + 32, 32);
    }
    crypto_wipe(&s, sizeof(s));
    crypto_wipe(real_mac, sizeof(real_mac));
    return mismatch;
}

/////////////////////////////////////////////////////////////////////////////
// The rest of Monocypher, for wasmcap:monocypher's hashing, key exchange,
// signatures, password hashing and streaming AEAD. Monocypher's own functions
// are exported by name from guest/build.sh (MONOCYPHER_EXPORTS); the wrappers
// below carry export_name attributes.
/////////////////////////////////////////////////////////////////////////////

// Ed25519 (RFC 8032, SHA-512) is Monocypher's optional monocypher-ed25519.c,
// taken from Monocypher 4.0.2 (see build.sh: 4.0.3 ships no optional files in
// the sdist we pin) and compiled against 4.0.3's monocypher.c, so its signing
// uses 4.0.3's fixed constant-time scalar multiplication. In one translation
// unit two of its static names clash with monocypher.c's: its utility macros
// (same meaning) and hash_reduce (different arguments), renamed here.
#undef FOR
#undef COPY
#undef ZERO
#undef WIPE_CTX
#undef WIPE_BUFFER
#undef MIN
#define hash_reduce ed25519_hash_reduce
#include "monocypher-ed25519.c"
#undef hash_reduce

// Context sizes, so the host allocates exactly what this build's structs take
// (the host keeps incremental state between calls and copies it in and out).
__attribute__((export_name("wasmcap_blake2b_ctx_size")))
size_t wasmcap_blake2b_ctx_size(void) { return sizeof(crypto_blake2b_ctx); }

__attribute__((export_name("wasmcap_aead_ctx_size")))
size_t wasmcap_aead_ctx_size(void) { return sizeof(crypto_aead_ctx); }

// crypto_argon2() takes its three structs by value, which the wasm32 C ABI
// passes as hidden pointers: this wrapper takes plain scalars instead.
// work_area: nb_blocks * 1024 bytes, 8-byte aligned (the arena's blocks are).
__attribute__((export_name("wasmcap_argon2")))
void wasmcap_argon2(u8 *hash, u32 hash_size, void *work_area, u32 algorithm,
                    u32 nb_blocks, u32 nb_passes, u32 nb_lanes,
                    const u8 *pass, u32 pass_size, const u8 *salt, u32 salt_size,
                    const u8 *key, u32 key_size, const u8 *ad, u32 ad_size)
{
    crypto_argon2_config config = { algorithm, nb_blocks, nb_passes, nb_lanes };
    crypto_argon2_inputs inputs = { pass, salt, pass_size, salt_size };
    crypto_argon2_extras extras = { key, ad, key_size, ad_size };
    crypto_argon2(hash, hash_size, work_area, config, inputs, extras);
}

// Ed25519 verification with libsodium's rules (crypto_sign_verify_detached),
// where Monocypher's crypto_ed25519_check uses the cofactored equation and so
// accepts what libsodium, ed25519-dalek's verify_strict and other strict
// verifiers reject: a small-order public key A verifies with any message, as
// do signatures whose R has a small-order component. Rejected here:
//  - S >= L (a malleable signature);
//  - A or R of small order (order 1, 2, 4 or 8: 14 encodings, with the
//    non-canonical ones: libsodium's blocklist);
//  - A not canonical (y >= p) or not on the curve;
// then the cofactorless equation: the encoding of [S]B - [h]A must be R's
// bytes exactly (a non-canonical R never is). Public inputs: variable time.

// Whether s encodes a point of order 1, 2, 4 or 8: libsodium's blocklist of
// their y-coordinates (with the non-canonical p and p + 1), the sign bit
// ignored, so 14 encodings. A byte compare, far cheaper than decoding and
// multiplying by 8; tests/hostile/crypto.rs checks it against curve25519-dalek.
static int ed25519_has_small_order(const u8 s[32])
{
    static const u8 blocklist[7][32] = {
        // 0 (order 4)
        { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
        // 1 (order 1)
        { 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
        // order 8
        { 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
          0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05 },
        // order 8
        { 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
          0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a },
        // p - 1 (order 2)
        { 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
        // p (= 0, non-canonical)
        { 0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
        // p + 1 (= 1, non-canonical)
        { 0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }
    };
    int small = 0;
    FOR (j, 0, 7) {
        u8 diff = (s[31] & 0x7f) ^ blocklist[j][31];
        FOR (i, 0, 31) {
            diff |= s[i] ^ blocklist[j][i];
        }
        small |= diff == 0;
    }
    return small;
}

// Whether y (the low 255 bits) is below p = 2^255 - 19.
static int ed25519_is_canonical(const u8 s[32])
{
    if ((s[31] & 0x7f) != 0x7f) {
        return 1;
    }
    FOR (i, 1, 31) {
        if (s[i] != 0xff) {
            return 1;
        }
    }
    return s[0] < 0xed;
}

// Returns 0 if signature is a valid signature of msg under public_key, else -1.
__attribute__((export_name("wasmcap_ed25519_check")))
int wasmcap_ed25519_check(const u8 signature[64], const u8 public_key[32],
                          const u8 *msg, size_t msg_size)
{
    const u8 *s = signature + 32;
    u32 s32[8];
    load32_le_buf(s32, s, 8);
    if (is_above_l(s32) ||
        ed25519_has_small_order(signature) ||
        ed25519_has_small_order(public_key) ||
        !ed25519_is_canonical(public_key)) {
        return -1;
    }
    ge minus_A;
    if (ge_frombytes_neg_vartime(&minus_A, public_key)) {
        return -1;
    }
    u8 h[32];
    ed25519_hash_reduce(h, signature, 32, public_key, 32, msg, msg_size, 0, 0);

    // sum = [s]B - [h]A: crypto_eddsa_check_equation's ladder.
    ge_cached lutA[P_W_SIZE];
    {
        ge minus_A2, tmp;
        ge_double(&minus_A2, &minus_A, &tmp);
        ge_cache(&lutA[0], &minus_A);
        FOR (i, 1, P_W_SIZE) {
            ge_add(&tmp, &minus_A2, &lutA[i-1]);
            ge_cache(&lutA[i], &tmp);
        }
    }
    slide_ctx h_slide;  slide_init(&h_slide, h);
    slide_ctx s_slide;  slide_init(&s_slide, s);
    int i = MAX(h_slide.next_check, s_slide.next_check);
    ge sum;
    ge_zero(&sum);
    while (i >= 0) {
        ge tmp;
        ge_double(&sum, &sum, &tmp);
        int h_digit = slide_step(&h_slide, P_W_WIDTH, i, h);
        int s_digit = slide_step(&s_slide, B_W_WIDTH, i, s);
        if (h_digit > 0) { ge_add(&sum, &sum, &lutA[ h_digit / 2]); }
        if (h_digit < 0) { ge_sub(&sum, &sum, &lutA[-h_digit / 2]); }
        fe t1, t2;
        if (s_digit > 0) { ge_madd(&sum, &sum, b_window +  s_digit/2, t1, t2); }
        if (s_digit < 0) { ge_msub(&sum, &sum, b_window + -s_digit/2, t1, t2); }
        i--;
    }
    u8 check[32];
    ge_tobytes(check, &sum);
    return crypto_verify32(check, signature);
}
