// Node's deep equality (isDeepStrictEqual, assert.deepEqual/deepStrictEqual): strict mode
// compares with Object.is, prototypes and own symbol keys; loose mode with ==. Cycles are
// handled by remembering the pairs being compared.
import { types } from "ext:wasmcap_runtime/node/util_types.js";

export function isDeepEqual(a, b, strict) {
  return compare(a, b, strict, new Map());
}

function tag(value) {
  return Object.prototype.toString.call(value);
}

function compare(a, b, strict, memo) {
  if (strict ? Object.is(a, b) : (a == b || (Number.isNaN(a) && Number.isNaN(b)))) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    if (!strict && (typeof a !== "object" || a === null) && (typeof b !== "object" || b === null)) return a == b;
    return false;
  }
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (tag(a) !== tag(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (types.isDate(a)) {
    if (a.getTime() !== b.getTime()) return false;
  } else if (types.isRegExp(a)) {
    if (a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
  } else if (types.isNativeError(a) || a instanceof Error) {
    if (a.message !== b.message || a.name !== b.name) return false;
  } else if (types.isBoxedPrimitive(a)) {
    if (!Object.is(a.valueOf(), b.valueOf())) return false;
  } else if (ArrayBuffer.isView(a)) {
    if (a.byteLength !== b.byteLength) return false;
    if (!types.isFloat32Array(a) && !types.isFloat64Array(a)) {
      const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    } else {
      for (let i = 0; i < a.length; i++) if (!(strict ? Object.is(a[i], b[i]) || a[i] === b[i] : a[i] == b[i])) return false;
    }
  } else if (types.isAnyArrayBuffer(a)) {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a);
    const y = new Uint8Array(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  } else if (types.isWeakMap(a) || types.isWeakSet(a) || types.isPromise(a)) {
    return false;
  }
  // Cycles: a pair already being compared counts as equal.
  let seen = memo.get(a);
  if (seen?.has(b)) return true;
  if (seen === undefined) memo.set(a, (seen = new Set()));
  seen.add(b);
  try {
    if (types.isMap(a)) {
      if (a.size !== b.size || !mapsEqual(a, b, strict, memo)) return false;
    } else if (types.isSet(a)) {
      if (a.size !== b.size || !setsEqual(a, b, strict, memo)) return false;
    }
    const keysA = ownKeys(a, strict, ArrayBuffer.isView(a));
    const keysB = ownKeys(b, strict, ArrayBuffer.isView(b));
    if (keysA.length !== keysB.length) return false;
    for (const key of keysA) {
      if (!Object.prototype.propertyIsEnumerable.call(b, key)) return false;
      if (!compare(a[key], b[key], strict, memo)) return false;
    }
    return true;
  } finally {
    seen.delete(b);
  }
}

function ownKeys(value, strict, skipIndices) {
  let keys = Object.keys(value);
  if (skipIndices) keys = keys.filter((k) => !/^(0|[1-9][0-9]*)$/.test(k));
  if (strict) {
    for (const symbol of Object.getOwnPropertySymbols(value)) {
      if (Object.prototype.propertyIsEnumerable.call(value, symbol)) keys.push(symbol);
    }
  }
  return keys;
}

function mapsEqual(a, b, strict, memo) {
  const unmatched = [];
  for (const [key, value] of a) {
    if (b.has(key) && (typeof key !== "object" || key === null)) {
      if (!compare(value, b.get(key), strict, memo)) return false;
    } else {
      unmatched.push([key, value]);
    }
  }
  if (unmatched.length === 0) return true;
  const candidates = [...b].filter(([key]) => !(typeof key !== "object" || key === null) || !a.has(key));
  return unmatched.every(([key, value]) => {
    const i = candidates.findIndex(([k, v]) => compare(key, k, strict, memo) && compare(value, v, strict, memo));
    if (i === -1) return false;
    candidates.splice(i, 1);
    return true;
  });
}

function setsEqual(a, b, strict, memo) {
  const unmatched = [];
  for (const value of a) {
    if (!b.has(value)) unmatched.push(value);
  }
  if (unmatched.length === 0) return true;
  const candidates = [...b].filter((value) => !a.has(value));
  return unmatched.every((value) => {
    const i = candidates.findIndex((candidate) => compare(value, candidate, strict, memo));
    if (i === -1) return false;
    candidates.splice(i, 1);
    return true;
  });
}
