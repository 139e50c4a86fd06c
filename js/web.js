// The web platform for scripts: Deno's own implementation (the deno_web and deno_webidl
// crates), not a hand-written one. Their scripts are deno_core "lazy" ext scripts; the ones
// every runtime needs are evaluated here, at build time, into the startup snapshot. Streams
// (the biggest by far), compression and URLPattern load on first use of their globals, as in
// Deno, so a script that never touches them does not pay for them at start-up.
//
// Left out on purpose (no meaning in the sandbox, or a capability wasmcap does not grant):
// fetch and its classes, WebSocket, WebTransport, BroadcastChannel, location, caches,
// FileReader, Web Locks, the DOM geometry/CSS/ImageData classes, crypto.subtle, and
// URL.createObjectURL/revokeObjectURL (nothing here can dereference a blob: URL, and each
// one would pin the blob's bytes outside the memory budget until revoked).

import { core, primordials } from "ext:core/mod.js";

import { viewBytes } from "ext:wasmcap_runtime/util.js";

const {
  MathMin,
  ObjectFreeze,
  TypeError,
  TypedArrayPrototypeGetBuffer,
  TypedArrayPrototypeGetByteOffset,
  TypedArrayPrototypeGetLength,
  Uint8Array,
} = primordials;

const load = (name) => core.loadExtScript(`ext:deno_web/${name}.js`);

const event = load("02_event");
const abortSignal = load("03_abort_signal");
const { DOMException } = load("01_dom_exception");
const url = load("00_url");
const base64 = load("05_base64");
const encoding = load("08_text_encoding");
const file = load("09_file");
const messagePort = load("13_message_port");
const performanceModule = load("15_performance");

let streams;
const lazyStreams = () => (streams ??= load("06_streams"));
let compression;
const lazyCompression = () => (compression ??= load("14_compression"));
let boundedDecompression;
const lazyBoundedDecompression = () => (boundedDecompression ??= makeBoundedDecompressionStream());
let urlPattern;
const lazyUrlPattern = () => (urlPattern ??= load("01_urlpattern"));

delete url.URL.createObjectURL;
delete url.URL.revokeObjectURL;

// Errors that deno_web's ops throw by class name become DOMExceptions, as in Deno.
for (const name of ["InvalidCharacterError", "InvalidStateError", "IndexSizeError", "SyntaxError", "OperationError", "DataError"]) {
  core.registerErrorBuilder(`DOMException${name}`, (message) => new DOMException(message, name));
}

const value = core.propNonEnumerable;
const lazy = core.propNonEnumerableLazyLoaded;

core.defineGlobalProperties(globalThis, {
  AbortController: value(abortSignal.AbortController),
  AbortSignal: value(abortSignal.AbortSignal),
  Blob: value(file.Blob),
  ByteLengthQueuingStrategy: lazy((s) => s.ByteLengthQueuingStrategy, lazyStreams),
  CompressionStream: lazy((c) => c.CompressionStream, lazyCompression),
  CountQueuingStrategy: lazy((s) => s.CountQueuingStrategy, lazyStreams),
  CustomEvent: value(event.CustomEvent),
  DecompressionStream: lazy((DecompressionStream) => DecompressionStream, lazyBoundedDecompression),
  DOMException: value(DOMException),
  Event: value(event.Event),
  EventTarget: value(event.EventTarget),
  File: value(file.File),
  MessageChannel: value(messagePort.MessageChannel),
  MessageEvent: value(event.MessageEvent),
  MessagePort: value(messagePort.MessagePort),
  Performance: value(performanceModule.Performance),
  PerformanceEntry: value(performanceModule.PerformanceEntry),
  PerformanceMark: value(performanceModule.PerformanceMark),
  PerformanceMeasure: value(performanceModule.PerformanceMeasure),
  PerformanceObserver: value(performanceModule.PerformanceObserver),
  PerformanceObserverEntryList: value(performanceModule.PerformanceObserverEntryList),
  ReadableByteStreamController: lazy((s) => s.ReadableByteStreamController, lazyStreams),
  ReadableStream: lazy((s) => s.ReadableStream, lazyStreams),
  ReadableStreamBYOBReader: lazy((s) => s.ReadableStreamBYOBReader, lazyStreams),
  ReadableStreamBYOBRequest: lazy((s) => s.ReadableStreamBYOBRequest, lazyStreams),
  ReadableStreamDefaultController: lazy((s) => s.ReadableStreamDefaultController, lazyStreams),
  ReadableStreamDefaultReader: lazy((s) => s.ReadableStreamDefaultReader, lazyStreams),
  TextDecoder: value(encoding.TextDecoder),
  TextDecoderStream: value(encoding.TextDecoderStream),
  TextEncoder: value(encoding.TextEncoder),
  TextEncoderStream: value(encoding.TextEncoderStream),
  TransformStream: lazy((s) => s.TransformStream, lazyStreams),
  TransformStreamDefaultController: lazy((s) => s.TransformStreamDefaultController, lazyStreams),
  URL: value(url.URL),
  URLPattern: lazy((p) => p.URLPattern, lazyUrlPattern),
  URLSearchParams: value(url.URLSearchParams),
  WritableStream: lazy((s) => s.WritableStream, lazyStreams),
  WritableStreamDefaultController: lazy((s) => s.WritableStreamDefaultController, lazyStreams),
  WritableStreamDefaultWriter: lazy((s) => s.WritableStreamDefaultWriter, lazyStreams),
  atob: value(base64.atob),
  btoa: value(base64.btoa),
  performance: value(performanceModule.performance),
  structuredClone: value(messagePort.structuredClone),
});

event.saveGlobalThisReference(globalThis);

// deno_web inflates each written chunk whole, in one op call: a small chunk of a
// decompression bomb would become gigabytes at once, outside the JS heap and beyond what the
// memory limit can stop in time. Fed in slices of at most 1 KiB, each call yields at most
// about 1 MiB (deflate's ratio is at most 1032:1), and the stream's backpressure keeps the
// rest waiting until the script reads it: the limit then stops a script that hoards it.
// Brotli has no such bound on its ratio, so it is not offered for decompression.
const INFLATE_SLICE = 1024;

function makeBoundedDecompressionStream() {
  const { DecompressionStream: Inflater } = lazyCompression();
  const { TransformStream } = lazyStreams();
  return class DecompressionStream {
    #readable;
    #writable;
    constructor(format) {
      if (arguments.length < 1) {
        throw new TypeError("Failed to construct 'DecompressionStream': 1 argument required, but only 0 present.");
      }
      if (`${format}` === "brotli") {
        throw new TypeError("Failed to construct 'DecompressionStream': 'brotli' is not offered for decompression in wasmcap (its output per byte is unbounded); use gzip, deflate or deflate-raw");
      }
      const inflater = new Inflater(format);
      const slicer = new TransformStream({
        transform(chunk, controller) {
          // Anything but bytes goes on whole, for the inflater's own error.
          const view = viewBytes(chunk);
          if (view === undefined || TypedArrayPrototypeGetLength(view) <= INFLATE_SLICE) {
            controller.enqueue(chunk);
            return;
          }
          const buffer = TypedArrayPrototypeGetBuffer(view);
          const offset = TypedArrayPrototypeGetByteOffset(view);
          const length = TypedArrayPrototypeGetLength(view);
          for (let at = 0; at < length; at += INFLATE_SLICE) {
            controller.enqueue(new Uint8Array(buffer, offset + at, MathMin(INFLATE_SLICE, length - at)));
          }
        },
      });
      this.#writable = slicer.writable;
      this.#readable = slicer.readable.pipeThrough(inflater);
    }
    get readable() {
      return this.#readable;
    }
    get writable() {
      return this.#writable;
    }
  };
}

// What the rest of the prelude uses: DOMException for its own errors, and the per-runtime
// start-up below (start() in prelude.js calls it).
export { DOMException };

export const web = ObjectFreeze({
  __proto__: null,
  // The clock of performance.now() starts with each runtime, not when the snapshot was made.
  start: () => performanceModule.setTimeOrigin(),
  lazyStreams,
});
