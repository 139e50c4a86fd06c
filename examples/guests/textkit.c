// textkit: a small Wasm guest of our own, to show how to write one for Guest.load.
//
// Build (clang and lld for wasm32; the committed textkit.wasm was made with
// Debian's clang-22 and lld-22, from the repository root):
//
//   clang-22 --target=wasm32 -nostdlib -O2 -std=c11 -Wall -Wextra \
//       -Wl,--no-entry -Wl,--strip-all -Wl,--export=__heap_base \
//       -o examples/guests/textkit.wasm examples/guests/textkit.c
//
// (guest/build.sh runs the same line, and CI's `guest/build.sh --check` keeps the
// committed blob equal to a fresh build.)
//
// A guest for wasmcap's Guest class exports (the "arena ABI"):
//   memory                   its linear memory (wasm-ld exports it by default)
//   bump_alloc(size) -> ptr  a zeroed block of size bytes, 16-byte aligned; 0 on failure
//   bump_reset()             frees every block at once, and wipes them
//   __heap_base, bump_high_water() -> ptr   optional, for tests (Guest.heapBase/highWater)
// (other names are fine too: Guest.load(path, { exports: { alloc: "my_alloc", ... } })),
// plus its own functions, which take and return only numbers: pointers into its memory
// and sizes. The host copies inputs into blocks from bump_alloc, calls the function,
// copies results out and calls bump_reset. No libc is needed (-nostdlib).
#include <stddef.h>
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define PAGE 65536

extern unsigned char __heap_base[]; // set by the linker: past static data and stack

static unsigned char *used = __heap_base; // next free byte
static unsigned char *high = __heap_base; // highest byte ever handed out

EXPORT("bump_alloc")
void *bump_alloc(ptrdiff_t size)
{
    uint64_t start = ((uint64_t)(uintptr_t)used + 15) & ~(uint64_t)15;
    uint64_t end = start + (uint64_t)size;
    if (size < 0 || end > UINT32_MAX) {
        return 0;
    }
    uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * PAGE;
    if (end > have && __builtin_wasm_memory_grow(0, (size_t)((end - have + PAGE - 1) / PAGE)) == (size_t)-1) {
        return 0; // the host's limit (--max-guest-mb) or 4 GiB
    }
    used = (unsigned char *)(uintptr_t)end;
    if (used > high) {
        high = used;
    }
    return (void *)(uintptr_t)start; // zeroed: fresh pages are, and reset wipes
}

EXPORT("bump_reset")
void bump_reset(void)
{
    __builtin_memset(__heap_base, 0, (size_t)(used - __heap_base));
    used = __heap_base;
}

EXPORT("bump_high_water")
void *bump_high_water(void)
{
    return high;
}

// CRC-32 (IEEE 802.3, as zlib's crc32) of size bytes at data. Returned as a wasm i32:
// the host reads it unsigned (>>> 0).
EXPORT("crc32")
uint32_t crc32(const unsigned char *data, size_t size)
{
    uint32_t crc = 0xffffffff;
    for (size_t i = 0; i < size; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
        }
    }
    return ~crc;
}

// Upper-cases ASCII letters of text in place; returns how many it changed.
EXPORT("to_upper")
size_t to_upper(unsigned char *text, size_t size)
{
    size_t changed = 0;
    for (size_t i = 0; i < size; i++) {
        if (text[i] >= 'a' && text[i] <= 'z') {
            text[i] -= 'a' - 'A';
            changed++;
        }
    }
    return changed;
}
