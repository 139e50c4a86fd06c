// @exit: 1
async function load() {
  throw new Error("network is not available");
}
load();
console.log("sync code still ran");
