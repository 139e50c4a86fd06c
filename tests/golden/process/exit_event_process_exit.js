// @exit: 4
// process.exit() runs the "exit" listeners first; process.exit() inside one ends at once.
process.on("exit", (code) => {
  console.log("listener sees", code);
  process.exit(4);
});
process.on("exit", () => console.log("second listener: not reached"));
console.log("before");
process.exit(7);
console.log("after: not reached");
