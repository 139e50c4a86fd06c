// @exit: 3
// process.on("exit"): runs once, after the event loop, with the exit code; may change it.
process.on("exit", (code) => {
  console.log("exit listener 1, code", code);
  process.exitCode = 3;
});
process.once("exit", function (code) {
  console.log("exit listener 2, code", code, this === process);
  setTimeout(() => console.log("never: the loop is over"), 0);
});
const removed = () => console.log("removed listener ran!");
process.on("exit", removed);
process.off("exit", removed);
process.exitCode = 2;
setTimeout(() => console.log("timer before exit"), 10);
