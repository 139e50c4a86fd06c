// wasmcap:fs -- file access of bytes, for scripts run with --allow-read / --allow-write:
// whole files, and chunks for files larger than memory (examples/encrypt-file.js).
// Anything outside the grant throws a PermissionDenied error that names the path and the
// flag to pass. Paths are relative to the current directory. Synchronous.
import { core, primordials } from "ext:core/mod.js";
import {
  op_wasmcap_append_file as appendBytes,
  op_wasmcap_read_file as readBytes,
  op_wasmcap_read_file_chunk as readChunk,
  op_wasmcap_write_file as writeBytes,
} from "ext:core/ops";
import { NotFound, PermissionDenied, typedArrayKind } from "ext:wasmcap_runtime/prelude.js";

const { NumberIsInteger, NumberIsSafeInteger, String, TypeError } = primordials;

export { NotFound, PermissionDenied };

// The most readFileChunk reads at once (64 MiB; the op enforces it too).
const MAX_CHUNK = 64 << 20;

// The file's contents as a Uint8Array.
export function readFile(path) {
  return readBytes(checkPath(path, "readFile"));
}

// Creates or replaces the file with `bytes` (a Uint8Array, or a string written as UTF-8).
export function writeFile(path, bytes) {
  writeBytes(checkPath(path, "writeFile"), checkBytes(bytes, "writeFile"));
}

// Up to `length` bytes of the file from byte `offset`: fewer at its end, none past it.
export function readFileChunk(path, offset, length) {
  checkPath(path, "readFileChunk");
  if (!(NumberIsSafeInteger(offset) && offset >= 0)) {
    throw new TypeError(`readFileChunk: offset must be a non-negative integer, got ${describe(offset)}`);
  }
  if (!(NumberIsInteger(length) && length >= 0 && length <= MAX_CHUNK)) {
    throw new TypeError(`readFileChunk: length must be an integer from 0 to ${MAX_CHUNK}, got ${describe(length)}`);
  }
  return readChunk(path, offset, length);
}

// Appends `bytes` (a Uint8Array, or a string written as UTF-8) to the file, creating it.
export function appendFile(path, bytes) {
  appendBytes(checkPath(path, "appendFile"), checkBytes(bytes, "appendFile"));
}

function checkPath(path, fn) {
  if (typeof path !== "string") {
    throw new TypeError(`${fn}: path must be a string, got ${path === null ? "null" : typeof path}`);
  }
  return path;
}

function checkBytes(bytes, fn) {
  if (typeof bytes === "string") return core.encode(bytes);
  if (typedArrayKind(bytes) !== "Uint8Array") {
    const got = typeof bytes === "object" ? describe(bytes) : typeof bytes;
    throw new TypeError(`${fn}: data must be a Uint8Array or a string, got ${got}`);
  }
  return bytes;
}

function describe(value) {
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const kind = typedArrayKind(value);
  if (kind !== undefined) return kind;
  try {
    return `${value.constructor?.name ?? "null"}`;
  } catch {
    return "object";
  }
}
