// @seed: 42
// With a seed the key and nonce are reproducible, so the whole box can be pinned here.
import { Monocypher } from "wasmcap:monocypher";
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const mc = new Monocypher();
const key = mc.generateKey();
const box = mc.lock("golden plaintext", key, "golden ad");
console.log("key       ", hex(key));
console.log("nonce     ", hex(box.nonce));
console.log("mac       ", hex(box.mac));
console.log("ciphertext", hex(box.ciphertext));
console.log(new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce, "golden ad")));
