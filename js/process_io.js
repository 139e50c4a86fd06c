// process I/O and facts, Node-style: stdout/stderr writes (in order with console), stdin
// (always readable: the user's own pipe), env (only what --allow-env grants), cwd (needs a
// read grant, as in Deno), nextTick, versions, hrtime, and the "exit" event.
//
// `addProcessIo` runs while the snapshot is made; `startProcessIo` once per runtime, for what
// depends on the process (env, terminals, pid).

import { core, primordials } from "ext:core/mod.js";
import {
  op_wasmcap_cwd,
  op_wasmcap_env,
  op_wasmcap_get_exit_code,
  op_wasmcap_hrtime,
  op_wasmcap_print,
  op_wasmcap_process_facts,
  op_wasmcap_stdin_read,
  op_wasmcap_stdio_info,
  op_wasmcap_write,
} from "ext:core/ops";
import { inspect } from "ext:wasmcap_runtime/inspect.js";
import { viewBytes } from "ext:wasmcap_runtime/util.js";
import { web } from "ext:wasmcap_runtime/web.js";

const {
  ArrayIsArray,
  ArrayPrototypePush,
  ArrayPrototypeSplice,
  BigInt,
  JSONStringify,
  ObjectIs,
  String,
  StringPrototypeIncludes,
  StringPrototypeSlice,
  MathFloor,
  ObjectFreeze,
  ReflectApply,
  SafeMap,
  StringPrototypeToLowerCase,
  SymbolAsyncIterator,
  TypeError,
  TypedArrayPrototypeGetLength,
} = primordials;

// Node's wording for an argument of the wrong type ("Received type number (42)").
function received(value) {
  if (value === null || value === undefined) return `${value}`;
  switch (typeof value) {
    case "bigint":
      return `type bigint (${value}n)`;
    case "number":
      return `type number (${ObjectIs(value, -0) ? "-0" : value})`;
    case "boolean":
    case "symbol":
      return `type ${typeof value} (${String(value)})`;
    case "function":
      return `function ${value.name}`;
    case "string": {
      const shown = value.length > 28 ? `${StringPrototypeSlice(value, 0, 25)}...` : value;
      return `type string (${StringPrototypeIncludes(shown, "'") ? JSONStringify(shown) : `'${shown}'`})`;
    }
    default:
      return value.constructor && "name" in value.constructor
        ? `an instance of ${value.constructor.name}`
        : inspect(value, { depth: -1 });
  }
}

let TextDecoder;

function writer(toStderr, fd) {
  return {
    fd,
    isTTY: undefined,
    columns: undefined,
    // write(chunk[, encoding][, callback]): strings are written as UTF-8.
    write(chunk, encoding = undefined, callback = undefined) {
      if (typeof encoding === "function") {
        callback = encoding;
        encoding = undefined;
      }
      if (typeof chunk === "string") {
        if (encoding !== undefined && encoding !== null) {
          const name = StringPrototypeToLowerCase(`${encoding}`);
          if (name !== "utf8" && name !== "utf-8") {
            throw new TypeError(`process.${fd === 1 ? "stdout" : "stderr"}.write: only the utf8 encoding is supported, got ${inspect(encoding)}`);
          }
        }
        op_wasmcap_print(chunk, toStderr);
      } else {
        const bytes = viewBytes(chunk);
        if (chunk === null) throw new TypeError("May not write null values to stream");
        if (bytes === undefined) {
          throw new TypeError(
            `The "chunk" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${received(chunk)}`,
          );
        }
        op_wasmcap_write(bytes, toStderr);
      }
      if (typeof callback === "function") queueTick(callback, undefined);
      return true;
    },
  };
}

// --- stdin: read on demand, a chunk (at most 64 KiB) per request ------------------------

async function* stdinChunks() {
  for (;;) {
    const chunk = await op_wasmcap_stdin_read();
    if (TypedArrayPrototypeGetLength(chunk) === 0) return;
    yield chunk;
  }
}

let stdinStream;

const stdin = {
  fd: 0,
  isTTY: undefined,
  [SymbolAsyncIterator]: stdinChunks,
  // All of stdin as text (invalid UTF-8 becomes U+FFFD, as Buffer#toString does).
  async text() {
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of stdinChunks()) text += decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  },
  // The same bytes as a web ReadableStream of Uint8Array chunks (one stream per runtime).
  get readable() {
    if (stdinStream === undefined) {
      const iterator = stdinChunks();
      const { ReadableStream } = web.lazyStreams();
      stdinStream = new ReadableStream({
        async pull(controller) {
          const { value, done } = await iterator.next();
          if (done) controller.close();
          else controller.enqueue(value);
        },
      });
    }
    return stdinStream;
  },
};

// --- nextTick, hrtime --------------------------------------------------------------------

function queueTick(callback, args) {
  core.queueNextTick({ callback, args, snapshot: core.getAsyncContext() });
}

function nextTick(callback, ...args) {
  if (typeof callback !== "function") {
    throw new TypeError(`The "callback" argument must be of type function. Received ${received(callback)}`);
  }
  queueTick(callback, args.length === 0 ? undefined : args);
}

function hrtime(previous = undefined) {
  const ns = op_wasmcap_hrtime();
  let seconds = MathFloor(ns / 1e9);
  let nanos = ns - seconds * 1e9;
  if (previous !== undefined) {
    if (!ArrayIsArray(previous) || previous.length !== 2) {
      throw new TypeError(`The "time" argument must be an array of two numbers ([seconds, nanoseconds]). Received ${inspect(previous)}`);
    }
    seconds -= previous[0];
    nanos -= previous[1];
    if (nanos < 0) {
      seconds--;
      nanos += 1e9;
    }
  }
  return [seconds, nanos];
}
hrtime.bigint = () => BigInt(op_wasmcap_hrtime());

// --- events: any listener may be added; only "exit" is ever emitted ----------------------

const listeners = new SafeMap();
let exiting = false;

function addListener(name, listener, once) {
  if (typeof listener !== "function") {
    throw new TypeError(`The "listener" argument must be of type function. Received ${received(listener)}`);
  }
  let list = listeners.get(name);
  if (list === undefined) listeners.set(name, (list = []));
  ArrayPrototypePush(list, { listener, once });
}

function removeListener(name, listener) {
  const list = listeners.get(name);
  if (list === undefined) return;
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].listener === listener) {
      ArrayPrototypeSplice(list, i, 1);
      return;
    }
  }
}

// Runs the "exit" listeners once, with the exit code: before process.exit() stops the script,
// or when the event loop has nothing left (the host calls this). As in Node, a listener can
// only do synchronous work, and may change process.exitCode.
export function emitExit() {
  if (exiting) return;
  exiting = true;
  const list = listeners.get("exit");
  if (list === undefined) return;
  const code = op_wasmcap_get_exit_code();
  for (let i = 0; i < list.length; i++) ReflectApply(list[i].listener, process, [code]);
}

let process;

export function addProcessIo(target) {
  process = target;
  TextDecoder = globalThis.TextDecoder;
  const stdout = writer(false, 1);
  const stderr = writer(true, 2);
  const methods = {
    stdout,
    stderr,
    stdin,
    env: {},
    nextTick,
    hrtime,
    cwd: () => op_wasmcap_cwd(),
    on(name, listener) {
      addListener(name, listener, false);
      return this;
    },
    once(name, listener) {
      addListener(name, listener, true);
      return this;
    },
    off(name, listener) {
      removeListener(name, listener);
      return this;
    },
  };
  methods.addListener = methods.on;
  methods.removeListener = methods.off;
  for (const name in methods) target[name] = methods[name];
}

export function startProcessIo() {
  const env = {};
  const granted = op_wasmcap_env();
  for (let i = 0; i < granted.length; i++) env[granted[i][0]] = granted[i][1];
  process.env = env;
  const [stdinTTY, stdoutTTY, stderrTTY, stdoutColumns, stderrColumns] = op_wasmcap_stdio_info();
  // As in Node: true on a terminal, else not set.
  stdin.isTTY = stdinTTY || undefined;
  process.stdout.isTTY = stdoutTTY || undefined;
  process.stderr.isTTY = stderrTTY || undefined;
  process.stdout.columns = stdoutTTY ? stdoutColumns : undefined;
  process.stderr.columns = stderrTTY ? stderrColumns : undefined;
  const [version, v8, arch, pid] = op_wasmcap_process_facts();
  process.version = `v${version}`;
  process.versions = ObjectFreeze({ wasmcap: version, v8 });
  process.arch = arch;
  process.pid = pid;
}
