class ValidationError extends Error {
  constructor(message, field) {
    super(message);
    this.name = "ValidationError";
    this.field = field;
  }
}
function check() {
  return new ValidationError("name is required", "name");
}
console.log(check());
console.log({ wrapped: new TypeError("inner") });
console.log(new Error("outer", { cause: new Error("root cause") }));
const bare = new Error("no stack");
bare.stack = undefined;
console.log(bare);
