// Cold start, wasmcap: one AEAD lock and unlock through wasmcap:monocypher, then exit.
// `wasmcap run bench/aead_once.js`; aead_once_node.mjs does the same in Node and Deno.
import { Monocypher } from "wasmcap:monocypher";

const mc = new Monocypher();
const key = mc.generateKey();
const { mac, nonce, ciphertext } = mc.lock("attack at dawn", key, "header");
const plaintext = new TextDecoder().decode(mc.unlock(ciphertext, mac, key, nonce, "header"));
console.log(plaintext === "attack at dawn" ? "ok" : "MISMATCH", ciphertext.length);
