// @exit: 1
// A static import of a file that does not parse: its line, with the caret at the bad token.
import { total } from "./helpers/broken_module.js";
console.log(total([]));
