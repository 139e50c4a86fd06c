// @timeout: 10
// AbortSignal.timeout fires under --timeout (its timer keeps the loop alive while listened to).
const controller = new AbortController();
controller.signal.addEventListener("abort", (e) => console.log("abort event", e.type, controller.signal.reason));
controller.abort("why");
console.log(controller.signal.aborted, controller.signal.reason);
try {
  controller.signal.throwIfAborted();
} catch (e) {
  console.log("thrown:", e);
}
const timed = AbortSignal.timeout(30);
const reason = await new Promise((resolve) => timed.addEventListener("abort", () => resolve(timed.reason)));
console.log(reason instanceof DOMException, reason.name, reason.message);
const any = AbortSignal.any([new AbortController().signal, AbortSignal.abort(new Error("first"))]);
console.log(any.aborted, any.reason.message);
