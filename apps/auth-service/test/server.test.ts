import { generateKeyPairSync } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDb, findUserByCanonicalName } from '@auth-service/db'
import t from 'tap'
import { startServer } from './helpers/server-process.js'

t.test('a bad setting stops the process with the variable named', async (t) => {
  const server = startServer({ BCRYPT_COST: 'twelve' })
  const [code] = await once(server.child, 'exit')
  t.equal(code, 1)
  t.match(server.lines.join('\n'), /BCRYPT_COST/)
})

t.test('NODE_ENV=production without a signing key stops the process, saying why', async (t) => {
  const server = startServer({ NODE_ENV: 'production', DATABASE_URL: 'sqlite::memory:' })
  const [code] = await once(server.child, 'exit')
  t.equal(code, 1)
  t.match(server.lines.join('\n'), /TOKEN_SIGNING_KEY_FILE must be set when NODE_ENV=production/)
  t.notMatch(server.lines.join('\n'), /migrations applied/, 'stopped before touching the database')
})

t.test('a signing key that is not Ed25519 stops the process, naming the file', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-service-server-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  writeFileSync(`${dir}/rsa.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }))
  const server = startServer({
    DATABASE_URL: 'sqlite::memory:',
    TOKEN_SIGNING_KEY_FILE: `${dir}/rsa.pem`,
  })
  const [code] = await once(server.child, 'exit')
  t.equal(code, 1)
  t.match(server.lines.join('\n'), /TOKEN_SIGNING_KEY_FILE: .*rsa\.pem holds a rsa key/)
  t.notMatch(server.lines.join('\n'), /BEGIN|MII/, 'no key material')
})

t.test('the start-up log names the database without its password', async (t) => {
  const server = startServer({ DATABASE_URL: 'mysql://app:s3cr3t-pw@127.0.0.1:1/auth' })
  t.teardown(() => server.child.kill('SIGKILL'))
  const line = await server.waitForLine(/database in use/)
  t.match(line, 'mysql://app@127.0.0.1:1/auth')
  await server.waitForLine(/Server listening/)
  server.child.kill('SIGTERM')
  const [code] = await once(server.child, 'exit')
  t.equal(code, 0)
  t.notMatch(server.lines.join('\n'), 's3cr3t-pw')
})

t.test('SIGTERM lets an in-flight registration finish, then exits 0', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-service-server-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // Cost 12: the hash takes long enough that the signal lands mid-request.
  const server = startServer({
    DATABASE_URL: `sqlite:${dir}/db.sqlite`,
    BCRYPT_COST: '12',
    LOG_LEVEL: 'debug',
    SHUTDOWN_DRAIN_DELAY_MS: '100',
  })
  t.teardown(() => server.child.kill('SIGKILL'))
  const url = await server.origin()
  const registration = fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'lastone', password: 'a fine passphrase' }),
  })
  await server.waitForLine(/request received/)
  server.child.kill('SIGTERM')
  const response = await registration
  t.equal(response.status, 201)
  t.equal(response.headers.get('connection'), 'close', 'answered while shutting down')
  const [code] = await once(server.child, 'exit')
  t.equal(code, 0, 'clean exit')
  t.match(server.lines.join('\n'), /shutting down/)
  const db = createDb(`sqlite:${dir}/db.sqlite`)
  t.teardown(() => db.destroy())
  t.ok(await findUserByCanonicalName(db, 'lastone'), 'the 201 has its row')
})
