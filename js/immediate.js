// setImmediate / clearImmediate, on deno_core's own immediate queue (the one Deno's Node
// compatibility uses): callbacks run in the event loop's check phase, after promise jobs and
// process.nextTick callbacks, each immediate once, in the order queued; an immediate queued
// by another runs on the next turn. An Immediate object is returned, as in Node.

import { core, primordials } from "ext:core/mod.js";

const { ReflectApply, TypeError } = primordials;

class Immediate {
  constructor(callback, args) {
    this._idleNext = null;
    this._idlePrev = null;
    this._onImmediate = args.length === 0 ? callback : () => ReflectApply(callback, undefined, args);
    this._argv = undefined;
    this._destroyed = false;
    this[core.kRefed] = true;
    core.immediateRefCount(true);
    core.queueImmediate(this);
  }
  ref() {
    if (!this._destroyed && !this[core.kRefed]) {
      this[core.kRefed] = true;
      core.immediateRefCount(true);
    }
    return this;
  }
  unref() {
    if (!this._destroyed && this[core.kRefed]) {
      this[core.kRefed] = false;
      core.immediateRefCount(false);
    }
    return this;
  }
  hasRef() {
    return !!this[core.kRefed];
  }
}

export function setImmediate(callback, ...args) {
  if (typeof callback !== "function") {
    throw new TypeError(`The "callback" argument must be a function, got ${callback === null ? "null" : typeof callback}`);
  }
  return new Immediate(callback, args);
}

export function clearImmediate(immediate) {
  if (immediate instanceof Immediate) core.clearImmediate(immediate);
}
