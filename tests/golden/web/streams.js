// Web streams (deno_web): piping through a transform, tee, queuing strategies, errors.
const upper = new TransformStream({ transform: (chunk, controller) => controller.enqueue(chunk.toUpperCase()) });
const seen = [];
await ReadableStream.from(["a", "b", "c"]).pipeThrough(upper).pipeTo(
  new WritableStream({ write: (chunk) => { seen.push(chunk); }, close: () => seen.push("closed") }),
);
console.log(seen);
const [left, right] = ReadableStream.from([1, 2]).tee();
console.log(await Array.fromAsync(left), await Array.fromAsync(right));
const strategy = new CountQueuingStrategy({ highWaterMark: 2 });
const bytes = new ByteLengthQueuingStrategy({ highWaterMark: 16 });
console.log(strategy.highWaterMark, bytes.size(new Uint8Array(5)));
let pulls = 0;
const lazy = new ReadableStream({ pull: (controller) => { pulls++; controller.enqueue(pulls); if (pulls === 3) controller.close(); } }, strategy);
const reader = lazy.getReader();
console.log(await reader.read(), await reader.read(), await reader.read(), await reader.read());
const failing = new ReadableStream({ start: (controller) => controller.error(new TypeError("broken source")) });
try {
  await failing.getReader().read();
} catch (e) {
  console.log("read failed:", e.message);
}
console.log(Object.prototype.toString.call(new ReadableStream()), typeof ReadableStreamDefaultReader);
