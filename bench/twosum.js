// Two Sum in wasmcap: `wasmcap run bench/twosum.js [--runs N]`. twoSum (C in Wasm, the
// public API: copies nums in, scans, resets the arena) and twoSumJs (the JS Map version),
// both on an Int32Array; plus the guest's scan alone (nums already in guest memory).
import { twoSum, twoSumJs } from "wasmcap:twosum";
import { Guest } from "wasmcap:guest";
import { emit, options } from "./measure.js";
import { bestOf, twoSumInput } from "./twosum_input.js";

const { runs } = options(process.argv);
const { nums, target } = twoSumInput();

function report(impl, r) {
  emit({ bench: "twosum", impl, ...r }, `  ${impl.padEnd(22)} ${JSON.stringify(r.answer)}  best of ${r.ms.length}: ${r.best_ms.toFixed(2).padStart(8)} ms`);
}

report("wasmcap-wasm", bestOf(runs, () => twoSum(nums, target)));

// The guest function alone, as the native C harness times it: nums are copied in and the
// arena is wiped outside the timed region, so a run is the scan over a zeroed table.
const g = Guest.instantiate("twosum");
const ms = [];
let answer;
for (let r = 0; r < runs; r++) {
  g.reset();
  const numsPtr = g.copyIn(nums);
  const pairPtr = g.alloc(8);
  const t0 = performance.now();
  const status = g.exports.twosum(numsPtr, nums.length, target, pairPtr);
  ms.push(performance.now() - t0);
  answer = status === 1 ? [g.readInt32(pairPtr), g.readInt32(pairPtr + 4)] : null;
}
g.reset();
const sorted = [...ms].sort((a, b) => a - b);
report("wasmcap-wasm-scan-only", { answer, ms, best_ms: sorted[0], median_ms: sorted[ms.length >> 1] });

// Last: its garbage (a 500,000-entry Map per run) must not slow the Wasm runs down.
report("wasmcap-js", bestOf(runs, () => twoSumJs(nums, target)));
