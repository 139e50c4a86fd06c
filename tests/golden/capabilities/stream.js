// @seed: 7
// Streaming AEAD: 150,000 bytes in 64 KiB chunks, opened again, then tampered with.
import { AuthenticationError, Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");

const key = mc.generateKey();
const enc = mc.encryptStream(key);
const text = new Uint8Array(150000).map((_, i) => i % 251);
const sealed = [enc.update(text.subarray(0, 100000)), enc.update(text.subarray(100000)), enc.final()];
console.log(hex(enc.header));
console.log(sealed.map((s) => s.length), hex(sealed[2].subarray(0, 16)));

function open(header, parts) {
  const dec = mc.decryptStream(key, header);
  const out = parts.map((p) => dec.update(p));
  out.push(dec.final());
  return out.reduce((n, p) => n + p.length, 0);
}
console.log("opened", open(enc.header, sealed));
const all = new Uint8Array([...sealed[0], ...sealed[1], ...sealed[2]]);
const flipped = all.slice();
flipped[70000] ^= 1;
const cases = {
  "flipped bit": [flipped],
  "truncated": [all.subarray(0, 2 * 65552)],
  "chunks swapped": [all.subarray(65552, 2 * 65552), all.subarray(0, 65552), all.subarray(2 * 65552)],
  "chunk dropped": [all.subarray(65552)],
};
for (const [name, parts] of Object.entries(cases)) {
  try {
    open(enc.header, parts);
    console.log(name, "opened?!");
  } catch (e) {
    console.log(name, e instanceof AuthenticationError, e.message);
  }
}
