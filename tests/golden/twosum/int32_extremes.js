// Sums are exact: no int32 wrap-around may produce a false pair.
import { twoSum, twoSumJs } from "wasmcap:twosum";
const MAX = 2147483647, MIN = -2147483648;
for (const [nums, target] of [
  [[MAX, 1, MIN], -2147483647],
  [[MAX, MAX], -2],
  [[MIN, MIN], 0],
  [[MIN, -1, MAX], -1],
  [Int32Array.of(MAX, 0, MIN), MAX],
]) {
  console.log(Array.from(nums).join(","), target, "->", twoSum(nums, target), twoSumJs(nums, target));
}
