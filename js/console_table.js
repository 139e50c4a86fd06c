// console.table, in Node 20's format (lib/internal/console/constructor.js and
// lib/internal/cli_table.js): the same columns, cell formatting and box drawing, byte for byte.

import { primordials } from "ext:core/mod.js";
import { getStringWidth, inspect, isMap, isSet } from "ext:wasmcap_runtime/inspect.js";

const {
  ArrayIsArray,
  ArrayPrototypeJoin,
  ArrayPrototypePush,
  ArrayPrototypeUnshift,
  MathMax,
  ObjectKeys,
  ObjectPrototypeHasOwnProperty,
  ObjectValues,
  SafeArrayIterator,
  StringPrototypeRepeat,
  TypeError,
} = primordials;

// Box-drawing characters (this file must stay 7-bit ASCII).
const H = "\u2500";
const chars = {
  topLeft: "\u250c", topMiddle: "\u252c", topRight: "\u2510",
  leftMiddle: "\u251c", rowMiddle: "\u253c", rightMiddle: "\u2524",
  bottomLeft: "\u2514", bottomMiddle: "\u2534", bottomRight: "\u2518",
  left: "\u2502 ", middle: " \u2502 ", right: " \u2502",
};

function renderRow(row, widths) {
  let out = chars.left;
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    out += cell + StringPrototypeRepeat(" ", widths[i] - getStringWidth(cell));
    if (i !== row.length - 1) out += chars.middle;
  }
  return out + chars.right;
}

function renderTable(head, columns) {
  const rows = [];
  const widths = [];
  let longest = 0;
  for (let i = 0; i < columns.length; i++) longest = MathMax(longest, columns[i].length);
  for (let i = 0; i < head.length; i++) {
    widths[i] = getStringWidth(head[i]);
    const column = columns[i];
    for (let j = 0; j < longest; j++) {
      rows[j] ??= [];
      const value = (rows[j][i] = ObjectPrototypeHasOwnProperty(column, j) ? column[j] : "");
      widths[i] = MathMax(widths[i], getStringWidth(value));
    }
  }
  const divider = [];
  for (let i = 0; i < widths.length; i++) ArrayPrototypePush(divider, StringPrototypeRepeat(H, widths[i] + 2));
  let result = chars.topLeft + ArrayPrototypeJoin(divider, chars.topMiddle) + chars.topRight + "\n" +
    renderRow(head, widths) + "\n" +
    chars.leftMiddle + ArrayPrototypeJoin(divider, chars.rowMiddle) + chars.rightMiddle + "\n";
  for (let i = 0; i < rows.length; i++) result += renderRow(rows[i], widths) + "\n";
  return result + chars.bottomLeft + ArrayPrototypeJoin(divider, chars.bottomMiddle) + chars.bottomRight;
}

// A cell: objects with more than two keys collapse to [Object], arrays show three items.
function cell(v) {
  const depth = v !== null && typeof v === "object" && !ArrayIsArray(v) && ObjectKeys(v).length > 2 ? -1 : 0;
  return inspect(v, { depth, maxArrayLength: 3, breakLength: Infinity });
}

const indexColumn = (length) => {
  const column = [];
  for (let i = 0; i < length; i++) ArrayPrototypePush(column, cell(i));
  return column;
};

// What console.table prints for `data`: a table for an object, else `data` itself (as
// console.log would show it).
export function formatTable(data, properties) {
  if (properties !== undefined && !ArrayIsArray(properties)) {
    const error = new TypeError(
      `The "properties" argument must be an instance of Array. Received ${inspect(properties)}`,
    );
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
  if (data === null || typeof data !== "object") return data;

  if (isMap(data)) {
    const keys = [];
    const values = [];
    for (const { 0: k, 1: v } of data) {
      ArrayPrototypePush(keys, cell(k));
      ArrayPrototypePush(values, cell(v));
    }
    return renderTable(["(iteration index)", "Key", "Values"], [indexColumn(keys.length), keys, values]);
  }
  if (isSet(data)) {
    const values = [];
    for (const v of data) ArrayPrototypePush(values, cell(v));
    return renderTable(["(iteration index)", "Values"], [indexColumn(values.length), values]);
  }

  const map = { __proto__: null };
  let hasPrimitives = false;
  const primitiveValues = [];
  const indexKeys = ObjectKeys(data);
  for (let i = 0; i < indexKeys.length; i++) {
    const item = data[indexKeys[i]];
    const primitive = item === null || (typeof item !== "function" && typeof item !== "object");
    if (properties === undefined && primitive) {
      hasPrimitives = true;
      primitiveValues[i] = cell(item);
    } else {
      const keys = properties ?? ObjectKeys(item);
      for (const key of new SafeArrayIterator(keys)) {
        map[key] ??= [];
        map[key][i] = (primitive && properties) || !ObjectPrototypeHasOwnProperty(item, key) ? "" : cell(item[key]);
      }
    }
  }
  const keys = ObjectKeys(map);
  const values = ObjectValues(map);
  if (hasPrimitives) {
    ArrayPrototypePush(keys, "Values");
    ArrayPrototypePush(values, primitiveValues);
  }
  ArrayPrototypeUnshift(keys, "(index)");
  ArrayPrototypeUnshift(values, indexKeys);
  return renderTable(keys, values);
}
