// wasmcap:twosum -- Two Sum, in a Wasm guest (twoSum) and in plain JS (twoSumJs).
//
// Both return [i, j] with i < j and nums[i] + nums[j] === target, choosing the
// smallest j and, for that j, the smallest i; or null when no pair exists. nums is
// an Int32Array or an array of int32 numbers, target an int32; sums are exact.
import { primordials } from "ext:core/mod.js";
import { Guest } from "ext:wasmcap_runtime/guest.js";
import { describe, describeValue, typedArrayKind } from "ext:wasmcap_runtime/util.js";

const { ArrayIsArray, Int32Array, SafeMap, String, TypeError, TypedArrayPrototypeGetLength, Error } = primordials;

let guest; // instantiated on first use, then reused: its arena is reset per call

export function twoSum(nums, target) {
  // Read every number once, into an Int32Array of our own: a getter or Proxy cannot show the
  // check one value and the guest another.
  const values = int32s(nums, target);
  const len = TypedArrayPrototypeGetLength(values);
  if (len < 2) return null;
  guest ??= Guest.instantiate("twosum");
  return guest.withArena((g) => {
    const numsPtr = g.copyIn(values);
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
  const values = int32s(nums, target);
  const firstIndex = new SafeMap(); // value -> first index it was seen at
  for (let j = 0; j < TypedArrayPrototypeGetLength(values); j++) {
    const n = values[j];
    const i = firstIndex.get(target - n); // exact: |target - n| < 2^33
    if (i !== undefined) return [i, j];
    if (!firstIndex.has(n)) firstIndex.set(n, j);
  }
  return null;
}

// The numbers, checked, as an Int32Array (nums itself if it is one).
function int32s(nums, target) {
  if (!isInt32(target)) throw new TypeError(`target must be an int32, got ${describeValue(target)}`);
  if (typedArrayKind(nums) === "Int32Array") return nums;
  if (!ArrayIsArray(nums)) {
    throw new TypeError(`nums must be an Int32Array or an array of int32 numbers, got ${describe(nums)}`);
  }
  const len = nums.length;
  if (!(len >= 0 && len <= 0x7fffffff)) throw new TypeError(`nums has an invalid length ${String(len)}`);
  const values = new Int32Array(len);
  for (let i = 0; i < len; i++) {
    const n = nums[i];
    if (!isInt32(n)) throw new TypeError(`nums[${i}] must be an int32, got ${describeValue(n)}`);
    values[i] = n;
  }
  return values;
}

function isInt32(value) {
  return typeof value === "number" && (value | 0) === value;
}
