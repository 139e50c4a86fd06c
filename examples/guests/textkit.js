// Uses our own small guest (textkit.c, compiled to textkit.wasm) through Guest.load,
// which gives it the same guarantees as the embedded guests: every pointer from it read
// unsigned and bounds-checked, inputs copied in and results out, and the arena wiped
// after each call.
//
//   wasmcap run --allow-read examples/guests/textkit.js [TEXT]
//
// (--allow-read: Guest.load reads textkit.wasm through wasmcap:fs.)
import { Guest } from "wasmcap:guest";

// textkit.wasm beside this script, whatever the current directory.
const here = decodeURIComponent(import.meta.url.replace(/^file:\/\//, "").replace(/[^/]*$/, ""));
const guest = Guest.load(`${here}textkit.wasm`);

const encoder = new TextEncoder();

// CRC-32 of bytes, computed in the guest.
function crc32(bytes) {
  return guest.withArena((g) => g.exports.crc32(g.copyIn(bytes), bytes.length) >>> 0);
}

// ASCII upper-casing in the guest: copy in, change in place, copy out.
function toUpper(text) {
  const bytes = encoder.encode(text);
  return guest.withArena((g) => {
    const ptr = g.copyIn(bytes);
    const changed = g.exports.to_upper(ptr, bytes.length) >>> 0;
    return { text: new TextDecoder().decode(g.copyOut(ptr, bytes.length)), changed };
  });
}

const text = process.argv[2] ?? "hello, wasm guest";
console.log(`crc32("123456789") = 0x${crc32(encoder.encode("123456789")).toString(16)}`); // 0xcbf43926
console.log(`crc32(${JSON.stringify(text)}) = 0x${crc32(encoder.encode(text)).toString(16).padStart(8, "0")}`);
console.log(toUpper(text));
