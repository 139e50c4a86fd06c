#include "monocypher.c"
#include <wasm_simd128.h>

#define M26 0x3ffffff

// r^2 (radix 2^26, scalar): h = a * b mod 2^130 - 5, fully carried.
static void mul26(u32 h[5], const u32 a[5], const u32 b[5])
{
    u64 s1 = b[1] * 5, s2 = b[2] * 5, s3 = b[3] * 5, s4 = b[4] * 5;
    u64 d0 = (u64)a[0]*b[0] + a[1]*s4 + a[2]*s3 + a[3]*s2 + a[4]*s1;
    u64 d1 = (u64)a[0]*b[1] + (u64)a[1]*b[0] + a[2]*s4 + a[3]*s3 + a[4]*s2;
    u64 d2 = (u64)a[0]*b[2] + (u64)a[1]*b[1] + (u64)a[2]*b[0] + a[3]*s4 + a[4]*s3;
    u64 d3 = (u64)a[0]*b[3] + (u64)a[1]*b[2] + (u64)a[2]*b[1] + (u64)a[3]*b[0] + a[4]*s4;
    u64 d4 = (u64)a[0]*b[4] + (u64)a[1]*b[3] + (u64)a[2]*b[2] + (u64)a[3]*b[1] + (u64)a[4]*b[0];
    u64 c;
    c = d0 >> 26; d0 &= M26; d1 += c;
    c = d1 >> 26; d1 &= M26; d2 += c;
    c = d2 >> 26; d2 &= M26; d3 += c;
    c = d3 >> 26; d3 &= M26; d4 += c;
    c = d4 >> 26; d4 &= M26; d0 += c * 5;
    c = d0 >> 26; d0 &= M26; d1 += c;
    h[0] = (u32)d0; h[1] = (u32)d1; h[2] = (u32)d2; h[3] = (u32)d3; h[4] = (u32)d4;
}

static void radix26(u32 out[5], const u32 in[5]) // exact for in[4] <= 4
{
    out[0] = in[0] & M26;
    out[1] = ((in[0] >> 26) | (in[1] << 6)) & M26;
    out[2] = ((in[1] >> 20) | (in[2] << 12)) & M26;
    out[3] = ((in[2] >> 14) | (in[3] << 18)) & M26;
    out[4] = (in[3] >> 8) | (in[4] << 24);
}

#define PACK(v) wasm_i32x4_shuffle(v, v, 0, 2, 0, 2)
#define MUL(a, b) wasm_u64x2_extmul_low_u32x4(a, b)
#define ADD wasm_i64x2_add

// h = h * (r lanes), then a partial carry: every limb < 2^26 but limb 1 (< 2^26 + 2^6).
static void mul_x2(v128_t h[5], const v128_t r[5], const v128_t s[5])
{
    v128_t p0 = PACK(h[0]), p1 = PACK(h[1]), p2 = PACK(h[2]), p3 = PACK(h[3]), p4 = PACK(h[4]);
    v128_t d0 = ADD(ADD(ADD(MUL(p0, r[0]), MUL(p1, s[4])), ADD(MUL(p2, s[3]), MUL(p3, s[2]))), MUL(p4, s[1]));
    v128_t d1 = ADD(ADD(ADD(MUL(p0, r[1]), MUL(p1, r[0])), ADD(MUL(p2, s[4]), MUL(p3, s[3]))), MUL(p4, s[2]));
    v128_t d2 = ADD(ADD(ADD(MUL(p0, r[2]), MUL(p1, r[1])), ADD(MUL(p2, r[0]), MUL(p3, s[4]))), MUL(p4, s[3]));
    v128_t d3 = ADD(ADD(ADD(MUL(p0, r[3]), MUL(p1, r[2])), ADD(MUL(p2, r[1]), MUL(p3, r[0]))), MUL(p4, s[4]));
    v128_t d4 = ADD(ADD(ADD(MUL(p0, r[4]), MUL(p1, r[3])), ADD(MUL(p2, r[2]), MUL(p3, r[1]))), MUL(p4, r[0]));
    const v128_t mask = wasm_i64x2_splat(M26);
    v128_t c;
    c = wasm_u64x2_shr(d0, 26); d0 = wasm_v128_and(d0, mask); d1 = ADD(d1, c);
    c = wasm_u64x2_shr(d1, 26); d1 = wasm_v128_and(d1, mask); d2 = ADD(d2, c);
    c = wasm_u64x2_shr(d2, 26); d2 = wasm_v128_and(d2, mask); d3 = ADD(d3, c);
    c = wasm_u64x2_shr(d3, 26); d3 = wasm_v128_and(d3, mask); d4 = ADD(d4, c);
    c = wasm_u64x2_shr(d4, 26); d4 = wasm_v128_and(d4, mask); d0 = ADD(d0, ADD(c, wasm_i64x2_shl(c, 2)));
    c = wasm_u64x2_shr(d0, 26); d0 = wasm_v128_and(d0, mask); d1 = ADD(d1, c);
    h[0] = d0; h[1] = d1; h[2] = d2; h[3] = d3; h[4] = d4;
}

// Two blocks, one per lane, as radix 2^26 limbs (with the 2^128 bit).
static void load_x2(v128_t m[5], const u8 *in)
{
    v128_t a = wasm_v128_load(in), b = wasm_v128_load(in + 16);
    v128_t lo = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), hi = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
    v128_t w0 = wasm_u64x2_extend_low_u32x4(lo), w1 = wasm_u64x2_extend_high_u32x4(lo);
    v128_t w2 = wasm_u64x2_extend_low_u32x4(hi), w3 = wasm_u64x2_extend_high_u32x4(hi);
    const v128_t mask = wasm_i64x2_splat(M26);
    m[0] = wasm_v128_and(w0, mask);
    m[1] = wasm_v128_and(wasm_v128_or(wasm_u64x2_shr(w0, 26), wasm_i64x2_shl(w1, 6)), mask);
    m[2] = wasm_v128_and(wasm_v128_or(wasm_u64x2_shr(w1, 20), wasm_i64x2_shl(w2, 12)), mask);
    m[3] = wasm_v128_and(wasm_v128_or(wasm_u64x2_shr(w2, 14), wasm_i64x2_shl(w3, 18)), mask);
    m[4] = wasm_v128_or(wasm_u64x2_shr(w3, 8), wasm_i64x2_splat(1 << 24));
}

// poly_blocks(ctx, in, nb_blocks, 1) for nb_blocks >= 2, two blocks per step.
static void poly_blocks_x2(crypto_poly1305_ctx *ctx, const u8 *in, size_t nb_blocks)
{
    u32 r[5], r2[5], h[5];
    radix26(r, (u32[5]){ctx->r[0], ctx->r[1], ctx->r[2], ctx->r[3], 0});
    mul26(r2, r, r);
    radix26(h, ctx->h);
    v128_t rr[5], sr[5], rf[5], sf[5]; // loop: (r^2, r^2); last: (r^2, r)
    FOR (i, 0, 5) {
        rr[i] = wasm_u32x4_make(r2[i], r2[i], 0, 0);
        sr[i] = wasm_u32x4_make(r2[i] * 5, r2[i] * 5, 0, 0);
        rf[i] = wasm_u32x4_make(r2[i], r[i], 0, 0);
        sf[i] = wasm_u32x4_make(r2[i] * 5, r[i] * 5, 0, 0);
    }
    v128_t acc[5], m[5];
    load_x2(acc, in);
    FOR (i, 0, 5) { acc[i] = ADD(acc[i], wasm_u64x2_make(h[i], 0)); }
    size_t pairs = nb_blocks / 2;
    for (size_t p = 1; p < pairs; p++) {
        mul_x2(acc, rr, sr);
        load_x2(m, in + 32 * p);
        FOR (i, 0, 5) { acc[i] = ADD(acc[i], m[i]); }
    }
    mul_x2(acc, rf, sf);
    // Sum the lanes; then back to radix 2^32, exactly (value < 2^131).
    u64 t[5];
    FOR (i, 0, 5) { t[i] = wasm_u64x2_extract_lane(acc[i], 0) + wasm_u64x2_extract_lane(acc[i], 1); }
    // Carry once more so that h < 2^130 + 2^26: poly_blocks() needs ctx->h[4] <= 4.
    u64 c;
    c = t[0] >> 26; t[0] &= M26; t[1] += c;
    c = t[1] >> 26; t[1] &= M26; t[2] += c;
    c = t[2] >> 26; t[2] &= M26; t[3] += c;
    c = t[3] >> 26; t[3] &= M26; t[4] += c;
    c = t[4] >> 26; t[4] &= M26; t[0] += c * 5;
    u64 a = t[0] + (t[1] << 26);
    ctx->h[0] = (u32)a; a >>= 32; a += t[2] << 20;
    ctx->h[1] = (u32)a; a >>= 32; a += t[3] << 14;
    ctx->h[2] = (u32)a; a >>= 32; a += t[4] << 8;
    ctx->h[3] = (u32)a; a >>= 32;
    ctx->h[4] = (u32)a;
    if (nb_blocks & 1) {
        poly_blocks(ctx, in + 32 * pairs, 1, 1);
    }
}

static void poly_update_fast(crypto_poly1305_ctx *ctx, const u8 *message, size_t message_size)
{
    if (message_size == 0) return;
    size_t aligned = MIN(gap(ctx->c_idx, 16), message_size);
    FOR (i, 0, aligned) { ctx->c[ctx->c_idx++] = *message++; message_size--; }
    if (ctx->c_idx == 16) { poly_blocks(ctx, ctx->c, 1, 1); ctx->c_idx = 0; }
    size_t nb_blocks = message_size >> 4;
    if (nb_blocks >= 4) poly_blocks_x2(ctx, message, nb_blocks);
    else poly_blocks(ctx, message, nb_blocks, 1);
    message += nb_blocks << 4;
    message_size &= 15;
    FOR (i, 0, message_size) { ctx->c[ctx->c_idx++] = message[i]; }
}

__attribute__((export_name("poly_scalar")))
void poly_scalar(u8 mac[16], const u8 *m, size_t n, const u8 key[32]) { crypto_poly1305(mac, m, n, key); }

__attribute__((export_name("poly_simd")))
void poly_simd(u8 mac[16], const u8 *m, size_t n, const u8 key[32])
{
    crypto_poly1305_ctx ctx;
    crypto_poly1305_init(&ctx, key);
    poly_update_fast(&ctx, m, n);
    crypto_poly1305_final(&ctx, mac);
}
