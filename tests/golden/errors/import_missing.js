// @exit: 1
import "./does-not-exist.js";
