// @exit: 1
import { Monocypher } from "wasmcap:monocypher";
new Monocypher().lock("message", "not a key");
