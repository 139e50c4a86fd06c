const order = [];
let finish;
const done = new Promise((resolve) => (finish = resolve));
setTimeout(() => order.push("timeout 0"), 0);
queueMicrotask(() => order.push("microtask"));
Promise.resolve().then(() => order.push("promise"));
let n = 0;
const id = setInterval(() => {
  order.push(`interval ${++n}`);
  if (n < 2) return;
  clearInterval(id);
  setTimeout(() => finish(order.push("timeout 10 after the interval")), 10);
}, 1);
order.push("sync");
await done;
console.log(order);
console.log(structuredClone({ when: new Date(0), set: new Set([1]) }));
