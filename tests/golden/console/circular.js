const parent = { name: "parent", children: [] };
const child = { name: "child", parent };
parent.children.push(child);
console.log(parent);
const selfish = new Map();
selfish.set("me", selfish);
console.log(selfish);
