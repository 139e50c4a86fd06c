// AEAD throughput of wasmcap through its public API: `wasmcap run bench/aead.js`.
// Every lock draws a fresh random nonce inside mc.lock (wasmcap's pooled CSPRNG).
import { Monocypher } from "wasmcap:monocypher";
import { Guest } from "wasmcap:guest";
import { aeadRecord, CHECK, emit, hex, measure, options, pattern } from "./measure.js";

const opts = options(process.argv);
const mc = new Monocypher();
const key = mc.generateKey();

// Same bytes as every other implementation, or the comparison is void.
const check = mc.lockWithNonceUnsafe(CHECK.plaintext, CHECK.key, CHECK.nonce, CHECK.ad);
emit({ bench: "aead-check", impl: "wasmcap", mac: hex(check.mac) });

let sink = 0;
for (const size of opts.sizes) {
  const pt = pattern(size);
  const box = mc.lock(pt, key);
  const back = mc.unlock(box.ciphertext, box.mac, key, box.nonce);
  if (back.length !== size || back.some((b, i) => b !== pt[i])) throw new Error(`round trip failed at ${size} B`);
  aeadRecord("wasmcap", "lock", size, measure(() => { sink ^= mc.lock(pt, key).mac[0]; }, opts));
  aeadRecord("wasmcap", "unlock", size, measure(() => {
    sink ^= mc.unlock(box.ciphertext, box.mac, key, box.nonce).length;
  }, opts));
  // The same calls into arrays of the caller's (lockInto / unlockInto): no new array per call.
  const sealed = new Uint8Array(40 + size);
  const opened = new Uint8Array(size);
  aeadRecord("wasmcap-into", "lock", size, measure(() => { sink ^= mc.lockInto(sealed, pt, key)[0]; }, opts));
  aeadRecord("wasmcap-into", "unlock", size, measure(() => {
    sink ^= mc.unlockInto(opened, box.ciphertext, box.mac, key, box.nonce).length;
  }, opts));
}

// For the breakdown: the guest's crypto_aead_lock/unlock alone, on data already in guest
// memory (fixed nonce, unlock into a separate buffer). What the API adds is the rest.
const g = Guest.instantiate("monocypher");
const { crypto_aead_lock: lock, crypto_aead_unlock: unlock } = g.exports;
for (const size of opts.sizes) {
  g.reset();
  const base = g.alloc(88 + 2 * size); // key | nonce | mac | mac2 | text | out
  const [k, n, m, m2, t, o] = [base, base + 32, base + 56, base + 72, base + 88, base + 88 + size];
  g.write(k, key);
  g.write(n, mc.generateNonce());
  g.write(t, pattern(size));
  lock(t, m, k, n, 0, 0, t, size); // t is now a ciphertext with mac m
  aeadRecord("wasmcap-guest-call", "lock", size, measure(() => lock(o, m2, k, n, 0, 0, t, size), opts));
  aeadRecord("wasmcap-guest-call", "unlock", size, measure(() => { sink ^= unlock(o, m, k, n, 0, 0, t, size); }, opts));
  if (unlock(o, m, k, n, 0, 0, t, size) !== 0) throw new Error("guest-call unlock failed");
  // Poly1305 alone, near enough: an unlock whose mac is wrong runs HChaCha20 and one ChaCha20
  // block for the Poly1305 key, authenticates the whole text, and decrypts nothing. The lock's
  // ChaCha20 is the rest (the report subtracts).
  g.write(m2, new Uint8Array(16));
  aeadRecord("wasmcap-guest-call", "unlock-bad-mac", size, measure(() => { sink ^= unlock(o, m2, k, n, 0, 0, t, size); }, opts));
}
g.reset();
if (sink === 0.5) console.log(sink);
