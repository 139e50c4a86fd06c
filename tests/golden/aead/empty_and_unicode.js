import { Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const key = mc.generateKey();
const empty = mc.lock("", key);
console.log(empty.ciphertext, empty.mac.length);
console.log(mc.unlock(empty.ciphertext, empty.mac, key, empty.nonce));
const text = "gr\u00fc\u00dfe \u{1F510}";
const box = mc.lock(text, key, "\u00e9tiquette");
console.log(box.ciphertext.length, new TextDecoder().decode(mc.unlock(box.ciphertext, box.mac, key, box.nonce, "\u00e9tiquette")));
