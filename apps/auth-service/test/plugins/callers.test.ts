import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { makeCertificates, opensslMissing, SPIFFE_CLIENT_ID } from '@auth-service/test-helpers'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { httpsRequest, startHttps } from '../helpers/https-request.js'
import { assertErrorBody, registerUser } from '../helpers/requests.js'
import { forEachDialect, startTestApp } from '../helpers/test-app.js'
import { createTestKey, tempDir } from '../helpers/token-keys.js'

const PASSWORD = 'correct horse battery staple'
const BODY = { username: 'alice', password: PASSWORD }

t.test(
  'under mutual TLS each caller gets what CALLER_POLICY_FILE grants its identity',
  { skip: opensslMissing() },
  async (t) => {
    const dir = tempDir(t)
    const certificates = makeCertificates(dir)
    const policyFile = path.join(dir, 'policy.yaml')
    writeFileSync(
      policyFile,
      `callers:\n  ${SPIFFE_CLIENT_ID}: [users:register, tokens:issue]\n  client: [users:read]\n`,
    )
    const { ca } = certificates
    const checkout = { ca, cert: certificates.spiffeClientCert, key: certificates.spiffeClientKey }
    const reader = { ca, cert: certificates.clientCert, key: certificates.clientKey }
    forEachDialect(t, async (t, { startApp }) => {
      const origin = await startHttps(startApp, certificates, {
        TLS_CLIENT_CA_FILE: ca,
        CALLER_POLICY_FILE: policyFile,
        RATE_LIMIT_REGISTER_PER_ADDRESS: '2',
      })
      const post = (who: typeof checkout, url: string, body: unknown) =>
        httpsRequest(`${origin}${url}`, { ...who, method: 'POST', body })

      const registered = await post(checkout, '/users', BODY)
      t.equal(registered.status, 201, 'the SPIFFE ID (URI SAN) may register')
      const refused = await post(reader, '/users', { username: 'bob', password: PASSWORD })
      t.equal(refused.status, 403)
      t.same(refused.json, {
        statusCode: 403,
        error: 'Forbidden',
        code: 'CALLER_NOT_PERMITTED',
        message: 'This caller lacks the permission users:register',
      })
      const { id } = registered.json as { id: string }
      t.equal((await httpsRequest(`${origin}/users/${id}`, reader)).status, 200, 'the CN may read')
      t.equal((await httpsRequest(`${origin}/users/${id}`, checkout)).code, 'CALLER_NOT_PERMITTED')

      const login = await post(checkout, '/tokens', BODY)
      t.equal(login.status, 200)
      const { accessToken } = login.json as { accessToken: string }
      const mine = await httpsRequest(`${origin}/users/me/sessions`, {
        ...reader,
        headers: { authorization: `Bearer ${accessToken}` },
      })
      t.equal(mine.status, 200, "a user's own sessions need only the user's token")
      const [session] = (mine.json as { sessions: Array<{ createdBy: string }> }).sessions
      t.equal(session?.createdBy, SPIFFE_CLIENT_ID, 'the session names the caller that made it')
      for (const [method, url] of [
        ['GET', `/users/${id}/sessions`],
        ['DELETE', `/users/${id}/sessions`],
      ]) {
        const answer = await httpsRequest(`${origin}${url}`, { ...checkout, method })
        t.equal(answer.code, 'CALLER_NOT_PERMITTED', `${method} ${url}: not granted`)
      }
      t.equal((await post(checkout, '/tokens/introspect', { token: accessToken })).status, 403)

      // Rate limits count per caller: one caller's spent budget is not another's.
      for (const username of ['carol', 'dave']) {
        t.not((await post(checkout, '/users', { username, password: PASSWORD })).status, 403)
      }
      t.equal(
        (await post(checkout, '/users', { username: 'erin', password: PASSWORD })).status,
        429,
      )

      const metrics = await httpsRequest(`${origin}/metrics`, reader)
      t.equal(metrics.status, 200)
    })
  },
)

t.test('the access log and the metrics name the caller', { skip: opensslMissing() }, async (t) => {
  const dir = tempDir(t)
  const certificates = makeCertificates(dir)
  const { ca } = certificates
  const checkout = { ca, cert: certificates.spiffeClientCert, key: certificates.spiffeClientKey }
  forEachDialect(t, async (t, { startApp }) => {
    const { app, logs } = await startApp({
      TLS_CERT_FILE: certificates.serverCert,
      TLS_KEY_FILE: certificates.serverKey,
      TLS_CLIENT_CA_FILE: ca,
    })
    const origin = await app.listen({ port: 0, host: '127.0.0.1' })
    await httpsRequest(`${origin}/users`, { ...checkout, method: 'POST', body: BODY })
    t.match(logs(), `"caller":"${SPIFFE_CLIENT_ID}"`)
    t.match(
      await app.metrics.registry.metrics(),
      `caller_requests_total{caller="${SPIFFE_CLIENT_ID}",route="/users",status_code="201"} 1`,
    )
  })
})

t.test('with NODE_ENV=production and no policy, no caller ends others’ sessions', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const key = createTestKey(t)
    const { app, logs } = await startApp({
      NODE_ENV: 'production',
      TOKEN_SIGNING_KEY_FILE: key.privateKeyFile,
    })
    const { id } = (await registerUser(app, BODY)).json()
    for (const [method, url] of [
      ['GET', `/users/${id}/sessions`],
      ['DELETE', `/users/${id}/sessions`],
    ] as const) {
      assertErrorBody(t, await app.inject({ method, url }), 403, 'CALLER_NOT_PERMITTED')
    }
    t.equal((await app.inject({ url: `/users/${id}` })).statusCode, 200, 'the rest is open')
    t.match(logs(), /every caller may do everything but sessions:manage/)
  })
})

t.test('the start-up log says when callers cannot be told apart', async (t) => {
  forEachDialect(t, async (t, { logs }) => {
    t.match(
      logs(),
      /every caller may do everything; without mutual TLS callers cannot be told apart/,
    )
  })
})

t.test(
  'CALLER_POLICY_FILE without mutual TLS, or naming a bad file, stops the start',
  async (t) => {
    t.throws(() => loadConfig({ CALLER_POLICY_FILE: '/etc/policy.yaml' }), {
      name: 'ConfigError',
      message: /CALLER_POLICY_FILE needs TLS_CLIENT_CA_FILE/,
    })
    if (opensslMissing()) return
    const dir = tempDir(t)
    const certificates = makeCertificates(dir)
    const policyFile = path.join(dir, 'policy.json')
    writeFileSync(policyFile, JSON.stringify({ callers: { billing: ['users:raed'] } }))
    const env = {
      TLS_CERT_FILE: certificates.serverCert,
      TLS_KEY_FILE: certificates.serverKey,
      TLS_CLIENT_CA_FILE: certificates.ca,
      CALLER_POLICY_FILE: policyFile,
    }
    await t.rejects(startTestApp(t, 'sqlite::memory:', env), {
      name: 'ConfigError',
      message: /grants "billing" the unknown permission "users:raed"/,
    })
  },
)
