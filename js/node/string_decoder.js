// node:string_decoder -- bytes to text across chunk boundaries: a character split between
// two writes comes out whole with the second. utf8, utf16le, base64(url), hex, latin1, ascii.
import { Buffer } from "ext:wasmcap_runtime/node/buffer.js";

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
    this.utf8 = this.encoding === "utf8" ? new TextDecoder() : null;
  }

  write(chunk) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, this.encoding) : chunk;
    if (this.utf8) return this.utf8.decode(bytes, { stream: true });
    const all = Buffer.concat([this.pending, bytes]);
    const unit = { utf16le: 2, base64: 3, base64url: 3 }[this.encoding] ?? 1;
    const whole = all.length - (all.length % unit);
    this.pending = all.slice(whole);
    return Buffer.from(all.buffer, all.byteOffset, whole).toString(this.encoding);
  }

  end(chunk) {
    let out = chunk === undefined ? "" : this.write(chunk);
    if (this.utf8) {
      out += this.utf8.decode();
    } else if (this.pending.length > 0) {
      out += Buffer.from(this.pending).toString(this.encoding);
      this.pending = new Uint8Array(0);
    }
    return out;
  }
}

export default { StringDecoder };
