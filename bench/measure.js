// Shared by the JS harnesses (run by wasmcap, Node and Deno alike): one timing protocol
// for every implementation, mirrored by aead.c and peers.py.
//
// measure(fn): calibrates an iteration count whose batch takes >= minMs (the calibration
// doubles as warm-up, so the JIT has tiered up), then times `reps` batches of it.
// Returns per-op microseconds for every batch, and their median.

export function options(argv) {
  const get = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  return {
    reps: Number(get("reps", 5)),
    minMs: Number(get("min-ms", 200)),
    sizes: get("sizes", "64,1024,65536,1048576").split(",").map(Number),
    runs: Number(get("runs", 10)),
    get,
  };
}

export function measure(fn, { reps = 5, minMs = 200 } = {}) {
  let iters = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs) break;
    // Aim 20% past minMs so that the timed batches rarely fall short of it.
    iters = dt < 1 ? iters * 10 : Math.max(iters + 1, Math.ceil((iters * minMs * 1.2) / dt));
  }
  const batchesMs = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn();
    batchesMs.push(performance.now() - t0);
  }
  const us = batchesMs.map((ms) => (ms * 1000) / iters);
  return { iters, us, median_us: median(us) };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// The same pseudo-random plaintext everywhere: byte i is (i * 31 + 7) & 255.
export function pattern(size) {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 255;
  return b;
}

// The check vector every AEAD harness seals with a fixed nonce: key = 0..31, nonce =
// 0..23, ad = "wasmcap bench", plaintext = pattern(1000). All must print the same mac.
export const CHECK = {
  key: Uint8Array.from({ length: 32 }, (_, i) => i),
  nonce: Uint8Array.from({ length: 24 }, (_, i) => i),
  ad: new TextEncoder().encode("wasmcap bench"),
  plaintext: pattern(1000),
};

export const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");

// One result line (JSON) on stdout, a progress line on stderr.
export function emit(record, progress) {
  console.log(JSON.stringify(record));
  if (progress) console.error(progress);
}

export function aeadRecord(impl, op, size, m, extra = {}) {
  const mbps = size / m.median_us; // bytes per microsecond = MB/s
  emit(
    { bench: "aead", impl, op, size, iters: m.iters, us: m.us, median_us: m.median_us, mbps, ...extra },
    `  ${impl.padEnd(18)} ${op.padEnd(6)} ${String(size).padStart(7)} B  ${fmtUs(m.median_us)}/op  ${mbps.toFixed(1).padStart(7)} MB/s`,
  );
}

export function fmtUs(us) {
  return us >= 1000 ? `${(us / 1000).toFixed(3).padStart(8)} ms` : `${us.toFixed(3).padStart(8)} us`;
}
