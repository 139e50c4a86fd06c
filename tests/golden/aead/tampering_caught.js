import { AuthenticationError, Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const key = mc.generateKey();
const box = mc.lock(new Uint8Array([1, 2, 3, 4]), key, "ad");
const flip = (u8, i) => { const c = u8.slice(); c[i] ^= 0x80; return c; };
const attempts = {
  ciphertext: () => mc.unlock(flip(box.ciphertext, 0), box.mac, key, box.nonce, "ad"),
  mac: () => mc.unlock(box.ciphertext, flip(box.mac, 15), key, box.nonce, "ad"),
  nonce: () => mc.unlock(box.ciphertext, box.mac, key, flip(box.nonce, 23), "ad"),
  key: () => mc.unlock(box.ciphertext, box.mac, flip(key, 0), box.nonce, "ad"),
  ad: () => mc.unlock(box.ciphertext, box.mac, key, box.nonce, "aD"),
  "missing ad": () => mc.unlock(box.ciphertext, box.mac, key, box.nonce),
  truncated: () => mc.unlock(box.ciphertext.subarray(1), box.mac, key, box.nonce, "ad"),
};
for (const [what, attempt] of Object.entries(attempts)) {
  try {
    attempt();
    console.log(what, "NOT caught");
  } catch (e) {
    console.log(what.padEnd(10), e instanceof AuthenticationError, e.message);
  }
}
console.log(mc.unlock(box.ciphertext, box.mac, key, box.nonce, "ad"));
