console.log(new Uint8Array([1, 2, 3]));
console.log(new Int32Array([-1, 2147483647]));
console.log(new Float64Array([0.5, -2]));
console.log(new Uint8Array(0), new BigUint64Array([1n]));
console.log(new Uint8Array([1, 2]).buffer);
console.log(new Uint8Array(120));
console.log(new DataView(new ArrayBuffer(2)));
