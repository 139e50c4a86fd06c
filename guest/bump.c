// Bump allocator over the Wasm heap, shared by the guests (#included, so
// each guest stays a single translation unit).
//
// The host pushes a call's inputs onto this arena, calls the guest, copies
// the results out, then resets: in effect a stack for passing values across
// the boundary. No free(), no fragmentation, no general purpose allocator
// compiled into the guest. There is one arena per instance; an instance is
// used by one thread at a time, so no locking.
//
// Invariant: every byte from heap_used to the end of memory is zero. Fresh
// pages from memory.grow are zero and bump_reset() wipes what it hands back,
// so blocks from bump_alloc() are always zeroed (callers may rely on it) and
// secrets (keys, plaintext) never outlive the call that used them.
#include <stddef.h>
#include <stdint.h>

#define WASM_PAGE_SIZE 65536

// Linker-provided: the first address past static data and the stack.
extern unsigned char __heap_base[];

static unsigned char *heap_used = __heap_base; // next free byte
static unsigned char *heap_high = __heap_base; // high-water mark

// Returns a zeroed, 16-byte aligned block of size bytes, growing memory by
// exactly the pages needed. Returns 0 on failure (negative size, address
// space overflow, or memory.grow refused): no valid block lives at 0, since
// __heap_base is past the stack. Wasm has no unsigned types, so the host
// must read the result as unsigned (JS: ptr >>> 0).
void *bump_alloc(ptrdiff_t size)
{
    if (size < 0) {
        return 0;
    }
    // 64-bit arithmetic: in wasm32 the end of a block can pass 4 GiB.
    uint64_t start = ((uint64_t)(uintptr_t)heap_used + 15) & ~(uint64_t)15;
    uint64_t end   = start + (uint64_t)size;
    if (end > UINT32_MAX) {
        return 0;  // would wrap around the 32-bit address space
    }
    uint64_t limit = (uint64_t)__builtin_wasm_memory_size(0) * WASM_PAGE_SIZE;
    if (end > limit) {
        uint64_t pages = (end - limit + WASM_PAGE_SIZE - 1) / WASM_PAGE_SIZE;
        if (__builtin_wasm_memory_grow(0, (size_t)pages) == (size_t)-1) {
            return 0;
        }
    }
    heap_used = (unsigned char *)(uintptr_t)end;
    if (heap_used > heap_high) {
        heap_high = heap_used;
    }
    return (void *)(uintptr_t)start;
}

// Frees everything at once and zeroes it (wipes keys and plaintext). This
// memset is not optimized away like a zero-before-free: no lifetime ends
// here, and the host can observe this memory.
void bump_reset(void)
{
    __builtin_memset(__heap_base, 0, (size_t)(heap_used - __heap_base));
    heap_used = __heap_base;
}

// The end of the highest block the arena ever handed out. For tests: after
// a reset, every byte from __heap_base up to here must be zero.
void *bump_high_water(void)
{
    return heap_high;
}
