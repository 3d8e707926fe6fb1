import { request } from 'node:http'
import { createDb, findUserByCanonicalName } from '@auth-service/db'
import t from 'tap'
import { forEachDialect } from '../helpers/test-app.js'

t.test('a request whose caller hung up still finishes before the pool closes', async (t) => {
  forEachDialect(t, async (t, { startApp, databaseUrl }) => {
    // Cost 12: the hash outlasts the hang-up and the close that follows it.
    const { app, logs } = await startApp({ BCRYPT_COST: '12', LOG_LEVEL: 'debug' })
    const origin = await app.listen({ port: 0, host: '127.0.0.1' })
    const hasher = app.passwordHasher
    const hash = hasher.hash
    const hashing = new Promise<void>((resolve) => {
      hasher.hash = (password) => {
        resolve()
        return hash(password)
      }
    })
    const abandoned = request(`${origin}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    })
    abandoned.on('error', () => {})
    abandoned.end(JSON.stringify({ username: 'abandoned', password: 'a fine passphrase' }))
    await hashing
    abandoned.destroy()
    await app.close()
    t.notMatch(logs(), /"level":50/, 'no request failed for want of a connection')
    const db = createDb(databaseUrl)
    t.teardown(() => db.destroy())
    t.ok(await findUserByCanonicalName(db, 'abandoned'), 'it completed: the row is there')
  })
})
