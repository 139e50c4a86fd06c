// Imported by import_syntax_error.js: a module that does not parse.
export function total(items) {
  return items.reduce((sum, item) => sum + item.price, 0;
}
