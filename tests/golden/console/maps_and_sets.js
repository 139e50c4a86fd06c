console.log(new Map([["a", 1], ["b", { nested: [1, 2] }]]));
console.log(new Set([1, "two", [3]]));
console.log(new Map(), new Set());
console.log(new WeakMap(), new WeakSet());
console.log({ inside: new Map([[{ key: true }, new Set(["v"])]]) });
