// Imported by import_missing_nested.js.
export const before = 1;
import { helper } from "./not-here.js";
