// Two Sum as a Wasm guest: find i < j with nums[i] + nums[j] == target.
//
// The answer is the pair with the smallest j, and for that j the smallest i.
// One pass over nums with a hash table of the elements seen so far: the first
// j whose complement was already seen is the smallest j, and keeping only the
// first index of each value gives the smallest i.
//
// The table is keyed by max(n, target - n), which is the same for n and its
// complement, so one probe sequence both looks for the complement and finds
// the slot where n goes. Sums are computed in 64 bits: target - n can fall
// outside int32, and a pair must sum to target exactly, without wrap-around.
// bench/twosum.c compiles this file natively with an arena of its own.
#ifndef GUEST_NATIVE_ARENA
#include "bump.c"
#endif

typedef struct {
    int32_t value;     // the first element seen with this slot's key
    int32_t index_p1;  // its index plus one; 0 marks an empty slot
} Slot;

// Mask-step-index probing over a power-of-two table (Chris Wellons' "MSI"
// hash table): the step comes from the hash's upper bits and is odd, so it
// visits every slot, and elements that collide in the low bits part ways.
static int32_t msi_next(uint64_t hash, int exp, int32_t i)
{
    uint32_t mask = ((uint32_t)1 << exp) - 1;
    uint32_t step = (uint32_t)(hash >> (64 - exp)) | 1;
    return (int32_t)(((uint32_t)i + step) & mask);
}

static uint64_t hash_key(int64_t key)
{
    uint64_t h = (uint64_t)key * 1111111111111111111u;
    return h ^ h >> 32;
}

// Writes the answer to out_pair[0] (i) and out_pair[1] (j). Returns 1 when
// found, 0 when there is no answer, -1 when the arena cannot hold the table.
// The table comes from bump_alloc(), already zeroed, i.e. all slots empty.
int32_t twosum(const int32_t *nums, int32_t len, int32_t target, int32_t *out_pair)
{
    if (len < 2) {
        return 0;
    }

    // The power of two above len: there is always an empty slot, so every
    // probe sequence ends. Measured faster than a half-empty table at 500k
    // elements: the load factor stays modest on average, and a smaller
    // table is kinder to the cache and quicker for bump_reset() to wipe.
    int exp = 1;
    while (((int64_t)1 << exp) <= (int64_t)len) {
        exp++;
    }
    int64_t table_size = (int64_t)sizeof(Slot) << exp;
    Slot *table = table_size > PTRDIFF_MAX ? 0 : bump_alloc(table_size);
    if (!table) {
        return -1;
    }

    for (int32_t j = 0; j < len; j++) {
        int32_t n = nums[j];
        int64_t complement = (int64_t)target - n;
        int64_t key = n > complement ? n : complement;
        uint64_t hash = hash_key(key);
        for (int32_t i = (int32_t)hash;;) {
            i = msi_next(hash, exp, i);
            Slot *slot = &table[i];
            if (!slot->index_p1) {
                slot->value = n;
                slot->index_p1 = j + 1;
                break;
            }
            // Same key: the stored value is n itself or its complement
            // (both, when n is target/2).
            if ((int64_t)slot->value + n == target) {
                out_pair[0] = slot->index_p1 - 1;
                out_pair[1] = j;
                return 1;
            }
            if (slot->value == n) {
                break;  // a duplicate: keep the first index
            }
        }
    }
    return 0;
}
