import { Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const g = mc.guest;
const key = mc.generateKey();
const box = mc.lock(new Uint8Array(1000).fill(0xff), key);
mc.unlock(box.ciphertext, box.mac, key, box.nonce);
const used = g.highWater() - g.heapBase;
console.log("arena used", used, "bytes; all zero:", g.view(g.heapBase, used).every((b) => b === 0));
