// Node groups long arrays of short items into aligned columns.
console.log(Array.from({ length: 30 }, (_, i) => i * 7));
console.log(Array.from({ length: 8 }, (_, i) => "item-" + i));
console.log(Array.from({ length: 101 }, (_, i) => i % 3));
console.log({ key: "x".repeat(70), other: "y".repeat(20) });
