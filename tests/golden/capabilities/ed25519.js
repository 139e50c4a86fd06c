// Ed25519 (RFC 8032, section 7.1, TEST 2): key pair from a seed, sign, verify.
import { Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));

const { secretKey, publicKey } = mc.ed25519KeyPair(bytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
console.log(secretKey.length, hex(publicKey));
const message = Uint8Array.of(0x72);
const signature = mc.ed25519Sign(secretKey, message);
console.log(hex(signature));
console.log(mc.ed25519Verify(signature, publicKey, message), mc.ed25519Verify(signature, publicKey, "r"));
signature[63] ^= 0x10;
console.log(mc.ed25519Verify(signature, publicKey, message));
const fresh = mc.ed25519KeyPair();
console.log(fresh.secretKey.length, fresh.publicKey.length, mc.ed25519Verify(mc.ed25519Sign(fresh.secretKey, "hi"), fresh.publicKey, "hi"));
