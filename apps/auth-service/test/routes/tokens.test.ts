import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import t from 'tap'
import type { App } from '../../src/app.js'
import { assertErrorBody, countUsers, logIn, registerUser } from '../helpers/requests.js'
import { BCRYPT_HASH, forEachDialect } from '../helpers/test-app.js'

const PASSWORD = 'correct horse battery staple'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

async function publishedKeys(app: App) {
  return createLocalJWKSet((await app.inject({ url: '/.well-known/jwks.json' })).json())
}

t.test(
  'POST /tokens issues a signed access token, the name matched in any case or width',
  async (t) => {
    forEachDialect(t, async (t, { app }) => {
      const user = (await registerUser(app, { username: 'Lorenzo', password: PASSWORD })).json()
      const response = await logIn(app, { username: 'ＬＯＲＥＮＺＯ', password: PASSWORD })
      t.equal(response.statusCode, 200)
      t.equal(response.headers['cache-control'], 'no-store')
      const body = response.json()
      t.same(Object.keys(body).sort(), [
        'accessToken',
        'expiresIn',
        'refreshExpiresIn',
        'refreshToken',
        'tokenType',
      ])
      t.equal(body.tokenType, 'Bearer')
      t.equal(body.expiresIn, 900, 'TOKEN_TTL defaults to 900 s')

      const jwks = (await app.inject({ url: '/.well-known/jwks.json' })).json()
      t.same(decodeProtectedHeader(body.accessToken), {
        alg: 'EdDSA',
        kid: jwks.keys[0].kid,
        typ: 'at+jwt',
      })
      const { payload } = await jwtVerify(body.accessToken, await publishedKeys(app), {
        issuer: 'auth-service',
        audience: 'internal-services',
      })
      t.same(Object.keys(payload).sort(), [
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'preferred_username',
        'sid',
        'sub',
      ])
      t.equal(payload.sub, user.id)
      t.equal(payload.preferred_username, 'Lorenzo', 'the display form')
      t.equal((payload.exp ?? 0) - (payload.iat ?? 0), 900)
      t.ok(Math.abs((payload.iat ?? 0) - Date.now() / 1000) < 5, 'issued now')
      t.match(payload.jti, UUID)

      const again = (await logIn(app, { username: 'lorenzo', password: PASSWORD })).json()
      const second = await jwtVerify(again.accessToken, await publishedKeys(app))
      t.not(second.payload.jti, payload.jti, 'each token has its own jti')
    })
  },
)

t.test('TOKEN_TTL, TOKEN_ISSUER and TOKEN_AUDIENCE reach the token', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const { app } = await startApp({
      TOKEN_TTL: '60',
      TOKEN_ISSUER: 'https://auth.internal',
      TOKEN_AUDIENCE: 'billing',
    })
    await registerUser(app, { username: 'settings', password: PASSWORD })
    const body = (await logIn(app, { username: 'settings', password: PASSWORD })).json()
    t.equal(body.expiresIn, 60)
    const { payload } = await jwtVerify(body.accessToken, await publishedKeys(app), {
      issuer: 'https://auth.internal',
      audience: 'billing',
    })
    t.equal((payload.exp ?? 0) - (payload.iat ?? 0), 60)
  })
})

t.test('an unknown user and a wrong password: same answer, same bcrypt work', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    await registerUser(app, { username: 'known', password: PASSWORD })
    const hasher = app.passwordHasher
    const verify = hasher.verify
    const verified: Array<string | undefined> = []
    hasher.verify = (password, hash) => {
      verified.push(hash)
      return verify(password, hash)
    }
    t.teardown(() => {
      hasher.verify = verify
    })

    const wrongPassword = await logIn(app, { username: 'known', password: 'not the password' })
    const unknownUser = await logIn(app, { username: 'unknown', password: 'not the password' })
    for (const response of [wrongPassword, unknownUser]) {
      assertErrorBody(t, response, 401, 'INVALID_CREDENTIALS')
    }
    t.equal(unknownUser.body, wrongPassword.body, 'same body')
    const headersOf = (response: typeof unknownUser) => {
      // These count the caller's own requests, one more each time: not the user.
      const {
        date: _date,
        'x-request-id': _id,
        'ratelimit-remaining': _remaining,
        'ratelimit-reset': _reset,
        ...rest
      } = response.headers
      return rest
    }
    t.same(headersOf(unknownUser), headersOf(wrongPassword), 'same headers')
    t.equal(verified.length, 2, 'one bcrypt verification each')
    t.match(verified[0], BCRYPT_HASH, 'the stored hash for the known user')
    t.equal(verified[1], undefined, 'the stand-in hash for the unknown one')
  })
})

t.test('login applies only the password rules that keep bcrypt honest', async (t) => {
  forEachDialect(t, async (t, { app, startApp }) => {
    await registerUser(app, { username: 'veteran', password: 'k9#mQ2$v' })
    // A stricter policy later must not lock out users who registered before it.
    const { app: stricter } = await startApp({ PASSWORD_MIN_LENGTH: '20' })
    const response = await logIn(stricter, { username: 'veteran', password: 'k9#mQ2$v' })
    t.equal(response.statusCode, 200)
  })
})

t.test('bad login bodies are 4xx with a code, like registration’s', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    const overLong = 'x'.repeat(73)
    const cases: Array<[string, unknown, number, string]> = [
      ['missing password', { username: 'lorenzo' }, 400, 'VALIDATION_FAILED'],
      ['missing username', { password: PASSWORD }, 400, 'VALIDATION_FAILED'],
      ['null password', { username: 'lorenzo', password: null }, 400, 'VALIDATION_FAILED'],
      ['numeric username', { username: 42, password: PASSWORD }, 400, 'VALIDATION_FAILED'],
      ['unknown field', { username: 'a1b', password: PASSWORD, x: 1 }, 400, 'VALIDATION_FAILED'],
      ['array body', '[]', 400, 'VALIDATION_FAILED'],
      ['malformed JSON', '{"username":', 400, 'INVALID_JSON'],
      ['empty body', '', 400, 'INVALID_JSON'],
      ['over-long password', { username: 'lorenzo', password: overLong }, 400, 'PASSWORD_POLICY'],
      [
        'NUL in password',
        { username: 'lorenzo', password: 'ab\u0000cdefgh' },
        400,
        'PASSWORD_POLICY',
      ],
      [
        'lone surrogate',
        { username: 'lorenzo', password: 'abcdefgh\ud800' },
        400,
        'PASSWORD_POLICY',
      ],
      [
        'impossible username',
        { username: 'lo renzo', password: PASSWORD },
        400,
        'INVALID_USERNAME',
      ],
      ['huge body', { username: 'x', password: 'y'.repeat(17 * 1024) }, 413, 'PAYLOAD_TOO_LARGE'],
    ]
    for (const [name, body, status, code] of cases) {
      t.test(name, async (t) => {
        assertErrorBody(t, await logIn(app, body), status, code as 'VALIDATION_FAILED')
      })
    }
    const asText = await logIn(app, 'username=a', { 'content-type': 'text/plain' })
    assertErrorBody(t, asText, 415, 'UNSUPPORTED_MEDIA_TYPE')
    t.notOk(logs().includes(overLong), 'the over-long password is not logged')
    t.equal(await countUsers(app), 0)
  })
})

t.test('no password, hash, token or mistyped name reaches the log', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    await registerUser(app, { username: 'quiet', password: PASSWORD })
    const token = (await logIn(app, { username: 'quiet', password: PASSWORD })).json().accessToken
    await logIn(app, { username: 'quiet', password: 'wrong password 1' })
    // People type their password into the name field: an unknown name is not logged.
    await logIn(app, { username: 'MySecretPass99', password: 'wrong password 2' })
    for (const secret of [PASSWORD, 'wrong password 1', 'wrong password 2', 'MySecretPass99']) {
      t.notOk(logs().includes(secret), `${secret} not logged`)
    }
    t.notOk(logs().includes(token), 'token not logged')
    t.notMatch(logs(), BCRYPT_HASH)
    t.match(logs(), /"msg":"login succeeded"/)
    t.match(logs(), /"msg":"login failed"/)
  })
})
