// @exit: 7
process.exitCode = 7;
await null;
console.log("ran to the end, exit code", process.exitCode);
