// Encrypts a file of any size with Monocypher's streaming AEAD (XChaCha20-Poly1305 in
// 64 KiB chunks; format in js/monocypher.js, "STREAM FORMAT"), in constant memory.
//
//   wasmcap run --allow-read --allow-write examples/encrypt-file.js KEYFILE IN OUT
//
// KEYFILE holds the 32-byte key; when it does not exist, a new random key is written
// there first. OUT gets the 32-byte header, then the sealed chunks. Decrypt with
// examples/decrypt-file.js.
import * as fs from "wasmcap:fs";
import { Monocypher, STREAM_CHUNK_SIZE, wipe } from "wasmcap:monocypher";

const [keyFile, input, output] = process.argv.slice(2);
if (output === undefined) {
  console.error("usage: wasmcap run --allow-read --allow-write examples/encrypt-file.js KEYFILE IN OUT");
  process.exit(2);
}

const mc = new Monocypher();
const key = loadOrCreateKey(keyFile);
const stream = mc.encryptStream(key);
wipe(key); // the stream keeps its own (ratcheting) state
const out = openOutput(output);
out.write(stream.header);
let total = 0;
for (const piece of readChunks(input, STREAM_CHUNK_SIZE)) {
  out.write(stream.update(piece));
  total += piece.length;
}
out.write(stream.final());
out.close();
console.error(`encrypted ${total} bytes of ${input} into ${output}`);

function loadOrCreateKey(path) {
  let key;
  try {
    key = fs.readFile(path);
  } catch (e) {
    if (!(e instanceof fs.NotFound)) throw e;
    key = mc.generateKey();
    fs.writeFile(path, key);
    console.error(`wrote a new random key to ${path}: keep it secret, and keep it`);
  }
  if (key.length !== 32) throw new Error(`${path} must hold a 32-byte key, it has ${key.length} bytes`);
  return key;
}

// Yields the file's bytes in pieces of at most `size` bytes.
function* readChunks(path, size) {
  for (let offset = 0; ; offset += size) {
    const piece = fs.readFileChunk(path, offset, size);
    if (piece.length > 0) yield piece;
    if (piece.length < size) return;
  }
}

// Writes bytes to a new file piece by piece.
function openOutput(path) {
  fs.writeFile(path, new Uint8Array(0)); // create or empty it
  return { write: (bytes) => bytes.length && fs.appendFile(path, bytes), close() {} };
}
