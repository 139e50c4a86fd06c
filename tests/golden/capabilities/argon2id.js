// Argon2id (RFC 9106, section 5.3) and its argument checks.
import { Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");

const tag = mc.argon2id(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), {
  memoryKiB: 32,
  passes: 3,
  lanes: 4,
  key: new Uint8Array(8).fill(3),
  ad: new Uint8Array(12).fill(4),
});
console.log(hex(tag));
console.log(hex(mc.argon2id("correct horse", "battery staple", { memoryKiB: 64, passes: 2, size: 16 })));
for (const options of [undefined, { memoryKiB: 4, passes: 1 }, { memoryKiB: 64, passes: 1, size: 2 }]) {
  try {
    mc.argon2id("password", "saltsalt", options);
  } catch (e) {
    console.log(`${e.name}: ${e.message}`);
  }
}
