// @exit: 1
// The failed import is in an imported module: the line shown is that module's.
import "./helpers/imports_missing.js";
