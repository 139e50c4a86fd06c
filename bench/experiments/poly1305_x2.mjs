// Differential check and timing of poly1305_x2.c against Monocypher's scalar Poly1305:
//   node bench/experiments/poly1305_x2.mjs /tmp/poly1305_x2.wasm   (build line: README.md)
import fs from "node:fs";
import crypto from "node:crypto";
const { instance } = await WebAssembly.instantiate(fs.readFileSync(process.argv[2]), {});
const e = instance.exports;
const mem = () => new Uint8Array(e.memory.buffer);
const base = e.__heap_base.value;
const need = base + 32 + 32 + (4 << 20);
if (e.memory.buffer.byteLength < need) e.memory.grow(Math.ceil((need - e.memory.buffer.byteLength) / 65536));
const MAC1 = base, MAC2 = base + 16, KEY = base + 32, MSG = base + 64;
function both(key, msg) {
  mem().set(key, KEY); mem().set(msg, MSG);
  e.poly_scalar(MAC1, MSG, msg.length, KEY); e.poly_simd(MAC2, MSG, msg.length, KEY);
  const m = mem();
  for (let i = 0; i < 16; i++) if (m[MAC1 + i] !== m[MAC2 + i]) return false;
  return true;
}
let n = 0, bad = 0;
const keys = [];
const ff = new Uint8Array(32).fill(0xff);
keys.push(ff, new Uint8Array(32));
const k2 = new Uint8Array(32); k2.fill(0xff, 0, 16); keys.push(k2);
const k3 = new Uint8Array(32); k3.fill(0xff, 16); keys.push(k3);
for (let i = 0; i < 40; i++) keys.push(crypto.randomBytes(32));
const lens = [];
for (let l = 0; l <= 300; l++) lens.push(l);
for (const l of [511, 512, 513, 1023, 1024, 1025, 4095, 4096, 4097, 65536, 65551]) lens.push(l);
for (const key of keys) for (const len of lens) {
  for (const kind of ["ff", "rand", "zero"]) {
    const msg = kind === "ff" ? new Uint8Array(len).fill(0xff) : kind === "zero" ? new Uint8Array(len) : crypto.randomBytes(len);
    n++; if (!both(key, msg)) { bad++; if (bad < 5) console.log("MISMATCH", kind, len, Buffer.from(key).toString("hex")); }
  }
}
console.log(`${n} cases, ${bad} mismatches`);
// timing, interleaved
const N = 1 << 20; mem().set(crypto.randomBytes(N), MSG);
const t = { s: [], v: [] };
for (let r = 0; r < 9; r++) for (const [k, f] of [["s", e.poly_scalar], ["v", e.poly_simd]]) {
  const t0 = performance.now(); for (let i = 0; i < 10; i++) f(MAC1, MSG, N, KEY); t[k].push((performance.now() - t0) / 10);
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
console.log(`1 MiB: scalar ${med(t.s).toFixed(3)} ms, simd ${med(t.v).toFixed(3)} ms, speed-up ${(med(t.s) / med(t.v)).toFixed(2)}x`);
