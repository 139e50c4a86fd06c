// The wasmcap prelude: Node-style globals for extension scripts, built on a handful of ops.
// It is evaluated when wasmcap is built and lives in the binary's V8 startup snapshot (see
// build.rs), so a runtime starts with it already in place. What depends on the running
// process (argv, clocks, callbacks kept outside the JS heap) is done by `start` at the end,
// once per runtime before any user code, which also hides deno_core's internals so that
// scripts see only what is defined here (plus plain V8).

import { core } from "ext:core/mod.js";
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
  op_wasmcap_utf8_decode,
  op_set_format_exception_callback,
} from "ext:core/ops";
import { format, inspect, setInspectHooks } from "ext:wasmcap_runtime/inspect.js";

setInspectHooks({
  getPromiseState(promise) {
    const [state, result] = core.getPromiseDetails(promise);
    return [state, result];
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
const counts = new Map();
const timers = new Map();

function print(toStderr, args) {
  let text = format(...args);
  if (groupIndent) text = groupIndent + text.split("\n").join("\n" + groupIndent);
  op_wasmcap_print(text + "\n", toStderr);
}

const console = {
  log: (...args) => print(false, args),
  info: (...args) => print(false, args),
  debug: (...args) => print(false, args),
  warn: (...args) => print(true, args),
  error: (...args) => print(true, args),
  trace: (...args) => {
    const err = { name: "Trace", message: format(...args) };
    Error.captureStackTrace(err, console.trace);
    print(true, [err.stack]);
  },
  dir: (value, options) => print(false, [inspect(value, options)]),
  assert: (condition, ...args) => {
    if (condition) return;
    if (args.length === 0) print(true, ["Assertion failed"]);
    else if (typeof args[0] === "string") print(true, ["Assertion failed: " + args[0], ...args.slice(1)]);
    else print(true, ["Assertion failed:", ...args]);
  },
  group: (...args) => {
    if (args.length > 0) print(false, args);
    groupIndent += "  ";
  },
  groupEnd: () => {
    groupIndent = groupIndent.slice(0, -2);
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
  const shown = ms >= 1000 ? `${(ms / 1000).toFixed(3)}s` : `${ms.toFixed(3)}ms`;
  print(false, [`${label}: ${shown}`, ...args]);
}

// --- DOMException (what Web Crypto throws) --------------------------------------------

const domExceptionCodes = {
  IndexSizeError: 1, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidAccessError: 15, TypeMismatchError: 17, QuotaExceededError: 22,
  AbortError: 20, DataCloneError: 25,
};

class DOMException extends Error {
  #name;
  constructor(message = "", name = "Error") {
    super(`${message}`);
    this.#name = `${name}`;
    Error.captureStackTrace(this, DOMException);
  }
  get name() {
    return this.#name;
  }
  get code() {
    return domExceptionCodes[this.#name] ?? 0;
  }
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

const integerArrayTypes = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array,
  Int32Array, Uint32Array, BigInt64Array, BigUint64Array,
];

function getRandomValues(array) {
  if (!ArrayBuffer.isView(array) || array instanceof DataView) {
    throw new TypeError(
      `crypto.getRandomValues: argument must be an integer TypedArray, got ${describe(array)}`,
    );
  }
  if (!integerArrayTypes.some((T) => array instanceof T)) {
    throw new DOMException(
      `The provided ArrayBufferView is of type '${array.constructor.name}', which is not an integer array type`,
      "TypeMismatchError",
    );
  }
  if (array.byteLength > 65536) {
    throw new DOMException(
      `The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`,
      "QuotaExceededError",
    );
  }
  op_wasmcap_random_fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return array;
}

function randomUUID() {
  const b = new Uint8Array(16);
  op_wasmcap_random_fill(b);
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function describe(value) {
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") {
    return value.constructor?.name ?? typeof value;
  }
  return typeof value;
}

// --- text ------------------------------------------------------------------------------

class TextEncoder {
  get encoding() {
    return "utf-8";
  }
  encode(input = "") {
    return core.encode(`${input}`);
  }
  encodeInto(source, destination) {
    const bytes = core.encode(`${source}`);
    // Copy only whole characters: find the longest prefix that fits.
    let written = Math.min(bytes.length, destination.length);
    while (written > 0 && written < bytes.length && (bytes[written] & 0xc0) === 0x80) written--;
    destination.set(bytes.subarray(0, written));
    const read = written === bytes.length ? `${source}`.length : decodedLength(bytes.subarray(0, written));
    return { read, written };
  }
}

function decodedLength(utf8) {
  // UTF-16 code units of a valid UTF-8 prefix: 4-byte sequences become surrogate pairs.
  let units = 0;
  for (const byte of utf8) {
    if ((byte & 0xc0) !== 0x80) units += byte >= 0xf0 ? 2 : 1;
  }
  return units;
}

class TextDecoder {
  #fatal;
  #ignoreBOM;
  constructor(label = "utf-8", options = {}) {
    const normalized = `${label}`.trim().toLowerCase();
    if (!["utf-8", "utf8", "unicode-1-1-utf-8"].includes(normalized)) {
      throw new RangeError(`TextDecoder: the encoding '${label}' is not supported (only utf-8)`);
    }
    this.#fatal = Boolean(options.fatal);
    this.#ignoreBOM = Boolean(options.ignoreBOM);
  }
  get encoding() {
    return "utf-8";
  }
  get fatal() {
    return this.#fatal;
  }
  get ignoreBOM() {
    return this.#ignoreBOM;
  }
  decode(input = new Uint8Array(0), options = {}) {
    if (options.stream) {
      throw new TypeError("TextDecoder: streaming decode is not supported; decode whole buffers");
    }
    let bytes;
    if (input instanceof ArrayBuffer || input instanceof SharedArrayBuffer) bytes = new Uint8Array(input);
    else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    else throw new TypeError(`TextDecoder.decode: expected an ArrayBuffer or ArrayBufferView, got ${describe(input)}`);
    return op_wasmcap_utf8_decode(bytes, this.#fatal, this.#ignoreBOM);
  }
}

// --- timers ----------------------------------------------------------------------------

const activeTimers = new Map();

function startTimer(callback, delay, args, repeat) {
  if (typeof callback !== "function") {
    throw new TypeError(`The "callback" argument must be a function, got ${describe(callback)}`);
  }
  let id;
  const run = repeat ? callback : (...a) => {
    activeTimers.delete(id);
    callback(...a);
  };
  const timer = core.createTimer(run, delay, args, repeat, true);
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
    op_wasmcap_exit(code === undefined ? op_wasmcap_get_exit_code() : exitCodeFrom(code));
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

function exitCodeFrom(code) {
  const n = Number(code);
  if (!Number.isInteger(n)) {
    throw new TypeError(`process exit code must be an integer, got ${inspect(code)}`);
  }
  return n | 0;
}

// --- install ---------------------------------------------------------------------------

const performance = { now: () => op_wasmcap_now(), timeOrigin: 0 }; // timeOrigin: set by start()

function defineGlobals(values) {
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
}

defineGlobals({
  console,
  crypto: { getRandomValues, randomUUID },
  DOMException,
  TextEncoder,
  TextDecoder,
  setTimeout: (callback, delay = 0, ...args) => startTimer(callback, delay, args, false),
  setInterval: (callback, delay = 0, ...args) => startTimer(callback, delay, args, true),
  clearTimeout: clearTimer,
  clearInterval: clearTimer,
  performance,
  structuredClone: (value) => core.structuredClone(value),
  process,
});

// CSPRNG bytes for the wasmcap: modules, pooled: one op call serves many nonces. Consumed
// bytes are zeroed so the pool never keeps a copy of a key.
const randomPool = new Uint8Array(4096);
let randomPoolUsed = randomPool.length;

function fillRandom(bytes) {
  const n = bytes.length;
  if (n > 256) {
    op_wasmcap_random_fill(bytes);
    return bytes;
  }
  if (randomPoolUsed + n > randomPool.length) {
    op_wasmcap_random_fill(randomPool);
    randomPoolUsed = 0;
  }
  const end = randomPoolUsed + n;
  bytes.set(randomPool.subarray(randomPoolUsed, end));
  randomPool.fill(0, randomPoolUsed, end);
  randomPoolUsed = end;
  return bytes;
}

const compiledGuests = new Map();

// Compile each embedded guest once per runtime; instances are cheap after that.
function guestModule(name) {
  let module = compiledGuests.get(name);
  if (module === undefined) {
    module = new WebAssembly.Module(op_wasmcap_guest_bytes(name));
    compiledGuests.set(name, module);
  }
  return module;
}

// The one bridge from user-visible modules to the runtime (see js/internal.js). Frozen and
// non-configurable: scripts can call it but not replace it.
Object.defineProperty(globalThis, Symbol.for("wasmcap.internal"), {
  value: Object.freeze({
    fillRandom,
    guestModule,
    PermissionDenied,
    NotFound,
    readFile: (path) => op_wasmcap_read_file(path),
    writeFile: (path, bytes) => op_wasmcap_write_file(path, bytes),
    readFileChunk: (path, offset, length) => op_wasmcap_read_file_chunk(path, offset, length),
    appendFile: (path, bytes) => op_wasmcap_append_file(path, bytes),
    mkdir: (path, recursive) => op_wasmcap_mkdir(path, recursive),
    readDir: (path) => op_wasmcap_read_dir(path),
    stat: (path) => op_wasmcap_stat(path),
    remove: (path, recursive) => op_wasmcap_remove(path, recursive),
    rename: (from, to) => op_wasmcap_rename(from, to),
    inspect,
    inspectForPrint: (value) => (typeof value === "string" ? value : inspect(value)),
  }),
  enumerable: false,
  writable: false,
  configurable: false,
});

// --- start -----------------------------------------------------------------------------

// Called by the host (src/runtime.rs) once per runtime, right after it is created from the
// snapshot; it removes itself.
Object.defineProperty(globalThis, "__wasmcapStart", {
  value: function start() {
    delete globalThis.__wasmcapStart;
    [process.argv, process.platform] = op_wasmcap_process_info();
    performance.timeOrigin = Date.now() - op_wasmcap_now();
    // Kept by deno_core in Rust, not in the JS heap: not in the snapshot.
    op_set_format_exception_callback(formatUncaught);
    // Scripts get no back door to deno_core's ops. (deno_core reads Deno.core while it
    // creates a runtime from the snapshot, so this cannot happen before.)
    delete globalThis.Deno;
    delete globalThis.__bootstrap;
  },
  enumerable: false,
  writable: false,
  configurable: true,
});
delete globalThis.__infra;
