// node:module -- CommonJS for npm packages: `require`, `module.exports`, `createRequire`.
// Each file is wrapped in Node's function (exports, require, module, __filename, __dirname)
// and compiled under its own file URL (so stack traces name it). The ops find and read files
// only beneath the script's tree or --allow-read (src/npm); this file holds no privilege.
// The node: modules are written in plain JS: unlike the wasmcap: modules they hold nothing a
// script could take by replacing a built-in.
import { core } from "ext:core/mod.js";
import { op_wasmcap_require_read, op_wasmcap_require_resolve } from "ext:core/ops";
import * as assert from "ext:wasmcap_runtime/node/assert.js";
import * as buffer from "ext:wasmcap_runtime/node/buffer.js";
import * as crypto from "ext:wasmcap_runtime/node/crypto.js";
import * as events from "ext:wasmcap_runtime/node/events.js";
import * as path from "ext:wasmcap_runtime/node/path.js";
import * as querystring from "ext:wasmcap_runtime/node/querystring.js";
import * as string_decoder from "ext:wasmcap_runtime/node/string_decoder.js";
import * as timers from "ext:wasmcap_runtime/node/timers.js";
import * as url from "ext:wasmcap_runtime/node/url.js";
import * as util from "ext:wasmcap_runtime/node/util.js";

// The value `require(name)` gives for each builtin (Node's module.exports of it).
function builtinValue(name) {
  switch (name) {
    case "assert": return assert.default;
    case "assert/strict": return assert.strict;
    case "buffer": return buffer.default;
    case "crypto": return crypto.default;
    case "events": return events.default;
    case "module": return Module;
    case "path": case "path/posix": return path.default;
    case "process": return globalThis.process;
    case "querystring": return querystring.default;
    case "string_decoder": return string_decoder.default;
    case "timers": return timers.default;
    case "url": return url.default;
    case "util": return util.default;
    case "util/types": return util.types;
  }
  throw new Error(`no builtin module 'node:${name}'`);
}

// What `import "node:NAME"` gives: the exports object of a synthetic module (src/extension).
export function esmExports(name) {
  if (name === "process") {
    return { ...globalThis.process, default: globalThis.process };
  }
  const value = builtinValue(name);
  if (name === "assert/strict") return { ...value, default: value };
  if (name === "util/types") return { ...value, default: value };
  const namespaces = { assert, buffer, crypto, events, path, querystring, string_decoder, timers, url, util };
  return namespaces[name === "path/posix" ? "path" : name] ?? { ...value, default: value };
}

export const builtinModules = [
  "assert", "assert/strict", "buffer", "crypto", "events", "module", "path", "path/posix", "process",
  "querystring", "string_decoder", "timers", "url", "util", "util/types",
];

const cache = Object.create(null);

class Module {
  constructor(id, parent) {
    this.id = id;
    this.path = path.dirname(id);
    this.exports = {};
    this.filename = id;
    this.loaded = false;
    this.children = [];
    this.parent = parent;
    this.paths = [];
  }
}

function load(specifier, parent) {
  if (typeof specifier !== "string") {
    throw new TypeError(`The "id" argument must be of type string. Received ${util.inspect(specifier)}`);
  }
  if (specifier === "") {
    throw new TypeError("The argument 'id' must be a non-empty string. Received ''");
  }
  const parentFile = parent?.filename ?? "";
  const [format, resolved, shown] = op_wasmcap_require_resolve(specifier, parentFile);
  if (format === "builtin") return builtinValue(resolved);
  const cached = cache[resolved];
  if (cached !== undefined) {
    // A cycle: the partly filled exports, as in Node.
    parent?.children.push(cached);
    return cached.exports;
  }
  if (format === "module") {
    const error = new Error(
      `require() of ES module '${shown}' is not supported: use import instead`,
    );
    error.code = "ERR_REQUIRE_ESM";
    throw error;
  }
  const module = new Module(resolved, parent);
  module.shown = shown;
  parent?.children.push(module);
  cache[resolved] = module;
  let done = false;
  try {
    const source = op_wasmcap_require_read(resolved);
    if (format === "json") {
      try {
        module.exports = JSON.parse(source);
      } catch {
        // Reported by where, not by what: the file's text is not the script's to read.
        throw new SyntaxError(`'${shown}' is not valid JSON`);
      }
    } else {
      run(module, source);
    }
    done = true;
  } finally {
    if (!done) delete cache[resolved];
  }
  module.loaded = true;
  return module.exports;
}

function run(module, source) {
  const wrapped = "(function (exports, require, module, __filename, __dirname) { " +
    source.replace(/^#!.*/, "") + "\n})";
  const [fn, error] = core.evalContext(wrapped, url.pathToFileHref(module.filename));
  if (error !== null) {
    if (error.isCompileError) {
      // By position only: V8's message would quote the file's text.
      throw new SyntaxError(`'${module.shown}' is not valid JavaScript`);
    }
    throw error.thrown;
  }
  const require = makeRequire(module);
  Reflect.apply(fn, module.exports, [module.exports, require, module, module.filename, module.path]);
}

function makeRequire(module) {
  const require = (specifier) => load(specifier, module);
  require.resolve = (specifier) => {
    const [format, resolved] = op_wasmcap_require_resolve(String(specifier), module.filename ?? "");
    return format === "builtin" ? `node:${resolved}` : resolved;
  };
  require.cache = cache;
  require.main = undefined;
  return require;
}

// A require function resolving from `filename` (a path or a file: URL), as Node's.
export function createRequire(filename) {
  let file = filename;
  const isUrl = typeof filename === "object" && filename !== null && typeof filename.href === "string";
  if (isUrl || (typeof filename === "string" && filename.startsWith("file:"))) {
    file = url.fileURLToPath(filename);
  } else if (typeof filename !== "string" || !path.isAbsolute(filename)) {
    throw new TypeError(
      `The argument 'filename' must be a file URL object, file URL string, or absolute path string. Received ${util.inspect(filename)}`,
    );
  }
  const module = new Module(file, undefined);
  return makeRequire(module);
}

export function isBuiltin(name) {
  const bare = String(name).startsWith("node:") ? String(name).slice(5) : String(name);
  return builtinModules.includes(bare);
}

Module.createRequire = createRequire;
Module.builtinModules = builtinModules;
Module.isBuiltin = isBuiltin;
export { Module };
export default Module;
