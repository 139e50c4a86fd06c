// node:buffer -- Buffer as Node has it: a Uint8Array subclass with encodings (utf8, hex,
// base64, base64url, latin1/binary, ascii, utf16le/ucs2) and the common readers and
// writers. Written for wasmcap (the npm `buffer` package is CommonJS with dependencies).
import { inspect } from "ext:wasmcap_runtime/inspect.js";

const ENCODINGS = ["utf8", "utf-8", "hex", "base64", "base64url", "latin1", "binary", "ascii", "utf16le", "utf-16le", "ucs2", "ucs-2"];
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;
B64_VALUE[45] = 62; // '-'
B64_VALUE[95] = 63; // '_'

function normalizeEncoding(encoding) {
  if (encoding === undefined || encoding === null) return "utf8";
  const lower = String(encoding).toLowerCase();
  switch (lower) {
    case "utf8": case "utf-8": return "utf8";
    case "hex": case "base64": case "base64url": case "latin1": case "ascii": return lower;
    case "binary": return "latin1";
    case "utf16le": case "utf-16le": case "ucs2": case "ucs-2": return "utf16le";
  }
  const error = new TypeError(`Unknown encoding: ${encoding}`);
  error.code = "ERR_UNKNOWN_ENCODING";
  throw error;
}

function encode(string, encoding) {
  switch (normalizeEncoding(encoding)) {
    case "utf8": return new TextEncoder().encode(string);
    case "hex": {
      const n = string.length >>> 1;
      const out = new Uint8Array(n);
      let i = 0;
      for (; i < n; i++) {
        const byte = parseInt(string.substr(i * 2, 2), 16);
        if (Number.isNaN(byte) || !/^[0-9a-fA-F]{2}$/.test(string.substr(i * 2, 2))) break;
        out[i] = byte;
      }
      return out.subarray(0, i);
    }
    case "base64": case "base64url": {
      const out = new Uint8Array((string.length * 3) >>> 2);
      let bits = 0;
      let count = 0;
      let n = 0;
      for (let i = 0; i < string.length; i++) {
        const c = string.charCodeAt(i);
        if (c === 61) break; // '='
        const v = c < 128 ? B64_VALUE[c] : -1;
        if (v < 0) continue; // Node skips what is not base64 (whitespace...)
        bits = (bits << 6) | v;
        count += 6;
        if (count >= 8) {
          count -= 8;
          out[n++] = (bits >>> count) & 0xff;
        }
      }
      return out.subarray(0, n);
    }
    case "latin1": case "ascii": {
      const out = new Uint8Array(string.length);
      for (let i = 0; i < string.length; i++) out[i] = string.charCodeAt(i) & 0xff;
      return out;
    }
    case "utf16le": {
      const out = new Uint8Array(string.length * 2);
      for (let i = 0; i < string.length; i++) {
        const c = string.charCodeAt(i);
        out[i * 2] = c & 0xff;
        out[i * 2 + 1] = c >>> 8;
      }
      return out;
    }
  }
}

function decode(bytes, encoding) {
  switch (normalizeEncoding(encoding)) {
    case "utf8": return new TextDecoder().decode(bytes);
    case "hex": {
      let out = "";
      for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
      return out;
    }
    case "base64": case "base64url": {
      const url = normalizeEncoding(encoding) === "base64url";
      const alphabet = url ? B64URL : B64;
      let out = "";
      let i = 0;
      for (; i + 2 < bytes.length; i += 3) {
        const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        out += alphabet[n >>> 18] + alphabet[(n >>> 12) & 63] + alphabet[(n >>> 6) & 63] + alphabet[n & 63];
      }
      const rest = bytes.length - i;
      if (rest === 1) {
        const n = bytes[i] << 16;
        out += alphabet[n >>> 18] + alphabet[(n >>> 12) & 63] + (url ? "" : "==");
      } else if (rest === 2) {
        const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
        out += alphabet[n >>> 18] + alphabet[(n >>> 12) & 63] + alphabet[(n >>> 6) & 63] + (url ? "" : "=");
      }
      return out;
    }
    case "latin1": {
      let out = "";
      for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
      return out;
    }
    case "ascii": {
      let out = "";
      for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i] & 0x7f);
      return out;
    }
    case "utf16le": {
      let out = "";
      for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
      return out;
    }
  }
}

function checkSize(size) {
  if (typeof size !== "number" || !(size >= 0) || size > 2 ** 32) {
    const error = new RangeError(`The argument 'size' is invalid. Received ${inspect(size)}`);
    error.code = "ERR_INVALID_ARG_VALUE";
    throw error;
  }
}

function view(bytes) {
  return new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class Buffer extends Uint8Array {
  static from(value, encodingOrOffset, length) {
    if (typeof value === "string") return view(encode(value, encodingOrOffset));
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer)) {
      const offset = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset);
      const size = length === undefined ? value.byteLength - offset : Number(length);
      return new Buffer(value, offset, size);
    }
    if (ArrayBuffer.isView(value)) {
      const copy = new Buffer(value.byteLength);
      copy.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return copy;
    }
    if (value !== null && typeof value === "object") {
      if (value.type === "Buffer" && Array.isArray(value.data)) return Buffer.from(value.data);
      if (typeof value.length === "number" || Array.isArray(value)) {
        const out = new Buffer(value.length >>> 0);
        for (let i = 0; i < out.length; i++) out[i] = value[i];
        return out;
      }
      const primitive = value.valueOf?.();
      if (primitive !== undefined && primitive !== value) return Buffer.from(primitive, encodingOrOffset, length);
    }
    throw new TypeError(`The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received ${inspect(value)}`);
  }

  static alloc(size, fill, encoding) {
    checkSize(size);
    const out = new Buffer(size);
    if (fill !== undefined && fill !== 0) out.fill(fill, 0, out.length, encoding);
    return out;
  }

  static allocUnsafe(size) {
    checkSize(size);
    return new Buffer(size);
  }

  static allocUnsafeSlow(size) {
    return Buffer.allocUnsafe(size);
  }

  static isBuffer(value) {
    return value instanceof Buffer;
  }

  static isEncoding(encoding) {
    return typeof encoding === "string" && ENCODINGS.includes(encoding.toLowerCase());
  }

  static byteLength(value, encoding) {
    if (typeof value !== "string") return value.byteLength;
    return encode(value, encoding).length;
  }

  static concat(list, totalLength) {
    if (!Array.isArray(list)) {
      throw new TypeError(`The "list" argument must be an instance of Array. Received ${inspect(list)}`);
    }
    const total = totalLength ?? list.reduce((sum, item) => sum + item.length, 0);
    const out = Buffer.alloc(total);
    let offset = 0;
    for (const item of list) {
      if (!(item instanceof Uint8Array)) {
        throw new TypeError(`The "list" argument must contain only Buffer or Uint8Array instances. Received ${inspect(item)}`);
      }
      if (offset >= total) break;
      const part = item.subarray(0, total - offset);
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  static compare(a, b) {
    return Buffer.prototype.compare.call(a, b);
  }

  toString(encoding, start = 0, end = this.length) {
    start = Math.max(0, start | 0);
    end = Math.min(this.length, end === undefined ? this.length : end | 0);
    if (end <= start) return "";
    return decode(this.subarray(start, end), encoding);
  }

  toJSON() {
    return { type: "Buffer", data: Array.from(this) };
  }

  equals(other) {
    if (!(other instanceof Uint8Array)) {
      throw new TypeError(`The "otherBuffer" argument must be an instance of Buffer or Uint8Array. Received ${inspect(other)}`);
    }
    return this.compare(other) === 0;
  }

  compare(other, targetStart = 0, targetEnd = other.length, sourceStart = 0, sourceEnd = this.length) {
    const a = this.subarray(sourceStart, sourceEnd);
    const b = other.subarray(targetStart, targetEnd);
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
    const part = this.subarray(sourceStart, Math.min(sourceEnd, sourceStart + target.length - targetStart));
    target.set(part, targetStart);
    return part.length;
  }

  write(string, offset = 0, length, encoding) {
    if (typeof offset === "string") [encoding, offset, length] = [offset, 0, undefined];
    else if (typeof length === "string") [encoding, length] = [length, undefined];
    const bytes = encode(string, encoding);
    const n = Math.min(bytes.length, this.length - offset, length ?? Infinity);
    this.set(bytes.subarray(0, n), offset);
    return n;
  }

  fill(value, offset = 0, end = this.length, encoding) {
    if (typeof offset === "string") [encoding, offset, end] = [offset, 0, this.length];
    if (typeof value === "number") return super.fill(value & 255, offset, end);
    const bytes = typeof value === "string" ? encode(value, encoding) : value;
    if (bytes.length === 0) return super.fill(0, offset, end);
    for (let i = offset, j = 0; i < end; i++, j = (j + 1) % bytes.length) this[i] = bytes[j];
    return this;
  }

  slice(start, end) {
    return this.subarray(start, end);
  }

  indexOf(value, byteOffset = 0, encoding) {
    if (typeof value === "number") return super.indexOf(value & 255, byteOffset);
    const needle = typeof value === "string" ? encode(value, encoding) : value;
    if (byteOffset < 0) byteOffset = Math.max(0, this.length + byteOffset);
    if (needle.length === 0) return byteOffset <= this.length ? byteOffset : this.length;
    outer: for (let i = byteOffset; i + needle.length <= this.length; i++) {
      for (let j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  includes(value, byteOffset, encoding) {
    return this.indexOf(value, byteOffset, encoding) !== -1;
  }

  [Symbol.for("nodejs.util.inspect.custom")]() {
    let hex = "";
    const shown = Math.min(this.length, 50);
    for (let i = 0; i < shown; i++) hex += (i > 0 ? " " : "") + (this[i] < 16 ? "0" : "") + this[i].toString(16);
    const more = this.length > 50 ? ` ... ${this.length - 50} more byte${this.length - 50 === 1 ? "" : "s"}` : "";
    return `<Buffer${hex ? " " + hex : ""}${more}>`;
  }
}

// Readers and writers for fixed-width numbers, through a DataView of the same bytes.
function dataView(buffer) {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function checkOffset(buffer, offset, width) {
  if (offset === undefined) offset = 0;
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset + width > buffer.length) {
    const error = new RangeError(`The value of "offset" is out of range. It must be >= 0 and <= ${buffer.length - width}. Received ${inspect(offset)}`);
    error.code = "ERR_OUT_OF_RANGE";
    throw error;
  }
  return offset;
}

const NUMBER_TYPES = [
  ["UInt8", "Uint8", 1], ["Int8", "Int8", 1],
  ["UInt16", "Uint16", 2], ["Int16", "Int16", 2],
  ["UInt32", "Uint32", 4], ["Int32", "Int32", 4],
  ["Float", "Float32", 4], ["Double", "Float64", 8],
  ["BigUInt64", "BigUint64", 8], ["BigInt64", "BigInt64", 8],
];
for (const [name, viewName, width] of NUMBER_TYPES) {
  const get = DataView.prototype[`get${viewName}`];
  const set = DataView.prototype[`set${viewName}`];
  const endians = width === 1 ? [["", false]] : [["LE", true], ["BE", false]];
  for (const [suffix, little] of endians) {
    const read = function (offset) {
      offset = checkOffset(this, offset, width);
      return get.call(dataView(this), offset, little);
    };
    const write = function (value, offset) {
      offset = checkOffset(this, offset, width);
      set.call(dataView(this), offset, value, little);
      return offset + width;
    };
    for (const alias of new Set([name, name.replace("UInt", "Uint")])) {
      Buffer.prototype[`read${alias}${suffix}`] = read;
      Buffer.prototype[`write${alias}${suffix}`] = write;
    }
  }
}

export const kMaxLength = 2 ** 32;
export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: 2 ** 29 - 24 };
export const atob = globalThis.atob;
export const btoa = globalThis.btoa;
export function isUtf8(bytes) {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const bufferModule = { Buffer, kMaxLength, constants, atob, btoa, isUtf8 };
export default bufferModule;
