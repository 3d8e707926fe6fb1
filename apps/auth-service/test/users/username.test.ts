import t from 'tap'
import {
  canonicalUsername,
  checkUnicodeUsername,
  checkUsername,
  parseUsername,
} from '../../src/users/username.js'

t.test('case and width fold into one canonical name', async (t) => {
  for (const name of ['Lorenzo', 'lorenzo', 'LORENZO', 'Ｌｏｒｅｎｚｏ']) {
    t.equal(canonicalUsername(name), 'lorenzo', name)
  }
})

t.test('letters of any script, digits, dot, underscore and hyphen are allowed', async (t) => {
  for (const name of ['jörg', 'Юлия', '李小龙', 'अनुराग', 'a.b_c-d', '007bond', 'x'.repeat(32)]) {
    t.equal(parseUsername(name).display, name.normalize('NFC'), name)
  }
  t.same(parseUsername('ＡＢＣ'), { display: 'ＡＢＣ', canonical: 'abc' })
})

t.test('the length is counted after NFC, in characters', async (t) => {
  const decomposed = 'e\u0301'.repeat(32) // 64 code points, 32 characters after NFC
  t.equal([...parseUsername(decomposed).display].length, 32)
  t.throws(() => parseUsername('e\u0301'.repeat(33)), { code: 'INVALID_USERNAME' })
  t.throws(() => parseUsername('ab'), { code: 'INVALID_USERNAME', message: /3 to 32/ })
})

t.test('final and medial sigma fold together', async (t) => {
  t.equal(canonicalUsername('ΟΔΥΣΣΕΥΣ'), canonicalUsername('οδυσσευσ'))
  t.equal(canonicalUsername('Οδυσσευς'), 'οδυσσευσ')
})

t.test('invisible characters and piles of marks are refused', async (t) => {
  for (const name of [
    'lorenzo\ufe0f',
    'lorenzo\u034f',
    'lo\u200drenzo',
    'lorenzo\u3164',
    'ab\u00ad',
  ]) {
    t.throws(() => parseUsername(name), { code: 'INVALID_USERNAME' }, JSON.stringify(name))
  }
  // q has no precomposed accented forms, so NFC leaves every mark in place.
  t.ok(parseUsername('q\u0301\u0302\u0303\u0304bc'), 'four marks on a letter')
  t.throws(() => parseUsername('q\u0301\u0302\u0303\u0304\u0308bc'), { code: 'INVALID_USERNAME' })
  t.throws(() => parseUsername('12\u0301abc'), { code: 'INVALID_USERNAME' }, 'a mark on a digit')
})

t.test('checkUsername returns the refusal that parseUsername throws', async (t) => {
  const refusal = checkUsername('ab')
  t.type(refusal, Error)
  t.match(refusal, { code: 'INVALID_USERNAME', statusCode: 400, message: /3 to 32/ })
  t.same(checkUsername('Lorenzo'), parseUsername('Lorenzo'))
})

const everyAsciiCharacter = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code))

/** ASCII strings of 0 to 40 characters, mostly of the characters names allow; the same ones every run. */
function asciiSamples(count: number): string[] {
  const allowed = 'ABCXYZabcxyz0189._-'
  // mulberry32: a seeded generator, so that a failure repeats.
  let seed = 42
  const next = (below: number) => {
    seed = (seed + 0x6d2b79f5) | 0
    let z = Math.imul(seed ^ (seed >>> 15), seed | 1)
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61)
    return (((z ^ (z >>> 14)) >>> 0) / 2 ** 32) * below
  }
  return Array.from({ length: count }, () => {
    const length = Math.floor(next(41))
    return Array.from({ length }, () =>
      next(4) < 1
        ? String.fromCharCode(Math.floor(next(128)))
        : (allowed[Math.floor(next(allowed.length))] as string),
    ).join('')
  })
}

t.test('plain ASCII names get the answer the rules for any text give', async (t) => {
  const names = [
    ...everyAsciiCharacter.map((c) => `${c}bc`),
    ...everyAsciiCharacter.map((c) => `ab${c}`),
    'ab',
    'abc',
    'x'.repeat(32),
    'x'.repeat(33),
    ...asciiSamples(20_000),
  ]
  let accepted = 0
  const differing = names.filter((name) => {
    const shortcut = checkUsername(name)
    const rules = checkUnicodeUsername(name)
    if (!(shortcut instanceof Error)) accepted++
    return shortcut instanceof Error || rules instanceof Error
      ? !(shortcut instanceof Error && rules instanceof Error && shortcut.message === rules.message)
      : shortcut.display !== rules.display || shortcut.canonical !== rules.canonical
  })
  t.same(differing, [])
  t.ok(accepted > 1000, `${accepted} of ${names.length} accepted`)
})

t.test('an ASCII name folds as NFKC and lower case would fold it', async (t) => {
  const names = [everyAsciiCharacter.join(''), ...asciiSamples(2000)]
  t.same(
    names.filter((name) => canonicalUsername(name) !== name.normalize('NFKC').toLowerCase()),
    [],
  )
})
