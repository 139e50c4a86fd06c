// Blob and File (deno_web).
const blob = new Blob(["h\u00e9llo ", new Uint8Array([119, 111, 114, 108, 100])], { type: "Text/Plain" });
console.log(blob.size, blob.type, await blob.text());
console.log(await blob.slice(1, 3).arrayBuffer(), new Uint8Array(await blob.slice(-5).arrayBuffer()));
console.log(await Response_(blob.stream()));
async function Response_(stream) {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
const file = new File(["x"], "name.txt", { lastModified: 42 });
console.log(file instanceof Blob, file.name, file.lastModified, file.size, await file.bytes());
