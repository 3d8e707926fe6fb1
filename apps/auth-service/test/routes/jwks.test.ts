import { execFile } from 'node:child_process'
import { copyFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { decodeProtectedHeader } from 'jose'
import t from 'tap'
import { getMe, logIn, registerAndLogIn } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'
import { createTestKey, tempDir } from '../helpers/token-keys.js'

const VERIFIER = path.resolve(import.meta.dirname, '../fixtures/verify-token.mjs')
const PASSWORD = 'correct horse battery staple'
const run = promisify(execFile)

t.test('the JWKS publishes the public half of the signing key, cacheably', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const key = createTestKey(t)
    const { app } = await startApp({ TOKEN_SIGNING_KEY_FILE: key.privateKeyFile })
    const response = await app.inject({ url: '/.well-known/jwks.json' })
    t.equal(response.statusCode, 200)
    t.match(response.headers['cache-control'], /^public, max-age=\d+$/)
    t.same(response.json(), { keys: [key.publishedJwk] })
  })
})

t.test('a token verifies in another process with plain jose and the JWKS over HTTP', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const { user, accessToken } = await registerAndLogIn(app, 'remote', PASSWORD)
    const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`

    const verified = await run(process.execPath, [
      VERIFIER,
      jwksUrl,
      accessToken,
      'auth-service',
      'internal-services',
    ])
    t.match(JSON.parse(verified.stdout), { sub: user.id, preferred_username: 'remote' })

    const wrongAudience = await run(process.execPath, [
      VERIFIER,
      jwksUrl,
      accessToken,
      'auth-service',
      'another-audience',
    ]).catch((error: { code: number; stderr: string }) => error)
    t.match(wrongAudience, { code: 1, stderr: /ERR_JWT_CLAIM_VALIDATION_FAILED/ })
  })
})

t.test('rotation: tokens signed by the previous key verify until they expire', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const previous = createTestKey(t)
    const current = createTestKey(t)
    const { app: before } = await startApp({ TOKEN_SIGNING_KEY_FILE: previous.privateKeyFile })
    const { accessToken: oldToken } = await registerAndLogIn(before, 'rotator', PASSWORD)

    const verifyKeys = tempDir(t)
    copyFileSync(previous.publicKeyFile, path.join(verifyKeys, 'previous.pem'))
    writeFileSync(path.join(verifyKeys, 'notes.txt'), 'not a key')
    const { app: after } = await startApp({
      TOKEN_SIGNING_KEY_FILE: current.privateKeyFile,
      TOKEN_VERIFY_KEYS_DIR: verifyKeys,
    })
    const jwks = (await after.inject({ url: '/.well-known/jwks.json' })).json()
    t.same(
      jwks.keys.map((key: { kid: string }) => key.kid),
      [current.kid, previous.kid],
      'both keys published, the signing key first',
    )
    t.equal((await getMe(after, `Bearer ${oldToken}`)).statusCode, 200, 'the old token verifies')
    const newToken = (await logIn(after, { username: 'rotator', password: PASSWORD })).json()
      .accessToken
    t.equal(decodeProtectedHeader(newToken).kid, current.kid, 'new tokens use the new key')

    const { app: retired } = await startApp({ TOKEN_SIGNING_KEY_FILE: current.privateKeyFile })
    t.equal((await getMe(retired, `Bearer ${oldToken}`)).statusCode, 401, 'once retired, no more')
  })
})
