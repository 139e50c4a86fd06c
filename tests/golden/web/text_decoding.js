// TextDecoder/TextEncoder (deno_web, encoding_rs): fatal, streaming, labels, streams.
const bad = new Uint8Array([0x68, 0x69, 0xff]);
console.log(JSON.stringify(new TextDecoder().decode(bad)));
try {
  new TextDecoder("utf-8", { fatal: true }).decode(bad);
} catch (e) {
  console.log(e.name, e.message);
}
// A character split across chunks is decoded whole with { stream: true }.
const euro = new TextEncoder().encode("\u20ac!");
const streaming = new TextDecoder();
console.log(JSON.stringify(streaming.decode(euro.subarray(0, 1), { stream: true }) + streaming.decode(euro.subarray(1))));
console.log(new TextDecoder("latin1").encoding, new TextDecoder("latin1").decode(new Uint8Array([0xe9, 0x80])));
try {
  new TextDecoder("no-such-encoding");
} catch (e) {
  console.log(e.name, e.message);
}
const target = new Uint8Array(4);
console.log(new TextEncoder().encodeInto("\u00e9\u00e9\u00e9", target), target);
const chunks = [];
await ReadableStream.from(["h\u00e9", "llo"])
  .pipeThrough(new TextEncoderStream())
  .pipeThrough(new TextDecoderStream())
  .pipeTo(new WritableStream({ write: (chunk) => { chunks.push(chunk); } }));
console.log(chunks.join(""));
