import { InvalidUsername, PasswordPolicyViolation } from '@auth-service/shared'
import t from 'tap'
import { fixedRefusal } from '../../src/errors/fixed-refusal.js'

t.test('a fixed refusal is the named error with its reason in the message', async (t) => {
  const refusal = fixedRefusal(InvalidUsername, 'must start with a letter or a digit')()
  const formatted = new InvalidUsername('must start with a letter or a digit')
  t.ok(refusal instanceof InvalidUsername)
  t.equal(refusal.message, 'Invalid username: must start with a letter or a digit')
  t.same(
    Object.getOwnPropertyDescriptors(refusal),
    Object.getOwnPropertyDescriptors(formatted),
    'the same properties, in the same order, as the error made the usual way',
  )
  t.same(Object.keys(refusal), Object.keys(formatted))
  t.equal(refusal.stack, undefined, 'no stack trace, as for every named error')
})

t.test('every refusal is a new error: one answer cannot change the next', async (t) => {
  const tooShort = fixedRefusal(PasswordPolicyViolation, 'must be at least 12 characters long')
  const first = tooShort()
  Object.assign(first, { headers: { 'retry-after': '1' } })
  const second = tooShort()
  t.not(first, second)
  t.equal((second as typeof second & { headers?: unknown }).headers, undefined)
  t.equal(second.message, 'Password rejected: must be at least 12 characters long')
})
