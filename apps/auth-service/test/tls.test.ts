import { makeCertificates, opensslMissing } from '@auth-service/test-helpers'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { httpsRequest, startHttps } from './helpers/https-request.js'
import { forEachDialect } from './helpers/test-app.js'
import { tempDir } from './helpers/token-keys.js'

t.test(
  'with TLS_CERT_FILE and TLS_KEY_FILE the service speaks HTTPS only',
  { skip: opensslMissing() },
  async (t) => {
    const certificates = makeCertificates(tempDir(t))
    forEachDialect(t, async (t, { startApp }) => {
      const origin = await startHttps(startApp, certificates)
      t.match(origin, /^https:\/\//)
      const { ca } = certificates
      t.equal((await httpsRequest(`${origin}/livez`, { ca })).status, 200)
      const registered = await httpsRequest(`${origin}/users`, {
        ca,
        method: 'POST',
        body: { username: 'secure', password: 'a fine passphrase' },
      })
      t.equal(registered.status, 201)
      const plain = await fetch(`${origin.replace('https:', 'http:')}/livez`).catch((e) => e)
      t.type(plain, Error, 'no answer in clear text')
    })
  },
)

t.test(
  'with TLS_CLIENT_CA_FILE only clients with a trusted certificate get through',
  { skip: opensslMissing() },
  async (t) => {
    const certificates = makeCertificates(tempDir(t))
    forEachDialect(t, async (t, { startApp }) => {
      const origin = await startHttps(startApp, certificates, {
        TLS_CLIENT_CA_FILE: certificates.ca,
      })
      const { ca } = certificates
      const trusted = { ca, cert: certificates.clientCert, key: certificates.clientKey }
      const stranger = { ca, cert: certificates.strangerCert, key: certificates.strangerKey }
      const body = { username: 'mutual', password: 'a fine passphrase' }

      for (const [who, client] of [
        ['no certificate', { ca }],
        ['a stranger’s certificate', stranger],
      ] as const) {
        const refused = await httpsRequest(`${origin}/users`, { ...client, method: 'POST', body })
        t.equal(refused.status, 403, who)
        t.equal(refused.code, 'CLIENT_CERTIFICATE_REQUIRED', who)
        t.equal((await httpsRequest(`${origin}/metrics`, client)).status, 403, `${who}: metrics`)
        for (const probe of ['/livez', '/readyz']) {
          t.equal((await httpsRequest(`${origin}${probe}`, client)).status, 200, `${who}: ${probe}`)
        }
      }
      const accepted = await httpsRequest(`${origin}/users`, { ...trusted, method: 'POST', body })
      t.equal(accepted.status, 201, 'a trusted client certificate')
      t.equal((await httpsRequest(`${origin}/metrics`, trusted)).status, 200)
    })
  },
)

t.test(
  'unusable TLS files stop the start, naming the variable',
  { skip: opensslMissing() },
  async (t) => {
    const dir = tempDir(t)
    const certificates = makeCertificates(dir)
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ TLS_CERT_FILE: certificates.serverCert }, /TLS_KEY_FILE must be set/],
      [{ TLS_CLIENT_CA_FILE: certificates.ca }, /TLS_CLIENT_CA_FILE needs TLS_CERT_FILE/],
      [
        { TLS_CERT_FILE: `${dir}/absent.crt`, TLS_KEY_FILE: certificates.serverKey },
        /TLS_CERT_FILE: .*absent\.crt cannot be read \(ENOENT\)/,
      ],
      [
        { TLS_CERT_FILE: certificates.serverCert, TLS_KEY_FILE: certificates.clientKey },
        /TLS_CERT_FILE and TLS_KEY_FILE must hold a PEM certificate and its private key/,
      ],
    ]
    for (const [env, message] of cases) {
      t.throws(
        () =>
          buildApp(loadConfig({ ...env, DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' })),
        { name: 'ConfigError', message },
        Object.keys(env).join(' '),
      )
    }
  },
)
