// setTimeout, setInterval and their clear functions, on deno_core's timers (which the
// runtime's event loop drives).
import { core, primordials } from "ext:core/mod.js";
import { describe } from "ext:wasmcap_runtime/util.js";

const { ReflectApply, SafeMap, TypeError } = primordials;

const activeTimers = new SafeMap();

function startTimer(callback, delay, args, repeat) {
  if (typeof callback !== "function") {
    throw new TypeError(`The "callback" argument must be a function, got ${describe(callback)}`);
  }
  let id;
  // The arguments are applied here: deno_core would spread them (a replaceable iterator).
  const run = repeat ? () => ReflectApply(callback, undefined, args) : () => {
    activeTimers.delete(id);
    ReflectApply(callback, undefined, args);
  };
  const timer = core.createTimer(run, delay, undefined, repeat, true);
  id = timer._timerId;
  activeTimers.set(id, timer);
  return id;
}

function clearTimer(id) {
  const timer = activeTimers.get(id);
  if (timer === undefined) return;
  activeTimers.delete(id);
  core.cancelTimer(timer);
}

export const setTimeout = (callback, delay = 0, ...args) => startTimer(callback, delay, args, false);
export const setInterval = (callback, delay = 0, ...args) => startTimer(callback, delay, args, true);
export const clearTimeout = clearTimer;
export const clearInterval = clearTimer;
