// node:string_decoder -- bytes to text across chunk boundaries: a character split between
// two writes comes out whole with the second. utf8, utf16le, base64(url), hex, latin1, ascii.
import { Buffer } from "ext:wasmcap_runtime/node/buffer.js";

// How many leading bytes of `bytes` end on a UTF-8 character boundary: a sequence cut off
// at the end (at most 3 bytes of a 4-byte one) waits for the next write.
function completeUtf8(bytes) {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

export class StringDecoder {
  constructor(encoding = "utf8") {
    const lower = String(encoding).toLowerCase();
    this.encoding = { "utf-8": "utf8", ucs2: "utf16le", "ucs-2": "utf16le", "utf-16le": "utf16le", binary: "latin1" }[lower] ?? lower;
    if (!Buffer.isEncoding(this.encoding)) {
      const error = new TypeError(`Unknown encoding: ${encoding}`);
      error.code = "ERR_UNKNOWN_ENCODING";
      throw error;
    }
    this.pending = new Uint8Array(0);
  }

  write(chunk) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, this.encoding) : chunk;
    const all = Buffer.concat([this.pending, bytes]);
    const unit = { utf16le: 2, base64: 3, base64url: 3 }[this.encoding] ?? 1;
    const whole = this.encoding === "utf8" ? completeUtf8(all) : all.length - (all.length % unit);
    this.pending = all.slice(whole);
    return Buffer.from(all.buffer, all.byteOffset, whole).toString(this.encoding);
  }

  end(chunk) {
    let out = chunk === undefined ? "" : this.write(chunk);
    if (this.pending.length > 0) {
      out += Buffer.from(this.pending).toString(this.encoding);
      this.pending = new Uint8Array(0);
    }
    return out;
  }
}

export default { StringDecoder };
