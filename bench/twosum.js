// Two Sum in wasmcap: `wasmcap run bench/twosum.js [--runs N]`. twoSum (C in Wasm, the
// public API: copies nums in, scans, resets the arena) and twoSumJs (the JS Map version),
// both on an Int32Array; plus the guest's scan alone (nums already in guest memory).
import { twoSum, twoSumJs } from "wasmcap:twosum";
import { Guest } from "wasmcap:guest";
import { emit, median, options } from "./measure.js";
import { timedRuns, twoSumInput } from "./twosum_input.js";

const { runs } = options(process.argv);
const { nums, target } = twoSumInput();

function report(impl, r) {
  emit({ bench: "twosum", impl, ...r }, `  ${impl.padEnd(22)} ${JSON.stringify(r.answer)}  median of ${r.ms.length}: ${r.median_ms.toFixed(2).padStart(8)} ms`);
}

report("wasmcap-wasm", timedRuns(runs, () => twoSum(nums, target)));

// The guest function alone, as the native C harness times it: nums are copied in and the
// arena is wiped outside the timed region, so a run is the scan over a zeroed table.
const g = Guest.instantiate("twosum");
const ms = [];
let answer;
for (let r = -1; r < runs; r++) { // run -1: the untimed warm-up, as in every harness
  g.reset();
  const numsPtr = g.copyIn(nums);
  const pairPtr = g.alloc(8);
  const t0 = performance.now();
  const status = g.exports.twosum(numsPtr, nums.length, target, pairPtr);
  if (r >= 0) ms.push(performance.now() - t0);
  answer = status === 1 ? [g.readInt32(pairPtr), g.readInt32(pairPtr + 4)] : null;
}
g.reset();
report("wasmcap-wasm-scan-only", { answer, ms, best_ms: Math.min(...ms), median_ms: median(ms) });

// Last: its garbage (a 500,000-entry Map per run) must not slow the Wasm runs down.
report("wasmcap-js", timedRuns(runs, () => twoSumJs(nums, target)));
