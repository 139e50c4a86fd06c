// node:assert -- Node's assertions and AssertionError (code ERR_ASSERTION, actual, expected,
// operator), with Node's messages: "Expected values to be strictly equal:" and a
// "+ actual - expected" line diff of the inspected values. One difference: Node quotes the
// source of a failing `assert(expr)`; wasmcap does not read source files, so it says
// "false == true" (as Node does when it cannot).
import { inspect } from "ext:wasmcap_runtime/inspect.js";
import { isDeepEqual } from "ext:wasmcap_runtime/node/deep_equal.js";

const HEADERS = {
  deepStrictEqual: "Expected values to be strictly deep-equal:",
  strictEqual: "Expected values to be strictly equal:",
  deepEqual: "Expected values to be loosely deep-equal:",
  equal: "Expected values to be loosely equal:",
  notDeepStrictEqual: "Expected \"actual\" not to be strictly deep-equal to:",
  notStrictEqual: "Expected \"actual\" to be strictly unequal to:",
  notDeepEqual: "Expected \"actual\" not to be loosely deep-equal to:",
};

const OPERATOR_SIGN = { strictEqual: "!==", deepStrictEqual: "!==", equal: "==", deepEqual: "==" };

export class AssertionError extends Error {
  constructor(options) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`The "options" argument must be of type object. Received ${inspect(options)}`);
    }
    const { message, actual, expected, operator } = options;
    super(message !== undefined ? String(message) : describeFailure(actual, expected, operator));
    this.generatedMessage = message === undefined;
    this.code = "ERR_ASSERTION";
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    nameStack(this);
  }

  toString() {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

// As Node: the stack's first line says "AssertionError [ERR_ASSERTION]", the name stays
// "AssertionError". (V8 formats the stack when it is first read, with the name of the time.)
function nameStack(error) {
  Object.defineProperty(error, "name", { value: "AssertionError [ERR_ASSERTION]", enumerable: false, writable: true, configurable: true });
  void error.stack;
  Object.defineProperty(error, "name", { value: "AssertionError", enumerable: false, writable: true, configurable: true });
}

function show(value) {
  return inspect(value, { compact: false, sorted: true, depth: 1000, customInspect: false, maxArrayLength: Infinity, getters: true });
}

function describeFailure(actual, expected, operator) {
  const header = HEADERS[operator];
  if (header === undefined) return `${inspect(actual)} ${operator} ${inspect(expected)}`;
  const a = show(actual);
  const e = show(expected);
  if (operator.startsWith("not")) {
    return a.includes("\n") || a.length > 60 ? `${header}\n\n${a}\n` : `${header} ${a}`;
  }
  const single = !a.includes("\n") && !e.includes("\n");
  if (single && (typeof actual !== "object" || actual === null) && (typeof expected !== "object" || expected === null)) {
    return `${header}\n\n${a} ${OPERATOR_SIGN[operator]} ${e}\n`;
  }
  if (a === e) {
    const what = operator === "strictEqual" ? "reference-equal" : "strictly deep-equal";
    return `Values have same structure but are not ${what}:\n\n${a}\n`;
  }
  return `${header}\n+ actual - expected\n\n${diffLines(a.split("\n"), e.split("\n")).join("\n")}`;
}

// A line diff (longest common subsequence): "  " both, "+ " actual only, "- " expected only.
function diffLines(a, b) {
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) {
    return [...a.map((line) => `+ ${line}`), ...b.map((line) => `- ${line}`)];
  }
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      if (i < n && lcs[i][j + 1] === lcs[i + 1][j]) out.push(`+ ${a[i++]}`);
      else out.push(`- ${b[j++]}`);
    } else {
      out.push(`+ ${a[i++]}`);
    }
  }
  return out;
}

function fail_(actual, expected, message, operator, stackStartFn) {
  if (message instanceof Error) throw message;
  const error = new AssertionError({ actual, expected, message, operator });
  Error.captureStackTrace?.(error, stackStartFn);
  nameStack(error);
  throw error;
}

export function ok(...args) {
  if (args.length === 0) {
    fail_(undefined, true, "No value argument passed to `assert.ok()`", "==", ok);
  }
  const [value, message] = args;
  if (!value) fail_(value, true, message ?? `${inspect(value)} == true`, "==", ok);
}

export function fail(message = "Failed") {
  if (message instanceof Error) throw message;
  const error = new AssertionError({ message, operator: "fail" });
  error.generatedMessage = arguments.length === 0;
  throw error;
}

export function equal(actual, expected, message) {
  if (!(actual == expected || (Number.isNaN(actual) && Number.isNaN(expected)))) fail_(actual, expected, message, "equal", equal);
}

export function notEqual(actual, expected, message) {
  if (actual == expected || (Number.isNaN(actual) && Number.isNaN(expected))) {
    fail_(actual, expected, message ?? `${inspect(actual)} != ${inspect(expected)}`, "!=", notEqual);
  }
}

export function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) fail_(actual, expected, message, "strictEqual", strictEqual);
}

export function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) fail_(actual, expected, message, "notStrictEqual", notStrictEqual);
}

export function deepEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected, false)) fail_(actual, expected, message, "deepEqual", deepEqual);
}

export function notDeepEqual(actual, expected, message) {
  if (isDeepEqual(actual, expected, false)) fail_(actual, expected, message, "notDeepEqual", notDeepEqual);
}

export function deepStrictEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected, true)) fail_(actual, expected, message, "deepStrictEqual", deepStrictEqual);
}

export function notDeepStrictEqual(actual, expected, message) {
  if (isDeepEqual(actual, expected, true)) fail_(actual, expected, message, "notDeepStrictEqual", notDeepStrictEqual);
}

// Whether `error` matches `expected`: a class, a RegExp (of its string), a validation
// function, or an object whose keys must deep-equal the error's.
function matches(error, expected, fnName) {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String(error));
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && error instanceof expected) return true;
    if (Error.isPrototypeOf(expected) || expected === Error) return false;
    return expected.call({}, error) === true;
  }
  if (typeof expected === "object" && expected !== null) {
    for (const key of Object.keys(expected)) {
      const want = expected[key];
      const have = error?.[key];
      const same = want instanceof RegExp && typeof have === "string" ? want.test(have) : isDeepEqual(have, want, true);
      if (!same) {
        fail_(error, expected, `Expected values to be strictly deep-equal:\n+ actual - expected\n\n+ ${key}: ${inspect(have)}\n- ${key}: ${inspect(want)}`, fnName, matches);
      }
    }
    return true;
  }
  throw new TypeError(`The "expected" argument must be a function, RegExp or object. Received ${inspect(expected)}`);
}

const NO_EXCEPTION = Symbol("no exception");

function caught(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return NO_EXCEPTION;
}

export function throws(fn, expected, message) {
  if (typeof fn !== "function") throw new TypeError(`The "fn" argument must be of type function. Received ${inspect(fn)}`);
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  const error = caught(fn);
  if (error === NO_EXCEPTION) {
    const name = expected?.name ? ` (${expected.name})` : "";
    fail_(undefined, expected, `Missing expected exception${name}${message ? `: ${message}` : "."}`, "throws", throws);
  }
  if (!matches(error, expected, "throws")) throw error;
}

export function doesNotThrow(fn, expected, message) {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  const error = caught(fn);
  if (error !== NO_EXCEPTION && matches(error, expected, "doesNotThrow")) {
    fail_(error, expected, `Got unwanted exception${message ? `: ${message}` : "."}\nActual message: "${error?.message}"`, "doesNotThrow", doesNotThrow);
  }
}

export async function rejects(promiseOrFn, expected, message) {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  let error = NO_EXCEPTION;
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    error = e;
  }
  if (error === NO_EXCEPTION) {
    const name = expected?.name ? ` (${expected.name})` : "";
    fail_(undefined, expected, `Missing expected rejection${name}${message ? `: ${message}` : "."}`, "rejects", rejects);
  }
  if (!matches(error, expected, "rejects")) throw error;
}

export async function doesNotReject(promiseOrFn, expected, message) {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    if (matches(error, expected, "doesNotReject")) {
      fail_(error, expected, `Got unwanted rejection${message ? `: ${message}` : "."}\nActual message: "${error?.message}"`, "doesNotReject", doesNotReject);
    }
    throw error;
  }
}

export function match(string, regexp, message) {
  if (typeof string !== "string" || !regexp.test(string)) {
    fail_(string, regexp, message ?? `The input did not match the regular expression ${inspect(regexp)}. Input:\n\n${inspect(string)}\n`, "match", match);
  }
}

export function doesNotMatch(string, regexp, message) {
  if (typeof string !== "string" || regexp.test(string)) {
    fail_(string, regexp, message ?? `The input was expected to not match the regular expression ${inspect(regexp)}. Input:\n\n${inspect(string)}\n`, "doesNotMatch", doesNotMatch);
  }
}

export function ifError(value) {
  if (value !== null && value !== undefined) {
    if (value instanceof Error) throw value;
    fail_(value, null, `ifError got unwanted exception: ${inspect(value)}`, "ifError", ifError);
  }
}

function makeAssert(strictMode) {
  const assert = (...args) => ok(...args);
  Object.assign(assert, {
    ok, fail, AssertionError, throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, ifError,
    strictEqual, notStrictEqual, deepStrictEqual, notDeepStrictEqual,
    equal: strictMode ? strictEqual : equal,
    notEqual: strictMode ? notStrictEqual : notEqual,
    deepEqual: strictMode ? deepStrictEqual : deepEqual,
    notDeepEqual: strictMode ? notDeepStrictEqual : notDeepEqual,
  });
  return assert;
}

export const strict = makeAssert(true);
strict.strict = strict;
const assert = makeAssert(false);
assert.strict = strict;
export default assert;
