// @noble/hashes's README, first example, unmodified; then what it returned.
// import * from '@noble/hashes'; // Error: use sub-imports, to ensure small app size
import { sha256 } from '@noble/hashes/sha2.js';
const hash = sha256(Uint8Array.from([0xca, 0xfe, 0x01, 0x23]));

import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { createHash } from 'node:crypto';

console.log(bytesToHex(hash));
// The same BLAKE2b from noble and from wasmcap's Monocypher guest (node:crypto).
const noble = bytesToHex(blake2b(utf8ToBytes('abc')));
const guest = createHash('blake2b512').update('abc').digest('hex');
console.log(noble === guest, guest.slice(0, 32));
