// @exit: 3
console.log("before exit");
setTimeout(() => console.log("timers do not run"), 0);
process.exit(3);
console.log("never");
