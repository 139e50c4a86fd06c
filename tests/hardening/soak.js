// Soak: N lock/unlock pairs in one process, sampling RSS, to show memory does not grow.
//   wasmcap run tests/hardening/soak.js [PAIRS=1000000] [SAMPLES=20]
import { Monocypher } from "wasmcap:monocypher";

const pairs = Number(process.argv[2] ?? 1000000);
const samples = Number(process.argv[3] ?? 20);
const mc = new Monocypher();
const key = mc.generateKey();
const message = crypto.getRandomValues(new Uint8Array(256));
const mb = (bytes) => (bytes / (1 << 20)).toFixed(1);

// Warm up first, so the baseline includes V8's compiled code and the guest's arena.
for (let i = 0; i < 10000; i++) {
  const box = mc.lock(message, key);
  mc.unlock(box.ciphertext, box.mac, key, box.nonce);
}
const rss = [];
const start = performance.now();
for (let i = 0; i < pairs; i++) {
  const box = mc.lock(message, key, "soak");
  const opened = mc.unlock(box.ciphertext, box.mac, key, box.nonce, "soak");
  if (opened[0] !== message[0]) throw new Error(`pair ${i}: round trip failed`);
  if (i % Math.ceil(pairs / samples) === 0) rss.push(process.memoryUsage().rss);
}
rss.push(process.memoryUsage().rss);
const seconds = (performance.now() - start) / 1000;
console.log(`${pairs} lock/unlock pairs of 256 bytes in ${seconds.toFixed(1)} s`);
console.log(`rss MB: start ${mb(rss[0])}, end ${mb(rss.at(-1))}, max ${mb(Math.max(...rss))}`);
console.log(`samples: ${rss.map(mb).join(" ")}`);
console.log(JSON.stringify({ startRss: rss[0], endRss: rss.at(-1), maxRss: Math.max(...rss) }));
