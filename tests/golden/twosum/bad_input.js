import { twoSum } from "wasmcap:twosum";
for (const args of [[[1, 2], 1.5], [[1, NaN], 3], [new Uint32Array(2), 0], [null, 1], [[1, 2]]]) {
  try {
    twoSum(...args);
  } catch (e) {
    console.log(`${e.name}: ${e.message}`);
  }
}
