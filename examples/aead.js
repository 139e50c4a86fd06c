// Authenticated encryption with Monocypher's XChaCha20-Poly1305, running as a Wasm guest.
import { AuthenticationError, Monocypher } from "wasmcap:monocypher";

const mc = new Monocypher();
const key = mc.generateKey(); // 32 bytes from the OS CSPRNG
const message = "Meet me at the usual place at ten. Bring the blue folder.";
const label = "to: alice, from: bob"; // authenticated, not encrypted

// A fresh random 24-byte nonce is drawn for every lock: never reuse one with the same key.
const { mac, nonce, ciphertext } = mc.lock(message, key, label);
console.log("locked %d bytes (+%d-byte mac, %d-byte nonce)", ciphertext.length, mac.length, nonce.length);

const opened = new TextDecoder().decode(mc.unlock(ciphertext, mac, key, nonce, label));
console.log("unlocked:", opened);

// Any change to the ciphertext, the mac, the nonce or the label is caught.
const tampered = ciphertext.slice();
tampered[3] ^= 0x01;
for (const [what, attempt] of [
  ["ciphertext", () => mc.unlock(tampered, mac, key, nonce, label)],
  ["label", () => mc.unlock(ciphertext, mac, key, nonce, "to: mallory, from: bob")],
]) {
  try {
    attempt();
    console.log(`tampered ${what} was NOT detected`);
    process.exitCode = 1;
  } catch (e) {
    if (!(e instanceof AuthenticationError)) throw e;
    console.log(`tampered ${what}: ${e.name}`);
  }
}
