// Event, EventTarget, CustomEvent, DOMException, atob/btoa (deno_web).
const target = new EventTarget();
target.addEventListener("ping", (e) => console.log("first", e.type, e.detail, e.target === target));
target.addEventListener("ping", () => console.log("once"), { once: true });
const handler = { handleEvent: (e) => console.log("object listener", e.eventPhase) };
target.addEventListener("ping", handler);
console.log(target.dispatchEvent(new CustomEvent("ping", { detail: { n: 1 } })));
target.removeEventListener("ping", handler);
target.dispatchEvent(new CustomEvent("ping", { detail: 2 }));
const cancelable = new Event("go", { cancelable: true });
target.addEventListener("go", (e) => e.preventDefault());
console.log(target.dispatchEvent(cancelable), cancelable.defaultPrevented);
const dom = new DOMException("nope", "NotFoundError");
console.log(dom instanceof Error, dom.name, dom.code, dom.message, String(dom));
console.log(btoa("hello \u00ff"), atob("aGVsbG8gw78="), atob(" aGk= "));
for (const bad of [() => btoa("\u20ac"), () => atob("a")]) {
  try {
    bad();
  } catch (e) {
    console.log(e instanceof DOMException, e.name, e.message);
  }
}
