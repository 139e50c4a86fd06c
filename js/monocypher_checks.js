// What every part of wasmcap:monocypher shares: the sizes, the argument checks (every byte
// input goes through checkBytes, bytesOrString or checkSize: a real Uint8Array, not
// detached; every string through wellFormed; every options object through checkOptions),
// the guest's exports, the state that hashers and streams keep between calls and the
// errors of finished ones. Built-ins captured before any
// script ran (deno_core's primordials), so that a script replacing
// String.prototype.isWellFormed, %TypedArray%.prototype.set or the like cannot weaken what
// is checked or copied.
import { core, primordials } from "ext:core/mod.js";
import { describe, describeValue, isDetached, typedArrayKind } from "ext:wasmcap_runtime/util.js";

const {
  ArrayPrototypeIncludes,
  ArrayPrototypeJoin,
  Error,
  JSONStringify,
  NumberIsInteger,
  ObjectCreate,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectPrototype,
  ObjectPrototypeHasOwnProperty,
  ReflectOwnKeys,
  String,
  StringPrototypeIsWellFormed,
  TypeError,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeSet,
  Uint8Array,
} = primordials;

export const KEY_SIZE = 32;
export const NONCE_SIZE = 24;
export const MAC_SIZE = 16;

export const EMPTY = new Uint8Array(0);

// The guest's export `name`, a function, or a TypeError (a Guest that is not Monocypher's).
export function exported(guest, name) {
  const fn = guest.exports[name];
  if (typeof fn !== "function") {
    throw new TypeError(`this Monocypher's guest does not export ${name}: use the embedded monocypher guest`);
  }
  return fn;
}

// A hasher's or stream's method called after it was finished (its state wiped).
export function finished(what) {
  return new Error(`this ${what} is finished: create a new one`);
}

// Copies a state (a crypto_*_ctx kept in JS between calls) into the arena, lets step update
// it there, and copies it back: what every step of a hasher or a stream does.
export function stepState(g, state, step) {
  const ctx = g.copyIn(state);
  step(ctx);
  TypedArrayPrototypeSet(state, g.view(ctx, byteLength(state)));
}

// A fresh state of ctxSize bytes, made in the arena by init(ctx, g).
export function newState(guest, ctxSize, init) {
  const state = new Uint8Array(ctxSize);
  guest.withArena((g) => stepState(g, state, (ctx) => init(ctx, g)));
  return state;
}

// Whether value is a Uint8Array (or a subclass): its internal slot, not instanceof or
// Symbol.toStringTag lookups, which a script can fake.
export function isUint8Array(value) {
  return typedArrayKind(value) === "Uint8Array";
}

// The length of a checked Uint8Array from its internal slot (an own `length` property
// could lie).
export function byteLength(bytes) {
  return TypedArrayPrototypeGetLength(bytes);
}

const isDetachedView = (bytes) => isDetached(TypedArrayPrototypeGetBuffer(bytes));

// A detached view reads as empty: encrypting, hashing or signing it would silently
// process the empty message.
function detachedInput(name) {
  return new TypeError(`${name} is a Uint8Array whose ArrayBuffer is detached (transferred): its bytes are gone, pass the bytes themselves`);
}

export function checkBytes(value, name) {
  if (!isUint8Array(value)) throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  if (byteLength(value) === 0 && isDetachedView(value)) throw detachedInput(name);
}

function wellFormed(value, name) {
  if (!StringPrototypeIsWellFormed(value)) {
    throw new TypeError(`${name} is a string with a lone surrogate (not well-formed UTF-16), which UTF-8 cannot encode: it would become U+FFFD, so different strings would give the same bytes; pass a well-formed string or a Uint8Array`);
  }
  return core.encode(value);
}

export function bytesOrString(value, name) {
  if (typeof value === "string") return wellFormed(value, name);
  if (!isUint8Array(value)) throw new TypeError(`${name} must be a Uint8Array or a string, got ${describe(value)}`);
  if (byteLength(value) === 0 && isDetachedView(value)) throw detachedInput(name);
  return value;
}

// An optional bytes-or-string argument (ad): absent is empty.
export function optionalBytes(value, name) {
  return value === undefined ? EMPTY : bytesOrString(value, name);
}

export function checkSize(value, size, name) {
  if (!(isUint8Array(value) && byteLength(value) === size)) {
    if (isUint8Array(value) && isDetachedView(value)) throw detachedInput(name);
    throw new TypeError(`${name} must be a Uint8Array of ${size} bytes, got ${describe(value)}`);
  }
}

// An optional Uint8Array of 0 to max bytes (a BLAKE2b key): absent is empty.
export function checkKey(value, max) {
  const key = value === undefined ? EMPTY : value;
  if (!(isUint8Array(key) && byteLength(key) <= max)) {
    throw new TypeError(`key must be a Uint8Array of 0 to ${max} bytes, got ${describe(value)}`);
  }
  if (byteLength(key) === 0 && value !== undefined && isDetachedView(key)) throw detachedInput("key");
  return key;
}

export function checkInteger(value, min, max, name) {
  if (!(NumberIsInteger(value) && value >= min && value <= max)) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

// Functions that take optional trailing arguments refuse extra ones: an argument in the
// wrong place must not be silently dropped.
export function noMoreArguments(rest, signature, count) {
  if (rest.length !== 0) {
    throw new TypeError(`${signature} takes at most ${count} arguments, got ${count + rest.length}`);
  }
}

// Reads an options object: undefined (no options), or a plain object (its prototype
// Object.prototype or null) whose own properties are data properties named in `keys`.
// Anything else is a TypeError naming the accepted keys, never silently ignored: a
// Uint8Array passed where { key } belongs, { Key: k } or { length: 32 } would otherwise
// give an unkeyed or default result. Returns the values in a null-prototype record
// (inherited properties, e.g. on Object.prototype, are never read).
export function checkOptions(options, fn, keys) {
  const record = ObjectCreate(null);
  if (options === undefined) return record;
  const accepted = `{ ${ArrayPrototypeJoin(keys, ", ")} }`;
  const refuse = (why, cause) => new TypeError(`${fn} options must be a plain object with only the keys ${accepted}; ${why}`, cause === undefined ? undefined : { cause });
  if (options === null || typeof options !== "object") throw refuse(`got ${describe(options)}`);
  let proto, names;
  try { // a Proxy's traps run here
    proto = ObjectGetPrototypeOf(options);
    names = ReflectOwnKeys(options);
  } catch (e) {
    throw refuse("reading it threw", e);
  }
  if (proto !== ObjectPrototype && proto !== null) {
    const hint = isUint8Array(options) && ArrayPrototypeIncludes(keys, "key") ? ` (a key goes in the options: ${fn}(..., { key }))` : "";
    throw refuse(`got ${describe(options)}${hint}`);
  }
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (typeof name !== "string" || !ArrayPrototypeIncludes(keys, name)) {
      throw refuse(`got an unknown key ${typeof name === "string" ? JSONStringify(name) : String(name)}`);
    }
    let desc;
    try {
      desc = ObjectGetOwnPropertyDescriptor(options, name);
    } catch (e) {
      throw refuse(`reading ${name} threw`, e);
    }
    if (desc === undefined) continue; // a Proxy that listed a key it does not have
    if (!ObjectPrototypeHasOwnProperty(desc, "value")) throw refuse(`its ${name} is a getter or setter, not a value`);
    record[name] = desc.value;
  }
  return record;
}
