// Decrypts a file made by examples/encrypt-file.js, in constant memory, and refuses
// any tampering: a flipped bit, a reordered, dropped or repeated chunk, a truncated file.
//
//   wasmcap run --allow-read --allow-write examples/decrypt-file.js KEYFILE IN OUT
//
// Plaintext is written as each chunk checks out. If a later chunk fails, OUT is emptied
// and the script exits with 1: never use OUT unless the script succeeded.
import * as fs from "wasmcap:fs";
import { AuthenticationError, Monocypher, STREAM_CHUNK_SIZE, STREAM_HEADER_SIZE, wipe } from "wasmcap:monocypher";

const [keyFile, input, output] = process.argv.slice(2);
if (output === undefined) {
  console.error("usage: wasmcap run --allow-read --allow-write examples/decrypt-file.js KEYFILE IN OUT");
  process.exit(2);
}

const mc = new Monocypher();
const key = fs.readFile(keyFile);
if (key.length !== 32) throw new Error(`${keyFile} must hold a 32-byte key, it has ${key.length} bytes`);
const out = openOutput(output);
try {
  const pieces = readChunks(input, STREAM_HEADER_SIZE, 16 + STREAM_CHUNK_SIZE);
  const header = pieces.next().value ?? new Uint8Array(0);
  if (header.length !== STREAM_HEADER_SIZE) throw new AuthenticationError(`${input} is too short to hold a stream header`);
  const stream = mc.decryptStream(key, header);
  wipe(key);
  let total = 0;
  for (const piece of pieces) {
    const text = stream.update(piece);
    out.write(text);
    total += text.length;
  }
  const last = stream.final();
  out.write(last);
  out.close();
  console.error(`decrypted ${total + last.length} bytes of ${input} into ${output}`);
} catch (e) {
  out.abort();
  if (!(e instanceof AuthenticationError)) throw e;
  console.error(`error: ${input} cannot be decrypted: ${e.message}; ${output} was emptied`);
  process.exit(1);
}

// Yields the file's first `first` bytes, then pieces of at most `size` bytes.
function* readChunks(path, first, size) {
  yield fs.readFileChunk(path, 0, first);
  for (let offset = first; ; offset += size) {
    const piece = fs.readFileChunk(path, offset, size);
    if (piece.length > 0) yield piece;
    if (piece.length < size) return;
  }
}

// Writes bytes to a new file piece by piece; abort() empties it.
function openOutput(path) {
  fs.writeFile(path, new Uint8Array(0));
  return {
    write: (bytes) => bytes.length && fs.appendFile(path, bytes),
    close() {},
    abort: () => fs.writeFile(path, new Uint8Array(0)),
  };
}
