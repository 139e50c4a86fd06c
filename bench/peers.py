"""Python peers for bench/run.sh, the same protocol as measure.js and aead.c.

    peers.py aead [--reps N] [--min-ms MS] [--sizes a,b,...]   Monocypher guest via wasmtime
    peers.py twosum [--runs N]                                  Python dict and twosum.wasm via wasmtime

The wasmtime code follows the approach of "WebAssembly as a Python extension" (nullprogram,
2026-01-01): functools.partial to bind the store, every pointer out of the guest masked with
& 0xffffffff, bytes moved with Memory.read/write (numbers with struct), bump_reset() in finally.
JSON lines go to stdout, progress to stderr.
"""

import functools
import json
import os
import pathlib
import statistics
import struct
import sys
import time

import wasmtime

GUEST = pathlib.Path(__file__).resolve().parent.parent / "guest"


def emit(record, progress=None):
    print(json.dumps(record), flush=True)
    if progress:
        print(progress, file=sys.stderr, flush=True)


def measure(fn, reps=5, min_ms=200.0):
    """Calibrates an iteration count whose batch takes >= min_ms, then times reps batches."""
    iters = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        dt = (time.perf_counter() - t0) * 1000
        if dt >= min_ms:
            break
        iters = iters * 10 if dt < 1 else max(iters + 1, int(iters * min_ms * 1.2 / dt) + 1)
    us = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        us.append((time.perf_counter() - t0) * 1e6 / iters)
    return {"iters": iters, "us": us, "median_us": statistics.median(us)}


def pattern(size):
    return bytes((i * 31 + 7) & 255 for i in range(size))


class Monocypher:
    """The article's class: one store and instance, an arena reset after every call."""

    def __init__(self):
        store = wasmtime.Store()
        module = wasmtime.Module.from_file(store.engine, str(GUEST / "monocypher.wasm"))
        instance = wasmtime.Instance(store, module, ())
        exports = instance.exports(store)
        memory = exports["memory"]
        self._read = functools.partial(memory.read, store)
        self._write = functools.partial(memory.write, store)
        self.__alloc = functools.partial(exports["bump_alloc"], store)
        self._reset = functools.partial(exports["bump_reset"], store)
        self._lock = functools.partial(exports["crypto_aead_lock"], store)
        self._unlock = functools.partial(exports["crypto_aead_unlock"], store)

    def _alloc(self, n):
        return self.__alloc(n) & 0xffffffff

    def generate_key(self):
        return os.urandom(32)

    def generate_nonce(self):
        return os.urandom(24)

    def aead_lock(self, text, key, ad=b"", nonce=None):
        assert len(key) == 32
        try:
            macptr = self._alloc(16)
            keyptr = self._alloc(32)
            nonceptr = self._alloc(24)
            adptr = self._alloc(len(ad))
            textptr = self._alloc(len(text))
            self._write(key, keyptr)
            nonce = self.generate_nonce() if nonce is None else nonce
            self._write(nonce, nonceptr)
            self._write(ad, adptr)
            self._write(text, textptr)
            self._lock(textptr, macptr, keyptr, nonceptr, adptr, len(ad), textptr, len(text))
            return (
                self._read(macptr, macptr + 16),
                nonce,
                self._read(textptr, textptr + len(text)),
            )
        finally:
            self._reset()

    def aead_unlock(self, text, mac, key, nonce, ad=b""):
        assert len(mac) == 16
        assert len(key) == 32
        assert len(nonce) == 24
        try:
            macptr = self._alloc(16)
            keyptr = self._alloc(32)
            nonceptr = self._alloc(24)
            adptr = self._alloc(len(ad))
            textptr = self._alloc(len(text))
            self._write(mac, macptr)
            self._write(key, keyptr)
            self._write(nonce, nonceptr)
            self._write(ad, adptr)
            self._write(text, textptr)
            if self._unlock(textptr, macptr, keyptr, nonceptr, adptr, len(ad), textptr, len(text)):
                raise ValueError("AEAD mismatch")
            return self._read(textptr, textptr + len(text))
        finally:
            self._reset()


class TwoSumWasm:
    """The article's stateful Wasm interface to Two Sum."""

    def __init__(self):
        store = wasmtime.Store()
        module = wasmtime.Module.from_file(store.engine, str(GUEST / "twosum.wasm"))
        instance = wasmtime.Instance(store, module, ())
        exports = instance.exports(store)
        self._store = store
        self._memory = exports["memory"]
        self.__alloc = functools.partial(exports["bump_alloc"], store)
        self._reset = functools.partial(exports["bump_reset"], store)
        self._twosum = functools.partial(exports["twosum"], store)

    def _alloc(self, n):
        return self.__alloc(n) & 0xffffffff

    def twosum(self, nums, target):
        try:
            numsptr = self._alloc(4 * len(nums))
            pairptr = self._alloc(8)
            # Allocation may have grown memory: take a fresh buffer after it.
            memory = self._memory.get_buffer_ptr(self._store)
            struct.pack_into(f"<{len(nums)}i", memory, numsptr, *nums)
            status = self._twosum(numsptr, len(nums), target, pairptr)
            if status != 1:
                return None
            memory = self._memory.get_buffer_ptr(self._store)  # the table grew it
            return struct.unpack_from("<2i", memory, pairptr)
        finally:
            self._reset()


def twosum_dict(nums, target):
    """The same algorithm as twoSumJs: the first index of each value, one pass."""
    first = {}
    for j, n in enumerate(nums):
        i = first.get(target - n)
        if i is not None:
            return (i, j)
        if n not in first:
            first[n] = j
    return None


def twosum_input(n=500000):
    """examples/twosum.js's generator: xorshift32, values from [-10^9, 10^9], all even but
    the last, which is odd, so the only pair reaching the odd target ends the scan."""
    state = 0x2545F491
    nums = [0] * n
    for k in range(n):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        nums[k] = (state % 2000000001) - 1000000000
    for k in range(n - 1):
        nums[k] &= ~1
    nums[n - 1] |= 1
    return nums, nums[123457 % n] + nums[n - 1]


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def bench_aead():
    reps, min_ms = int(arg("--reps", 5)), float(arg("--min-ms", 200))
    sizes = [int(s) for s in arg("--sizes", "64,1024,65536,1048576").split(",")]
    mc = Monocypher()
    ck = bytes(range(32))
    cn = bytes(range(24))
    mac, _, _ = mc.aead_lock(pattern(1000), ck, b"wasmcap bench", nonce=cn)
    emit({"bench": "aead-check", "impl": "python-wasmtime", "mac": mac.hex()})
    key = mc.generate_key()
    for size in sizes:
        pt = pattern(size)
        mac, nonce, ct = mc.aead_lock(pt, key)
        assert mc.aead_unlock(ct, mac, key, nonce) == pt, f"round trip failed at {size} B"
        for op, fn in [("lock", lambda: mc.aead_lock(pt, key)), ("unlock", lambda: mc.aead_unlock(ct, mac, key, nonce))]:
            m = measure(fn, reps, min_ms)
            mbps = size / m["median_us"]
            extra = {"csprng": "os.urandom"} if op == "lock" else {}
            emit(
                {"bench": "aead", "impl": "python-wasmtime", "op": op, "size": size, **m, "mbps": mbps, **extra},
                f"  {'python-wasmtime':18} {op:6} {size:7} B  {m['median_us']:8.3f} us/op  {mbps:7.1f} MB/s",
            )


def bench_twosum():
    runs = int(arg("--runs", 5))
    nums, target = twosum_input()
    wasm = TwoSumWasm()
    for impl, fn in [("python-dict", twosum_dict), ("python-wasmtime", wasm.twosum)]:
        times, answer = [], fn(nums, target)  # the untimed warm-up, as in every harness
        for _ in range(runs):
            t0 = time.perf_counter()
            answer = fn(nums, target)
            times.append((time.perf_counter() - t0) * 1000)
        emit(
            {"bench": "twosum", "impl": impl, "answer": list(answer), "ms": times, "best_ms": min(times),
             "median_ms": statistics.median(times)},
            f"  {impl:18} {list(answer)}  median of {runs}: {statistics.median(times):8.2f} ms",
        )


if __name__ == "__main__":
    {"aead": bench_aead, "twosum": bench_twosum}[sys.argv[1]]()
