// process.nextTick: before promise jobs queued after it, after the current job; arguments.
const order = [];
setTimeout(() => {
  order.push("timeout");
  process.nextTick(() => order.push("tick in timeout"));
  Promise.resolve().then(() => order.push("promise in timeout"));
  setImmediate(() => {
    order.push("immediate");
    console.log(order);
  });
}, 0);
process.nextTick((a, b) => order.push(`tick ${a}${b}`), 1, 2);
Promise.resolve().then(() => order.push("promise"));
order.push("sync");
try {
  process.nextTick("nope");
} catch (e) {
  console.log(e.name, e.message);
}
