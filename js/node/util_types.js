// node:util/types -- brand checks, made by calling a built-in's own accessor or method on
// the value (which throws for anything else), not by Symbol.toStringTag, which any object
// can claim.
import { core } from "ext:core/mod.js";

function brand(fn) {
  return (value) => {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
    try {
      fn(value);
      return true;
    } catch {
      return false;
    }
  };
}

const TypedArray = Object.getPrototypeOf(Uint8Array);
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArray.prototype, Symbol.toStringTag).get;
const arrayBufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
const sharedLength = typeof SharedArrayBuffer === "function"
  ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength").get
  : undefined;
const dataViewLength = Object.getOwnPropertyDescriptor(DataView.prototype, "byteLength").get;
const regExpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, "source").get;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, "size").get;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, "size").get;
const AsyncFunction = (async () => {}).constructor;
const GeneratorFunction = function* () {}.constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;

const typedArrayOf = (name) => (value) => ArrayBuffer.isView(value) && typedArrayTag.call(value) === name;

export const types = {
  isArrayBuffer: brand((v) => arrayBufferLength.call(v)),
  isSharedArrayBuffer: brand((v) => sharedLength.call(v)),
  isAnyArrayBuffer: (v) => types.isArrayBuffer(v) || types.isSharedArrayBuffer(v),
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isDataView: brand((v) => dataViewLength.call(v)),
  isTypedArray: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) !== undefined,
  isUint8Array: typedArrayOf("Uint8Array"),
  isUint8ClampedArray: typedArrayOf("Uint8ClampedArray"),
  isUint16Array: typedArrayOf("Uint16Array"),
  isUint32Array: typedArrayOf("Uint32Array"),
  isInt8Array: typedArrayOf("Int8Array"),
  isInt16Array: typedArrayOf("Int16Array"),
  isInt32Array: typedArrayOf("Int32Array"),
  isFloat32Array: typedArrayOf("Float32Array"),
  isFloat64Array: typedArrayOf("Float64Array"),
  isBigInt64Array: typedArrayOf("BigInt64Array"),
  isBigUint64Array: typedArrayOf("BigUint64Array"),
  isDate: brand((v) => Date.prototype.getTime.call(v)),
  isRegExp: brand((v) => regExpSource.call(v)),
  isMap: brand((v) => mapSize.call(v)),
  isSet: brand((v) => setSize.call(v)),
  isWeakMap: brand((v) => WeakMap.prototype.has.call(v, {})),
  isWeakSet: brand((v) => WeakSet.prototype.has.call(v, {})),
  isPromise: brand((v) => core.getPromiseDetails(v)),
  isProxy: (v) => core.isProxy(v),
  isGeneratorObject: (v) => core.isGeneratorObject(v),
  isNativeError: (v) => v instanceof Error || (typeof v === "object" && v !== null && Object.prototype.toString.call(v) === "[object Error]"),
  isAsyncFunction: (v) => typeof v === "function" && (v instanceof AsyncFunction || v instanceof AsyncGeneratorFunction),
  isGeneratorFunction: (v) => typeof v === "function" && (v instanceof GeneratorFunction || v instanceof AsyncGeneratorFunction),
  isNumberObject: brand((v) => Number.prototype.valueOf.call(v)),
  isStringObject: brand((v) => String.prototype.valueOf.call(v)),
  isBooleanObject: brand((v) => Boolean.prototype.valueOf.call(v)),
  isBigIntObject: brand((v) => BigInt.prototype.valueOf.call(v)),
  isSymbolObject: brand((v) => Symbol.prototype.valueOf.call(v)),
  isBoxedPrimitive: (v) => types.isNumberObject(v) || types.isStringObject(v) || types.isBooleanObject(v) || types.isBigIntObject(v) || types.isSymbolObject(v),
};
export default types;
