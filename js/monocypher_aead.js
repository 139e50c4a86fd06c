// Monocypher's lock and unlock (XChaCha20-Poly1305), the hot path of wasmcap:monocypher: one
// guest block per call (Guest.withBlock), laid out so that one copy takes a whole box out.
import { primordials } from "ext:core/mod.js";
import { fillRandom } from "ext:wasmcap_runtime/prelude.js";
import { viewOf } from "ext:wasmcap_runtime/util.js";
import { KEY_SIZE, MAC_SIZE, NONCE_SIZE, byteLength } from "ext:wasmcap_runtime/monocypher_checks.js";

const { Error, RangeError, TypeError, TypedArrayPrototypeGetBuffer, TypedArrayPrototypeSet, Uint8Array } = primordials;

// The block of a call, laid out as key | ad | mac | nonce | text: mac, nonce and text are
// contiguous, so one copy takes a whole box out of the guest, and a box's three arrays
// share one ArrayBuffer (mac | nonce | ciphertext) of their own. One ArrayBuffer instead of
// three: in V8 each one costs a malloc and sweeper work, which is most of a small lock.
// AD_AT is where ad starts; MAC_AT, NONCE_AT and TEXT_AT are offsets from the end of ad.
const AD_AT = KEY_SIZE;
const MAC_AT = 0;
const NONCE_AT = MAC_AT + MAC_SIZE;
const TEXT_AT = NONCE_AT + NONCE_SIZE;
// What a box adds to its text: mac and nonce (lockInto's output is mac | nonce | ciphertext).
export const BOX_OVERHEAD = TEXT_AT;

export class AuthenticationError extends Error {
  constructor(message = "message authentication failed: the ciphertext, mac, ad, key or nonce is wrong") {
    super(message);
    this.name = "AuthenticationError";
  }
}

// Encrypts text in place with lockFn (the guest's crypto_aead_lock) under key and a nonce
// (null: a fresh one from the CSPRNG, drawn straight into guest memory), authenticating
// ad. Returns { mac, nonce, ciphertext }, views of one new ArrayBuffer; or, given into (a
// checked Uint8Array of exactly BOX_OVERHEAD + text bytes), fills it with mac | nonce |
// ciphertext and returns it, allocating nothing.
export function seal(guest, lockFn, text, key, nonce, ad, into = undefined) {
  const adLen = byteLength(ad);
  const len = byteLength(text);
  const box = AD_AT + adLen; // mac | nonce | text, from the block's start
  return inOneBlock(guest, box + TEXT_AT + len, "plaintext", len, (mem, base) => {
    if (byteLength(text) !== len) throw detached("plaintext");
    TypedArrayPrototypeSet(mem, key, 0);
    if (adLen !== 0) TypedArrayPrototypeSet(mem, ad, AD_AT);
    if (nonce === null) fillRandom(viewOf(mem, box + NONCE_AT, box + TEXT_AT));
    else TypedArrayPrototypeSet(mem, nonce, box + NONCE_AT);
    if (len !== 0) TypedArrayPrototypeSet(mem, text, box + TEXT_AT);
    // Encrypts in place: Monocypher allows cipher_text == plain_text.
    const textPtr = base + box + TEXT_AT;
    lockFn(textPtr, base + box + MAC_AT, base, base + box + NONCE_AT, base + AD_AT, adLen, textPtr, len);
    if (into !== undefined) return guest.copyOutInto(base + box, into);
    // mac | nonce | ciphertext in one new ArrayBuffer. (Views made with the constructor
    // rather than subarray(), which looks up a species constructor: 2x slower in V8.)
    const out = TypedArrayPrototypeGetBuffer(guest.copyOut(base + box, TEXT_AT + len));
    return {
      mac: new Uint8Array(out, MAC_AT, MAC_SIZE),
      nonce: new Uint8Array(out, NONCE_AT, NONCE_SIZE),
      ciphertext: new Uint8Array(out, TEXT_AT, len),
    };
  });
}

// Checks the mac and decrypts in place with unlockFn (the guest's crypto_aead_unlock), which
// decrypts only if the mac matches. Throws AuthenticationError, leaving no plaintext, if not.
// Returns a new Uint8Array, or fills into (a checked Uint8Array of the ciphertext's length,
// untouched if the mac is wrong) and returns it.
export function open(guest, unlockFn, ciphertext, mac, key, nonce, ad, into = undefined) {
  const adLen = byteLength(ad);
  const len = byteLength(ciphertext);
  const box = AD_AT + adLen;
  return inOneBlock(guest, box + TEXT_AT + len, "ciphertext", len, (mem, base) => {
    if (byteLength(ciphertext) !== len) throw detached("ciphertext");
    TypedArrayPrototypeSet(mem, key, 0);
    if (adLen !== 0) TypedArrayPrototypeSet(mem, ad, AD_AT);
    TypedArrayPrototypeSet(mem, mac, box + MAC_AT);
    TypedArrayPrototypeSet(mem, nonce, box + NONCE_AT);
    TypedArrayPrototypeSet(mem, ciphertext, box + TEXT_AT);
    const textPtr = base + box + TEXT_AT;
    const status = unlockFn(textPtr, base + box + MAC_AT, base, base + box + NONCE_AT, base + AD_AT, adLen, textPtr, len);
    if (status !== 0) throw new AuthenticationError();
    return into === undefined ? guest.copyOut(textPtr, len) : guest.copyOutInto(textPtr, into);
  });
}

// guest.withBlock, with an input too large for the guest's memory refused with what to do
// instead. (A RangeError from the allocation is a lying guest's pointer or a bad size: passed
// on as it is; so is anything thrown once the block exists.)
function inOneBlock(guest, size, name, len, fn) {
  let allocated = false;
  try {
    return guest.withBlock(size, (mem, base) => {
      allocated = true;
      return fn(mem, base);
    });
  } catch (e) {
    if (allocated || e instanceof RangeError) throw e;
    throw new RangeError(`${name} of ${len} bytes is too large to lock or unlock at once in this guest's memory: use encryptStream / decryptStream for large inputs`, { cause: e });
  }
}

// A view of this guest's own memory passed as input is detached when alloc grows it.
function detached(name) {
  return new TypeError(`${name} was detached by guest memory growth (it was a view of guest memory)`);
}
