// The wasmcap prelude: Node-style globals for extension scripts, built on a handful of ops.
// It is evaluated when wasmcap is built and lives in the binary's V8 startup snapshot (see
// build.rs), so a runtime starts with it already in place. What depends on the running
// process (argv, clocks, callbacks kept outside the JS heap) is done by `start` at the end,
// once per runtime before any user code, which also hides deno_core's internals so that
// scripts see only what is defined here (plus plain V8).
//
// Scripts share this realm and may replace any built-in (`%TypedArray%.prototype.set`,
// `Symbol.species`, `Array.prototype[Symbol.iterator]`, `WebAssembly.Instance`...). So the
// code here and in the wasmcap: modules uses only built-ins captured before any script ran
// (deno_core's primordials, and the WebAssembly ones below): no method calls on typed arrays,
// no species-creating methods (slice, subarray, map), no spreads or for-of over arrays.
// The services the wasmcap: modules need (fillRandom, guestModule...) are exported to them as
// ES module bindings: no object a script can reach holds them.

import { core, primordials } from "ext:core/mod.js";
import {
  op_wasmcap_exit,
  op_wasmcap_get_exit_code,
  op_wasmcap_guest_bytes,
  op_wasmcap_main_evaluated,
  op_wasmcap_now,
  op_wasmcap_print,
  op_wasmcap_read_file,
  op_wasmcap_rss,
  op_wasmcap_write_file,
  op_wasmcap_read_file_chunk,
  op_wasmcap_append_file,
  op_wasmcap_mkdir,
  op_wasmcap_read_dir,
  op_wasmcap_stat,
  op_wasmcap_remove,
  op_wasmcap_rename,
  op_wasmcap_process_info,
  op_wasmcap_random_fill,
  op_wasmcap_set_exit_code,
  op_set_format_exception_callback,
} from "ext:core/ops";
import { format, inspect, setInspectHooks } from "ext:wasmcap_runtime/inspect.js";
import { DOMException, web } from "ext:wasmcap_runtime/web.js";
import { formatTable } from "ext:wasmcap_runtime/console_table.js";
import { clearImmediate, setImmediate } from "ext:wasmcap_runtime/immediate.js";
import { addProcessIo, emitExit, startProcessIo } from "ext:wasmcap_runtime/process_io.js";

const {
  ArrayBuffer,
  ArrayBufferIsView,
  ArrayBufferPrototypeGetByteLength,
  ArrayPrototypeJoin,
  BigInt64Array,
  BigUint64Array,
  DataViewPrototypeGetBuffer,
  DataViewPrototypeGetByteLength,
  DataViewPrototypeGetByteOffset,
  Date,
  DateNow,
  Error,
  ErrorCaptureStackTrace,
  Int16Array,
  Int32Array,
  Int8Array,
  Number,
  NumberIsInteger,
  NumberPrototypeToFixed,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectGetOwnPropertyDescriptor,
  Promise,
  RangeError,
  ReflectApply,
  SafeArrayIterator,
  SafeMap,
  String,
  StringPrototypeSlice,
  StringPrototypeSplit,
  StringPrototypeToLowerCase,
  StringPrototypeTrim,
  TypeError,
  TypedArrayPrototypeFill,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeGetSymbolToStringTag,
  TypedArrayPrototypeSet,
  Uint16Array,
  Uint32Array,
  Uint8Array,
  Uint8ClampedArray,
  uncurryThis,
} = primordials;

const getter = (object, name) => uncurryThis(ObjectGetOwnPropertyDescriptor(object, name).get);

// The WebAssembly built-ins the wasmcap: modules use (not among deno_core's primordials).
// V8 has no WebAssembly object while it makes the snapshot: start() captures them, in each
// runtime before any script runs.
export let wasm;

// SharedArrayBuffer's byteLength getter (uncurried: call it with the buffer), captured by
// start(): like WebAssembly, SharedArrayBuffer is missing while the snapshot is made.
export let sharedArrayBufferByteLength;

function captureWebAssembly() {
  const { WebAssembly } = globalThis;
  return ObjectFreeze({
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
}

// The kind of a typed array ("Uint8Array"...) from its internal slot, undefined for anything
// else (a DataView, a look-alike, a Proxy): the brand check that no getter can fake.
export const typedArrayKind = (value) => TypedArrayPrototypeGetSymbolToStringTag(value);


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

export function isArrayBuffer(value) {
  try {
    ArrayBufferPrototypeGetByteLength(value);
    return true;
  } catch {
    return false;
  }
}

export function isSharedArrayBuffer(value) {
  if (sharedArrayBufferByteLength === undefined) return false;
  try {
    sharedArrayBufferByteLength(value);
    return true;
  } catch {
    return false;
  }
}

setInspectHooks({
  getPromiseState(promise) {
    const details = core.getPromiseDetails(promise);
    return [details[0], details[1]];
  },
  getProxyDetails: (value) => core.getProxyDetails(value),
  isModuleNamespaceObject: (value) => core.isModuleNamespaceObject(value),
});

// Lets the host tell "the main module threw" from "a promise rejection went unhandled".
core.addMainModuleHandler(() => op_wasmcap_main_evaluated());

// An uncaught value that is not an Error (`throw { code: 42 }`) is shown the way console.log
// shows it, not as V8's "#<Object>". Errors and strings keep the default ("Uncaught TypeError:
// msg", "Uncaught boom"); null asks deno_core for that default.
function formatUncaught(value) {
  if (value instanceof Error || typeof value === "string") return null;
  try {
    return `Uncaught ${inspect(value)}`;
  } catch {
    return null;
  }
}

// --- console ---------------------------------------------------------------------------

let groupIndent = "";
const counts = new SafeMap();
const timers = new SafeMap();

function print(toStderr, args) {
  let text = ReflectApply(format, undefined, args);
  if (groupIndent) text = groupIndent + ArrayPrototypeJoin(StringPrototypeSplit(text, "\n"), "\n" + groupIndent);
  op_wasmcap_print(text + "\n", toStderr);
}

const console = {
  log: (...args) => print(false, args),
  info: (...args) => print(false, args),
  debug: (...args) => print(false, args),
  warn: (...args) => print(true, args),
  error: (...args) => print(true, args),
  trace: (...args) => {
    const err = { name: "Trace", message: ReflectApply(format, undefined, args) };
    ErrorCaptureStackTrace(err, console.trace);
    print(true, [err.stack]);
  },
  dir: (value, options) => print(false, [inspect(value, options)]),
  table: (data, properties) => print(false, [formatTable(data, properties)]),
  assert: (condition, ...args) => {
    if (condition) return;
    if (args.length === 0) print(true, ["Assertion failed"]);
    else if (typeof args[0] === "string") {
      args[0] = "Assertion failed: " + args[0];
      print(true, args);
    } else print(true, ["Assertion failed:", ...new SafeArrayIterator(args)]);
  },
  group: (...args) => {
    if (args.length > 0) print(false, args);
    groupIndent += "  ";
  },
  groupEnd: () => {
    groupIndent = StringPrototypeSlice(groupIndent, 0, -2);
  },
  count: (label = "default") => {
    const n = (counts.get(`${label}`) ?? 0) + 1;
    counts.set(`${label}`, n);
    print(false, [`${label}: ${n}`]);
  },
  countReset: (label = "default") => counts.delete(`${label}`),
  time: (label = "default") => timers.set(`${label}`, op_wasmcap_now()),
  timeLog: (label = "default", ...args) => logTime(`${label}`, false, args),
  timeEnd: (label = "default") => logTime(`${label}`, true, []),
};
console.groupCollapsed = console.group;

function logTime(label, end, args) {
  const start = timers.get(label);
  if (start === undefined) {
    print(true, [`Warning: No such label '${label}' for console.time${end ? "End" : "Log"}()`]);
    return;
  }
  if (end) timers.delete(label);
  const ms = op_wasmcap_now() - start;
  const shown = ms >= 1000 ? `${NumberPrototypeToFixed(ms / 1000, 3)}s` : `${NumberPrototypeToFixed(ms, 3)}ms`;
  print(false, [`${label}: ${shown}`, ...new SafeArrayIterator(args)]);
}

// --- errors that ops throw by class name (see src/ops.rs) ------------------------------

class PermissionDenied extends Error {
  constructor(message) {
    super(message);
    this.name = "PermissionDenied";
  }
}
class NotFound extends Error {
  constructor(message) {
    super(message);
    this.name = "NotFound";
  }
}
core.registerErrorClass("PermissionDenied", PermissionDenied);
core.registerErrorClass("NotFound", NotFound);

// --- crypto ----------------------------------------------------------------------------

const integerArrayKinds = new SafeMap([
  ["Int8Array", true], ["Uint8Array", true], ["Uint8ClampedArray", true], ["Int16Array", true],
  ["Uint16Array", true], ["Int32Array", true], ["Uint32Array", true], ["BigInt64Array", true],
  ["BigUint64Array", true],
]);

function getRandomValues(array) {
  const kind = typedArrayKind(array);
  if (kind === undefined) {
    throw new TypeError(
      `crypto.getRandomValues: argument must be an integer TypedArray, got ${describe(array)}`,
    );
  }
  if (!integerArrayKinds.has(kind)) {
    throw new DOMException(
      `The provided ArrayBufferView is of type '${kind}', which is not an integer array type`,
      "TypeMismatchError",
    );
  }
  const byteLength = TypedArrayPrototypeGetByteLength(array);
  if (byteLength > 65536) {
    throw new DOMException(
      `The ArrayBufferView's byte length (${byteLength}) exceeds the number of bytes of entropy available via this API (65536)`,
      "QuotaExceededError",
    );
  }
  op_wasmcap_random_fill(viewBytes(array));
  return array;
}

const HEX = "0123456789abcdef";

function randomUUID() {
  const b = new Uint8Array(16);
  op_wasmcap_random_fill(b);
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  let uuid = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) uuid += "-";
    uuid += HEX[b[i] >> 4] + HEX[b[i] & 15];
  }
  return uuid;
}

function describe(value) {
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") {
    const kind = typedArrayKind(value);
    if (kind !== undefined) return kind;
    try {
      return `${value.constructor?.name ?? typeof value}`;
    } catch {
      return typeof value;
    }
  }
  return typeof value;
}

// --- timers ----------------------------------------------------------------------------

const activeTimers = new SafeMap();

function startTimer(callback, delay, args, repeat) {
  if (typeof callback !== "function") {
    throw new TypeError(`The "callback" argument must be a function, got ${describe(callback)}`);
  }
  let id;
  // The arguments are applied here: deno_core would spread them (a replaceable iterator).
  const run = repeat ? () => ReflectApply(callback, undefined, args) : () => {
    activeTimers.delete(id);
    ReflectApply(callback, undefined, args);
  };
  const timer = core.createTimer(run, delay, undefined, repeat, true);
  id = timer._timerId;
  activeTimers.set(id, timer);
  return id;
}

function clearTimer(id) {
  const timer = activeTimers.get(id);
  if (timer === undefined) return;
  activeTimers.delete(id);
  core.cancelTimer(timer);
}

// --- process ---------------------------------------------------------------------------

const process = {
  argv: [], // set by start()
  platform: "",
  exit(code) {
    if (code !== undefined) op_wasmcap_set_exit_code(exitCodeFrom(code));
    emitExit();
    op_wasmcap_exit(op_wasmcap_get_exit_code());
  },
  get exitCode() {
    return op_wasmcap_get_exit_code();
  },
  set exitCode(code) {
    op_wasmcap_set_exit_code(exitCodeFrom(code));
  },
  // Bytes, as in Node: rss of the process, and V8's heap.
  memoryUsage() {
    const { heapTotal, heapUsed, external } = core.memoryUsage();
    return { rss: op_wasmcap_rss(), heapTotal, heapUsed, external };
  },
};

addProcessIo(process, { viewBytes });

function exitCodeFrom(code) {
  const n = Number(code);
  if (!NumberIsInteger(n)) {
    throw new TypeError(`process exit code must be an integer, got ${inspect(code)}`);
  }
  return n | 0;
}

// --- install ---------------------------------------------------------------------------

function defineGlobals(values) {
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
}

defineGlobals({
  console,
  crypto: { getRandomValues, randomUUID },
  setTimeout: (callback, delay = 0, ...args) => startTimer(callback, delay, args, false),
  setInterval: (callback, delay = 0, ...args) => startTimer(callback, delay, args, true),
  clearTimeout: clearTimer,
  clearInterval: clearTimer,
  setImmediate,
  clearImmediate,
  process,
});

// WebAssembly.compileStreaming / instantiateStreaming: V8 hands these to an embedder callback
// that deno_core does not install (calling them aborted the process). wasmcap has no fetch, so
// they take what a Response would give: a Response-like object (or a promise of one) whose
// arrayBuffer() gives the module's bytes, or the bytes themselves.
async function streamedBytes(source, fn) {
  const response = await source;
  const direct = viewBytes(response);
  if (direct !== undefined) return direct;
  if (response === null || (typeof response !== "object" && typeof response !== "function") ||
      typeof response.arrayBuffer !== "function") {
    throw new TypeError(
      `WebAssembly.${fn}: expected a Response (an object with arrayBuffer()), or a promise of one, or the module's bytes; got ${describe(response)}`,
    );
  }
  if (response.ok === false) {
    throw new TypeError(`WebAssembly.${fn}: the response is not ok (status ${response.status})`);
  }
  const bytes = viewBytes(await response.arrayBuffer());
  if (bytes === undefined) {
    throw new TypeError(`WebAssembly.${fn}: the response's arrayBuffer() did not give an ArrayBuffer`);
  }
  return bytes;
}

const streaming = {
  async compileStreaming(source) {
    return await wasm.compile(await streamedBytes(source, "compileStreaming"));
  },
  async instantiateStreaming(source, imports = undefined) {
    return await wasm.instantiate(await streamedBytes(source, "instantiateStreaming"), imports);
  },
};

function installStreaming() {
  ObjectDefineProperty(globalThis.WebAssembly, "compileStreaming", {
    value: streaming.compileStreaming, writable: true, enumerable: false, configurable: true,
  });
  ObjectDefineProperty(globalThis.WebAssembly, "instantiateStreaming", {
    value: streaming.instantiateStreaming, writable: true, enumerable: false, configurable: true,
  });
}

// CSPRNG bytes for the wasmcap: modules, pooled: one op call serves many nonces. Consumed
// bytes are zeroed so the pool never keeps a copy of a key. The pool never leaves this
// module: bytes are copied out one by one, with no view of it handed to anything.
const randomPool = new Uint8Array(4096);
let randomPoolUsed = randomPool.length;

// Fills `bytes` (a Uint8Array the caller made) from the CSPRNG and returns it.
export function fillRandom(bytes) {
  const n = TypedArrayPrototypeGetLength(bytes);
  if (n > 256) {
    op_wasmcap_random_fill(bytes);
    return bytes;
  }
  if (randomPoolUsed + n > randomPool.length) {
    op_wasmcap_random_fill(randomPool);
    randomPoolUsed = 0;
  }
  const start = randomPoolUsed;
  for (let i = 0; i < n; i++) bytes[i] = randomPool[start + i];
  TypedArrayPrototypeFill(randomPool, 0, start, start + n);
  randomPoolUsed = start + n;
  return bytes;
}

// WebAssembly.Module objects cannot be in a startup snapshot: each runtime compiles an
// embedded guest on its first use, once.
let compiledGuests;

export function guestModule(name) {
  compiledGuests ??= new SafeMap();
  let module = compiledGuests.get(name);
  if (module === undefined) {
    module = new wasm.Module(op_wasmcap_guest_bytes(name));
    compiledGuests.set(name, module);
  }
  return module;
}

export { NotFound, PermissionDenied };

// --- start -----------------------------------------------------------------------------

// Called by the host (src/runtime/mod.rs) once per runtime, right after it is created from the
// snapshot; it removes itself, and returns what the host itself calls (never given to scripts).
Object.defineProperty(globalThis, "__wasmcapStart", {
  value: function start() {
    delete globalThis.__wasmcapStart;
    wasm = captureWebAssembly();
    if (typeof SharedArrayBuffer === "function") {
      sharedArrayBufferByteLength = getter(SharedArrayBuffer.prototype, "byteLength");
    }
    installStreaming();
    [process.argv, process.platform] = op_wasmcap_process_info();
    web.start();
    startProcessIo();
    // Kept by deno_core in Rust, not in the JS heap: not in the snapshot.
    op_set_format_exception_callback(formatUncaught);
    // Scripts get no back door to deno_core's ops. (deno_core reads Deno.core while it
    // creates a runtime from the snapshot, so this cannot happen before.)
    delete globalThis.Deno;
    delete globalThis.__bootstrap;
    return ObjectFreeze({
      __proto__: null,
      inspect,
      emitExit,
      inspectForPrint: (value) => (typeof value === "string" ? value : inspect(value)),
    });
  },
  enumerable: false,
  writable: false,
  configurable: true,
});
delete globalThis.__infra;
