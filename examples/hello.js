// A first extension script: Node-style globals, then the AEAD capability in Wasm.
import { Monocypher } from "wasmcap:monocypher";

console.log("Hello from wasmcap on %s!", process.platform);

const mc = new Monocypher();
const key = mc.generateKey();
const { mac, nonce, ciphertext } = mc.lock("attack at dawn", key, "header");
const opened = new TextDecoder().decode(mc.unlock(ciphertext, mac, key, nonce, "header"));
console.log("sealed %d bytes, tag %d bytes; opened: %s", ciphertext.length, mac.length, opened);
