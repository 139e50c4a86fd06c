// wasmcap:monocypher -- authenticated encryption (XChaCha20-Poly1305, RFC 8439 with
// a 24-byte nonce) from Monocypher 4.0.3, running as a Wasm guest.
//
//   const mc = new Monocypher();
//   const key = mc.generateKey();
//   const { mac, nonce, ciphertext } = mc.lock("attack at dawn", key, "header");
//   const plaintext = mc.unlock(ciphertext, mac, key, nonce, "header"); // Uint8Array
//
// Each call pushes its inputs onto the guest's arena, runs there and copies the
// results out; the arena reset that follows wipes key and text from guest memory.
//
// Also the rest of Monocypher: BLAKE2b (blake2b, blake2bHasher), X25519 (x25519PublicKey,
// x25519), Ed25519 (ed25519KeyPair, ed25519Sign, ed25519Verify; RFC 8032, from
// Monocypher's optional monocypher-ed25519.c), Argon2id (argon2id), constant-time
// comparison (equal), wipe, and a streaming AEAD for inputs larger than memory
// (encryptStream, decryptStream; its format is under STREAM FORMAT below).
import { Guest, describe } from "ext:wasmcap_runtime/guest.js";
import { fillRandom } from "ext:wasmcap_runtime/prelude.js";

// Built-ins captured when the module is evaluated (into the startup snapshot), so that a
// script replacing String.prototype.isWellFormed, %TypedArray%.prototype.set or the like
// cannot weaken what this module checks or copies. Called with ReflectApply.
const ReflectApply = Reflect.apply;
const ReflectOwnKeys = Reflect.ownKeys;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectPrototype = Object.prototype;
const ObjectCreate = Object.create;
const NumberIsInteger = Number.isInteger;
const ArrayIncludes = Array.prototype.includes;
const ArrayJoin = Array.prototype.join;
const MathFloor = Math.floor;
const MathMin = Math.min;
const StringIsWellFormed = String.prototype.isWellFormed;
const TextEncoderEncode = TextEncoder.prototype.encode;
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const getter = (proto, name) => ObjectGetOwnPropertyDescriptor(proto, name).get;
const TypedArrayTag = getter(TypedArrayPrototype, Symbol.toStringTag);
const TypedArrayLength = getter(TypedArrayPrototype, "length");
const TypedArrayBuffer = getter(TypedArrayPrototype, "buffer");
const TypedArraySet = TypedArrayPrototype.set;
const TypedArrayFill = TypedArrayPrototype.fill;
const TypedArrayByteOffset = getter(TypedArrayPrototype, "byteOffset");
const Uint8ArrayCtor = Uint8Array;

// subarray() and slice() without them: both look up a species constructor, which a script
// can replace to be handed the view (of guest memory holding a key, say).
function viewOf(u8, start, end) {
  const offset = ReflectApply(TypedArrayByteOffset, u8, []);
  return new Uint8ArrayCtor(ReflectApply(TypedArrayBuffer, u8, []), offset + start, end - start);
}

function copyOf(u8, start, end) {
  const copy = new Uint8ArrayCtor(end - start);
  ReflectApply(TypedArraySet, copy, [viewOf(u8, start, end)]);
  return copy;
}
const ArrayBufferDetached = getter(ArrayBuffer.prototype, "detached");

const KEY_SIZE = 32;
const NONCE_SIZE = 24;
const MAC_SIZE = 16;
// One allocation per call, laid out as key | ad | mac | nonce | text: mac, nonce and
// text are contiguous, so one copy takes a whole box out of the guest, and a box's
// three arrays share one ArrayBuffer (mac | nonce | ciphertext) of their own. One
// ArrayBuffer instead of three: in V8 each one costs a malloc and sweeper work, which
// is most of a small lock. AD_AT is where ad starts; MAC_AT and NONCE_AT follow ad.
const AD_AT = KEY_SIZE;
const MAC_AT = 0; // offsets from the end of ad
const NONCE_AT = MAC_AT + MAC_SIZE;
const TEXT_AT = NONCE_AT + NONCE_SIZE;

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

// The guest exports that Monocypher's lock and unlock call: checked when it is made.
const AEAD_EXPORTS = ["crypto_aead_lock", "crypto_aead_unlock"];

export class AuthenticationError extends Error {
  constructor(message = "message authentication failed: the ciphertext, mac, ad, key or nonce is wrong") {
    super(message);
    this.name = "AuthenticationError";
  }
}

export class Monocypher {
  #guest;
  #lock;
  #unlock;

  // Runs in a fresh instance of the embedded guest; tests may pass another Guest
  // that follows the same ABI (arena plus crypto_aead_lock and crypto_aead_unlock).
  constructor(guest = Guest.instantiate("monocypher")) {
    if (!(guest instanceof Guest)) throw new TypeError(`Monocypher needs a Guest, got ${describe(guest)}`);
    for (const name of AEAD_EXPORTS) {
      if (typeof guest.exports[name] !== "function") {
        throw new TypeError(`Monocypher needs a guest that exports ${name} (a function), and this one does not: use the embedded guest, new Monocypher() or Guest.instantiate("monocypher")`);
      }
    }
    this.#guest = guest;
    this.#lock = guest.exports.crypto_aead_lock;
    this.#unlock = guest.exports.crypto_aead_unlock;
  }

  // The guest this runs in, e.g. for tests that scan its arena.
  get guest() {
    return this.#guest;
  }

  // --- Hashing, key exchange, signatures, password hashing, comparison, streams ---
  // Each runs in the same guest and arena discipline as lock/unlock: inputs pushed,
  // one call, results copied out, the arena reset (wiped) however the call ends.
  // State that must outlive a call (a hasher's or a stream's) is kept in a JS buffer,
  // copied in and out around each call, and wiped when the object is finished.

  // BLAKE2b (RFC 7693) of message (Uint8Array or string, as UTF-8): size bytes
  // (1..64, default 64), keyed (a MAC) when key (0..64 bytes) is given.
  blake2b(message, options) {
    const bytes = bytesOrString(message, "message");
    const { key, size } = blake2bOptions(options, "blake2b");
    if (byteLength(bytes) > HASH_PIECE) {
      return new Blake2bHasher(this.#guest, key, size).update(bytes).digest();
    }
    const guest = this.#guest;
    const hashFn = exported(guest, "crypto_blake2b_keyed");
    return guest.withArena((g) => {
      const hash = g.alloc(size);
      const keyPtr = g.copyIn(key);
      const msg = g.copyIn(bytes);
      hashFn(hash, size, keyPtr, byteLength(key), msg, byteLength(bytes));
      return g.copyOut(hash, size);
    });
  }

  // An incremental BLAKE2b: .update(bytes) (chainable) as often as needed, then
  // .digest() once, which wipes the hasher's state.
  blake2bHasher(options) {
    const { key, size } = blake2bOptions(options, "blake2bHasher");
    return new Blake2bHasher(this.#guest, key, size);
  }

  // X25519 (RFC 7748): the public key (32 bytes) of a 32-byte secret key, e.g. one
  // from generateKey().
  x25519PublicKey(secretKey) {
    checkSize(secretKey, KEY_SIZE, "secretKey");
    const publicKeyFn = exported(this.#guest, "crypto_x25519_public_key");
    return this.#guest.withArena((g) => {
      const pk = g.alloc(32);
      publicKeyFn(pk, g.copyIn(secretKey));
      return g.copyOut(pk, 32);
    });
  }

  // X25519 (RFC 7748): the raw 32-byte shared secret of secretKey and their public
  // key. Not uniformly random and not a key yet: hash it first, with both public keys,
  // e.g. blake2b(concat(shared, pkA, pkB), { size: 32 }). A low-order public key (one
  // of the 14 encodings that give an all-zero secret whatever the secret key: a
  // malicious or broken peer) is refused with a RangeError, as RFC 7748, section 6.1
  // allows and libsodium does.
  x25519(secretKey, theirPublicKey) {
    checkSize(secretKey, KEY_SIZE, "secretKey");
    checkSize(theirPublicKey, 32, "theirPublicKey");
    const x25519Fn = exported(this.#guest, "crypto_x25519");
    const verify32 = exported(this.#guest, "crypto_verify32");
    return this.#guest.withArena((g) => {
      const shared = g.alloc(32);
      const zero = g.alloc(32);
      x25519Fn(shared, g.copyIn(secretKey), g.copyIn(theirPublicKey));
      if (verify32(shared, zero) === 0) { // constant time; only the outcome is revealed
        throw new RangeError("x25519: theirPublicKey is a low-order point (the shared secret would be all zeros, RFC 7748, section 6.1): it is malicious or broken, refuse it");
      }
      return g.copyOut(shared, 32);
    });
  }

  // Ed25519 (RFC 8032) key pair from a 32-byte seed (the RFC's "private key"), or a
  // fresh random one: { secretKey: 64 bytes (seed | public key), publicKey: 32 bytes }.
  // The seed passed in is left as it is: wipe() it when done.
  ed25519KeyPair(seed) {
    if (seed !== undefined) checkSize(seed, 32, "seed");
    const keyPairFn = exported(this.#guest, "crypto_ed25519_key_pair");
    return this.#guest.withArena((g) => {
      const seedPtr = seed === undefined ? g.alloc(32) : g.copyIn(seed);
      if (seed === undefined) fillRandom(g.view(seedPtr, 32));
      const sk = g.alloc(64);
      const pk = g.alloc(32);
      keyPairFn(sk, pk, seedPtr); // wipes the seed's copy
      return { secretKey: g.copyOut(sk, 64), publicKey: g.copyOut(pk, 32) };
    });
  }

  // Ed25519 signature (64 bytes) of message (Uint8Array or string) with a 64-byte
  // secretKey from ed25519KeyPair. Its second half must be the public key of its
  // first: checked (signing with a wrong public key would leak the secret key).
  ed25519Sign(secretKey, message) {
    checkSize(secretKey, 64, "secretKey");
    const bytes = bytesOrString(message, "message");
    const guest = this.#guest;
    const keyPairFn = exported(guest, "crypto_ed25519_key_pair");
    const signFn = exported(guest, "crypto_ed25519_sign");
    const verify32 = exported(guest, "crypto_verify32");
    return guest.withArena((g) => {
      const given = g.copyIn(secretKey);
      const sk = g.alloc(64);
      const pk = g.alloc(32);
      keyPairFn(sk, pk, given); // re-derives the public half; wipes the seed at given
      if (verify32(pk, given + 32) !== 0) {
        throw new TypeError("secretKey must be a secret key from ed25519KeyPair: its last 32 bytes are not the public key of its first 32");
      }
      const sig = g.alloc(64);
      const msg = g.copyIn(bytes);
      signFn(sig, sk, msg, byteLength(bytes));
      return g.copyOut(sig, 64);
    });
  }

  // Checks an Ed25519 signature of message under publicKey: true or false. With
  // libsodium's rules (crypto_sign_verify_detached), stricter than Monocypher's own
  // check: false if S >= L, if the public key A or R (the signature's first half) has
  // small order, if A is not a canonical encoding, or unless [S]B - [h]A encodes to R's
  // very bytes (the cofactorless equation). See guest/monocypher_guest.c.
  ed25519Verify(signature, publicKey, message) {
    checkSize(signature, 64, "signature");
    checkSize(publicKey, 32, "publicKey");
    const bytes = bytesOrString(message, "message");
    const checkFn = exported(this.#guest, "wasmcap_ed25519_check");
    return this.#guest.withArena((g) =>
      checkFn(g.copyIn(signature), g.copyIn(publicKey), g.copyIn(bytes), byteLength(bytes)) === 0);
  }

  // Argon2id (RFC 9106) of password with salt (each a Uint8Array or a string; salt at
  // least 8 bytes, 16 random ones recommended): size bytes (default 32). memoryKiB
  // (at least 8 x lanes) and passes set the cost, within ARGON2_LIMITS; key and ad are
  // optional inputs. The work area comes from the guest's arena and is wiped afterwards.
  argon2id(password, salt, options) {
    const pass = bytesOrString(password, "password");
    const saltBytes = bytesOrString(salt, "salt");
    if (byteLength(saltBytes) < 8) {
      throw new TypeError(`salt must be at least 8 bytes (16 recommended), got ${describe(salt)}`);
    }
    const o = argon2Options(options);
    const argon2Fn = exported(this.#guest, "wasmcap_argon2");
    return this.#guest.withArena((g) => {
      const hash = g.alloc(o.size);
      const passPtr = g.copyIn(pass);
      const saltPtr = g.copyIn(saltBytes);
      const keyPtr = g.copyIn(o.key);
      const adPtr = g.copyIn(o.ad);
      let work;
      try {
        work = g.alloc(o.memoryKiB * 1024);
      } catch (e) {
        throw new RangeError(`argon2id: memoryKiB ${o.memoryKiB} (${+(o.memoryKiB / 1024).toFixed(1)} MiB) is more memory than this guest can allocate (its arena gives at most 2 GiB at once, less under --max-guest-mb)`, { cause: e });
      }
      argon2Fn(hash, o.size, work, ARGON2_ID, o.memoryKiB, o.passes, o.lanes,
        passPtr, byteLength(pass), saltPtr, byteLength(saltBytes), keyPtr, byteLength(o.key), adPtr, byteLength(o.ad));
      return g.copyOut(hash, o.size);
    });
  }

  // Compares two Uint8Arrays in constant time (for their length, which is not secret):
  // true if they are equal. Use it for MACs and hashes, never ===-loops.
  equal(a, b) {
    checkBytes(a, "a");
    checkBytes(b, "b");
    const len = byteLength(a);
    if (len !== byteLength(b)) return false;
    if (len === 16 || len === 32 || len === 64) {
      const verifyFn = exported(this.#guest, `crypto_verify${len}`);
      return this.#guest.withArena((g) => verifyFn(g.copyIn(a), g.copyIn(b)) === 0);
    }
    let diff = 0;
    for (let i = 0; i < len; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  // Streaming AEAD for inputs too large for memory (see STREAM FORMAT below):
  // .header (send it first), .update(bytes) -> sealed bytes, .final() -> the rest.
  // ad (Uint8Array or string, optional) is authenticated with every chunk: the stream
  // opens only with the same ad, so one key can seal many streams each bound to its
  // context (a file name, a version, a recipient).
  encryptStream(key, ad, ...rest) {
    noMoreArguments(rest, "encryptStream(key, ad?)", 2);
    checkSize(key, KEY_SIZE, "key");
    const adBytes = ad === undefined ? EMPTY : bytesOrString(ad, "ad");
    return new EncryptStream(this.#guest, key, adBytes);
  }

  // Opens what encryptStream made (with the same ad): .update(sealed) -> plaintext of
  // each chunk whose mac checks, .final() -> the last chunk's plaintext;
  // AuthenticationError on any tampering, truncation, reordering, dropped or repeated
  // chunk, or another ad. Until final() returns, the stream may yet turn out truncated:
  // do not act on the output before.
  decryptStream(key, header, ad, ...rest) {
    noMoreArguments(rest, "decryptStream(key, header, ad?)", 3);
    checkSize(key, KEY_SIZE, "key");
    checkSize(header, STREAM_HEADER_SIZE, "header");
    const adBytes = ad === undefined ? EMPTY : bytesOrString(ad, "ad");
    return new DecryptStream(this.#guest, key, header, adBytes);
  }

  // A new random 32-byte key from the CSPRNG.
  generateKey() {
    const key = new Uint8Array(KEY_SIZE);
    fillRandom(key);
    return key;
  }

  // A new random 24-byte nonce: random nonces this long never collide in practice.
  generateNonce() {
    const nonce = new Uint8Array(NONCE_SIZE);
    fillRandom(nonce);
    return nonce;
  }

  // Encrypts and authenticates plaintext (Uint8Array or string, as UTF-8) under key,
  // also authenticating the optional ad, with a fresh random nonce. mac, nonce and
  // ciphertext are views of one new ArrayBuffer (mac | nonce | ciphertext): pass
  // ciphertext.buffer on and you pass all three.
  lock(plaintext, key, ad) {
    const text = bytesOrString(plaintext, "plaintext");
    checkSize(key, KEY_SIZE, "key");
    const adBytes = ad === undefined ? EMPTY : bytesOrString(ad, "ad");
    return this.#seal(text, key, null, adBytes);
  }

  // DANGEROUS: lock() with a caller-chosen nonce, for test vectors only. Locking two
  // messages with the same key and nonce reveals both plaintexts' XOR and lets anyone
  // forge messages under that key. Use lock(), which draws a random nonce.
  lockWithNonceUnsafe(plaintext, key, nonce, ad) {
    const text = bytesOrString(plaintext, "plaintext");
    checkSize(key, KEY_SIZE, "key");
    checkSize(nonce, NONCE_SIZE, "nonce");
    const adBytes = ad === undefined ? EMPTY : bytesOrString(ad, "ad");
    return this.#seal(text, key, nonce, adBytes);
  }

  // Checks the mac and decrypts. Throws AuthenticationError if anything was tampered
  // with; no plaintext is returned or left behind then.
  unlock(ciphertext, mac, key, nonce, ad) {
    checkBytes(ciphertext, "ciphertext");
    checkSize(mac, MAC_SIZE, "mac");
    checkSize(key, KEY_SIZE, "key");
    checkSize(nonce, NONCE_SIZE, "nonce");
    const adBytes = ad === undefined ? EMPTY : bytesOrString(ad, "ad");
    const guest = this.#guest;
    const adLen = byteLength(adBytes);
    const len = byteLength(ciphertext);
    try {
      const base = allocBox(guest, AD_AT + adLen + TEXT_AT + len, "ciphertext", len);
      const box = AD_AT + adLen; // mac | nonce | text, relative to base
      // One checked view of the block, valid until memory grows: nothing below allocates.
      const mem = guest.view(base, box + TEXT_AT + len);
      if (byteLength(ciphertext) !== len) throw detached("ciphertext");
      ReflectApply(TypedArraySet, mem, [key, 0]);
      if (adLen !== 0) ReflectApply(TypedArraySet, mem, [adBytes, AD_AT]);
      ReflectApply(TypedArraySet, mem, [mac, box + MAC_AT]);
      ReflectApply(TypedArraySet, mem, [nonce, box + NONCE_AT]);
      ReflectApply(TypedArraySet, mem, [ciphertext, box + TEXT_AT]);
      // Decrypts in place, and only if the mac matches: Monocypher checks it first.
      const textPtr = base + box + TEXT_AT;
      const status = this.#unlock(textPtr, base + box + MAC_AT, base, base + box + NONCE_AT,
        base + AD_AT, adLen, textPtr, len);
      if (status !== 0) throw new AuthenticationError();
      return guest.copyOut(textPtr, len);
    } finally {
      guest.reset();
    }
  }

  // nonce: null draws a fresh one from the CSPRNG straight into guest memory.
  #seal(text, key, nonce, ad) {
    const guest = this.#guest;
    const adLen = byteLength(ad);
    const len = byteLength(text);
    try {
      const base = allocBox(guest, AD_AT + adLen + TEXT_AT + len, "plaintext", len);
      const box = AD_AT + adLen;
      const mem = guest.view(base, box + TEXT_AT + len);
      if (byteLength(text) !== len) throw detached("plaintext");
      ReflectApply(TypedArraySet, mem, [key, 0]);
      if (adLen !== 0) ReflectApply(TypedArraySet, mem, [ad, AD_AT]);
      if (nonce === null) fillRandom(viewOf(mem, box + NONCE_AT, box + TEXT_AT));
      else ReflectApply(TypedArraySet, mem, [nonce, box + NONCE_AT]);
      if (len !== 0) ReflectApply(TypedArraySet, mem, [text, box + TEXT_AT]);
      // Encrypts in place: Monocypher allows cipher_text == plain_text.
      const textPtr = base + box + TEXT_AT;
      this.#lock(textPtr, base + box + MAC_AT, base, base + box + NONCE_AT, base + AD_AT, adLen, textPtr, len);
      // mac | nonce | ciphertext in one new ArrayBuffer. (Views made with the constructor
      // rather than subarray(), which looks up a species constructor: 2x slower in V8.)
      const out = ReflectApply(TypedArrayBuffer, guest.copyOut(base + box, TEXT_AT + len), []);
      return {
        mac: new Uint8Array(out, MAC_AT, MAC_SIZE),
        nonce: new Uint8Array(out, NONCE_AT, NONCE_SIZE),
        ciphertext: new Uint8Array(out, TEXT_AT, len),
      };
    } finally {
      guest.reset();
    }
  }
}

// The one block of a lock or unlock; an input too large for the guest's memory is
// refused with what to do instead. (A RangeError from alloc is a lying guest's pointer
// or a bad size: passed on as it is.)
function allocBox(guest, size, name, len) {
  try {
    return guest.alloc(size);
  } catch (e) {
    if (e instanceof RangeError) throw e;
    throw new RangeError(`${name} of ${len} bytes is too large to lock or unlock at once in this guest's memory: use encryptStream / decryptStream for large inputs`, { cause: e });
  }
}

// A view of this guest's own memory passed as input is detached when alloc grows it.
function detached(name) {
  return new TypeError(`${name} was detached by guest memory growth (it was a view of guest memory)`);
}

// --- Arguments ---------------------------------------------------------------------------
// Every byte input goes through checkBytes (a real Uint8Array, not detached), every
// string through wellFormed, every options object through checkOptions.

// Whether value is a Uint8Array (or a subclass): its internal slot, not instanceof or
// Symbol.toStringTag lookups, which a script can fake.
function isUint8Array(value) {
  return ReflectApply(TypedArrayTag, value, []) === "Uint8Array";
}

// The length of a checked Uint8Array from its internal slot (an own `length` property
// could lie).
function byteLength(bytes) {
  return ReflectApply(TypedArrayLength, bytes, []);
}

function isDetached(bytes) {
  const buffer = ReflectApply(TypedArrayBuffer, bytes, []);
  try {
    return ReflectApply(ArrayBufferDetached, buffer, []);
  } catch {
    return false; // a SharedArrayBuffer, which cannot be detached
  }
}

// A detached view reads as empty: encrypting, hashing or signing it would silently
// process the empty message.
function detachedInput(name) {
  return new TypeError(`${name} is a Uint8Array whose ArrayBuffer is detached (transferred): its bytes are gone, pass the bytes themselves`);
}

function checkBytes(value, name) {
  if (!isUint8Array(value)) throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  if (byteLength(value) === 0 && isDetached(value)) throw detachedInput(name);
}

function wellFormed(value, name) {
  if (!ReflectApply(StringIsWellFormed, value, [])) {
    throw new TypeError(`${name} is a string with a lone surrogate (not well-formed UTF-16), which UTF-8 cannot encode: it would become U+FFFD, so different strings would give the same bytes; pass a well-formed string or a Uint8Array`);
  }
  return ReflectApply(TextEncoderEncode, encoder, [value]);
}

function bytesOrString(value, name) {
  if (typeof value === "string") return wellFormed(value, name);
  if (!isUint8Array(value)) throw new TypeError(`${name} must be a Uint8Array or a string, got ${describe(value)}`);
  if (byteLength(value) === 0 && isDetached(value)) throw detachedInput(name);
  return value;
}

function checkSize(value, size, name) {
  if (!(isUint8Array(value) && byteLength(value) === size)) {
    if (isUint8Array(value) && isDetached(value)) throw detachedInput(name);
    throw new TypeError(`${name} must be a Uint8Array of ${size} bytes, got ${describe(value)}`);
  }
}

// Functions that take optional trailing arguments refuse extra ones: an argument in the
// wrong place must not be silently dropped.
function noMoreArguments(rest, signature, count) {
  if (rest.length !== 0) {
    throw new TypeError(`${signature} takes at most ${count} arguments, got ${count + rest.length}`);
  }
}

// Reads an options object: undefined (no options), or a plain object (its prototype
// Object.prototype or null) whose own properties are data properties named in `keys`.
// Anything else is a TypeError naming the accepted keys, never silently ignored: a
// Uint8Array passed where { key } belongs, { Key: k } or { length: 32 } would otherwise
// give an unkeyed or default result. Returns the values in a null-prototype record
// (inherited properties, e.g. on Object.prototype, are never read).
function checkOptions(options, fn, keys) {
  const record = ObjectCreate(null);
  if (options === undefined) return record;
  const accepted = `{ ${ReflectApply(ArrayJoin, keys, [", "])} }`;
  const refuse = (why, cause) => new TypeError(`${fn} options must be a plain object with only the keys ${accepted}; ${why}`, cause === undefined ? undefined : { cause });
  if (options === null || typeof options !== "object") throw refuse(`got ${describe(options)}`);
  let proto, names;
  try { // a Proxy's traps run here
    proto = ObjectGetPrototypeOf(options);
    names = ReflectOwnKeys(options);
  } catch (e) {
    throw refuse("reading it threw", e);
  }
  if (proto !== ObjectPrototype && proto !== null) {
    const hint = isUint8Array(options) && ReflectApply(ArrayIncludes, keys, ["key"]) ? ` (a key goes in the options: ${fn}(..., { key }))` : "";
    throw refuse(`got ${describe(options)}${hint}`);
  }
  for (const name of names) {
    if (typeof name !== "string" || !ReflectApply(ArrayIncludes, keys, [name])) {
      throw refuse(`got an unknown key ${typeof name === "string" ? JSON.stringify(name) : String(name)}`);
    }
    let desc;
    try {
      desc = ObjectGetOwnPropertyDescriptor(options, name);
    } catch (e) {
      throw refuse(`reading ${name} threw`, e);
    }
    if (desc === undefined) continue; // a Proxy that listed a key it does not have
    if (!("value" in desc)) throw refuse(`its ${name} is a getter or setter, not a value`);
    record[name] = desc.value;
  }
  return record;
}

function checkInteger(value, min, max, name) {
  if (!(NumberIsInteger(value) && value >= min && value <= max)) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Hashing, streams and their helpers (the methods above).

// Zeroes a Uint8Array, another TypedArray, a DataView or an ArrayBuffer, e.g. a key no
// longer needed (the same function as wasmcap:guest's).
export { wipe } from "ext:wasmcap_runtime/guest.js";

const ARGON2_ID = 2;
// Argon2id's cost limits: beyond them a call would run for minutes or hours (the RFC's
// recommendations are 2 GiB x 1 pass and 64 MiB x 3 passes). memoryKiB x passes bounds
// the work (about 10 s per 2^24 KiB on a laptop core); lanes are computed one after
// another here, so more of them only cost memory.
export const ARGON2_LIMITS = Object.freeze({
  memoryKiB: 2 * 1024 * 1024, // 2 GiB: the most the guest's arena can give at once
  passes: 1024,
  lanes: 64,
  work: 1 << 24, // memoryKiB x passes (16 GiB processed)
  size: 1024,
});
// Inputs larger than this are hashed piecewise, so a huge input never needs a guest
// arena of its own size.
const HASH_PIECE = 1 << 20;

// STREAM FORMAT (version 1). encryptStream(key, ad) writes:
//   header: 32 bytes = "wasmcap" (7 ASCII bytes) | 0x01 (version) | 24-byte random nonce
//   then chunks, each = mac (16 bytes) | ciphertext (as long as its plaintext)
// Every chunk but the last holds exactly STREAM_CHUNK_SIZE (64 KiB) of plaintext; the
// last holds 0 to 64 KiB - 1 bytes (an empty last chunk when the input is a multiple
// of 64 KiB), so sealed chunks are 65552 bytes but the last, which is 16..65551, and
// a reader can split the stream without length fields. Chunks are sealed with
// Monocypher's incremental AEAD: crypto_aead_init_x(key, nonce), then one
// crypto_aead_write per chunk (XChaCha20-Poly1305 whose key is ratcheted after every
// chunk, so each chunk can only be opened at its own position), whose associated data
// is one byte, 0x00 for a chunk that more chunks follow and 0x01 for the last one,
// followed by the stream's ad (empty when none is given, so streams without ad are
// the same bytes as before ad existed). Hence a flipped bit, a reordered, dropped or
// repeated chunk, a chunk from another stream or key, a whole stream sealed with
// another ad, a cut in a chunk and a stream cut after a whole chunk (no last chunk)
// all fail authentication. The ad is authenticated once per chunk: keep it short
// (hash a large context first).
export const STREAM_CHUNK_SIZE = 65536;
export const STREAM_HEADER_SIZE = 32;
const SEALED_CHUNK_SIZE = MAC_SIZE + STREAM_CHUNK_SIZE;
const STREAM_MAGIC = "wasmcap\x01";
const CHUNK_MORE = 0;
const CHUNK_LAST = 1;

// The associated data of a stream's chunks: the flag byte, then the stream's ad (a copy:
// the caller may change or wipe theirs).
function chunkAd(flag, ad) {
  const out = new Uint8Array(1 + byteLength(ad));
  out[0] = flag;
  ReflectApply(TypedArraySet, out, [ad, 1]);
  return out;
}

function exported(guest, name) {
  const fn = guest.exports[name];
  if (typeof fn !== "function") {
    throw new TypeError(`this Monocypher's guest does not export ${name}: use the embedded monocypher guest`);
  }
  return fn;
}

// A value for an error message: numbers as themselves, the rest as describe() does.
function describeValue(value) {
  if (typeof value === "number") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)}`;
  return describe(value);
}

function blake2bOptions(options, fn) {
  const o = checkOptions(options, fn, ["key", "size"]);
  const key = o.key === undefined ? EMPTY : o.key;
  if (!(isUint8Array(key) && byteLength(key) <= 64)) {
    throw new TypeError(`key must be a Uint8Array of 0 to 64 bytes, got ${describe(o.key)}`);
  }
  if (byteLength(key) === 0 && o.key !== undefined && isDetached(key)) throw detachedInput("key");
  const size = o.size === undefined ? 64 : checkInteger(o.size, 1, 64, "size");
  return { key, size };
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

function finished(what) {
  return new Error(`this ${what} is finished: create a new one`);
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
    this.#ctx = new Uint8Array(ctxSize);
    guest.withArena((g) => {
      const ctx = g.alloc(ctxSize);
      initFn(ctx, size, g.copyIn(key), byteLength(key));
      ReflectApply(TypedArraySet, this.#ctx, [g.view(ctx, ctxSize)]);
    });
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
      this.#guest.withArena((g) => {
        const ctx = g.copyIn(state);
        updateFn(ctx, g.copyIn(piece), byteLength(piece));
        ReflectApply(TypedArraySet, state, [g.view(ctx, byteLength(state))]);
      });
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
      ReflectApply(TypedArrayFill, state, [0]);
    }
  }
}

// Cuts a byte stream into whole chunks of one size, keeping the partial chunk between
// calls: what EncryptStream (plaintext chunks) and DecryptStream (sealed chunks) share.
class Chunker {
  #pending;
  #length = 0;

  constructor(size) {
    this.#pending = new Uint8Array(size);
  }

  // How many whole chunks feeding `bytes` completes.
  wholeChunks(bytes) {
    return MathFloor((this.#length + byteLength(bytes)) / byteLength(this.#pending));
  }

  // Calls each(chunk, index) for every whole chunk of what is pending plus `bytes`, and
  // keeps the rest for the next call.
  feed(bytes, each) {
    const pending = this.#pending;
    const size = byteLength(pending);
    const total = byteLength(bytes);
    const chunks = this.wholeChunks(bytes);
    let at = 0;
    for (let c = 0; c < chunks; c++) {
      let chunk;
      if (this.#length > 0) {
        const take = size - this.#length;
        ReflectApply(TypedArraySet, pending, [viewOf(bytes, at, at + take), this.#length]);
        at += take;
        chunk = pending;
      } else {
        chunk = viewOf(bytes, at, at + size);
        at += size;
      }
      this.#length = 0;
      each(chunk, c);
    }
    ReflectApply(TypedArraySet, pending, [viewOf(bytes, at, total), this.#length]);
    this.#length += total - at;
  }

  // The partial chunk (a view: copy it before feeding more).
  get rest() {
    return viewOf(this.#pending, 0, this.#length);
  }

  wipe() {
    ReflectApply(TypedArrayFill, this.#pending, [0]);
    this.#length = 0;
  }
}

class EncryptStream {
  #guest;
  #ctx; // crypto_aead_ctx between chunks; null once finished
  #plaintext = new Chunker(STREAM_CHUNK_SIZE);
  #header;
  #adMore;
  #adLast;

  constructor(guest, key, ad) {
    const initFn = exported(guest, "crypto_aead_init_x");
    exported(guest, "crypto_aead_write");
    const ctxSize = exported(guest, "wasmcap_aead_ctx_size")() >>> 0;
    this.#guest = guest;
    this.#adMore = chunkAd(CHUNK_MORE, ad);
    this.#adLast = chunkAd(CHUNK_LAST, ad);
    this.#ctx = new Uint8Array(ctxSize);
    this.#header = new Uint8Array(STREAM_HEADER_SIZE);
    for (let i = 0; i < STREAM_MAGIC.length; i++) this.#header[i] = STREAM_MAGIC.charCodeAt(i);
    const nonce = viewOf(this.#header, STREAM_MAGIC.length, STREAM_HEADER_SIZE);
    fillRandom(nonce);
    guest.withArena((g) => {
      const ctx = g.alloc(ctxSize);
      initFn(ctx, g.copyIn(key), g.copyIn(nonce));
      ReflectApply(TypedArraySet, this.#ctx, [g.view(ctx, ctxSize)]);
    });
  }

  // The 32-byte header (magic, version and nonce), to send or store before the chunks.
  get header() {
    return copyOf(this.#header, 0, STREAM_HEADER_SIZE);
  }

  // Takes plaintext (Uint8Array or string) of any length; returns the sealed chunks
  // it completed (possibly none: an empty Uint8Array), 65552 bytes each.
  update(plaintext) {
    if (this.#ctx === null) throw finished("stream");
    const bytes = this.#guest.stable(bytesOrString(plaintext, "plaintext"));
    const out = new Uint8Array(this.#plaintext.wholeChunks(bytes) * SEALED_CHUNK_SIZE);
    try {
      this.#plaintext.feed(bytes, (text, c) => this.#seal(text, this.#adMore, out, c * SEALED_CHUNK_SIZE));
      return out;
    } catch (e) {
      this.#finish();
      throw e;
    }
  }

  // Seals what is left as the last chunk (16 to 65551 bytes) and wipes the stream's
  // state: it cannot be used again.
  final() {
    if (this.#ctx === null) throw finished("stream");
    try {
      const rest = this.#plaintext.rest;
      const out = new Uint8Array(MAC_SIZE + byteLength(rest));
      this.#seal(rest, this.#adLast, out, 0);
      return out;
    } finally {
      this.#finish();
    }
  }

  // Seals one chunk of plaintext into out at offset: mac | ciphertext.
  #seal(text, ad, out, offset) {
    const state = this.#ctx;
    const writeFn = exported(this.#guest, "crypto_aead_write");
    const len = byteLength(text);
    this.#guest.withArena((g) => {
      const ctx = g.copyIn(state);
      const adPtr = g.copyIn(ad);
      const mac = g.alloc(MAC_SIZE);
      const textPtr = g.copyIn(text);
      writeFn(ctx, textPtr, mac, adPtr, byteLength(ad), textPtr, len); // in place
      ReflectApply(TypedArraySet, out, [g.view(mac, MAC_SIZE), offset]);
      ReflectApply(TypedArraySet, out, [g.view(textPtr, len), offset + MAC_SIZE]);
      ReflectApply(TypedArraySet, state, [g.view(ctx, byteLength(state))]);
    });
  }

  #finish() {
    if (this.#ctx !== null) ReflectApply(TypedArrayFill, this.#ctx, [0]);
    this.#ctx = null;
    this.#plaintext.wipe();
  }
}

class DecryptStream {
  #guest;
  #ctx; // crypto_aead_ctx between chunks; null once finished or failed
  #sealed = new Chunker(SEALED_CHUNK_SIZE);
  #chunk = 0; // index of the next chunk, for error messages
  #adMore;
  #adLast;

  constructor(guest, key, header, ad) {
    for (let i = 0; i < STREAM_MAGIC.length; i++) {
      if (header[i] !== STREAM_MAGIC.charCodeAt(i)) {
        throw new AuthenticationError("stream header is not a wasmcap stream (version 1) header: it is corrupt, or not a header");
      }
    }
    const initFn = exported(guest, "crypto_aead_init_x");
    exported(guest, "crypto_aead_read");
    const ctxSize = exported(guest, "wasmcap_aead_ctx_size")() >>> 0;
    this.#guest = guest;
    this.#adMore = chunkAd(CHUNK_MORE, ad);
    this.#adLast = chunkAd(CHUNK_LAST, ad);
    this.#ctx = new Uint8Array(ctxSize);
    const nonce = copyOf(header, STREAM_MAGIC.length, STREAM_HEADER_SIZE);
    guest.withArena((g) => {
      const ctx = g.alloc(ctxSize);
      initFn(ctx, g.copyIn(key), g.copyIn(nonce));
      ReflectApply(TypedArraySet, this.#ctx, [g.view(ctx, ctxSize)]);
    });
  }

  // Takes sealed bytes of any length; returns the plaintext of the chunks it completed
  // (possibly none), 64 KiB each. Throws AuthenticationError if one was tampered with;
  // the stream is then unusable.
  update(sealed) {
    if (this.#ctx === null) throw finished("stream");
    checkBytes(sealed, "sealed");
    const bytes = this.#guest.stable(sealed);
    const out = new Uint8Array(this.#sealed.wholeChunks(bytes) * STREAM_CHUNK_SIZE);
    try {
      this.#sealed.feed(bytes, (box, c) => this.#open(box, this.#adMore, out, c * STREAM_CHUNK_SIZE));
      return out;
    } catch (e) {
      ReflectApply(TypedArrayFill, out, [0]);
      this.#finish();
      throw e;
    }
  }

  // Opens the last chunk and returns its plaintext; throws AuthenticationError if the
  // stream was truncated or its end tampered with. The stream cannot be used again.
  final() {
    if (this.#ctx === null) throw finished("stream");
    try {
      const rest = this.#sealed.rest;
      if (byteLength(rest) < MAC_SIZE) {
        throw new AuthenticationError("stream truncated: it ends without its last chunk");
      }
      const out = new Uint8Array(byteLength(rest) - MAC_SIZE);
      this.#open(rest, this.#adLast, out, 0);
      return out;
    } finally {
      this.#finish();
    }
  }

  // Opens one sealed chunk (mac | ciphertext) into out at offset, or throws.
  #open(box, ad, out, offset) {
    const state = this.#ctx;
    const readFn = exported(this.#guest, "crypto_aead_read");
    const len = byteLength(box) - MAC_SIZE;
    const index = this.#chunk++;
    this.#guest.withArena((g) => {
      const ctx = g.copyIn(state);
      const adPtr = g.copyIn(ad);
      const boxPtr = g.copyIn(box);
      const textPtr = boxPtr + MAC_SIZE;
      if (readFn(ctx, textPtr, boxPtr, adPtr, byteLength(ad), textPtr, len) !== 0) { // in place
        throw new AuthenticationError(`stream chunk ${index} failed authentication: the stream was tampered with, reordered or cut, or the key or ad is wrong`);
      }
      ReflectApply(TypedArraySet, out, [g.view(textPtr, len), offset]);
      ReflectApply(TypedArraySet, state, [g.view(ctx, byteLength(state))]);
    });
  }

  #finish() {
    if (this.#ctx !== null) ReflectApply(TypedArrayFill, this.#ctx, [0]);
    this.#ctx = null;
    this.#sealed.wipe();
  }
}
