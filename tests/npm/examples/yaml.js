// yaml's README, the YAML.parse lines (not its fs.readFileSync: wasmcap has no node:fs) and
// the YAML.stringify section, unmodified; then what they returned. yaml's default (browser)
// build is ESM.
import YAML from 'yaml'

YAML.parse('3.14159')
// 3.14159

YAML.parse('[ true, false, maybe, null ]\n')
// [ true, false, 'maybe', null ]

YAML.stringify(3.14159)
// '3.14159\n'

YAML.stringify([true, false, 'maybe', null])
// `- true
// - false
// - maybe
// - null
// `

YAML.stringify({ number: 3, plain: 'string', block: 'two\nlines\n' })
// `number: 3
// plain: string
// block: |
//   two
//   lines
// `

console.log(YAML.parse('3.14159'));
console.log(YAML.parse('[ true, false, maybe, null ]\n'));
console.log(YAML.stringify([true, false, 'maybe', null]).trimEnd());
console.log(YAML.stringify({ number: 3, plain: 'string', block: 'two\nlines\n' }).trimEnd());
