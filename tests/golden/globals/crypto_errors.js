for (const input of [new Float32Array(1), new Uint8Array(65537), new DataView(new ArrayBuffer(1)), "text"]) {
  try {
    crypto.getRandomValues(input);
  } catch (e) {
    console.log(e.name, e.constructor.name, e.message);
  }
}
