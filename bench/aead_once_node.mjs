// Cold start, Node.js and Deno: the one-shot lock and unlock of aead_once.js with the same
// XChaCha20-Poly1305, from @noble/ciphers (pure JS; imported by relative path so that Deno
// runs it with no npm resolution and no permissions) or, with the argument "sodium" (Node
// only), from libsodium-wrappers (libsodium compiled to Wasm).
const useSodium = (globalThis.process?.argv ?? []).includes("sodium");
const key = crypto.getRandomValues(new Uint8Array(32));
const nonce = crypto.getRandomValues(new Uint8Array(24));
const ad = new TextEncoder().encode("header");
const message = new TextEncoder().encode("attack at dawn");
let sealed, opened;
if (useSodium) {
  const { createRequire } = await import("node:module");
  const sodium = createRequire(import.meta.url)("libsodium-wrappers");
  await sodium.ready;
  sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(message, ad, null, nonce, key);
  opened = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, ad, nonce, key);
} else {
  const { xchacha20poly1305 } = await import("./node_modules/@noble/ciphers/chacha.js");
  sealed = xchacha20poly1305(key, nonce, ad).encrypt(message);
  opened = xchacha20poly1305(key, nonce, ad).decrypt(sealed);
}
console.log(new TextDecoder().decode(opened) === "attack at dawn" ? "ok" : "MISMATCH", sealed.length - 16);
