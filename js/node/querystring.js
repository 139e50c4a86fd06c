// node:querystring -- parse and stringify of `a=1&b=2&b=3`, as Node's (percent-encoding
// per encodeURIComponent, `+` read as a space, repeated keys as arrays).
export function escape(text) {
  return encodeURIComponent(text);
}

export function unescape(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  }
}

function stringifyPrimitive(value) {
  if (typeof value === "string") return value;
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return "";
}

export function stringify(object, sep = "&", eq = "=", options) {
  const encode = options?.encodeURIComponent ?? escape;
  if (object === null || typeof object !== "object") return "";
  const parts = [];
  for (const key of Object.keys(object)) {
    const value = object[key];
    const name = encode(stringifyPrimitive(key)) + eq;
    if (Array.isArray(value)) {
      for (const item of value) parts.push(name + encode(stringifyPrimitive(item)));
    } else {
      parts.push(name + encode(stringifyPrimitive(value)));
    }
  }
  return parts.join(sep);
}

export function parse(text, sep = "&", eq = "=", options) {
  const result = Object.create(null);
  if (typeof text !== "string" || text.length === 0) return result;
  const decode = options?.decodeURIComponent ?? unescape;
  const maxKeys = options?.maxKeys ?? 1000;
  let pairs = text.split(sep);
  if (maxKeys > 0) pairs = pairs.slice(0, maxKeys);
  for (const pair of pairs) {
    if (pair.length === 0) continue;
    const at = pair.indexOf(eq);
    const rawKey = at >= 0 ? pair.slice(0, at) : pair;
    const rawValue = at >= 0 ? pair.slice(at + eq.length) : "";
    const key = decode(rawKey.replace(/\+/g, " "));
    const value = decode(rawValue.replace(/\+/g, " "));
    if (!(key in result)) result[key] = value;
    else if (Array.isArray(result[key])) result[key].push(value);
    else result[key] = [result[key], value];
  }
  return result;
}

export const decode = parse;
export const encode = stringify;
export default { parse, stringify, escape, unescape, decode, encode };
