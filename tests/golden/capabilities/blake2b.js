// BLAKE2b (RFC 7693): one-shot, keyed, shorter outputs and the incremental hasher.
import { Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");

console.log(hex(mc.blake2b("abc"))); // RFC 7693, Appendix A
console.log(hex(mc.blake2b("")));
console.log(hex(mc.blake2b("abc", { size: 32 })));
const key = new Uint8Array(64).map((_, i) => i);
console.log(hex(mc.blake2b(new Uint8Array(3).map((_, i) => i), { key })));
const hasher = mc.blake2bHasher({ size: 16 });
hasher.update("a").update(new TextEncoder().encode("b")).update("c");
console.log(hex(hasher.digest()), hex(mc.blake2b("abc", { size: 16 })));
try {
  hasher.update("more");
} catch (e) {
  console.log(`${e.name}: ${e.message}`);
}
