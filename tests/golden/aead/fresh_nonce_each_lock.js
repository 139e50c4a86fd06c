// @seed: 7
import { Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const key = mc.generateKey();
const a = mc.lock("same message", key);
const b = mc.lock("same message", key);
console.log("nonces differ:", a.nonce.some((x, i) => x !== b.nonce[i]));
console.log("ciphertexts differ:", a.ciphertext.some((x, i) => x !== b.ciphertext[i]));
console.log(a.nonce);
