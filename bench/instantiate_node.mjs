// Reference for instantiate.js: instantiating the same guest blob in Node.js (V8 too).
import { readFileSync } from "node:fs";
import { emit, fmtUs, measure, options } from "./measure.js";

const opts = options(process.argv);
const module = new WebAssembly.Module(readFileSync(new URL("../guest/monocypher.wasm", import.meta.url)));
let sink = 0;
const m = measure(() => { sink ^= new WebAssembly.Instance(module).exports.memory.buffer.byteLength; }, opts);
const what = "new WebAssembly.Instance(monocypher)";
emit({ bench: "instantiate", impl: "node", what, ...m }, `  ${("node: " + what).padEnd(40)} ${fmtUs(m.median_us)}`);
if (sink === 0.5) console.log(sink);
