// @exit: 1
import "wasmcap:sodium";
