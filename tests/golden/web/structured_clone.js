// structuredClone (deno_web): the HTML standard's algorithm and its DataCloneError.
const cyclic = { when: new Date(0), map: new Map([[1, { deep: [1n] }]]), bytes: new Uint8Array([1, 2]) };
cyclic.self = cyclic;
const copy = structuredClone(cyclic);
console.log(copy !== cyclic, copy.self === copy, copy.map.get(1).deep, copy.bytes, copy.when.getTime());
const err = structuredClone(new RangeError("kept"));
console.log(err instanceof RangeError, err.message);
for (const bad of [() => 1, Symbol("s"), { f() {} }, new WeakMap()]) {
  try {
    structuredClone(bad);
    console.log("cloned?!");
  } catch (e) {
    console.log(e instanceof DOMException, e.name, e.code);
  }
}
const buffer = new ArrayBuffer(8);
const moved = structuredClone(buffer, { transfer: [buffer] });
console.log(buffer.byteLength, moved.byteLength);
try {
  structuredClone(buffer, { transfer: [buffer] });
} catch (e) {
  console.log(e.name, e.message);
}
