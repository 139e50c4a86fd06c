// console.table: Node 20's format, byte for byte (this output was made by `node`).
console.table([{ a: 1, b: "xy" }, { a: 22, c: [1, 2, 3, 4] }]);
console.table(new Map([["k", { x: 1 }], [2, "two"]]));
console.table(new Set(["s", 1]));
console.table([1, "s", { a: 1 }]);
console.table({ row1: { col: "\u00e9\u00e9" }, row2: { col: "\u4e2d\u6587", other: null } });
console.table([{ a: 1, b: 2 }], ["a", "z"]);
console.table([{ big: { x: 1, y: 2, z: 3 }, small: { x: 1 } }]);
console.table([]);
console.table(5);
console.table("text");
try {
  console.table([], "a");
} catch (e) {
  console.log(e.name, e.code);
}
