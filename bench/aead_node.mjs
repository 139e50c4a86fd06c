// AEAD throughput of the Node.js peers: node bench/aead_node.mjs IMPL [--reps N ...]
// with IMPL one of libsodium-wrappers, noble, sodium-native. Every lock draws a fresh
// 24-byte nonce from the fastest CSPRNG available to that implementation, measured first.
import { createRequire } from "node:module";
import { randomFillSync } from "node:crypto";
import { aeadRecord, CHECK, emit, hex, measure, options, pattern } from "./measure.js";

const require = createRequire(import.meta.url);
const impl = process.argv[2];
const opts = options(process.argv);

// Each returns { seal(pt, key, nonce, ad) -> Uint8Array ct||mac, open(ctmac, key, nonce, ad) }.
async function load(name) {
  if (name === "libsodium-wrappers") {
    const sodium = require("libsodium-wrappers");
    await sodium.ready;
    return {
      seal: (pt, key, nonce, ad = null) => sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(pt, ad, null, nonce, key),
      open: (c, key, nonce, ad = null) => sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, c, ad, nonce, key),
      rngs: {},
    };
  }
  if (name === "noble") {
    const { xchacha20poly1305 } = await import("@noble/ciphers/chacha.js");
    return {
      seal: (pt, key, nonce, ad) => xchacha20poly1305(key, nonce, ad).encrypt(pt),
      open: (c, key, nonce, ad) => xchacha20poly1305(key, nonce, ad).decrypt(c),
      rngs: {},
    };
  }
  if (name === "sodium-native") {
    const sn = require("sodium-native");
    return {
      seal: (pt, key, nonce, ad = null) => {
        const out = Buffer.allocUnsafe(pt.length + 16); // a fresh output per op, as the others
        sn.crypto_aead_xchacha20poly1305_ietf_encrypt(out, pt, ad, null, nonce, key);
        return out;
      },
      open: (c, key, nonce, ad = null) => {
        const out = Buffer.allocUnsafe(c.length - 16);
        sn.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, c, ad, nonce, key);
        return out;
      },
      rngs: { "sodium.randombytes_buf": (b) => (sn.randombytes_buf(b), b) },
    };
  }
  throw new Error(`unknown implementation ${name}`);
}

const lib = await load(impl);

// The fastest CSPRNG for a fresh 24-byte nonce (the brief's default is getRandomValues).
const rngs = {
  "crypto.getRandomValues": (b) => crypto.getRandomValues(b),
  "crypto.randomFillSync": (b) => randomFillSync(b),
  ...lib.rngs,
};
let rngName, rng, rngUs = Infinity;
const rngTimes = {};
for (const [name, fill] of Object.entries(rngs)) {
  const m = measure(() => fill(new Uint8Array(24)), { reps: 3, minMs: 50 });
  rngTimes[name] = m.median_us;
  if (m.median_us < rngUs) [rngName, rng, rngUs] = [name, fill, m.median_us];
}
emit({ bench: "csprng", impl, rngs: rngTimes, chosen: rngName },
  `  ${impl}: nonces from ${rngName} (${Object.entries(rngTimes).map(([k, v]) => `${k} ${v.toFixed(2)} us`).join(", ")})`);

const check = lib.seal(CHECK.plaintext, CHECK.key, CHECK.nonce, CHECK.ad);
emit({ bench: "aead-check", impl, mac: hex(check.subarray(check.length - 16)) });

const key = rng(new Uint8Array(32));
let sink = 0;
for (const size of opts.sizes) {
  const pt = pattern(size);
  const nonce = rng(new Uint8Array(24));
  const sealed = lib.seal(pt, key, nonce);
  const back = lib.open(sealed, key, nonce);
  if (back.length !== size || back.some((b, i) => b !== pt[i])) throw new Error(`round trip failed at ${size} B`);
  aeadRecord(impl, "lock", size, measure(() => {
    const n = rng(new Uint8Array(24));
    sink ^= lib.seal(pt, key, n)[0];
  }, opts), { csprng: rngName });
  aeadRecord(impl, "unlock", size, measure(() => { sink ^= lib.open(sealed, key, nonce).length; }, opts));
}
if (sink === 0.5) console.log(sink);
