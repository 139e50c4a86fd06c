// wasmcap:fs -- whole-file reads and writes of bytes, for scripts run with --allow-read /
// --allow-write. Anything outside the grant throws a PermissionDenied error that names the
// path and the flag to pass. Paths are relative to the current directory. Synchronous.
import { NotFound, PermissionDenied, readFile as readBytes, writeFile as writeBytes } from "wasmcap:internal";

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

function checkPath(path, fn) {
  if (typeof path !== "string") {
    throw new TypeError(`${fn}: path must be a string, got ${path === null ? "null" : typeof path}`);
  }
  return path;
}
