import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { makeCertificates, opensslMissing } from '@auth-service/test-helpers'
import t from 'tap'
import { createAuthServiceClient, isAuthServiceError } from '../src/index.js'
import { forEachDialect } from './helpers/running-service.js'

const readPem = (file: string) => readFileSync(file, 'utf8')

t.test(
  'over mutual TLS only a client with a trusted certificate gets through',
  {
    skip: opensslMissing(),
  },
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'auth-client-tls-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const files = makeCertificates(dir)
    forEachDialect(
      t,
      async (t, service) => {
        t.match(service.origin, /^https:\/\//)
        const ca = readPem(files.ca)
        const trusted = service.connect({
          tls: { ca, cert: readPem(files.clientCert), key: readPem(files.clientKey) },
        })
        const user = await trusted.register({ username: 'mutual', password: 'a fine passphrase' })
        t.same(await trusted.getUser(user.id), user)

        const anonymous = createAuthServiceClient({ origin: service.origin, tls: { ca } })
        service.onEnd(() => anonymous.close())
        const refused = await anonymous.getUser(user.id).catch((e: unknown) => e)
        t.ok(isAuthServiceError(refused, 'CLIENT_CERTIFICATE_REQUIRED'))
        t.match(refused, { statusCode: 403 })
      },
      {
        TLS_CERT_FILE: files.serverCert,
        TLS_KEY_FILE: files.serverKey,
        TLS_CLIENT_CA_FILE: files.ca,
      },
    )
  },
)
