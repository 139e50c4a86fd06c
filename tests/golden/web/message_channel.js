// MessageChannel (deno_web): structured messages between two ports, in order.
const { port1, port2 } = new MessageChannel();
const received = [];
await new Promise((resolve) => {
  port2.onmessage = (e) => {
    received.push(e.data);
    if (received.length === 2) resolve();
  };
  port1.postMessage({ n: 1, when: new Date(0) });
  port1.postMessage(new Map([["k", "v"]]));
});
console.log(received);
try {
  port1.postMessage(() => {});
} catch (e) {
  console.log(e.name);
}
// Open ports keep the event loop waiting for messages: close them to finish.
port1.close();
port2.close();
