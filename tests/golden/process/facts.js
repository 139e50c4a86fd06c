// process facts: versions name wasmcap and V8; hrtime is monotonic [seconds, nanoseconds].
console.log(/^v\d+\.\d+\.\d+/.test(process.version), Object.keys(process.versions));
console.log(process.version === `v${process.versions.wasmcap}`, /^\d+\.\d+\.\d+/.test(process.versions.v8));
console.log(["x64", "arm64"].includes(process.arch), Number.isInteger(process.pid) && process.pid > 0);
const [s, ns] = process.hrtime();
console.log(Number.isInteger(s), Number.isInteger(ns), ns < 1e9);
const start = process.hrtime.bigint();
const diff = process.hrtime([s, ns]);
console.log(typeof start, process.hrtime.bigint() >= start, diff[0] >= 0 && diff[1] >= 0);
try {
  process.hrtime(5);
} catch (e) {
  console.log(e.name);
}
console.log(process.env, Object.keys(process.env).length, process.env.HOME, process.env.NO_COLOR);
console.log(import.meta.main, import.meta.url.endsWith("/facts.js"), import.meta.filename.endsWith("/facts.js"));
console.log(import.meta.dirname === import.meta.filename.slice(0, -"/facts.js".length));
