// Key exchange and signatures in wasmcap:monocypher: X25519 (RFC 7748) and Ed25519 (RFC 8032,
// from Monocypher's optional monocypher-ed25519.c). Each call runs in a fresh arena of the
// guest, reset (wiped) however it ends.
import { primordials } from "ext:core/mod.js";
import { fillRandom } from "ext:wasmcap_runtime/prelude.js";
import { KEY_SIZE, byteLength, bytesOrString, checkSize, exported } from "ext:wasmcap_runtime/monocypher_checks.js";

const { RangeError, TypeError } = primordials;

export function x25519PublicKey(guest, secretKey) {
  checkSize(secretKey, KEY_SIZE, "secretKey");
  const publicKeyFn = exported(guest, "crypto_x25519_public_key");
  return guest.withArena((g) => {
    const pk = g.alloc(32);
    publicKeyFn(pk, g.copyIn(secretKey));
    return g.copyOut(pk, 32);
  });
}

// A low-order public key (one of the 14 encodings that give an all-zero secret whatever the
// secret key: a malicious or broken peer) is refused with a RangeError, as RFC 7748, section
// 6.1 allows and libsodium does.
export function x25519(guest, secretKey, theirPublicKey) {
  checkSize(secretKey, KEY_SIZE, "secretKey");
  checkSize(theirPublicKey, 32, "theirPublicKey");
  const x25519Fn = exported(guest, "crypto_x25519");
  const verify32 = exported(guest, "crypto_verify32");
  return guest.withArena((g) => {
    const shared = g.alloc(32);
    const zero = g.alloc(32);
    x25519Fn(shared, g.copyIn(secretKey), g.copyIn(theirPublicKey));
    if (verify32(shared, zero) === 0) { // constant time; only the outcome is revealed
      throw new RangeError("x25519: theirPublicKey is a low-order point (the shared secret would be all zeros, RFC 7748, section 6.1): it is malicious or broken, refuse it");
    }
    return g.copyOut(shared, 32);
  });
}

// seed undefined: a fresh random one, drawn straight into guest memory.
export function ed25519KeyPair(guest, seed) {
  if (seed !== undefined) checkSize(seed, 32, "seed");
  const keyPairFn = exported(guest, "crypto_ed25519_key_pair");
  return guest.withArena((g) => {
    const seedPtr = seed === undefined ? g.alloc(32) : g.copyIn(seed);
    if (seed === undefined) fillRandom(g.view(seedPtr, 32));
    const sk = g.alloc(64);
    const pk = g.alloc(32);
    keyPairFn(sk, pk, seedPtr); // wipes the seed's copy
    return { secretKey: g.copyOut(sk, 64), publicKey: g.copyOut(pk, 32) };
  });
}

// The secret key's second half must be the public key of its first: checked (signing with a
// wrong public key would leak the secret key).
export function ed25519Sign(guest, secretKey, message) {
  checkSize(secretKey, 64, "secretKey");
  const bytes = bytesOrString(message, "message");
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

// libsodium's rules (see guest/monocypher_guest.c, wasmcap_ed25519_check).
export function ed25519Verify(guest, signature, publicKey, message) {
  checkSize(signature, 64, "signature");
  checkSize(publicKey, 32, "publicKey");
  const bytes = bytesOrString(message, "message");
  const checkFn = exported(guest, "wasmcap_ed25519_check");
  return guest.withArena((g) =>
    checkFn(g.copyIn(signature), g.copyIn(publicKey), g.copyIn(bytes), byteLength(bytes)) === 0);
}
