// @exit: 1
// A thrown string prints bare, as Node and Deno print it.
throw "the disk is full";
