// Objects nest to depth 2, then collapse to [Object] / [Array].
console.log({ a: { b: { c: { d: { e: 1 } } } } });
console.log([1, [2, [3, [4, [5]]]]]);
console.log({ list: [{ deep: { deeper: { deepest: true } } }] });
console.log({ "needs-quotes": 1, valid_id: 2, 3: "numeric key", [Symbol("s")]: 4 });
