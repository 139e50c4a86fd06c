// semver's README, "Usage" (CommonJS, a plain `require`), unmodified; then what it returned.
const semver = require('semver')

semver.valid('1.2.3') // '1.2.3'
semver.valid('a.b.c') // null
semver.clean('  =v1.2.3   ') // '1.2.3'
semver.satisfies('1.2.3', '1.x || >=2.5.0 || 5.0.0 - 7.2.3') // true
semver.gt('1.2.3', '9.8.7') // false
semver.lt('1.2.3', '9.8.7') // true
semver.minVersion('>=1.0.0') // '1.0.0'
semver.valid(semver.coerce('v2')) // '2.0.0'
semver.valid(semver.coerce('42.6.7.9.3-alpha')) // '42.6.7'

console.log(
  semver.valid('1.2.3'),
  semver.valid('a.b.c'),
  semver.clean('  =v1.2.3   '),
  semver.satisfies('1.2.3', '1.x || >=2.5.0 || 5.0.0 - 7.2.3'),
  semver.gt('1.2.3', '9.8.7'),
  semver.lt('1.2.3', '9.8.7'),
  semver.minVersion('>=1.0.0').version,
  semver.valid(semver.coerce('v2')),
  semver.valid(semver.coerce('42.6.7.9.3-alpha')),
)
const SemVer = require('semver/classes/semver')
console.log(new SemVer('1.2.3-beta.1').prerelease)
