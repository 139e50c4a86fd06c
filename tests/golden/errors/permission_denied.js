// @exit: 1
import { readFile } from "wasmcap:fs";
readFile("../../../Cargo.toml");
