// wasmcap:internal -- the runtime services the wasmcap: modules need, taken from the frozen
// object the prelude installed. The module loader serves this only to wasmcap: modules.
const internal = globalThis[Symbol.for("wasmcap.internal")];

// fillRandom(u8): fills u8 from the CSPRNG op (pooled) and returns it.
// guestModule(name): the compiled WebAssembly.Module of an embedded guest, cached per runtime.
// readFile(path) / writeFile(path, u8) / readFileChunk(path, offset, length) /
// appendFile(path, u8) / mkdir(path, recursive) / readDir(path) / stat(path) /
// remove(path, recursive) / rename(from, to): file access, checked against
// --allow-read/--allow-write. PermissionDenied, NotFound: the error classes those throw.
export const {
  fillRandom, guestModule, readFile, writeFile, readFileChunk, appendFile,
  mkdir, readDir, stat, remove, rename, PermissionDenied, NotFound,
} = internal;
