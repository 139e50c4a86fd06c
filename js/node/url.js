// node:url -- file URL conversion and the WHATWG URL classes where the runtime has them
// (globalThis.URL). `parse`/`format` (the legacy API) are not provided.
const HEX = "0123456789ABCDEF";

function percentEncodePath(path) {
  const bytes = new TextEncoder().encode(path);
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const c = String.fromCharCode(b);
    if (b < 0x80 && /[A-Za-z0-9\-._~!$&'()*+,;=:@\/]/.test(c)) out += c;
    else out += "%" + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

function hrefOf(value) {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object" && typeof value.href === "string") return value.href;
  throw new TypeError(`The "path" argument must be of type string or an instance of URL. Received ${value === null ? "null" : typeof value}`);
}

export function fileURLToPath(value) {
  const href = hrefOf(value);
  const match = /^file:(?:\/\/([^/?#]*))?(\/[^?#]*)?(?:[?#].*)?$/i.exec(href);
  if (match === null) {
    const error = new TypeError("The URL must be of scheme file");
    error.code = "ERR_INVALID_URL_SCHEME";
    throw error;
  }
  if (match[1] !== undefined && match[1] !== "" && match[1].toLowerCase() !== "localhost") {
    const error = new TypeError(`File URL host must be "localhost" or empty on ${globalThis.process?.platform ?? "linux"}`);
    error.code = "ERR_INVALID_FILE_URL_HOST";
    throw error;
  }
  const pathname = match[2] ?? "/";
  if (/%2f/i.test(pathname)) {
    const error = new TypeError("File URL path must not include encoded / characters");
    error.code = "ERR_INVALID_FILE_URL_PATH";
    throw error;
  }
  const bytes = [];
  for (let i = 0; i < pathname.length; i++) {
    const c = pathname.charCodeAt(i);
    if (c === 37 && /^[0-9a-fA-F]{2}$/.test(pathname.slice(i + 1, i + 3))) {
      bytes.push(parseInt(pathname.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const encoded = new TextEncoder().encode(pathname[i]);
      for (let j = 0; j < encoded.length; j++) bytes.push(encoded[j]);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

// The href of the file URL for an absolute path (resolved against process.cwd() if relative).
export function pathToFileHref(path) {
  if (typeof path !== "string") {
    throw new TypeError(`The "path" argument must be of type string. Received ${typeof path}`);
  }
  let absolute = path;
  if (!absolute.startsWith("/")) {
    const cwd = typeof globalThis.process?.cwd === "function" ? globalThis.process.cwd() : "/";
    absolute = `${cwd.replace(/\/$/, "")}/${absolute}`;
  }
  return "file://" + percentEncodePath(absolute);
}

export function pathToFileURL(path) {
  const href = pathToFileHref(path);
  if (typeof globalThis.URL === "function") return new globalThis.URL(href);
  // Without WHATWG URL in this runtime: an object with the parts scripts use.
  return Object.freeze({ href, protocol: "file:", host: "", hostname: "", pathname: href.slice(7), search: "", hash: "", toString: () => href, toJSON: () => href });
}

export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;

export default { fileURLToPath, pathToFileURL, URL, URLSearchParams };
