// "Wasm as faster JavaScript": the same Two Sum in C-in-Wasm and in plain JS.
import { twoSum, twoSumJs } from "wasmcap:twosum";

console.log(twoSum([2, 7, 11, 15], 9), twoSumJs([2, 7, 11, 15], 9));

// The article's benchmark: 500,000 numbers from [-10^9, 10^9], seeded so runs compare.
let state = 0x2545f491;
const next = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state >>> 0;
};
const n = Number(process.argv[2] ?? 500000);
const nums = new Int32Array(n);
for (let i = 0; i < n; i++) nums[i] = (next() % 2000000001) - 1000000000;
// Even numbers only, except the last: the one pair that reaches an odd target ends the scan.
for (let i = 0; i < n - 1; i++) nums[i] &= ~1;
nums[n - 1] |= 1;
const target = nums[123457 % n] + nums[n - 1];

function best(label, solve) {
  let fastest = Infinity, answer;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    answer = solve(nums, target);
    fastest = Math.min(fastest, performance.now() - start);
  }
  console.log(`${label.padEnd(18)} ${JSON.stringify(answer)} best of 5: ${fastest.toFixed(2)} ms`);
  return fastest;
}
const wasm = best("twoSum (Wasm)", twoSum);
const js = best("twoSumJs (JS Map)", twoSumJs);
console.log(`Wasm is ${(js / wasm).toFixed(1)}x faster on ${n} numbers`);
