import t from 'tap'
import { createPasswordPolicy, hashableRefusal } from '../../src/users/password-policy.js'

const policy = createPasswordPolicy(8, new Set(['password1']))
const refusal = (password: string) => policy.refusal(password, 'lorenzo')?.message

// Printable ASCII takes a shorter path than other text: the same rules must hold on both.
t.test('lengths are counted in characters and bytes, in ASCII and beyond', async (t) => {
  t.match(refusal('abcdefg'), /at least 8 characters/)
  t.equal(refusal('abcdefgh'), undefined)
  t.match(refusal('🔑'.repeat(7)), /at least 8 characters/, 'seven characters in fourteen units')
  t.equal(refusal('🔑'.repeat(8)), undefined)
  t.equal(hashableRefusal('x'.repeat(72)), undefined)
  t.match(hashableRefusal('x'.repeat(73)), { message: /at most 72 bytes/ })
  t.match(hashableRefusal(`${'x'.repeat(71)}é`), { message: /at most 72 bytes/ }, '73 bytes')
})

t.test('characters outside printable ASCII are still checked', async (t) => {
  t.match(refusal('abcd\u0000efgh'), /NUL/)
  t.match(refusal('abcdefgh\ud800'), /valid Unicode/)
  t.equal(refusal('abcd\tefgh'), undefined, 'a tab is allowed')
})

t.test('the username and common passwords are refused whatever the case or width', async (t) => {
  t.match(policy.refusal('LORENZO1', 'lorenzo1')?.message, /username/)
  t.match(policy.refusal('ＬＯＲＥＮＺＯ１', 'lorenzo1')?.message, /username/)
  t.match(refusal('PassWord1'), /common/)
})
