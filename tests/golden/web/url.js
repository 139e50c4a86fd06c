// WHATWG URL parsing (deno_web, over the `url` crate): resolution, normalisation, errors.
const u = new URL("../b/./c?x=1&y=%20two#frag", "https://user:pw@EXAMPLE.com:443/a/d/e");
console.log(u.href);
console.log(u.origin, u.protocol, u.username, u.host, u.port === "", u.pathname, u.search, u.hash);
console.log([...u.searchParams], u.searchParams.get("y"));
u.searchParams.append("z", "a&b=c");
u.hash = "";
console.log(u.toString(), JSON.stringify({ u }));
console.log(new URL("HTTP://xn--nxasmq6b.example/%7e?\u00e9").href);
console.log(new URL("file:///tmp/a b/../c").pathname);
try {
  new URL("not a url");
} catch (e) {
  console.log(e.name, e.constructor === TypeError, e.message);
}
console.log(URL.canParse("https://x"), URL.canParse("/relative"), URL.parse("nope"));
const params = new URLSearchParams({ b: "2", a: "1 +", c: "\u00e9" });
params.sort();
console.log(params.toString(), params.size, params.has("a"));
console.log(new URLSearchParams("?q=a+b&q=c%26d").getAll("q"));
const pattern = new URLPattern({ pathname: "/books/:id(\\d+)" });
console.log(pattern.test("https://example.com/books/42"), pattern.test("https://example.com/books/x"));
console.log(pattern.exec("https://example.com/books/42").pathname.groups);
// Blob URLs are left out: nothing in the sandbox can fetch one.
console.log(typeof URL.createObjectURL, typeof URL.revokeObjectURL);
