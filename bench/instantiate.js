// Guest instantiation in wasmcap: `wasmcap run bench/instantiate.js`. What a fresh
// instance per call costs against one shared instance, and what instantiation costs.
import { Monocypher } from "wasmcap:monocypher";
import { Guest } from "wasmcap:guest";
import { emit, fmtUs, measure, options } from "./measure.js";

const opts = options(process.argv);
function report(what, m) {
  emit({ bench: "instantiate", impl: "wasmcap", what, ...m }, `  ${what.padEnd(40)} ${fmtUs(m.median_us)}`);
}

let sink = 0;
report('Guest.instantiate("monocypher")', measure(() => { sink ^= Guest.instantiate("monocypher").heapBase; }, opts));
report('Guest.instantiate("twosum")', measure(() => { sink ^= Guest.instantiate("twosum").heapBase; }, opts));
report("new Monocypher()", measure(() => { sink ^= new Monocypher() ? 1 : 0; }, opts));

const shared = new Monocypher();
const key = shared.generateKey();
const pt = new Uint8Array(64);
report("lock 64 B, one shared Monocypher", measure(() => { sink ^= shared.lock(pt, key).mac[0]; }, opts));
report("lock 64 B, new Monocypher() per lock", measure(() => { sink ^= new Monocypher().lock(pt, key).mac[0]; }, opts));
if (sink === 0.5) console.log(sink);
