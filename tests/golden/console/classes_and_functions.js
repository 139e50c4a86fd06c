class Point {
  constructor(x, y) { this.x = x; this.y = y; }
}
class Point3 extends Point {}
function named() {}
const arrow = () => {};
async function waits() {}
function* counts() {}
console.log(new Point(1, 2), new Point3(0, 0));
console.log(Point, Point3, named, arrow, waits, counts, Math.max);
console.log(Object.create(null), Object.assign(Object.create(null), { k: 1 }));
console.log({ get value() { return 1; }, set value(v) {}, get only() { return 2; } });
console.log(new Date(0), /ab+c/gi, new Number(3), new String("boxed"));
console.log(Promise.resolve(1), Promise.reject(new Error("x")).catch(() => {}) && new Promise(() => {}));
