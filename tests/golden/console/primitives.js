// Top-level strings print bare; nested ones are quoted, as in Node.
console.log("plain string", 42, -0, 1.5e300, 10n, true, null, undefined, Symbol("tag"));
console.log(["nested", "it's", 'say "hi"', `both ' and "`, "line\nbreak"]);
console.log({ int: 1, neg: -0, nan: NaN, inf: -Infinity, big: 123n });
console.log([undefined, null, , 3]);
