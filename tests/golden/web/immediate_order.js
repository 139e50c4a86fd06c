// setImmediate: after promise jobs, once per turn, in order; clearImmediate; args.
const order = [];
let finish;
const done = new Promise((resolve) => (finish = resolve));
setImmediate((a, b) => order.push(`immediate 1 ${a}${b}`), "x", "y");
const cleared = setImmediate(() => order.push("cleared!"));
clearImmediate(cleared);
setImmediate(() => {
  order.push("immediate 2");
  setImmediate(() => order.push("immediate queued by immediate"));
  Promise.resolve().then(() => order.push("promise after immediate 2"));
});
setTimeout(() => {
  order.push("timeout 20");
  setImmediate(() => {
    order.push("immediate after timeout");
    finish();
  });
}, 20);
Promise.resolve().then(() => order.push("promise"));
order.push("sync");
await done;
console.log(order);
const im = setImmediate(() => {});
console.log(im.hasRef(), im.unref().hasRef(), im.ref().hasRef(), typeof im);
clearImmediate(im);
