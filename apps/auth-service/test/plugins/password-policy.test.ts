import commonPasswords from '@zxcvbn-ts/language-common/dist/passwords.json.mjs'
import t from 'tap'

// The plugin puts the list in a set as it comes; the policy looks passwords up in lower case.
t.test('the common-password list is in lower case', async (t) => {
  t.ok(commonPasswords.length > 40_000, `${commonPasswords.length} passwords`)
  const notLower = commonPasswords.filter((word) => word !== word.toLowerCase())
  t.same(notLower, [])
})
