// @seed: 1
// With a seed the CSPRNG is a ChaCha20 DRBG: reproducible (and insecure).
console.log(crypto.getRandomValues(new Uint8Array(8)));
console.log(crypto.randomUUID());
