const order = [];
setTimeout(() => order.push("timeout 10"), 10);
setTimeout(() => order.push("timeout 0"), 0);
queueMicrotask(() => order.push("microtask"));
Promise.resolve().then(() => order.push("promise"));
let n = 0;
const id = setInterval(() => {
  order.push(`interval ${++n}`);
  if (n === 2) clearInterval(id);
}, 1);
order.push("sync");
await new Promise((resolve) => setTimeout(resolve, 30));
console.log(order);
console.log(structuredClone({ when: new Date(0), set: new Set([1]) }));
