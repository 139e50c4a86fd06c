// Hashing in wasmcap:monocypher: BLAKE2b (RFC 7693), whole or incremental, and Argon2id
// (RFC 9106) password hashing. Each call runs in a fresh arena of the guest, reset (wiped)
// however it ends; a hasher's state lives in a JS buffer between calls and is wiped by digest.
import { primordials } from "ext:core/mod.js";
import { describe, viewOf } from "ext:wasmcap_runtime/util.js";
import {
  EMPTY,
  byteLength,
  bytesOrString,
  checkBytes,
  checkInteger,
  checkKey,
  checkOptions,
  exported,
  finished,
  newState,
  stepState,
} from "ext:wasmcap_runtime/monocypher_checks.js";

const {
  MathMin,
  NumberPrototypeToFixed,
  ObjectFreeze,
  RangeError,
  TypeError,
  TypedArrayPrototypeFill,
} = primordials;

// Inputs larger than this are hashed piecewise, so a huge input never needs a guest arena of
// its own size.
const HASH_PIECE = 1 << 20;

const ARGON2_ID = 2;

// Argon2id's cost limits: beyond them a call would run for minutes or hours (the RFC's
// recommendations are 2 GiB x 1 pass and 64 MiB x 3 passes). memoryKiB x passes bounds
// the work (about 10 s per 2^24 KiB on a laptop core); lanes are computed one after
// another here, so more of them only cost memory.
export const ARGON2_LIMITS = ObjectFreeze({
  memoryKiB: 2 * 1024 * 1024, // 2 GiB: the most the guest's arena can give at once
  passes: 1024,
  lanes: 64,
  work: 1 << 24, // memoryKiB x passes (16 GiB processed)
  size: 1024,
});

// BLAKE2b of message: options.size bytes (1..64, default 64), keyed (a MAC) with options.key.
export function blake2b(guest, message, options) {
  const bytes = bytesOrString(message, "message");
  const { key, size } = blake2bOptions(options, "blake2b");
  if (byteLength(bytes) > HASH_PIECE) {
    return new Blake2bHasher(guest, key, size).update(bytes).digest();
  }
  const hashFn = exported(guest, "crypto_blake2b_keyed");
  return guest.withArena((g) => {
    const hash = g.alloc(size);
    const keyPtr = g.copyIn(key);
    const msg = g.copyIn(bytes);
    hashFn(hash, size, keyPtr, byteLength(key), msg, byteLength(bytes));
    return g.copyOut(hash, size);
  });
}

export function blake2bHasher(guest, options) {
  const { key, size } = blake2bOptions(options, "blake2bHasher");
  return new Blake2bHasher(guest, key, size);
}

function blake2bOptions(options, fn) {
  const o = checkOptions(options, fn, ["key", "size"]);
  const key = checkKey(o.key, 64);
  const size = o.size === undefined ? 64 : checkInteger(o.size, 1, 64, "size");
  return { key, size };
}

class Blake2bHasher {
  #guest;
  #ctx; // crypto_blake2b_ctx between calls; null once digested
  #size;

  constructor(guest, key, size) {
    const initFn = exported(guest, "crypto_blake2b_keyed_init");
    const ctxSize = exported(guest, "wasmcap_blake2b_ctx_size")() >>> 0;
    this.#guest = guest;
    this.#size = size;
    this.#ctx = newState(guest, ctxSize, (ctx, g) => initFn(ctx, size, g.copyIn(key), byteLength(key)));
  }

  // Adds bytes (Uint8Array or string, as UTF-8) to the hash; returns the hasher.
  update(message) {
    if (this.#ctx === null) throw finished("hasher");
    const bytes = this.#guest.stable(bytesOrString(message, "message"));
    const updateFn = exported(this.#guest, "crypto_blake2b_update");
    const state = this.#ctx;
    const len = byteLength(bytes);
    for (let at = 0; at < len; at += HASH_PIECE) {
      const piece = viewOf(bytes, at, MathMin(at + HASH_PIECE, len));
      this.#guest.withArena((g) => stepState(g, state, (ctx) => updateFn(ctx, g.copyIn(piece), byteLength(piece))));
    }
    return this;
  }

  // The hash (size bytes). Wipes the state: the hasher cannot be used again.
  digest() {
    if (this.#ctx === null) throw finished("hasher");
    const state = this.#ctx;
    this.#ctx = null;
    const finalFn = exported(this.#guest, "crypto_blake2b_final");
    try {
      return this.#guest.withArena((g) => {
        const ctx = g.copyIn(state);
        const hash = g.alloc(this.#size);
        finalFn(ctx, hash);
        return g.copyOut(hash, this.#size);
      });
    } finally {
      TypedArrayPrototypeFill(state, 0);
    }
  }
}

// Argon2id of password with salt: options.size bytes (default 32), at the cost of
// options.memoryKiB and options.passes; options.key and options.ad are optional inputs. The
// work area comes from the guest's arena and is wiped afterwards.
export function argon2id(guest, password, salt, options) {
  const pass = bytesOrString(password, "password");
  const saltBytes = bytesOrString(salt, "salt");
  if (byteLength(saltBytes) < 8) {
    throw new TypeError(`salt must be at least 8 bytes (16 recommended), got ${describe(salt)}`);
  }
  const o = argon2Options(options);
  const argon2Fn = exported(guest, "wasmcap_argon2");
  return guest.withArena((g) => {
    const hash = g.alloc(o.size);
    const passPtr = g.copyIn(pass);
    const saltPtr = g.copyIn(saltBytes);
    const keyPtr = g.copyIn(o.key);
    const adPtr = g.copyIn(o.ad);
    let work;
    try {
      work = g.alloc(o.memoryKiB * 1024);
    } catch (e) {
      throw new RangeError(`argon2id: memoryKiB ${o.memoryKiB} (${+NumberPrototypeToFixed(o.memoryKiB / 1024, 1)} MiB) is more memory than this guest can allocate (its arena gives at most 2 GiB at once, less under --max-guest-mb)`, { cause: e });
    }
    argon2Fn(hash, o.size, work, ARGON2_ID, o.memoryKiB, o.passes, o.lanes,
      passPtr, byteLength(pass), saltPtr, byteLength(saltBytes), keyPtr, byteLength(o.key), adPtr, byteLength(o.ad));
    return g.copyOut(hash, o.size);
  });
}

function argon2Options(options) {
  if (options === undefined) {
    throw new TypeError("argon2id needs options { memoryKiB, passes }, got undefined");
  }
  const o = checkOptions(options, "argon2id", ["memoryKiB", "passes", "lanes", "size", "key", "ad"]);
  const L = ARGON2_LIMITS;
  const lanes = o.lanes === undefined ? 1 : checkInteger(o.lanes, 1, L.lanes, "lanes");
  const memoryKiB = checkInteger(o.memoryKiB, 8 * lanes, L.memoryKiB, "memoryKiB");
  const passes = checkInteger(o.passes, 1, L.passes, "passes");
  if (memoryKiB * passes > L.work) {
    throw new RangeError(`argon2id: memoryKiB x passes must be at most ${L.work} (ARGON2_LIMITS.work), got ${memoryKiB} x ${passes} = ${memoryKiB * passes}: that would run for minutes`);
  }
  const size = o.size === undefined ? 32 : checkInteger(o.size, 4, L.size, "size");
  const key = o.key === undefined ? EMPTY : o.key;
  if (o.key !== undefined) checkBytes(key, "key");
  const ad = o.ad === undefined ? EMPTY : bytesOrString(o.ad, "ad");
  return { memoryKiB, passes, lanes, size, key, ad };
}
