console.log("%s is %d years old", "Ada", 36);
console.log("%i and %f", 42.99, "3.25");
console.log("%j", { json: [1, "two"] });
console.log("%o", { a: 1 });
console.log("%O", { nested: { deeper: { deepest: { gone: 1 } } } });
console.log("%s", { shown: "inspected" }, "extra", 7);
console.log("100%% done", "and more");
console.log("%c styled", "color: red");
console.log("%d", "not a number", "%s");
