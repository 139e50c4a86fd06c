// stdout and stderr appear in the order written.
console.log("one (out)");
console.error("two (err)");
console.log("three (out)");
console.warn("four (err)");
console.info("five (out)");
