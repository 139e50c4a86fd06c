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
// (encryptStream, decryptStream; its format is in js/monocypher_stream.js).
//
// This file is the API: each method checks what is its own and hands the work to the file
// of its job -- monocypher_aead.js (lock, unlock), monocypher_hash.js (BLAKE2b, Argon2id),
// monocypher_keys.js (X25519, Ed25519), monocypher_stream.js; what they share (sizes,
// argument checks) is in monocypher_checks.js.
import { primordials } from "ext:core/mod.js";
import { Guest } from "ext:wasmcap_runtime/guest.js";
import { fillRandom } from "ext:wasmcap_runtime/prelude.js";
import { describe } from "ext:wasmcap_runtime/util.js";
import { AuthenticationError, BOX_OVERHEAD, open, seal } from "ext:wasmcap_runtime/monocypher_aead.js";
import {
  KEY_SIZE,
  MAC_SIZE,
  NONCE_SIZE,
  byteLength,
  bytesOrString,
  checkBytes,
  checkSize,
  exported,
  noMoreArguments,
  optionalBytes,
} from "ext:wasmcap_runtime/monocypher_checks.js";
import * as hash from "ext:wasmcap_runtime/monocypher_hash.js";
import * as keys from "ext:wasmcap_runtime/monocypher_keys.js";
import * as stream from "ext:wasmcap_runtime/monocypher_stream.js";

const { TypeError, Uint8Array } = primordials;

export { AuthenticationError };
export { ARGON2_LIMITS } from "ext:wasmcap_runtime/monocypher_hash.js";
export { STREAM_CHUNK_SIZE, STREAM_HEADER_SIZE } from "ext:wasmcap_runtime/monocypher_stream.js";

// Zeroes a Uint8Array, another TypedArray, a DataView or an ArrayBuffer, e.g. a key no
// longer needed (the same function as wasmcap:guest's).
export { wipe } from "ext:wasmcap_runtime/guest.js";

// The guest exports that Monocypher's lock and unlock call: checked when it is made.
const AEAD_EXPORTS = ["crypto_aead_lock", "crypto_aead_unlock"];

export class Monocypher {
  #guest;
  #lock;
  #unlock;

  // Runs in a fresh instance of the embedded guest; tests may pass another Guest
  // that follows the same ABI (arena plus crypto_aead_lock and crypto_aead_unlock).
  constructor(guest = Guest.instantiate("monocypher")) {
    if (!(guest instanceof Guest)) throw new TypeError(`Monocypher needs a Guest, got ${describe(guest)}`);
    for (let i = 0; i < AEAD_EXPORTS.length; i++) {
      const name = AEAD_EXPORTS[i];
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

  // Hashing, key exchange, signatures, password hashing, comparison and streams run in the
  // same guest and arena discipline as lock/unlock (below): inputs pushed, one call,
  // results copied out, the arena reset (wiped) however the call ends.

  // BLAKE2b (RFC 7693) of message (Uint8Array or string, as UTF-8): size bytes
  // (1..64, default 64), keyed (a MAC) when key (0..64 bytes) is given.
  blake2b(message, options) {
    return hash.blake2b(this.#guest, message, options);
  }

  // An incremental BLAKE2b: .update(bytes) (chainable) as often as needed, then
  // .digest() once, which wipes the hasher's state.
  blake2bHasher(options) {
    return hash.blake2bHasher(this.#guest, options);
  }

  // X25519 (RFC 7748): the public key (32 bytes) of a 32-byte secret key, e.g. one
  // from generateKey().
  x25519PublicKey(secretKey) {
    return keys.x25519PublicKey(this.#guest, secretKey);
  }

  // X25519 (RFC 7748): the raw 32-byte shared secret of secretKey and their public
  // key. Not uniformly random and not a key yet: hash it first, with both public keys,
  // e.g. blake2b(concat(shared, pkA, pkB), { size: 32 }). A low-order public key is
  // refused with a RangeError.
  x25519(secretKey, theirPublicKey) {
    return keys.x25519(this.#guest, secretKey, theirPublicKey);
  }

  // Ed25519 (RFC 8032) key pair from a 32-byte seed (the RFC's "private key"), or a
  // fresh random one: { secretKey: 64 bytes (seed | public key), publicKey: 32 bytes }.
  // The seed passed in is left as it is: wipe() it when done.
  ed25519KeyPair(seed) {
    return keys.ed25519KeyPair(this.#guest, seed);
  }

  // Ed25519 signature (64 bytes) of message (Uint8Array or string) with a 64-byte
  // secretKey from ed25519KeyPair (checked: its second half must be the public key of its
  // first).
  ed25519Sign(secretKey, message) {
    return keys.ed25519Sign(this.#guest, secretKey, message);
  }

  // Checks an Ed25519 signature of message under publicKey: true or false. With
  // libsodium's rules (crypto_sign_verify_detached), stricter than Monocypher's own
  // check: false if S >= L, if the public key A or R (the signature's first half) has
  // small order, if A is not a canonical encoding, or unless [S]B - [h]A encodes to R's
  // very bytes (the cofactorless equation). See guest/monocypher_guest.c.
  ed25519Verify(signature, publicKey, message) {
    return keys.ed25519Verify(this.#guest, signature, publicKey, message);
  }

  // Argon2id (RFC 9106) of password with salt (each a Uint8Array or a string; salt at
  // least 8 bytes, 16 random ones recommended): size bytes (default 32). memoryKiB
  // (at least 8 x lanes) and passes set the cost, within ARGON2_LIMITS; key and ad are
  // optional inputs. The work area comes from the guest's arena and is wiped afterwards.
  argon2id(password, salt, options) {
    return hash.argon2id(this.#guest, password, salt, options);
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

  // Streaming AEAD for inputs too large for memory (see STREAM FORMAT in
  // monocypher_stream.js): .header (send it first), .update(bytes) -> sealed bytes,
  // .final() -> the rest. ad (Uint8Array or string, optional) is authenticated with every
  // chunk: the stream opens only with the same ad, so one key can seal many streams each
  // bound to its context (a file name, a version, a recipient).
  encryptStream(key, ad, ...rest) {
    noMoreArguments(rest, "encryptStream(key, ad?)", 2);
    checkSize(key, KEY_SIZE, "key");
    return stream.encryptStream(this.#guest, key, optionalBytes(ad, "ad"));
  }

  // Opens what encryptStream made (with the same ad): .update(sealed) -> plaintext of
  // each chunk whose mac checks, .final() -> the last chunk's plaintext;
  // AuthenticationError on any tampering, truncation, reordering, dropped or repeated
  // chunk, or another ad. Until final() returns, the stream may yet turn out truncated:
  // do not act on the output before.
  decryptStream(key, header, ad, ...rest) {
    noMoreArguments(rest, "decryptStream(key, header, ad?)", 3);
    checkSize(key, KEY_SIZE, "key");
    checkSize(header, stream.STREAM_HEADER_SIZE, "header");
    return stream.decryptStream(this.#guest, key, header, optionalBytes(ad, "ad"));
  }

  // A new random 32-byte key from the CSPRNG.
  generateKey() {
    return fillRandom(new Uint8Array(KEY_SIZE));
  }

  // A new random 24-byte nonce: random nonces this long never collide in practice.
  generateNonce() {
    return fillRandom(new Uint8Array(NONCE_SIZE));
  }

  // Encrypts and authenticates plaintext (Uint8Array or string, as UTF-8) under key,
  // also authenticating the optional ad, with a fresh random nonce. mac, nonce and
  // ciphertext are views of one new ArrayBuffer (mac | nonce | ciphertext): pass
  // ciphertext.buffer on and you pass all three.
  lock(plaintext, key, ad) {
    const text = bytesOrString(plaintext, "plaintext");
    checkSize(key, KEY_SIZE, "key");
    return seal(this.#guest, this.#lock, text, key, null, optionalBytes(ad, "ad"));
  }

  // DANGEROUS: lock() with a caller-chosen nonce, for test vectors only. Locking two
  // messages with the same key and nonce reveals both plaintexts' XOR and lets anyone
  // forge messages under that key. Use lock(), which draws a random nonce.
  lockWithNonceUnsafe(plaintext, key, nonce, ad) {
    const text = bytesOrString(plaintext, "plaintext");
    checkSize(key, KEY_SIZE, "key");
    checkSize(nonce, NONCE_SIZE, "nonce");
    return seal(this.#guest, this.#lock, text, key, nonce, optionalBytes(ad, "ad"));
  }

  // Checks the mac and decrypts. Throws AuthenticationError if anything was tampered
  // with; no plaintext is returned or left behind then.
  unlock(ciphertext, mac, key, nonce, ad) {
    checkBytes(ciphertext, "ciphertext");
    checkSize(mac, MAC_SIZE, "mac");
    checkSize(key, KEY_SIZE, "key");
    checkSize(nonce, NONCE_SIZE, "nonce");
    return open(this.#guest, this.#unlock, ciphertext, mac, key, nonce, optionalBytes(ad, "ad"));
  }

  // lock() into an array of yours, allocating nothing: box must be a Uint8Array of exactly
  // 40 + the plaintext's length bytes, and receives mac (16) | nonce (24) | ciphertext.
  // Returns box. For hot loops of small messages, where a new array per call is most of
  // the cost.
  lockInto(box, plaintext, key, ad) {
    const text = bytesOrString(plaintext, "plaintext");
    checkSize(key, KEY_SIZE, "key");
    checkSize(box, BOX_OVERHEAD + byteLength(text), "box (40 bytes + the plaintext's length)");
    return seal(this.#guest, this.#lock, text, key, null, optionalBytes(ad, "ad"), box);
  }

  // unlock() into an array of yours, allocating nothing: plaintext must be a Uint8Array of
  // exactly the ciphertext's length. Returns it; if anything was tampered with it throws
  // AuthenticationError and leaves plaintext untouched.
  unlockInto(plaintext, ciphertext, mac, key, nonce, ad) {
    checkBytes(ciphertext, "ciphertext");
    checkSize(plaintext, byteLength(ciphertext), "plaintext (the ciphertext's length)");
    checkSize(mac, MAC_SIZE, "mac");
    checkSize(key, KEY_SIZE, "key");
    checkSize(nonce, NONCE_SIZE, "nonce");
    return open(this.#guest, this.#unlock, ciphertext, mac, key, nonce, optionalBytes(ad, "ad"), plaintext);
  }
}
