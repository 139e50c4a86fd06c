// @exit: 1
import "https://example.com/module.js";
