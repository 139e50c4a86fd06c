// node:timers -- the global timers (js/prelude.js). setImmediate runs the callback as a
// zero-delay timeout where the runtime has no setImmediate of its own.
export const setTimeout = globalThis.setTimeout;
export const clearTimeout = globalThis.clearTimeout;
export const setInterval = globalThis.setInterval;
export const clearInterval = globalThis.clearInterval;
export const setImmediate = globalThis.setImmediate ?? ((callback, ...args) => setTimeout(callback, 0, ...args));
export const clearImmediate = globalThis.clearImmediate ?? ((timer) => clearTimeout(timer));
export default { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate };
