// What the wasmcap modules share, on built-ins captured before any script ran (scripts share
// the realm: see js/prelude.js): brand checks that read internal slots, byte views made
// without species lookups, and the descriptions of values in argument errors. Internal: no
// script can import ext: modules.
import { primordials } from "ext:core/mod.js";

const {
  ArrayBufferIsView,
  ArrayBufferPrototypeGetByteLength,
  ArrayBufferPrototypeGetDetached,
  ArrayIsArray,
  DataViewPrototypeGetBuffer,
  DataViewPrototypeGetByteLength,
  DataViewPrototypeGetByteOffset,
  JSONStringify,
  ObjectFreeze,
  ObjectGetOwnPropertyDescriptor,
  String,
  StringPrototypeSlice,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeGetSymbolToStringTag,
  TypedArrayPrototypeSet,
  Uint8Array,
  uncurryThis,
} = primordials;

// A getter of a built-in prototype, uncurried: call it with the object.
export const getter = (object, name) => uncurryThis(ObjectGetOwnPropertyDescriptor(object, name).get);

// Whether check(value) returns rather than throws: the brand checks below, whose built-ins
// throw a TypeError unless their argument is the real thing.
export function passes(check, value) {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
}

// --- built-ins V8 lacks while the snapshot is made ----------------------------------------

// The WebAssembly built-ins the wasmcap modules use (not among deno_core's primordials), and
// SharedArrayBuffer's byteLength getter (uncurried). Neither exists while the startup
// snapshot is made: captureLateBuiltins() takes them in each runtime before any script runs
// (the prelude's start()).
export let wasm;
export let sharedArrayBufferByteLength;

export function captureLateBuiltins() {
  const { WebAssembly } = globalThis;
  wasm = ObjectFreeze({
    __proto__: null,
    Module: WebAssembly.Module,
    Instance: WebAssembly.Instance,
    compile: WebAssembly.compile,
    instantiate: WebAssembly.instantiate,
    // Each throws a TypeError unless its argument is the real thing: brand checks.
    moduleExports: WebAssembly.Module.exports,
    instanceExports: getter(WebAssembly.Instance.prototype, "exports"),
    memoryBuffer: getter(WebAssembly.Memory.prototype, "buffer"),
    globalValue: getter(WebAssembly.Global.prototype, "value"),
  });
  if (typeof SharedArrayBuffer === "function") {
    sharedArrayBufferByteLength = getter(SharedArrayBuffer.prototype, "byteLength");
  }
}

// --- brand checks and byte views ------------------------------------------------------------

// The kind of a typed array ("Uint8Array"...) from its internal slot, undefined for anything
// else (a DataView, a look-alike, a Proxy): the brand check that no getter can fake.
export const typedArrayKind = (value) => TypedArrayPrototypeGetSymbolToStringTag(value);

export const isArrayBuffer = (value) => passes(ArrayBufferPrototypeGetByteLength, value);

export const isSharedArrayBuffer = (value) =>
  sharedArrayBufferByteLength !== undefined && passes(sharedArrayBufferByteLength, value);

// Whether buffer is an ArrayBuffer that was transferred (its views read as empty). A
// SharedArrayBuffer cannot be.
export const isDetached = (buffer) => isArrayBuffer(buffer) && ArrayBufferPrototypeGetDetached(buffer);

// The bytes of an ArrayBuffer, SharedArrayBuffer or ArrayBufferView as a Uint8Array over the
// same memory, read from internal slots; undefined for anything else.
export function viewBytes(value) {
  if (ArrayBufferIsView(value)) {
    if (typedArrayKind(value) !== undefined) {
      return new Uint8Array(
        TypedArrayPrototypeGetBuffer(value),
        TypedArrayPrototypeGetByteOffset(value),
        TypedArrayPrototypeGetByteLength(value),
      );
    }
    return new Uint8Array(
      DataViewPrototypeGetBuffer(value),
      DataViewPrototypeGetByteOffset(value),
      DataViewPrototypeGetByteLength(value),
    );
  }
  if (isArrayBuffer(value) || isSharedArrayBuffer(value)) return new Uint8Array(value);
  return undefined;
}

// u8[start, end) as a new view, and as a copy: subarray() and slice() without them, as both
// look up a species constructor, which a script can replace to be handed the view (of guest
// memory holding a key, say).
export function viewOf(u8, start, end) {
  const offset = TypedArrayPrototypeGetByteOffset(u8);
  return new Uint8Array(TypedArrayPrototypeGetBuffer(u8), offset + start, end - start);
}

export function copyOf(u8, start, end) {
  const copy = new Uint8Array(end - start);
  TypedArrayPrototypeSet(copy, viewOf(u8, start, end));
  return copy;
}

// --- descriptions for argument errors ---------------------------------------------------------

// A short description of a value: "Uint8Array(31)", "DataView(8)", "Array(3)", "Object",
// "string", "null". Sizes come from internal slots, never from (possibly lying) getters; a
// Proxy or a throwing `constructor` getter cannot make it throw.
export function describe(value) {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") return typeof value;
  const kind = typedArrayKind(value);
  if (kind !== undefined) return `${kind}(${TypedArrayPrototypeGetLength(value)})`;
  try {
    const bytes = viewBytes(value);
    const name = `${value.constructor?.name ?? "object"}`;
    if (bytes !== undefined) return `${name}(${TypedArrayPrototypeGetLength(bytes)})`;
    if (ArrayIsArray(value)) return `Array(${value.length})`;
    return name;
  } catch {
    return "object";
  }
}

// describe(), but numbers as themselves ("-1", "2.5", "3n") and strings quoted (the first 20
// characters): for arguments that must be a number in some range.
export function describeValue(value) {
  if (typeof value === "number") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") {
    return `string ${JSONStringify(value.length > 20 ? `${StringPrototypeSlice(value, 0, 20)}...` : value)}`;
  }
  return describe(value);
}
