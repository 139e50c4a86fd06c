// @args: first --second third
const [execPath, script, ...args] = process.argv;
console.log(typeof execPath, script.endsWith("/exit/argv.js"), args);
