// The Guest layer checks every pointer against the memory size before touching it.
import { Guest } from "wasmcap:guest";
const g = Guest.instantiate("twosum");
const size = g.memory.buffer.byteLength;
for (const [what, attempt] of [
  ["read past the end", () => g.copyOut(size - 4, 8)],
  ["negative pointer", () => g.copyOut(-16, 4)],
  ["huge pointer", () => g.write(0xfffffff0, new Uint8Array(32))],
  ["fractional length", () => g.view(g.heapBase, 1.5)],
  ["negative size", () => g.alloc(-1)],
  ["not bytes", () => g.copyIn("text")],
]) {
  try {
    attempt();
    console.log(what, "allowed!");
  } catch (e) {
    console.log(`${what}: ${e.name}: ${e.message}`);
  }
}
// Growth: a large allocation grows memory; the Guest re-creates its views.
const big = g.withArena(() => {
  const ptr = g.copyIn(new Uint8Array(200000).fill(7));
  return [g.memory.buffer.byteLength > size, g.copyOut(ptr + 199999, 1)[0]];
});
console.log("grew and still reads:", big);
console.log("arena reset:", g.highWater() >= g.heapBase);
try {
  Guest.fromBytes(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
} catch (e) {
  console.log(`${e.name}: ${e.message}`);
}
