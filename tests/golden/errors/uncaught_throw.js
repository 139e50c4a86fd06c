// @exit: 1
function parse(input) {
  if (typeof input !== "string") throw new TypeError(`expected a string, got ${typeof input}`);
}
console.log("before");
parse(42);
console.log("never");
