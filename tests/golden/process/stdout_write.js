// process.stdout/stderr.write: strings and bytes, no newline added, in order with console.
process.stdout.write("a");
console.log("b");
process.stderr.write(new TextEncoder().encode("c\n"));
process.stdout.write(new Uint8Array([100, 10]), () => console.log("callback after the write"));
console.error("e");
process.stdout.write(new DataView(new Uint8Array([102, 10]).buffer));
console.log(process.stdout.write(""), process.stdout.isTTY, process.stdout.columns, process.stdout.fd, process.stderr.fd);
for (const bad of [42, null, {}]) {
  try {
    process.stdout.write(bad);
  } catch (e) {
    console.log(e.name, e.message);
  }
}
try {
  process.stdout.write("x", "hex");
} catch (e) {
  console.log(e.name, e.message);
}
