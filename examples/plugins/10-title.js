// A plugin for examples/plugin_host.rs: capitalises each word.
export function transform(line) {
  return line.replace(/\b\w/g, (c) => c.toUpperCase());
}
