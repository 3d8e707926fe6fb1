import type { ErrorCode } from '@auth-service/shared'
import t from 'tap'
import { assertErrorBody, countUsers, registerUser } from '../helpers/requests.js'
import { BCRYPT_HASH, forEachDialect } from '../helpers/test-app.js'

const GOOD = 'a fine passphrase'

interface BadCase {
  name: string
  body: unknown
  code: ErrorCode
  message?: RegExp
}

const malformed: BadCase[] = [
  {
    name: 'missing username',
    body: { password: GOOD },
    code: 'VALIDATION_FAILED',
    message: /username/,
  },
  {
    name: 'missing password',
    body: { username: 'lorenzo' },
    code: 'VALIDATION_FAILED',
    message: /password/,
  },
  { name: 'null username', body: { username: null, password: GOOD }, code: 'VALIDATION_FAILED' },
  {
    name: 'null password',
    body: { username: 'lorenzo', password: null },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'numeric username',
    body: { username: 12345, password: GOOD },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'boolean password',
    body: { username: 'lorenzo', password: true },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'object username',
    body: { username: { a: 1 }, password: GOOD },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'array password',
    body: { username: 'lorenzo', password: [GOOD] },
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'unknown field',
    body: { username: 'lorenzo', password: GOOD, admin: true },
    code: 'VALIDATION_FAILED',
  },
  { name: 'array body', body: '[]', code: 'VALIDATION_FAILED' },
  { name: 'string body', body: '"lorenzo"', code: 'VALIDATION_FAILED' },
  { name: 'number body', body: '42', code: 'VALIDATION_FAILED' },
  { name: 'null body', body: 'null', code: 'VALIDATION_FAILED' },
  {
    name: 'malformed JSON',
    body: `{"username":"lorenzo","password":"${GOOD}"`,
    code: 'INVALID_JSON',
  },
  { name: 'empty JSON body', body: '', code: 'INVALID_JSON' },
  {
    name: 'prototype poisoning',
    body: `{"username":"lorenzo","password":"${GOOD}","__proto__":{"admin":true}}`,
    code: 'INVALID_JSON',
  },
]

const badUsernames: BadCase[] = [
  ['empty', ''],
  ['too short', 'ab'],
  ['too long', 'a'.repeat(33)],
  ['starting with an underscore', '_lorenzo'],
  ['starting with a dot', '.lorenzo'],
  ['with a space', 'lo renzo'],
  ['with punctuation', 'lorenzo!'],
  ['with an emoji', 'lorenzo😀'],
  ['with a NUL', 'lo\u0000renzo'],
  ['whose NFKC form has spaces', 'ab\ufdfa'],
  ['with a variation selector', 'lorenzo\ufe0f'],
  ['with a combining grapheme joiner', 'lorenzo\u034f'],
  ['with a zero-width joiner', 'lo\u200drenzo'],
  ['with a Hangul filler', 'lorenzo\u3164'],
  ['with five marks on one letter', 'lorenzq\u0301\u0302\u0303\u0304\u0308'],
  ['with a mark on a digit', 'lorenzo1\u0301'],
].map(([name, username]) => ({
  name: `username ${name}`,
  body: { username, password: GOOD },
  code: 'INVALID_USERNAME' as const,
}))

const badPasswords: BadCase[] = [
  ['shorter than the minimum', 'Ab3$xyz', /at least 8 characters/],
  ['longer than 72 bytes', 'x'.repeat(73), /at most 72 bytes/],
  ['over 72 bytes in fewer characters', '🔑'.repeat(19), /at most 72 bytes/],
  ['containing U+0000', 'abcd\u0000efghij', /NUL/],
  ['with a lone surrogate', 'abcdefgh\ud800', /valid Unicode/],
  ['with U+FFFD', 'abcdefgh\ufffd', /valid Unicode/],
  ['equal to the username, ignoring case', 'Lorenzo-The-Great', /username/],
  ['common', 'Password1', /common/],
  ['common in another case', 'QWERTYUIOP', /common/],
].map(([name, password, message]) => ({
  name: `password ${name}`,
  body: { username: 'lorenzo-the-great', password },
  code: 'PASSWORD_POLICY' as const,
  message: message as RegExp,
}))

t.test('bad input is a 400 with a code, and writes nothing', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    for (const bad of [...malformed, ...badUsernames, ...badPasswords]) {
      const response = await registerUser(app, bad.body)
      assertErrorBody(t, response, 400, bad.code, bad.message)
    }
    t.equal(await countUsers(app), 0, 'nothing half-written')
    const everyPassword = [
      GOOD,
      ...badPasswords.map((bad) => (bad.body as { password: string }).password),
    ]
    for (const password of everyPassword) t.notOk(logs().includes(password), 'password not logged')
    t.notMatch(logs(), BCRYPT_HASH)
  })
})

t.test('bytes that are not UTF-8 in a password are refused, not hashed', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const body = Buffer.concat([
      Buffer.from('{"username":"bytes","password":"abcdefgh'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ])
    const response = await app.inject({
      method: 'POST',
      url: '/users',
      headers: { 'content-type': 'application/json' },
      payload: body,
    })
    assertErrorBody(t, response, 400, 'PASSWORD_POLICY', /valid Unicode/)
    t.equal(await countUsers(app), 0)
  })
})

t.test('JSON in another charset than UTF-8 is a 415; UTF-8 said any way is fine', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const body = { username: 'charset', password: GOOD }
    for (const type of ['application/json; charset=latin1', 'application/json; charset=utf-16le']) {
      const refused = await registerUser(app, body, { 'content-type': type })
      assertErrorBody(t, refused, 415, 'UNSUPPORTED_MEDIA_TYPE', /UTF-8/)
    }
    t.equal(await countUsers(app), 0)
    const quoted = await registerUser(app, body, {
      'content-type': 'application/json; charset="UTF-8"',
    })
    t.equal(quoted.statusCode, 201)
  })
})

t.test('the password rules stop exactly at their limits', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    t.equal((await registerUser(app, { username: 'eight', password: 'k9#mQ2$v' })).statusCode, 201)
    const seventyTwo = 'x7'.repeat(36)
    t.equal((await registerUser(app, { username: 'bytes', password: seventyTwo })).statusCode, 201)
  })
})

t.test('a longer minimum length from PASSWORD_MIN_LENGTH applies', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const { app } = await startApp({ PASSWORD_MIN_LENGTH: '12' })
    const response = await registerUser(app, { username: 'strict', password: 'k9#mQ2$vZ' })
    assertErrorBody(t, response, 400, 'PASSWORD_POLICY', /at least 12 characters/)
  })
})

t.test('a body over 16 KiB is a 413, a body that is not JSON a 415', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const huge = { username: 'lorenzo', password: GOOD, padding: 'x'.repeat(17 * 1024) }
    assertErrorBody(t, await registerUser(app, huge), 413, 'PAYLOAD_TOO_LARGE')
    const asText = await registerUser(app, 'username=lorenzo', { 'content-type': 'text/plain' })
    assertErrorBody(t, asText, 415, 'UNSUPPORTED_MEDIA_TYPE')
    const asForm = await registerUser(app, 'username=lorenzo&password=x', {
      'content-type': 'application/x-www-form-urlencoded',
    })
    assertErrorBody(t, asForm, 415, 'UNSUPPORTED_MEDIA_TYPE')
    t.equal(await countUsers(app), 0)
  })
})
