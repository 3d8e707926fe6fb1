import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import Fastify from 'fastify'
import t from 'tap'
import passwordPolicy, {
  COMMON_PASSWORDS_FILE,
  commonPasswordsOfLength,
} from '../../src/plugins/password-policy.js'

const wholeList = () =>
  JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve(COMMON_PASSWORDS_FILE), 'utf8'),
  ) as string[]

// The plugin puts the words in a set as they come; the policy looks passwords up in lower case.
t.test('the common-password list is in lower case', async (t) => {
  const words = wholeList()
  t.ok(words.length > 40_000, `${words.length} passwords`)
  t.same(
    words.filter((word) => word !== word.toLowerCase()),
    [],
  )
})

t.test('the set keeps every listed word long enough to be matched, and few others', async (t) => {
  const words = wholeList()
  for (const minLength of [8, 12]) {
    const kept = commonPasswordsOfLength(minLength)
    const matchable = words.filter((word) => [...word].length >= minLength)
    t.same(
      matchable.filter((word) => !kept.has(word)),
      [],
      `minimum ${minLength}: ${kept.size} kept`,
    )
    t.ok(kept.size < matchable.length * 1.01, 'no more than 1 % unmatchable words')
  }
})

t.test('a common password is refused as common at any minimum length', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(passwordPolicy, { minLength: 12 })
  await app.ready()
  t.match(app.passwordPolicy.refusal('1QAZ2wsx3EDC', 'someone'), { message: /common/ })
  t.match(app.passwordPolicy.refusal('password', 'someone'), { message: /at least 12/ })
  t.equal(app.passwordPolicy.refusal('a brand new passphrase', 'someone'), undefined)
})
