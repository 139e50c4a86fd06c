// node:events -- EventEmitter with Node's behaviour: listeners in order, `once`, the
// "error" event thrown when nobody listens, "newListener"/"removeListener", max-listener
// warnings, and the static `once(emitter, name)` promise.
import { inspect } from "ext:wasmcap_runtime/inspect.js";

const kEvents = Symbol("events");
export const errorMonitor = Symbol("events.errorMonitor");
let defaultMaxListeners = 10;

function checkListener(listener) {
  if (typeof listener !== "function") {
    const error = new TypeError(`The "listener" argument must be of type function. Received ${inspect(listener)}`);
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
}

function events(emitter) {
  if (!Object.prototype.hasOwnProperty.call(emitter, kEvents) || emitter[kEvents] === undefined) {
    Object.defineProperty(emitter, kEvents, { value: new Map(), writable: true, configurable: true });
  }
  return emitter[kEvents];
}

function addListener(emitter, name, listener, prepend, once) {
  checkListener(listener);
  const map = events(emitter);
  if (map.has("newListener")) emitter.emit("newListener", name, once ? once.listener : listener);
  const list = map.get(name) ?? [];
  const entry = once ?? listener;
  if (prepend) list.unshift(entry);
  else list.push(entry);
  map.set(name, list);
  const max = emitter.getMaxListeners();
  if (max > 0 && list.length > max && !list.warned) {
    list.warned = true;
    console.error(
      `(node) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. ${list.length} ${String(name)} listeners added to ${emitter.constructor?.name ?? "EventEmitter"}. MaxListeners is ${max}. Use emitter.setMaxListeners() to increase limit`,
    );
  }
  return emitter;
}

function onceWrapper(emitter, name, listener) {
  const wrapped = function (...args) {
    emitter.removeListener(name, wrapped);
    return Reflect.apply(listener, this, args);
  };
  wrapped.listener = listener;
  return wrapped;
}

// A function, not a class: old-style subclasses call `EventEmitter.call(this)`.
export function EventEmitter(options) {
  EventEmitter.init.call(this, options);
}

EventEmitter.init = function (options) {
  events(this);
  if (this._maxListeners === undefined) this._maxListeners = undefined;
  if (options?.captureRejections) this.captureRejections = true;
};

Object.defineProperty(EventEmitter, "defaultMaxListeners", {
  get: () => defaultMaxListeners,
  set: (n) => {
    defaultMaxListeners = n;
  },
  enumerable: true,
});

class Methods {
  setMaxListeners(n) {
    if (typeof n !== "number" || n < 0 || Number.isNaN(n)) {
      throw new RangeError(`The value of "n" is out of range. It must be a non-negative number. Received ${inspect(n)}`);
    }
    this._maxListeners = n;
    return this;
  }

  getMaxListeners() {
    return this._maxListeners ?? defaultMaxListeners;
  }

  emit(name, ...args) {
    const map = events(this);
    if (name === "error") {
      if (map.has(errorMonitor)) this.emit(errorMonitor, ...args);
      if (!map.has("error")) {
        const error = args[0];
        if (error instanceof Error) throw error;
        const wrapped = new Error(`Unhandled error. (${inspect(error)})`);
        wrapped.code = "ERR_UNHANDLED_ERROR";
        wrapped.context = error;
        throw wrapped;
      }
    }
    const list = map.get(name);
    if (list === undefined) return false;
    for (const listener of [...list]) Reflect.apply(listener, this, args);
    return true;
  }

  on(name, listener) {
    return addListener(this, name, listener, false);
  }

  addListener(name, listener) {
    return addListener(this, name, listener, false);
  }

  prependListener(name, listener) {
    return addListener(this, name, listener, true);
  }

  once(name, listener) {
    checkListener(listener);
    return addListener(this, name, listener, false, onceWrapper(this, name, listener));
  }

  prependOnceListener(name, listener) {
    checkListener(listener);
    return addListener(this, name, listener, true, onceWrapper(this, name, listener));
  }

  removeListener(name, listener) {
    checkListener(listener);
    const map = events(this);
    const list = map.get(name);
    if (list === undefined) return this;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) {
        list.splice(i, 1);
        if (list.length === 0) map.delete(name);
        if (map.has("removeListener")) this.emit("removeListener", name, listener);
        break;
      }
    }
    return this;
  }

  off(name, listener) {
    return this.removeListener(name, listener);
  }

  removeAllListeners(name) {
    const map = events(this);
    if (name === undefined) map.clear();
    else map.delete(name);
    return this;
  }

  listeners(name) {
    return (events(this).get(name) ?? []).map((l) => l.listener ?? l);
  }

  rawListeners(name) {
    return [...(events(this).get(name) ?? [])];
  }

  listenerCount(name) {
    return events(this).get(name)?.length ?? 0;
  }

  eventNames() {
    return [...events(this).keys()];
  }
}

EventEmitter.prototype = Methods.prototype;
Object.defineProperty(EventEmitter.prototype, "constructor", { value: EventEmitter, writable: true, configurable: true });

export function once(emitter, name) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      emitter.removeListener(name, onEvent);
      reject(error);
    };
    const onEvent = (...args) => {
      if (name !== "error") emitter.removeListener("error", onError);
      resolve(args);
    };
    emitter.once(name, onEvent);
    if (name !== "error") emitter.once("error", onError);
  });
}

export function listenerCount(emitter, name) {
  return emitter.listenerCount(name);
}

export function getEventListeners(emitter, name) {
  return emitter.listeners(name);
}

EventEmitter.EventEmitter = EventEmitter;
EventEmitter.once = once;
EventEmitter.errorMonitor = errorMonitor;
EventEmitter.listenerCount = listenerCount;
EventEmitter.getEventListeners = getEventListeners;
export default EventEmitter;
