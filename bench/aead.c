// AEAD throughput of native Monocypher 4.0.3 (the guest's own source, compiled with
// gcc -O3 -march=native by run.sh): ./aead_c [--reps N] [--min-ms MS] [--sizes a,b,...]
// The same protocol as measure.js: calibrate to >= min-ms, time `reps` batches, print
// JSON lines (stdout) and progress (stderr). Every lock draws its nonce with getrandom();
// "c-monocypher-pooled" draws it from a pool, as wasmcap does.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "monocypher.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void random_bytes(uint8_t *buf, size_t len)
{
    if (getrandom(buf, len, 0) != (ssize_t)len) {
        perror("getrandom");
        exit(1);
    }
}

// Nonces drawn the way wasmcap draws them (js/prelude.js fillRandom): from a 4 KiB pool
// refilled by one getrandom() call, consumed bytes zeroed. With it, the 64 B comparison
// separates "cipher + API" from "a syscall per nonce".
static uint8_t pool[4096];
static size_t pool_used = sizeof pool;

static void pooled_random_bytes(uint8_t *buf, size_t len)
{
    if (pool_used + len > sizeof pool) {
        random_bytes(pool, sizeof pool);
        pool_used = 0;
    }
    memcpy(buf, pool + pool_used, len);
    memset(pool + pool_used, 0, len);
    pool_used += len;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { LOCK, UNLOCK, GETRANDOM, LOCK_NO_RNG, LOCK_POOLED };
static uint8_t key[32], nonce[24], mac[16];
static uint8_t *pt, *ct, *out;
static size_t size;
static unsigned sink;

static void op(int which)
{
    switch (which) {
    case LOCK:
        random_bytes(nonce, 24);
        crypto_aead_lock(ct, mac, key, nonce, NULL, 0, pt, size);
        sink ^= mac[0];
        break;
    case LOCK_POOLED:
        pooled_random_bytes(nonce, 24);
        crypto_aead_lock(ct, mac, key, nonce, NULL, 0, pt, size);
        sink ^= mac[0];
        break;
    case LOCK_NO_RNG:
        crypto_aead_lock(ct, mac, key, nonce, NULL, 0, pt, size);
        sink ^= mac[0];
        break;
    case UNLOCK:
        if (crypto_aead_unlock(out, mac, key, nonce, NULL, 0, ct, size)) {
            fprintf(stderr, "unlock failed\n");
            exit(1);
        }
        sink ^= out[0];
        break;
    case GETRANDOM:
        random_bytes(nonce, 24);
        break;
    }
}

static int reps = 5;
static double min_ms = 200;

// Median microseconds per op; prints the JSON record.
static void measure(const char *impl, const char *name, int which)
{
    long iters = 1;
    for (;;) {
        double t0 = now_ms();
        for (long i = 0; i < iters; i++) op(which);
        double dt = now_ms() - t0;
        if (dt >= min_ms) break;
        long next = dt < 1 ? iters * 10 : (long)(iters * min_ms * 1.2 / dt) + 1;
        iters = next > iters ? next : iters + 1;
    }
    double us[64], sorted[64];
    for (int r = 0; r < reps; r++) {
        double t0 = now_ms();
        for (long i = 0; i < iters; i++) op(which);
        us[r] = (now_ms() - t0) * 1000 / iters;
    }
    memcpy(sorted, us, sizeof(double) * reps);
    qsort(sorted, reps, sizeof(double), cmp_double);
    double med = reps % 2 ? sorted[reps / 2] : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
    printf("{\"bench\":\"aead\",\"impl\":\"%s\",\"op\":\"%s\",\"size\":%zu,\"iters\":%ld,\"us\":[",
           impl, name, size, iters);
    for (int r = 0; r < reps; r++) printf("%s%.6f", r ? "," : "", us[r]);
    printf("],\"median_us\":%.6f,\"mbps\":%.6f%s}\n", med, size / med,
           which == LOCK          ? ",\"csprng\":\"getrandom()\""
           : which == LOCK_POOLED ? ",\"csprng\":\"4 KiB getrandom() pool\""
                                  : "");
    fflush(stdout);
    fprintf(stderr, "  %-18s %-6s %7zu B  %8.3f us/op  %7.1f MB/s\n", impl, name, size, med, size / med);
}

int main(int argc, char **argv)
{
    char sizes_arg[256] = "64,1024,65536,1048576";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--reps")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--min-ms")) min_ms = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--sizes")) snprintf(sizes_arg, sizeof sizes_arg, "%s", argv[i + 1]);
    }
    if (reps < 1 || reps > 64) reps = 5;

    // The check vector of measure.js: key 0..31, nonce 0..23, ad "wasmcap bench",
    // plaintext byte i = (i * 31 + 7) & 255, 1000 bytes.
    uint8_t ck[32], cn[24], cp[1000], cc[1000], cm[16];
    for (int i = 0; i < 32; i++) ck[i] = i;
    for (int i = 0; i < 24; i++) cn[i] = i;
    for (int i = 0; i < 1000; i++) cp[i] = (i * 31 + 7) & 255;
    crypto_aead_lock(cc, cm, ck, cn, (const uint8_t *)"wasmcap bench", 13, cp, 1000);
    printf("{\"bench\":\"aead-check\",\"impl\":\"c-monocypher\",\"mac\":\"");
    for (int i = 0; i < 16; i++) printf("%02x", cm[i]);
    printf("\"}\n");

    random_bytes(key, 32);
    for (char *s = strtok(sizes_arg, ","); s; s = strtok(NULL, ",")) {
        size = strtoul(s, NULL, 10);
        pt = malloc(size + 1);
        ct = malloc(size + 1);
        out = malloc(size + 1);
        for (size_t i = 0; i < size; i++) pt[i] = (i * 31 + 7) & 255;
        random_bytes(nonce, 24);
        crypto_aead_lock(ct, mac, key, nonce, NULL, 0, pt, size);
        measure("c-monocypher", "lock", LOCK);
        measure("c-monocypher-pooled", "lock", LOCK_POOLED);
        // For the breakdown in RESULTS.md: the cipher alone, and one getrandom().
        if (size == 64) {
            measure("c-monocypher", "lock-no-rng", LOCK_NO_RNG);
            measure("c-monocypher", "getrandom", GETRANDOM);
        }
        crypto_aead_lock(ct, mac, key, nonce, NULL, 0, pt, size); // the nonce of the box
        measure("c-monocypher", "unlock", UNLOCK);
        if (memcmp(out, pt, size)) {
            fprintf(stderr, "round trip failed at %zu B\n", size);
            return 1;
        }
        free(pt), free(ct), free(out);
    }
    return sink == 12345678u ? 2 : 0;
}
