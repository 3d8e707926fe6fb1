import Fastify from 'fastify'
import t from 'tap'
import passwordPolicy, {
  matchableCommonPasswords,
  readCommonPasswords,
} from '../../src/plugins/password-policy.js'

// The policy looks passwords up in lower case; the list is used as it comes.
t.test('the common-password list is in lower case', async (t) => {
  const words = readCommonPasswords()
  t.ok(words.length > 40_000, `${words.length} passwords`)
  t.same(
    words.filter((word) => word !== word.toLowerCase()),
    [],
  )
})

t.test('the set keeps every listed word long enough to be matched, and few others', async (t) => {
  const words = readCommonPasswords()
  for (const minLength of [8, 12]) {
    const kept = matchableCommonPasswords(minLength)
    const matchable = words.filter((word) => [...word].length >= minLength)
    t.same(
      matchable.filter((word) => !kept.has(word)),
      [],
      `minimum ${minLength}: ${kept.size} kept`,
    )
    t.ok(kept.size < matchable.length * 1.01, 'no more than 1 % unmatchable words')
  }
})

t.test('a common password long enough is refused as common, whatever the minimum', async (t) => {
  for (const minLength of [8, 12]) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(passwordPolicy, { minLength })
    await app.ready()
    const refusal = (password: string) => app.passwordPolicy.refusal(password, 'someone')
    t.match(refusal('1QAZ2wsx3EDC'), { message: /common/ }, `minimum ${minLength}`)
    t.match(refusal('password'), { message: minLength > 8 ? /at least 12/ : /common/ })
    t.equal(refusal('a brand new passphrase'), undefined)
  }
})
