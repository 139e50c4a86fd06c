// The `console` global: Node's methods and formatting (js/inspect.js), written to the
// runtime's output (stdout, stderr, or the golden runner's capture) through one op.
import { primordials } from "ext:core/mod.js";
import { op_wasmcap_now, op_wasmcap_print } from "ext:core/ops";
import { formatTable } from "ext:wasmcap_runtime/console_table.js";
import { format, inspect } from "ext:wasmcap_runtime/inspect.js";

const {
  ArrayPrototypeJoin,
  ErrorCaptureStackTrace,
  NumberPrototypeToFixed,
  ReflectApply,
  SafeArrayIterator,
  SafeMap,
  StringPrototypeSlice,
  StringPrototypeSplit,
} = primordials;

let groupIndent = "";
const counts = new SafeMap();
const timers = new SafeMap();

function print(toStderr, args) {
  let text = ReflectApply(format, undefined, args);
  if (groupIndent) text = groupIndent + ArrayPrototypeJoin(StringPrototypeSplit(text, "\n"), "\n" + groupIndent);
  op_wasmcap_print(text + "\n", toStderr);
}

export const console = {
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
