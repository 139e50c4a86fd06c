import { median } from "./measure.js";

// The Two Sum input of examples/twosum.js (and of peers.py, twosum.c): 500,000 numbers
// from [-10^9, 10^9] by xorshift32, all even but the last, which is odd, so the only pair
// that reaches the odd target nums[123457] + nums[n - 1] ends the scan at the last element.
export function twoSumInput(n = 500000) {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const nums = new Int32Array(n);
  for (let i = 0; i < n; i++) nums[i] = (next() % 2000000001) - 1000000000;
  for (let i = 0; i < n - 1; i++) nums[i] &= ~1;
  nums[n - 1] |= 1;
  return { nums, target: nums[123457 % n] + nums[n - 1] };
}

// `runs` timed calls after one untimed warm-up (as in every harness), one JSON record.
export function timedRuns(runs, fn) {
  const ms = [];
  let answer = fn();
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    answer = fn();
    ms.push(performance.now() - t0);
  }
  return { answer, ms, best_ms: Math.min(...ms), median_ms: median(ms) };
}
