import { randomUUID } from 'node:crypto'
import { base64url, decodeJwt, type JWTPayload, SignJWT } from 'jose'
import t from 'tap'
import { assertErrorBody, getMe, registerAndLogIn } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'
import { createTestKey, type TestKey } from '../helpers/token-keys.js'

const PASSWORD = 'correct horse battery staple'

interface Forgery {
  key: TestKey
  claims: JWTPayload
  header: { alg: string; kid?: string; typ?: string }
}

/** Signs a token as the service would, with the parts a test wants changed. */
function forge(
  { key, claims, header }: Forgery,
  secret: Parameters<SignJWT['sign']>[0] = key.privateKey,
) {
  return new SignJWT(claims).setProtectedHeader(header).sign(secret)
}

function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value))
}

t.test('GET /users/me answers the user of a valid token', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const { user, accessToken } = await registerAndLogIn(app, 'Myself', PASSWORD)
    const response = await getMe(app, `Bearer ${accessToken}`)
    t.equal(response.statusCode, 200)
    t.same(response.json(), user)
    t.equal(response.headers['cache-control'], 'no-store')
    t.equal((await getMe(app, `bearer  ${accessToken}`)).statusCode, 200, 'scheme in any case')
  })
})

t.test('every token that is not ours, not valid or not current is a 401', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const signing = createTestKey(t)
    const stranger = createTestKey(t)
    const { app, logs } = await startApp({ TOKEN_SIGNING_KEY_FILE: signing.privateKeyFile })
    const { user, accessToken } = await registerAndLogIn(app, 'victim', PASSWORD)
    const other = await registerAndLogIn(app, 'other', PASSWORD)

    const now = Math.floor(Date.now() / 1000)
    const genuine: Forgery = {
      key: signing,
      claims: {
        sub: user.id,
        preferred_username: user.username,
        iss: 'auth-service',
        aud: 'internal-services',
        iat: now,
        exp: now + 900,
        jti: randomUUID(),
        sid: decodeJwt(accessToken).sid,
      },
      header: { alg: 'EdDSA', kid: signing.kid, typ: 'at+jwt' },
    }
    t.equal((await getMe(app, `Bearer ${await forge(genuine)}`)).statusCode, 200, 'control')

    const [header, , signature] = accessToken.split('.')
    const otherPayload = other.accessToken.split('.')[1]
    const unsigned = `${encodeJson({ alg: 'none', kid: signing.kid, typ: 'at+jwt' })}.${encodeJson(genuine.claims)}.`
    const publicPem = signing.publicKey.export({ type: 'spki', format: 'pem' })
    const publicRaw = base64url.decode(signing.publicKey.export({ format: 'jwk' }).x ?? '')
    const flipped = `${signature?.slice(0, -2)}${signature?.endsWith('AA') ? 'BB' : 'AA'}`

    const bearer = async (changes: Partial<Forgery>) =>
      `Bearer ${await forge({ ...genuine, ...changes })}`
    const withClaims = (claims: JWTPayload) => bearer({ claims: { ...genuine.claims, ...claims } })
    const withHeader = (header: Partial<Forgery['header']>) =>
      bearer({ header: { ...genuine.header, ...header } })
    const hs256 = { ...genuine, header: { ...genuine.header, alg: 'HS256' } }

    const rejected: Array<[string, string, RegExp?]> = [
      [
        'another user’s claims under this signature',
        `Bearer ${header}.${otherPayload}.${signature}`,
      ],
      ['a changed signature', `Bearer ${header}.${accessToken.split('.')[1]}.${flipped}`],
      ['alg none', `Bearer ${unsigned}`],
      [
        'HS256 with the public key PEM as secret',
        `Bearer ${await forge(hs256, new TextEncoder().encode(String(publicPem)))}`,
      ],
      ['HS256 with the raw public key as secret', `Bearer ${await forge(hs256, publicRaw)}`],
      ['a stranger’s key under our kid', await bearer({ key: stranger })],
      [
        'a stranger’s key under its own kid',
        await bearer({ key: stranger, header: { ...genuine.header, kid: stranger.kid } }),
      ],
      ['expired', await withClaims({ iat: now - 960, exp: now - 60 }), /has expired/],
      [
        'older than TOKEN_TTL, whatever its exp says',
        await withClaims({ iat: now - 1000, exp: now + 3600 }),
        /has expired/,
      ],
      ['issued in the future', await withClaims({ iat: now + 3600, exp: now + 4500 })],
      ['another audience', await withClaims({ aud: 'elsewhere' })],
      ['another issuer', await withClaims({ iss: 'evil' })],
      ['not an access token (typ)', await withHeader({ typ: 'JWT' })],
      ['no jti', await withClaims({ jti: undefined })],
      ['no exp', await withClaims({ exp: undefined })],
      ['a sub that is not a string', await withClaims({ sub: 1 as unknown as string })],
      ['no sid', await withClaims({ sid: undefined })],
      [
        'another user’s session',
        await withClaims({ sid: decodeJwt(other.accessToken).sid }),
        /session that has ended/,
      ],
      [
        'a session never started',
        await withClaims({ sid: randomUUID() }),
        /session that has ended/,
      ],
      ['not a JWT', 'Bearer not-a-jwt'],
      ['three empty parts', 'Bearer ..'],
      ['Basic credentials', 'Basic dmljdGltOnB3'],
      ['the scheme alone', 'Bearer'],
      ['a token with a space in it', `Bearer ${accessToken} extra`],
    ]
    for (const [name, authorization, message] of rejected) {
      const response = await getMe(app, authorization)
      assertErrorBody(t, response, 401, 'INVALID_TOKEN', message ?? /^Access token rejected: /)
      t.match(
        response.headers['www-authenticate'],
        /^Bearer realm="auth-service", error="invalid_token", error_description="[^"]+"$/,
        name,
      )
    }

    const missing = await getMe(app)
    assertErrorBody(t, missing, 401, 'INVALID_TOKEN', /missing/)
    t.equal(missing.headers['www-authenticate'], 'Bearer realm="auth-service"', 'bare challenge')

    t.match(logs(), /"reason":"not a bearer token"/, 'a malformed header is logged too')
    t.notOk(logs().includes(accessToken), 'no token in the log')
    t.notOk(logs().includes(signature ?? '-'), 'nor its signature')
  })
})

t.test('a token whose user no longer exists is a 401', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const { user, accessToken } = await registerAndLogIn(app, 'departed', PASSWORD)
    await app.db('users').where({ id: user.id }).delete()
    const response = await getMe(app, `Bearer ${accessToken}`)
    assertErrorBody(t, response, 401, 'INVALID_TOKEN', /no longer exists/)
    t.match(response.headers['www-authenticate'], /error="invalid_token"/)
  })
})
