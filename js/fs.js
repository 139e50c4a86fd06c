// wasmcap:fs -- file access of bytes, for scripts run with --allow-read / --allow-write:
// whole files, chunks for files larger than memory (examples/encrypt-file.js), and
// directories. Anything outside the grant throws a PermissionDenied error that names the
// path and the flag to pass; symbolic links are never followed out of a granted directory.
// Paths are relative to the current directory, at most 4096 bytes. Synchronous.
import { core, primordials } from "ext:core/mod.js";
import {
  op_wasmcap_append_file as appendBytes,
  op_wasmcap_mkdir as makeDir,
  op_wasmcap_read_dir as listDir,
  op_wasmcap_read_file as readBytes,
  op_wasmcap_read_file_chunk as readChunk,
  op_wasmcap_read_chunk_limit as readChunkLimit,
  op_wasmcap_remove as removePath,
  op_wasmcap_rename as renamePath,
  op_wasmcap_stat as statPath,
  op_wasmcap_write_file as writeBytes,
} from "ext:core/ops";
import { NotFound, PermissionDenied } from "ext:wasmcap_runtime/prelude.js";
import { describe, describeValue, typedArrayKind } from "ext:wasmcap_runtime/util.js";

const {
  ArrayPrototypeIncludes,
  ArrayPrototypeJoin,
  ArrayPrototypeMap,
  NumberIsInteger,
  NumberIsSafeInteger,
  ObjectFromEntries,
  ObjectGetPrototypeOf,
  ObjectPrototype,
  ReflectOwnKeys,
  SymbolPrototypeToString,
  TypeError,
} = primordials;

export { NotFound, PermissionDenied };

// The most readFileChunk reads at once (64 MiB), defined by the op that enforces it (read
// once, when the startup snapshot is made).
const MAX_CHUNK = readChunkLimit();

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
    throw new TypeError(`readFileChunk: offset must be a non-negative integer, got ${describeValue(offset)}`);
  }
  if (!(NumberIsInteger(length) && length >= 0 && length <= MAX_CHUNK)) {
    throw new TypeError(`readFileChunk: length must be an integer from 0 to ${MAX_CHUNK}, got ${describeValue(length)}`);
  }
  return readChunk(path, offset, length);
}

// Appends `bytes` (a Uint8Array, or a string written as UTF-8) to the file, creating it.
export function appendFile(path, bytes) {
  appendBytes(checkPath(path, "appendFile"), checkBytes(bytes, "appendFile"));
}

// Creates a directory; with { recursive: true }, its missing parents too (and no error if
// it exists). Needs --allow-write.
export function mkdir(path, options) {
  const { recursive } = checkOptions(options, "mkdir", ["recursive"]);
  makeDir(checkPath(path, "mkdir"), recursive);
}

// The directory's entries, sorted by name: [{ name, isFile, isDirectory, isSymlink }]
// (a symbolic link is reported as one, not followed). Needs --allow-read.
export function readDir(path) {
  const entries = listDir(checkPath(path, "readDir"));
  return ArrayPrototypeMap(entries, (entry) => {
    const name = entry[0];
    const kind = entry[1];
    return { name, isFile: kind === 0, isDirectory: kind === 1, isSymlink: kind === 2 };
  });
}

// { size, isFile, isDirectory, isSymlink, mtimeMs } of the name itself: like lstat, a
// symbolic link at the end of the path is described, not followed. Needs --allow-read.
export function stat(path) {
  const facts = statPath(checkPath(path, "stat"));
  const size = facts[0];
  const kind = facts[1];
  const mtimeMs = facts[2];
  return { size, isFile: kind === 0, isDirectory: kind === 1, isSymlink: kind === 2, mtimeMs };
}

// Removes a file, a symbolic link (not its target) or an empty directory; with
// { recursive: true }, a directory and everything in it. Needs --allow-write.
export function remove(path, options) {
  const { recursive } = checkOptions(options, "remove", ["recursive"]);
  removePath(checkPath(path, "remove"), recursive);
}

// Moves `from` to `to` (replacing a file there). Needs --allow-write for both.
export function rename(from, to) {
  renamePath(checkPath(from, "rename"), checkPath(to, "rename"));
}

// An options object: undefined, or a plain object with only `keys`, each boolean.
function checkOptions(options, fn, keys) {
  const accepted = ArrayPrototypeJoin(keys, ", ");
  if (options === undefined) return ObjectFromEntries(ArrayPrototypeMap(keys, (key) => [key, false]));
  const proto = options === null || typeof options !== "object" ? undefined : ObjectGetPrototypeOf(options);
  if (proto !== ObjectPrototype && proto !== null) {
    throw new TypeError(`${fn}: options must be a plain object with the keys ${accepted}, got ${describe(options)}`);
  }
  const result = { __proto__: null };
  const own = ReflectOwnKeys(options);
  for (let i = 0; i < own.length; i++) {
    const key = own[i];
    if (!ArrayPrototypeIncludes(keys, key)) {
      const shown = typeof key === "symbol" ? SymbolPrototypeToString(key) : `'${key}'`;
      throw new TypeError(`${fn}: unknown option ${shown}; accepted: ${accepted}`);
    }
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = options[key];
    if (value !== undefined && typeof value !== "boolean") {
      throw new TypeError(`${fn}: option '${key}' must be a boolean, got ${describeValue(value)}`);
    }
    result[key] = value === true;
  }
  return result;
}

function checkPath(path, fn) {
  if (typeof path !== "string") {
    throw new TypeError(`${fn}: path must be a string, got ${describe(path)}`);
  }
  return path;
}

function checkBytes(bytes, fn) {
  if (typeof bytes === "string") return core.encode(bytes);
  if (typedArrayKind(bytes) !== "Uint8Array") {
    throw new TypeError(`${fn}: data must be a Uint8Array or a string, got ${describe(bytes)}`);
  }
  return bytes;
}
