// The smallest extension script: Node-style globals, nothing else. (Runs in node too, for
// comparing start-up times.) For the capabilities see aead.js and twosum.js beside it.
console.log("Hello from %s!", typeof WebAssembly === "object" ? "V8 with WebAssembly" : "?");
console.log({ platform: process.platform, uuid: crypto.randomUUID().length, args: process.argv.slice(2) });
