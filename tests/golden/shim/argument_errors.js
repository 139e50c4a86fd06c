// Every bad argument is a TypeError that names the argument and what was expected.
import { Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const key = mc.generateKey();
const box = mc.lock("x", key);
const cases = [
  () => mc.lock("x", new Uint8Array(31)),
  () => mc.lock("x", "a string key of 32 characters!!"),
  () => mc.lock(42, key),
  () => mc.lock("x", key, { ad: true }),
  () => mc.lock("x", new Uint16Array(16)),
  () => mc.unlock("ciphertext", box.mac, key, box.nonce),
  () => mc.unlock(box.ciphertext, box.mac.subarray(1), key, box.nonce),
  () => mc.unlock(box.ciphertext, box.mac, key, new Uint8Array(12)),
  () => mc.unlock(box.ciphertext, box.mac, key, null),
  () => mc.lockWithNonceUnsafe("x", key, [1, 2, 3]),
];
for (const attempt of cases) {
  try {
    attempt();
    console.log("accepted!");
  } catch (e) {
    console.log(`${e.name}: ${e.message}`);
  }
}
