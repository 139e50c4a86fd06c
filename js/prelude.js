// The wasmcap prelude: Node-style globals for extension scripts, built on a handful of ops
// (console, timers and process have files of their own; what the wasmcap modules share is in
// js/util.js).
// It is evaluated when wasmcap is built and lives in the binary's V8 startup snapshot (see
// build.rs), so a runtime starts with it already in place. What depends on the running
// process (argv, clocks, callbacks kept outside the JS heap) is done by `start` at the end,
// once per runtime before any user code, which also hides deno_core's internals so that
// scripts see only what is defined here (plus plain V8).
//
// Scripts share this realm and may replace any built-in (`%TypedArray%.prototype.set`,
// `Symbol.species`, `Array.prototype[Symbol.iterator]`, `WebAssembly.Instance`...). So the
// code here and in the wasmcap: modules uses only built-ins captured before any script ran
// (deno_core's primordials, and the WebAssembly ones in js/util.js): no method calls on typed
// arrays, no species-creating methods (slice, subarray, map), no spreads or for-of over arrays.
// The services the wasmcap: modules need (fillRandom, the error classes) are exported to them
// as ES module bindings: no object a script can reach holds them.

import { core, primordials } from "ext:core/mod.js";
import {
  op_wasmcap_main_evaluated,
  op_wasmcap_random_fill,
  op_set_format_exception_callback,
} from "ext:core/ops";
import { console } from "ext:wasmcap_runtime/console.js";
import { inspect, setInspectHooks } from "ext:wasmcap_runtime/inspect.js";
import { process, startProcess } from "ext:wasmcap_runtime/process.js";
import { DOMException, web } from "ext:wasmcap_runtime/web.js";
import { clearImmediate, setImmediate } from "ext:wasmcap_runtime/immediate.js";
import { emitExit, startProcessIo } from "ext:wasmcap_runtime/process_io.js";
import { clearInterval, clearTimeout, setInterval, setTimeout } from "ext:wasmcap_runtime/timers.js";
import { captureLateBuiltins, describe, typedArrayKind, viewBytes, wasm } from "ext:wasmcap_runtime/util.js";

const {
  Error,
  ErrorCaptureStackTrace,
  ObjectDefineProperty,
  ObjectFreeze,
  RangeError,
  SafeMap,
  StringPrototypeToLowerCase,
  StringPrototypeTrim,
  TypeError,
  TypedArrayPrototypeFill,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteLength,
  TypedArrayPrototypeGetLength,
  TypedArrayPrototypeSet,
  Uint8Array,
} = primordials;

setInspectHooks({
  getPromiseState(promise) {
    const details = core.getPromiseDetails(promise);
    return [details[0], details[1]];
  },
  getProxyDetails: (value) => core.getProxyDetails(value),
  isModuleNamespaceObject: (value) => core.isModuleNamespaceObject(value),
});

// Lets the host tell "the main module threw" from "a promise rejection went unhandled". Then
// runs the process.nextTick callbacks the module queued before any timer, as Node does after
// an ES module's evaluation (deno_core's event loop would fire an expired timer first).
core.addMainModuleHandler(() => {
  op_wasmcap_main_evaluated();
  core.runNextTicks();
});

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

// --- errors that ops throw by class name (see src/extension/fs.rs) -------------------

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

// --- install ---------------------------------------------------------------------------

function defineGlobals(values) {
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
}

defineGlobals({
  console,
  crypto: { getRandomValues, randomUUID },
  setTimeout,
  setInterval,
  clearTimeout,
  clearInterval,
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

export { NotFound, PermissionDenied };

// --- start -----------------------------------------------------------------------------

// Called by the host (src/runtime/mod.rs) once per runtime, right after it is created from the
// snapshot; it removes itself, and returns what the host itself calls (never given to scripts).
Object.defineProperty(globalThis, "__wasmcapStart", {
  value: function start() {
    delete globalThis.__wasmcapStart;
    captureLateBuiltins();
    installStreaming();
    startProcess();
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
