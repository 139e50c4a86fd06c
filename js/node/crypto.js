// node:crypto -- randomness from wasmcap's CSPRNG (the OS, or --seed for tests) and one
// hash: createHash("blake2b512"), BLAKE2b from the embedded Monocypher guest. Every other
// algorithm, HMAC, ciphers and keys throw a clear "not supported" error.
import { fillRandom } from "ext:wasmcap_runtime/prelude.js";
import { Monocypher } from "ext:wasmcap_runtime/monocypher.js";
import { Buffer } from "ext:wasmcap_runtime/node/buffer.js";
import { inspect } from "ext:wasmcap_runtime/inspect.js";

const MAX_RANDOM_BYTES = 2 ** 31 - 1;

function notSupported(what) {
  const error = new Error(`${what} is not supported in wasmcap: node:crypto has randomBytes, randomFillSync, randomUUID, getRandomValues and createHash("blake2b512"); for encryption and signatures use wasmcap:monocypher`);
  error.code = "ERR_NOT_SUPPORTED";
  return error;
}

function fill(bytes) {
  // fillRandom takes at most 65536 bytes per call as getRandomValues does; go in pieces.
  for (let at = 0; at < bytes.length; at += 65536) fillRandom(bytes.subarray(at, Math.min(bytes.length, at + 65536)));
  return bytes;
}

export function randomBytes(size, callback) {
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0 || size > MAX_RANDOM_BYTES) {
    const error = new RangeError(`The value of "size" is out of range. It must be >= 0 && <= ${MAX_RANDOM_BYTES}. Received ${inspect(size)}`);
    error.code = "ERR_OUT_OF_RANGE";
    throw error;
  }
  const bytes = fill(Buffer.alloc(size));
  if (typeof callback === "function") {
    queueMicrotask(() => callback(null, bytes));
    return undefined;
  }
  return bytes;
}

export function randomFillSync(target, offset = 0, size) {
  if (!ArrayBuffer.isView(target) && !(target instanceof ArrayBuffer)) {
    throw new TypeError(`The "buf" argument must be an instance of ArrayBuffer or ArrayBufferView. Received ${inspect(target)}`);
  }
  const bytes = target instanceof ArrayBuffer ? new Uint8Array(target) : new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  const end = size === undefined ? bytes.length : offset + size;
  if (offset < 0 || end > bytes.length || offset > end) {
    throw new RangeError(`The value of "offset + size" is out of range. It must be <= ${bytes.length}`);
  }
  fill(bytes.subarray(offset, end));
  return target;
}

export function randomFill(target, offset, size, callback) {
  if (typeof offset === "function") [callback, offset, size] = [offset, 0, undefined];
  else if (typeof size === "function") [callback, size] = [size, undefined];
  randomFillSync(target, offset, size);
  queueMicrotask(() => callback(null, target));
}

export function randomInt(min, max, callback) {
  if (max === undefined || typeof max === "function") [min, max, callback] = [0, min, max];
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min || max - min > 2 ** 48) {
    throw new RangeError(`randomInt needs safe integers min < max with max - min <= 2**48; got ${inspect(min)}, ${inspect(max)}`);
  }
  const range = max - min;
  const limit = 2 ** 48 - (2 ** 48 % range);
  const bytes = new Uint8Array(6);
  let value;
  do {
    fill(bytes);
    value = bytes.reduce((acc, b) => acc * 256 + b, 0);
  } while (value >= limit);
  const result = min + (value % range);
  if (typeof callback === "function") {
    queueMicrotask(() => callback(null, result));
    return undefined;
  }
  return result;
}

export const randomUUID = (...args) => globalThis.crypto.randomUUID(...args);
export const getRandomValues = (array) => globalThis.crypto.getRandomValues(array);
export const webcrypto = globalThis.crypto;

let monocypher;

class Hash {
  #hasher;
  #done = false;

  constructor(hasher) {
    this.#hasher = hasher;
  }

  update(data, inputEncoding) {
    if (this.#done) {
      const error = new Error("Digest already called");
      error.code = "ERR_CRYPTO_HASH_FINALIZED";
      throw error;
    }
    const bytes = typeof data === "string" ? Buffer.from(data, inputEncoding) : data;
    if (!ArrayBuffer.isView(bytes)) {
      throw new TypeError(`The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${inspect(data)}`);
    }
    this.#hasher.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return this;
  }

  digest(encoding) {
    if (this.#done) {
      const error = new Error("Digest already called");
      error.code = "ERR_CRYPTO_HASH_FINALIZED";
      throw error;
    }
    this.#done = true;
    const hash = Buffer.from(this.#hasher.digest());
    return encoding === undefined || encoding === "buffer" ? hash : hash.toString(encoding);
  }

  copy() {
    throw notSupported("Hash.copy()");
  }
}

export function createHash(algorithm) {
  const name = String(algorithm).toLowerCase();
  if (name !== "blake2b512") {
    throw notSupported(`createHash(${inspect(algorithm)})`);
  }
  monocypher ??= new Monocypher();
  return new Hash(monocypher.blake2bHasher({ size: 64 }));
}

export function getHashes() {
  return ["blake2b512"];
}

export function timingSafeEqual(a, b) {
  if (a.byteLength !== b.byteLength) {
    const error = new RangeError("Input buffers must have the same byte length");
    error.code = "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH";
    throw error;
  }
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

const refuse = (what) => () => {
  throw notSupported(what);
};
export const createHmac = refuse("createHmac");
export const createCipheriv = refuse("createCipheriv");
export const createDecipheriv = refuse("createDecipheriv");
export const createSign = refuse("createSign");
export const createVerify = refuse("createVerify");
export const pbkdf2 = refuse("pbkdf2");
export const pbkdf2Sync = refuse("pbkdf2Sync");
export const scrypt = refuse("scrypt");
export const scryptSync = refuse("scryptSync");
export const generateKeyPair = refuse("generateKeyPair");
export const generateKeyPairSync = refuse("generateKeyPairSync");
export const subtle = undefined;

export default {
  randomBytes, randomFillSync, randomFill, randomInt, randomUUID, getRandomValues, webcrypto, createHash, getHashes,
  timingSafeEqual, createHmac, createCipheriv, createDecipheriv, createSign, createVerify, pbkdf2, pbkdf2Sync, scrypt,
  scryptSync, generateKeyPair, generateKeyPairSync,
};
