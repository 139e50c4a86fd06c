// @exit: 1
// A static import of a file that does not parse: the import is shown, never a line of that file.
import { total } from "./helpers/broken_module.js";
console.log(total([]));
