import { twoSum, twoSumJs } from "wasmcap:twosum";
const cases = [
  [[2, 7, 11, 15], 9],
  [[3, 2, 4], 6],
  [[3, 3], 6],
  [[1, 2, 3], 7],
  [[], 0],
  [[5], 10],
  [[1, 5, 5, 1], 6],
  [[0, 4, 3, 0], 0],
  [[-3, 4, 3, 90], 0],
];
for (const [nums, target] of cases) {
  console.log(JSON.stringify(nums), target, "->", twoSum(nums, target), twoSumJs(nums, target));
}
