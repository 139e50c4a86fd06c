// The test vector of draft-irtf-cfrg-xchacha, section A.3.1.
import { Monocypher } from "wasmcap:monocypher";
const bytes = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const mc = new Monocypher();
const key = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
const nonce = Uint8Array.from({ length: 24 }, (_, i) => 0x40 + i);
const ad = bytes("50515253c0c1c2c3c4c5c6c7");
const plaintext = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
const box = mc.lockWithNonceUnsafe(plaintext, key, nonce, ad);
console.log(hex(box.mac));
for (let i = 0; i < box.ciphertext.length; i += 32) console.log(hex(box.ciphertext.subarray(i, i + 32)));
console.log(new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, nonce, ad)));
