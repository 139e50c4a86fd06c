// semver (CommonJS) imported from an ES module: default is module.exports, and the names
// its `module.exports = { ... }` lists are named exports.
import semver, { satisfies, SemVer } from "semver";
console.log(satisfies("1.2.3", "^1.0.0"), semver.satisfies === satisfies, new SemVer("2.0.0").major);
