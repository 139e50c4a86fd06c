// @exit: 1
// A rejection with a value that is not an Error prints that value as console.log would.
Promise.reject({ code: 7, detail: ["a", "b"] });
