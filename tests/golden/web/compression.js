// CompressionStream / DecompressionStream (deno_web: flate2): round trips, and corrupt input.
const text = "wasmcap ".repeat(1000);
async function roundTrip(format) {
  const compressed = await Response_(ReadableStream.from([new TextEncoder().encode(text)]).pipeThrough(new CompressionStream(format)));
  const restored = await Response_(ReadableStream.from([compressed]).pipeThrough(new DecompressionStream(format)));
  console.log(format, compressed.length < 100, new TextDecoder().decode(restored) === text);
}
// No fetch in the sandbox, so no Response: collect the bytes by hand.
async function Response_(stream) {
  const parts = await Array.fromAsync(stream);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
for (const format of ["gzip", "deflate", "deflate-raw"]) await roundTrip(format);
try {
  await Response_(ReadableStream.from([new Uint8Array([1, 2, 3, 4])]).pipeThrough(new DecompressionStream("gzip")));
} catch (e) {
  console.log(e.name, e.message);
}
try {
  new CompressionStream("zip");
} catch (e) {
  console.log(e.name, e.message);
}
