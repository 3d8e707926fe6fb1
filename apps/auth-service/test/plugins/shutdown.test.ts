import { request } from 'node:http'
import { createDb, findUserByCanonicalName } from '@auth-service/db'
import Fastify from 'fastify'
import t from 'tap'
import shutdown from '../../src/plugins/shutdown.js'
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

t.test('handlersSettled counts handlers that answer at once, throw or reject', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(shutdown)
  let finishSlow: () => void = () => {}
  app.get('/at-once', (_request, reply) => {
    reply.send({ ok: true })
  })
  app.get('/throws', () => {
    throw new Error('sync fault')
  })
  app.get('/rejects', async () => {
    throw new Error('async fault')
  })
  app.get('/slow', () => new Promise<string>((resolve) => (finishSlow = () => resolve('done'))))
  await app.ready()

  t.equal((await app.inject({ url: '/at-once' })).statusCode, 200)
  t.equal((await app.inject({ url: '/throws' })).statusCode, 500)
  t.equal((await app.inject({ url: '/rejects' })).statusCode, 500)
  await app.handlersSettled()
  t.pass('settled after answers at once, throws and rejections')

  const slow = app.inject({ url: '/slow' })
  await new Promise((resolve) => setImmediate(resolve))
  let settled = false
  const waiting = app.handlersSettled().then(() => {
    settled = true
  })
  await new Promise((resolve) => setImmediate(resolve))
  t.notOk(settled, 'not while a handler runs')
  finishSlow()
  await waiting
  t.equal((await slow).body, 'done')
})
