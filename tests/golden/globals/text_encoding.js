const encoder = new TextEncoder();
console.log(encoder.encode("h\u00e9llo \u{1F600}"));
console.log(new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69, 0xff])));
const target = new Uint8Array(4);
console.log(encoder.encodeInto("\u00e9\u00e9\u00e9", target), target);
try {
  new TextDecoder("latin1-but-not-really");
} catch (e) {
  console.log(e.name + ": " + e.message);
}
