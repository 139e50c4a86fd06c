// A plugin for examples/plugin_host.rs: appends a BLAKE2b-based tag of the line, computed in
// the Monocypher guest. Async, to show that the host awaits promises.
import { Monocypher } from "wasmcap:monocypher";

const mc = new Monocypher();

export async function transform(line) {
  const tag = mc.blake2b(line, { size: 4 });
  return `${line} [${Array.from(tag, (b) => b.toString(16).padStart(2, "0")).join("")}]`;
}
