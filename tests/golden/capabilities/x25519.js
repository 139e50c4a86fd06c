// X25519 (RFC 7748, section 6.1): Alice and Bob agree on a shared secret.
import { Monocypher } from "wasmcap:monocypher";
const mc = new Monocypher();
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));

const alice = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const bob = bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
const alicePublic = mc.x25519PublicKey(alice);
const bobPublic = mc.x25519PublicKey(bob);
console.log("alice", hex(alicePublic));
console.log("bob  ", hex(bobPublic));
const shared = mc.x25519(alice, bobPublic);
console.log("K    ", hex(shared), mc.equal(shared, mc.x25519(bob, alicePublic)));
// Raw X25519 output is not a key yet: hash it with both public keys.
const key = mc.blake2b(new Uint8Array([...shared, ...alicePublic, ...bobPublic]), { size: 32 });
console.log("key  ", key.length);
