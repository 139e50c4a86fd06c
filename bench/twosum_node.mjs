// Two Sum in Node.js: the same Map algorithm as wasmcap's twoSumJs, on the same input.
import { emit, options } from "./measure.js";
import { timedRuns, twoSumInput } from "./twosum_input.js";

function twoSumJs(nums, target) {
  const firstIndex = new Map();
  for (let j = 0; j < nums.length; j++) {
    const n = nums[j];
    const i = firstIndex.get(target - n);
    if (i !== undefined) return [i, j];
    if (!firstIndex.has(n)) firstIndex.set(n, j);
  }
  return null;
}

const { runs } = options(process.argv);
const { nums, target } = twoSumInput();
const r = timedRuns(runs, () => twoSumJs(nums, target));
emit({ bench: "twosum", impl: "node-js", ...r }, `  ${"node-js".padEnd(22)} ${JSON.stringify(r.answer)}  median of ${runs}: ${r.median_ms.toFixed(2).padStart(8)} ms`);
