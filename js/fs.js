// wasmcap:fs -- whole-file reads and writes of bytes, for scripts run with --allow-read /
// --allow-write. Anything outside the grant throws a PermissionDenied error that names the
// path and the flag to pass. Paths are relative to the current directory. Synchronous.
import { NotFound, PermissionDenied, readFile as readBytes, writeFile as writeBytes } from "wasmcap:internal";
import { appendFile as appendOp, readFileChunk as readChunkOp } from "wasmcap:internal";

export { NotFound, PermissionDenied };

// The file's contents as a Uint8Array.
export function readFile(path) {
  return readBytes(checkPath(path, "readFile"));
}

// Creates or replaces the file with `bytes` (a Uint8Array, or a string written as UTF-8).
export function writeFile(path, bytes) {
  checkPath(path, "writeFile");
  if (typeof bytes === "string") bytes = new TextEncoder().encode(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`writeFile: data must be a Uint8Array or a string, got ${typeof bytes === "object" ? bytes?.constructor?.name ?? "null" : typeof bytes}`);
  }
  writeBytes(path, bytes);
}

// Chunked access, for files larger than memory (examples/encrypt-file.js). Each is
// undefined where the runtime lacks its op, so scripts can test for it:
//   if (typeof readFileChunk === "function") ...

// Up to `length` bytes of the file from byte `offset`: fewer at its end, none past it.
export const readFileChunk = readChunkOp && function readFileChunk(path, offset, length) {
  checkPath(path, "readFileChunk");
  if (!(Number.isSafeInteger(offset) && offset >= 0)) {
    throw new TypeError(`readFileChunk: offset must be a non-negative integer, got ${describeArg(offset)}`);
  }
  if (!(Number.isInteger(length) && length >= 0 && length <= MAX_CHUNK)) {
    throw new TypeError(`readFileChunk: length must be an integer from 0 to ${MAX_CHUNK}, got ${describeArg(length)}`);
  }
  return readChunkOp(path, offset, length);
};

// Appends `bytes` (a Uint8Array, or a string written as UTF-8) to the file, creating it.
export const appendFile = appendOp && function appendFile(path, bytes) {
  checkPath(path, "appendFile");
  if (typeof bytes === "string") bytes = new TextEncoder().encode(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`appendFile: data must be a Uint8Array or a string, got ${typeof bytes === "object" ? bytes?.constructor?.name ?? "null" : typeof bytes}`);
  }
  appendOp(path, bytes);
};

// The most readFileChunk reads at once (64 MiB).
const MAX_CHUNK = 64 << 20;

function describeArg(value) {
  if (typeof value === "number") return String(value);
  return typeof value === "object" ? value?.constructor?.name ?? "null" : typeof value;
}

function checkPath(path, fn) {
  if (typeof path !== "string") {
    throw new TypeError(`${fn}: path must be a string, got ${path === null ? "null" : typeof path}`);
  }
  return path;
}
