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
import { Guest, describe } from "wasmcap:guest";
import { fillRandom } from "wasmcap:internal";

const KEY_SIZE = 32;
const NONCE_SIZE = 24;
const MAC_SIZE = 16;
// One allocation per call, laid out as key | nonce | mac | ad | text.
const NONCE_AT = KEY_SIZE;
const MAC_AT = NONCE_AT + NONCE_SIZE;
const AD_AT = MAC_AT + MAC_SIZE;

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

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
    this.#guest = guest;
    this.#lock = guest.exports.crypto_aead_lock;
    this.#unlock = guest.exports.crypto_aead_unlock;
  }

  // The guest this runs in, e.g. for tests that scan its arena.
  get guest() {
    return this.#guest;
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
  // also authenticating the optional ad, with a fresh random nonce.
  lock(plaintext, key, ad) {
    const text = bytesOrString(plaintext, "plaintext");
    checkSize(key, KEY_SIZE, "key");
    const adBytes = ad === undefined ? EMPTY : bytesOrString(ad, "ad");
    return this.#seal(text, key, this.generateNonce(), adBytes);
  }

  // lock() with a caller-chosen nonce, for test vectors only. Never lock two messages
  // with the same key and nonce: that reveals both and allows forgeries.
  lockWithNonce(plaintext, key, nonce, ad) {
    const text = bytesOrString(plaintext, "plaintext");
    checkSize(key, KEY_SIZE, "key");
    checkSize(nonce, NONCE_SIZE, "nonce");
    const adBytes = ad === undefined ? EMPTY : bytesOrString(ad, "ad");
    return this.#seal(text, key, nonce.slice(), adBytes);
  }

  // Checks the mac and decrypts. Throws AuthenticationError if anything was tampered
  // with; no plaintext is returned or left behind then.
  unlock(ciphertext, mac, key, nonce, ad) {
    if (!(ciphertext instanceof Uint8Array)) {
      throw new TypeError(`ciphertext must be a Uint8Array, got ${describe(ciphertext)}`);
    }
    checkSize(mac, MAC_SIZE, "mac");
    checkSize(key, KEY_SIZE, "key");
    checkSize(nonce, NONCE_SIZE, "nonce");
    const adBytes = ad === undefined ? EMPTY : bytesOrString(ad, "ad");
    const guest = this.#guest;
    try {
      const base = guest.alloc(AD_AT + adBytes.length + ciphertext.length);
      const adPtr = base + AD_AT;
      const textPtr = adPtr + adBytes.length;
      guest.write(base, key);
      guest.write(base + NONCE_AT, nonce);
      guest.write(base + MAC_AT, mac);
      if (adBytes.length !== 0) guest.write(adPtr, adBytes);
      guest.write(textPtr, ciphertext);
      // Decrypts in place; on failure Monocypher wipes the output and returns -1.
      const status = this.#unlock(textPtr, base + MAC_AT, base, base + NONCE_AT,
        adPtr, adBytes.length, textPtr, ciphertext.length);
      if (status !== 0) throw new AuthenticationError();
      return guest.copyOut(textPtr, ciphertext.length);
    } finally {
      guest.reset();
    }
  }

  #seal(text, key, nonce, ad) {
    const guest = this.#guest;
    try {
      const base = guest.alloc(AD_AT + ad.length + text.length);
      const adPtr = base + AD_AT;
      const textPtr = adPtr + ad.length;
      guest.write(base, key);
      guest.write(base + NONCE_AT, nonce);
      if (ad.length !== 0) guest.write(adPtr, ad);
      guest.write(textPtr, text);
      // Encrypts in place: Monocypher allows cipher_text == plain_text.
      this.#lock(textPtr, base + MAC_AT, base, base + NONCE_AT, adPtr, ad.length, textPtr, text.length);
      return { mac: guest.copyOut(base + MAC_AT, MAC_SIZE), nonce, ciphertext: guest.copyOut(textPtr, text.length) };
    } finally {
      guest.reset();
    }
  }
}

function bytesOrString(value, name) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encoder.encode(value);
  throw new TypeError(`${name} must be a Uint8Array or a string, got ${describe(value)}`);
}

function checkSize(value, size, name) {
  if (!(value instanceof Uint8Array && value.length === size)) {
    throw new TypeError(`${name} must be a Uint8Array of ${size} bytes, got ${describe(value)}`);
  }
}
