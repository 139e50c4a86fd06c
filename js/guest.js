// wasmcap:guest -- a WebAssembly guest seen through its arena ABI, and the only
// code that touches a guest's linear memory or resets its arena.
//
// The ABI (see guest/bump.c): exports `memory`, `bump_alloc(size) -> ptr` (16-byte
// aligned, zeroed, 0 on failure), `bump_reset()` (frees and wipes everything), and
// optionally `__heap_base` and `bump_high_water()` for tests.
//
// Lessons this class embodies:
//  - Wasm has no unsigned types: an i32 pointer above 2 GiB arrives negative, so
//    every pointer out of the guest is read as `ptr >>> 0`.
//  - Never trust a guest pointer: every access is bounds-checked against the
//    current memory size before a view is made or a byte is read or written.
//  - Growing memory detaches `memory.buffer`, so views are re-created after growth.
//  - One arena per call: push inputs, call, copy results out, reset in `finally`
//    (which wipes), however the call ends.
//  - Compile once (WebAssembly.Module), instantiate cheaply as often as needed.
//  - Only scalars cross the boundary; bytes are copied in and out.
//  - Scripts share the realm: only built-ins captured before any script ran are used
//    (see js/prelude.js), so a replaced `set`, `Symbol.species` or `WebAssembly.Instance`
//    cannot make a call read, write or return the wrong bytes.
//
// One class, and two kinds of guest. The embedded ones (Guest.instantiate) are ours: their
// reset is guest/bump.c's, which wipes every block (its stated invariant; tests scan the
// arena after every kind of call). Every other guest, whatever door it came in by (load,
// fromBytes, fromModule, new Guest), is not: its ABI is checked when it is made, and the
// host zeroes every block it handed out before each reset, even if the guest's reset does
// not wipe.
import { primordials } from "ext:core/mod.js";
import { op_wasmcap_guest_bytes, op_wasmcap_read_file } from "ext:core/ops";
import {
  describe,
  isArrayBuffer,
  isDetached,
  isSharedArrayBuffer,
  passes,
  typedArrayKind,
  viewBytes,
  wasm,
} from "ext:wasmcap_runtime/util.js";

const {
  ArrayBufferIsView,
  ArrayPrototypePush,
  DataViewPrototypeGetBuffer,
  Error,
  Int32Array,
  NumberIsInteger,
  NumberPrototypeToString,
  ObjectCreate,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectKeys,
  ObjectPrototypeHasOwnProperty,
  RangeError,
  SafeMap,
  String,
  StringPrototypePadStart,
  TypeError,
  TypedArrayPrototypeFill,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeSet,
  Uint8Array,
} = primordials;

// bump_alloc takes a wasm32 ptrdiff_t: larger sizes cannot be asked for.
const MAX_ALLOC = 0x7fffffff;

// What Guest.instantiate passes the constructor to say "one of ours". Module-private: no
// script can pass it, so no other door leads to a guest whose reset the host trusts.
const EMBEDDED = ObjectFreeze({ __proto__: null });

export class Guest {
  #memory;
  #bytes; // cached view of all of memory; see #view()
  #alloc;
  #reset;
  // Blocks handed out since the last reset (ptr, size, ptr, size...), which the host zeroes
  // before the guest's own reset; null for the embedded guests, whose reset wipes.
  #blocks;

  // Instantiates `module` (a compiled WebAssembly.Module) with `imports`. `abi` (from
  // Guest.load) names ABI exports that are not called by their standard names.
  constructor(module, imports = {}, abi = undefined, origin = undefined) {
    if (!isWasmModule(module)) {
      throw new TypeError(`Guest needs a WebAssembly.Module, got ${describe(module)}`);
    }
    const exports = abiExports(wasm.instanceExports(new wasm.Instance(module, imports)), abi);
    const { memory, bump_alloc: alloc, bump_reset: reset } = exports;
    if (!isWasmMemory(memory)) throw abiError("memory");
    if (typeof alloc !== "function") throw abiError("bump_alloc");
    if (typeof reset !== "function") throw abiError("bump_reset");
    if (isSharedArrayBuffer(wasm.memoryBuffer(memory))) {
      throw new TypeError("guest module does not follow the arena ABI: its memory is shared, which Guest does not support");
    }
    if (alloc.length !== 1) {
      throw new TypeError(`guest module does not follow the arena ABI: its alloc export takes ${alloc.length} parameters, not 1 (size)`);
    }
    if (reset.length !== 0) {
      throw new TypeError(`guest module does not follow the arena ABI: its reset export takes ${reset.length} parameters, not 0`);
    }
    // Defined, not assigned (a setter on Object.prototype must not catch it), and fixed: the
    // exports object is frozen, so every call reaches this instance's own functions.
    ObjectDefineProperty(this, "exports", { value: exports, writable: false, enumerable: true, configurable: false });
    this.#memory = memory;
    this.#bytes = new Uint8Array(wasm.memoryBuffer(memory));
    this.#alloc = alloc;
    this.#reset = reset;
    this.#blocks = origin === EMBEDDED ? null : [];
  }

  // A fresh instance of an embedded guest ("monocypher" or "twosum"), compiled once
  // per runtime.
  static instantiate(name) {
    return new Guest(guestModule(name), {}, undefined, EMBEDDED);
  }

  static fromModule(module, imports) {
    return new Guest(module, imports);
  }

  // Compiles and instantiates any module that follows the ABI.
  static fromBytes(bytes, imports) {
    return new Guest(compile(bytes), imports);
  }

  // A user's own guest: any wasm32 module that follows the ABI above, from a path (read
  // through the fs op, so it needs --allow-read), bytes or a WebAssembly.Module.
  // options: { imports, exports: { memory, alloc, reset, heapBase, highWater } } where
  // `exports` names ABI exports called otherwise than memory, bump_alloc, bump_reset,
  // __heap_base and bump_high_water. See examples/guests/.
  static load(source, options) {
    const o = loadOptions(options);
    let module;
    if (typeof source === "string") module = new wasm.Module(op_wasmcap_read_file(source));
    else if (isWasmModule(source)) module = source;
    else if (viewBytes(source) !== undefined) module = new wasm.Module(viewBytes(source));
    else {
      throw new TypeError(`Guest.load needs a path, the module's bytes or a WebAssembly.Module, got ${describe(source)}`);
    }
    return new Guest(module, o.imports, o.exports);
  }

  get memory() {
    return this.#memory;
  }

  // Where the arena starts (requires the `__heap_base` export).
  get heapBase() {
    return wasm.globalValue(this.exports.__heap_base) >>> 0;
  }

  // The highest address the arena ever handed out (requires `bump_high_water`).
  highWater() {
    return this.exports.bump_high_water() >>> 0;
  }

  // Allocates `size` bytes (zeroed) from the arena and returns the pointer.
  alloc(size) {
    return this.#allocate(size);
  }

  // Frees and wipes everything allocated since the last reset.
  reset() {
    this.#resetArena();
  }

  // Calls fn(guest) with a fresh arena and always resets (wipes) it afterwards.
  // Not reentrant: a nested withArena would reset the outer call's arena.
  withArena(fn) {
    try {
      return fn(this);
    } finally {
      this.#resetArena();
    }
  }

  // The fast path for a call whose data fits one block: calls fn(view, base) with one fresh
  // block of `size` zeroed bytes at `base` (checked, like every block) and `view`, a
  // Uint8Array of exactly those bytes; then always resets (wipes) the arena, however fn
  // ends (a throw, a guest trap). Lay inputs out at offsets in view, call the guest with
  // base + offset, and read results with copyOut: a guest call that grows memory leaves
  // view empty. Not reentrant, like withArena.
  withBlock(size, fn) {
    if (typeof fn !== "function") throw new TypeError(`withBlock needs a function (view, base) => ..., got ${describe(fn)}`);
    try {
      const base = this.#allocate(size);
      return fn(new Uint8Array(TypedArrayPrototypeGetBuffer(this.#view()), base, size), base);
    } finally {
      this.#resetArena();
    }
  }

  // Copies bytes (any ArrayBufferView) into a new allocation; returns its pointer.
  copyIn(src) {
    const bytes = asBytes(src);
    const len = TypedArrayPrototypeGetLength(bytes);
    const ptr = this.#allocate(len);
    // A source that was itself a view of this memory is detached by growth.
    if (TypedArrayPrototypeGetLength(bytes) !== len) {
      throw new TypeError("copyIn source was detached by guest memory growth");
    }
    TypedArrayPrototypeSet(this.#view(), bytes, ptr);
    return ptr;
  }

  // Copies an Int32Array, or an array of numbers converted as Int32Array.set does
  // (validate them first), into a new 4-byte aligned allocation.
  copyInInt32(values) {
    if (typedArrayKind(values) === "Int32Array") return this.copyIn(values);
    const len = values.length;
    const ptr = this.#allocate(len * 4);
    TypedArrayPrototypeSet(new Int32Array(TypedArrayPrototypeGetBuffer(this.#view()), ptr, len), values);
    return ptr;
  }

  // `bytes`, or a copy of it if it is a view of this guest's memory: such a view would be
  // detached by growth during a call that still needs to read it.
  stable(bytes) {
    const view = asBytes(bytes);
    if (TypedArrayPrototypeGetBuffer(view) !== wasm.memoryBuffer(this.#memory)) return bytes;
    const copy = new Uint8Array(TypedArrayPrototypeGetLength(view));
    TypedArrayPrototypeSet(copy, view);
    return copy;
  }

  // Copies bytes (any ArrayBufferView) to guest memory at ptr.
  write(ptr, src) {
    const bytes = asBytes(src);
    TypedArrayPrototypeSet(this.#checked(ptr, TypedArrayPrototypeGetLength(bytes)), bytes, ptr);
  }

  // Copies len bytes at ptr out into a new Uint8Array owned by the caller.
  copyOut(ptr, len) {
    const memory = this.#checked(ptr, len);
    const out = new Uint8Array(len);
    TypedArrayPrototypeSet(out, new Uint8Array(TypedArrayPrototypeGetBuffer(memory), ptr, len));
    return out;
  }

  // Copies the bytes at ptr into target (a Uint8Array the caller owns, filled whole) and
  // returns it: a result with no new ArrayBuffer. target may not be a view of this guest's
  // own memory, where the bytes would stay behind (or be wiped by the next reset).
  copyOutInto(ptr, target) {
    const len = TypedArrayPrototypeGetLength(target);
    const memory = this.#checked(ptr, len);
    if (TypedArrayPrototypeGetBuffer(target) === TypedArrayPrototypeGetBuffer(memory)) {
      throw new TypeError("the output array is a view of the guest's own memory: pass an array of your own");
    }
    TypedArrayPrototypeSet(target, new Uint8Array(TypedArrayPrototypeGetBuffer(memory), ptr, len));
    return target;
  }

  // A live view of len bytes at ptr. It goes stale (empty) when memory grows:
  // do not hold it across anything that may allocate.
  view(ptr, len) {
    return new Uint8Array(TypedArrayPrototypeGetBuffer(this.#checked(ptr, len)), ptr, len);
  }

  // Reads the little-endian int32 at ptr (any alignment).
  readInt32(ptr) {
    const b = this.#checked(ptr, 4);
    return b[ptr] | (b[ptr + 1] << 8) | (b[ptr + 2] << 16) | (b[ptr + 3] << 24);
  }

  // alloc's work, which withBlock and copyIn use too (a subclass's alloc is its own).
  #allocate(size) {
    if (!(NumberIsInteger(size) && size >= 0)) {
      throw new RangeError(`guest allocation size must be a non-negative integer, got ${String(size)}`);
    }
    const ptr = size <= MAX_ALLOC ? this.#alloc(size) >>> 0 : 0;
    if (ptr === 0) {
      throw new Error(`cannot allocate ${size} bytes: guest memory is exhausted`);
    }
    this.#checked(ptr, size); // a lying guest must not send our writes elsewhere
    if (this.#blocks !== null) ArrayPrototypePush(this.#blocks, ptr, size);
    return ptr;
  }

  // The one way an arena is reset. A guest not ours may not wipe in its reset: the host
  // zeroes every block it handed out first (checked again: nothing trusts the list).
  #resetArena() {
    const blocks = this.#blocks;
    if (blocks === null) return this.#reset();
    try {
      for (let i = 0; i < blocks.length; i += 2) {
        TypedArrayPrototypeFill(this.#checked(blocks[i], blocks[i + 1]), 0, blocks[i], blocks[i] + blocks[i + 1]);
      }
    } finally {
      blocks.length = 0;
      this.#reset();
    }
  }

  // All of memory as bytes. Growth detaches the old ArrayBuffer, which leaves views
  // over it with length 0: that is the cheap check for "re-create the view".
  #view() {
    let bytes = this.#bytes;
    if (TypedArrayPrototypeGetLength(bytes) === 0) bytes = this.#bytes = new Uint8Array(wasm.memoryBuffer(this.#memory));
    return bytes;
  }

  // Returns the memory view if [ptr, ptr + len) lies inside it, else throws.
  #checked(ptr, len) {
    const bytes = this.#view();
    const size = TypedArrayPrototypeGetLength(bytes);
    if (NumberIsInteger(ptr) && NumberIsInteger(len) && ptr >= 0 && len >= 0 && ptr + len <= size) {
      return bytes;
    }
    throw rangeError(ptr, len, size);
  }
}

// The wasmcap: modules call Guest's methods on their own guests: scripts must not be able to
// replace them (a subclass may override them for its own instances).
ObjectFreeze(Guest.prototype);
ObjectFreeze(Guest);

// WebAssembly.Module objects cannot be in a startup snapshot: each runtime compiles an
// embedded guest on its first use, once.
let compiledGuests;

function guestModule(name) {
  compiledGuests ??= new SafeMap();
  let module = compiledGuests.get(name);
  if (module === undefined) {
    module = new wasm.Module(op_wasmcap_guest_bytes(name));
    compiledGuests.set(name, module);
  }
  return module;
}

// Overwrites with zeros (e.g. a key that is no longer needed) a TypedArray's or a
// DataView's bytes, or a whole ArrayBuffer / SharedArrayBuffer. Anything else, even an
// object with a fill method, is a TypeError; so is a detached buffer, whose bytes moved
// to the buffer it was transferred to (wipe that one). Built-ins captured before any
// script ran decide what is zeroed: a replaced fill or getter cannot.
export function wipe(bytes) {
  let buffer;
  if (ArrayBufferIsView(bytes)) {
    buffer = typedArrayKind(bytes) !== undefined ? TypedArrayPrototypeGetBuffer(bytes) : DataViewPrototypeGetBuffer(bytes);
  } else if (isArrayBuffer(bytes) || isSharedArrayBuffer(bytes)) {
    buffer = bytes;
  } else {
    throw new TypeError(`wipe needs a TypedArray, a DataView or an ArrayBuffer, got ${describe(bytes)}`);
  }
  if (isDetached(buffer)) {
    throw new TypeError("wipe: the buffer is detached (transferred): its bytes now belong to the buffer it was transferred to; wipe that one");
  }
  TypedArrayPrototypeFill(viewBytes(bytes), 0);
}

function asBytes(src) {
  if (typedArrayKind(src) === "Uint8Array") return src;
  if (ArrayBufferIsView(src)) return viewBytes(src);
  throw new TypeError(`guest data must be a Uint8Array or another ArrayBufferView, got ${describe(src)}`);
}

const isWasmModule = (value) => passes(wasm.moduleExports, value);
const isWasmMemory = (value) => passes(wasm.memoryBuffer, value);

function compile(bytes) {
  const view = viewBytes(bytes);
  if (view === undefined) throw new TypeError(`Guest.fromBytes needs the module's bytes, got ${describe(bytes)}`);
  return new wasm.Module(view);
}

function abiError(name) {
  return new TypeError(`guest module does not follow the arena ABI: no ${name} export`);
}

function rangeError(ptr, len, size) {
  if (!(NumberIsInteger(len) && len >= 0)) {
    return new RangeError(`guest length must be a non-negative integer, got ${String(len)}`);
  }
  if (!(NumberIsInteger(ptr) && ptr >= 0)) {
    return new RangeError(`guest pointer must be a non-negative integer, got ${String(ptr)}`);
  }
  const hex = `0x${StringPrototypePadStart(NumberPrototypeToString(ptr, 16), 8, "0")}`;
  return new RangeError(`guest pointer ${hex} + ${len} bytes is outside guest memory (${size} bytes)`);
}

// ---------------------------------------------------------------------------------------
// Guest.load's options.

// Guest.load's options.exports keys, and the standard export names they replace.
const ABI_NAMES = [
  ["memory", "memory"],
  ["alloc", "bump_alloc"],
  ["reset", "bump_reset"],
  ["heapBase", "__heap_base"],
  ["highWater", "bump_high_water"],
];

const ABI_KEYS = "memory, alloc, reset, heapBase, highWater";

function loadOptions(options) {
  if (options === undefined) return { imports: {}, exports: undefined };
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Guest.load options must be an object, got ${describe(options)}`);
  }
  const imports = options.imports ?? {};
  if (typeof imports !== "object") {
    throw new TypeError(`options.imports must be an object of import modules, got ${describe(imports)}`);
  }
  const names = options.exports;
  if (names === undefined) return { imports, exports: undefined };
  if (names === null || typeof names !== "object") {
    throw new TypeError(`options.exports must be an object naming ABI exports, got ${describe(names)}`);
  }
  const keys = ObjectKeys(names);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (!isAbiKey(key)) {
      throw new TypeError(`options.exports.${key} is not an ABI export; expected ${ABI_KEYS}`);
    }
    if (typeof names[key] !== "string") {
      throw new TypeError(`options.exports.${key} must be the name of an export (a string), got ${describe(names[key])}`);
    }
  }
  return { imports, exports: names };
}

// The instance's exports, with the standard ABI names added for those that `abi` names
// otherwise (Guest.load's options.exports); unchanged without `abi`.
function abiExports(exports, abi) {
  if (abi === undefined) return exports;
  const all = ObjectCreate(null);
  const names = ObjectKeys(exports); // the exports object is frozen, with a null prototype
  for (let i = 0; i < names.length; i++) all[names[i]] = exports[names[i]];
  for (let i = 0; i < ABI_NAMES.length; i++) {
    const key = ABI_NAMES[i][0];
    const name = abi[key];
    if (name === undefined) continue;
    if (!ObjectPrototypeHasOwnProperty(exports, name)) throw abiError(name);
    all[ABI_NAMES[i][1]] = exports[name];
  }
  return ObjectFreeze(all);
}

function isAbiKey(key) {
  for (let i = 0; i < ABI_NAMES.length; i++) if (ABI_NAMES[i][0] === key) return true;
  return false;
}
