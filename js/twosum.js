// wasmcap:twosum -- Two Sum, in a Wasm guest (twoSum) and in plain JS (twoSumJs).
//
// Both return [i, j] with i < j and nums[i] + nums[j] === target, choosing the
// smallest j and, for that j, the smallest i; or null when no pair exists. nums is
// an Int32Array or an array of int32 numbers, target an int32; sums are exact.
import { Guest, describe } from "wasmcap:guest";

let guest; // instantiated on first use, then reused: its arena is reset per call

export function twoSum(nums, target) {
  checkArgs(nums, target);
  const len = nums.length;
  if (len < 2) return null;
  guest ??= Guest.instantiate("twosum");
  return guest.withArena((g) => {
    const numsPtr = g.copyInInt32(nums);
    const pairPtr = g.alloc(8);
    const status = g.exports.twosum(numsPtr, len, target, pairPtr);
    if (status === 0) return null;
    if (status !== 1) throw new Error(`twoSum: guest memory is exhausted (${len} numbers)`);
    const i = g.readInt32(pairPtr);
    const j = g.readInt32(pairPtr + 4);
    if (!(i >= 0 && i < j && j < len)) throw new Error(`twoSum: the guest returned an invalid pair [${i}, ${j}]`);
    return [i, j];
  });
}

export function twoSumJs(nums, target) {
  checkArgs(nums, target);
  const firstIndex = new Map(); // value -> first index it was seen at
  for (let j = 0; j < nums.length; j++) {
    const n = nums[j];
    const i = firstIndex.get(target - n); // exact: |target - n| < 2^33
    if (i !== undefined) return [i, j];
    if (!firstIndex.has(n)) firstIndex.set(n, j);
  }
  return null;
}

function checkArgs(nums, target) {
  if (!isInt32(target)) throw new TypeError(`target must be an int32, got ${describeNumber(target)}`);
  if (nums instanceof Int32Array) return;
  if (!Array.isArray(nums)) {
    throw new TypeError(`nums must be an Int32Array or an array of int32 numbers, got ${describe(nums)}`);
  }
  for (let i = 0; i < nums.length; i++) {
    if (!isInt32(nums[i])) throw new TypeError(`nums[${i}] must be an int32, got ${describeNumber(nums[i])}`);
  }
}

function isInt32(value) {
  return typeof value === "number" && (value | 0) === value;
}

function describeNumber(value) {
  if (typeof value === "number") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return describe(value);
}
