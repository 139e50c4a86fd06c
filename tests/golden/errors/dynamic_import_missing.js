// @exit: 1
// A dynamic import that fails and is not caught: the caret is at the specifier.
const name = "missing";
const { run } = await import(`./${name}.js`);
