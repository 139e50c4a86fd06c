// The extension's entry point, evaluated into the startup snapshot: first the prelude (the
// globals), then the public wasmcap: modules, whose namespaces it hands to deno_core's
// `internals` object. Only the host reaches that object after start-up (as the `__bootstrap`
// argument of the backing scripts in src/extension/extension.rs), so a script gets a
// module's exports by importing `wasmcap:NAME` and nothing else: there is no global bridge
// to the runtime.
import { internals } from "ext:core/mod.js";
import "ext:wasmcap_runtime/prelude.js";
import * as fs from "ext:wasmcap_runtime/fs.js";
import * as guest from "ext:wasmcap_runtime/guest.js";
import * as monocypher from "ext:wasmcap_runtime/monocypher.js";
import * as twosum from "ext:wasmcap_runtime/twosum.js";
import { esmExports as nodeModule } from "ext:wasmcap_runtime/node/module.js";

internals.wasmcapModules = Object.freeze({ __proto__: null, fs, guest, monocypher, twosum });
// The node: builtins' exports, by name (src/extension/node.rs).
internals.wasmcapNodeModule = nodeModule;
