import t from 'tap'
import { canonicalUsername, parseUsername } from '../../src/users/username.js'

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
