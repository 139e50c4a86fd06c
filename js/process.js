// The `process` global: argv, platform, the exit code and exit, memory use; its I/O, env,
// clocks and events come from process_io.js.
import { core, primordials } from "ext:core/mod.js";
import {
  op_wasmcap_exit,
  op_wasmcap_get_exit_code,
  op_wasmcap_process_info,
  op_wasmcap_rss,
  op_wasmcap_set_exit_code,
} from "ext:core/ops";
import { inspect } from "ext:wasmcap_runtime/inspect.js";
import { addProcessIo, emitExit } from "ext:wasmcap_runtime/process_io.js";

const { Number, NumberIsInteger, TypeError } = primordials;

export const process = {
  argv: [], // set by startProcess()
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

addProcessIo(process);

function exitCodeFrom(code) {
  const n = Number(code);
  if (!NumberIsInteger(n)) {
    throw new TypeError(`process exit code must be an integer, got ${inspect(code)}`);
  }
  return n | 0;
}

// What depends on the running process, not the snapshot: called by the prelude's start().
export function startProcess() {
  [process.argv, process.platform] = op_wasmcap_process_info();
}
