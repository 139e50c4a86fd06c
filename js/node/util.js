// node:util -- inspect and format are wasmcap's own (js/inspect.js, Node's output byte for
// byte); promisify, callbackify, inherits, deprecate, types, isDeepStrictEqual, and the
// encoding classes.
import { format, formatWithOptions, inspect } from "ext:wasmcap_runtime/inspect.js";
import { isDeepEqual } from "ext:wasmcap_runtime/node/deep_equal.js";
import { types } from "ext:wasmcap_runtime/node/util_types.js";

export { format, formatWithOptions, inspect, types };

const kCustomPromisify = Symbol.for("nodejs.util.promisify.custom");

export function promisify(original) {
  if (typeof original !== "function") {
    throw new TypeError(`The "original" argument must be of type function. Received ${inspect(original)}`);
  }
  if (original[kCustomPromisify]) {
    const fn = original[kCustomPromisify];
    return Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  }
  function fn(...args) {
    return new Promise((resolve, reject) => {
      Reflect.apply(original, this, [...args, (error, ...values) => {
        if (error) reject(error);
        else resolve(values.length > 1 ? values : values[0]);
      }]);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = kCustomPromisify;

export function callbackify(original) {
  if (typeof original !== "function") {
    throw new TypeError(`The "original" argument must be of type function. Received ${inspect(original)}`);
  }
  return function (...args) {
    const callback = args.pop();
    if (typeof callback !== "function") {
      throw new TypeError(`The last argument must be of type function. Received ${inspect(callback)}`);
    }
    Reflect.apply(original, this, args).then(
      (value) => queueMicrotask(() => callback(null, value)),
      (reason) => {
        let error = reason;
        if (!reason) {
          error = new Error("Promise was rejected with a falsy value");
          error.code = "ERR_FALSY_VALUE_REJECTION";
          error.reason = reason;
        }
        queueMicrotask(() => callback(error));
      },
    );
  };
}

export function inherits(ctor, superCtor) {
  if (typeof ctor !== "function" || typeof superCtor !== "function" || superCtor.prototype === undefined) {
    throw new TypeError("util.inherits needs two constructor functions, the second with a prototype");
  }
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const warned = new Set();

export function deprecate(fn, message, code) {
  return function (...args) {
    const key = code ?? message;
    if (!warned.has(key)) {
      warned.add(key);
      console.error(`(node) ${code ? `[${code}] ` : ""}DeprecationWarning: ${message}`);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
  };
}

// Debug logging is never on: wasmcap gives scripts no environment (NODE_DEBUG).
export function debuglog() {
  const log = () => {};
  log.enabled = false;
  return log;
}
export const debug = debuglog;

export function isDeepStrictEqual(a, b) {
  return isDeepEqual(a, b, true);
}

export function stripVTControlCharacters(text) {
  return String(text).replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:;[-a-zA-Z\d\/#&.:=?%@~_]*)*)?\u0007|(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~])/g, "");
}

export function toUSVString(text) {
  return String(text).toWellFormed();
}

export function isArray(value) {
  return Array.isArray(value);
}

export const TextEncoder = globalThis.TextEncoder;
export const TextDecoder = globalThis.TextDecoder;

const util = {
  format, formatWithOptions, inspect, types, promisify, callbackify, inherits, deprecate, debuglog, debug,
  isDeepStrictEqual, stripVTControlCharacters, toUSVString, isArray, TextEncoder, TextDecoder,
};
export default util;
