import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:net'
import t from 'tap'
import { createAuthServiceClient } from '../src/index.js'
import { failure } from './helpers/failure.js'
import { behindProxy, fast, lonelyProxy } from './helpers/proxied-client.js'
import { forEachDialect } from './helpers/running-service.js'

forEachDialect(t, async (t, service) => {
  const credentials = { username: 'ada', password: 'correct horse battery' }

  t.test('a register answered 503 is retried with the same keys, making one user', async (t) => {
    // The service handles the first two attempts, but their answers are lost.
    const { proxy, client } = await behindProxy(service, { failFirst: 2, forwardFaulted: true })
    const user = await client.register(credentials)
    t.equal(proxy.received.length, 3, 'three attempts')
    const keys = proxy.received.map((headers) => headers['idempotency-key'])
    const ids = proxy.received.map((headers) => headers['x-request-id'])
    t.ok(keys[0], 'an idempotency key was sent')
    t.same(keys, [keys[0], keys[0], keys[0]], 'the same idempotency key on every attempt')
    t.same(ids, [ids[0], ids[0], ids[0]], 'the same request id on every attempt')
    const created = proxy.serviceAnswers.map((body) => JSON.parse(body).id)
    t.same(created, [user.id, user.id, user.id], 'the service answered one user each time')
    t.equal(await service.countUsers(), 1, 'exactly one user was created')
  })

  t.test('getUser and login are retried after a 503', async (t) => {
    const { proxy, client } = await behindProxy(service, { failFirst: 1 })
    const token = await client.login(credentials)
    t.equal(token.tokenType, 'Bearer')
    t.equal(proxy.received.length, 2)
    const user = await client.me(token.accessToken)
    t.equal(proxy.received.length, 3, 'no retry once it works')
    t.same(await client.getUser(user.id), user)
  })

  t.test('a register answered REQUEST_IN_PROGRESS is retried', async (t) => {
    const fault = { statusCode: 409, code: 'REQUEST_IN_PROGRESS' } as const
    const { proxy, client } = await behindProxy(service, { failFirst: 1, fault })
    const user = await client.register({ username: 'grace', password: 'another passphrase' })
    t.equal(user.username, 'grace')
    t.equal(proxy.received.length, 2)
  })

  t.test('400 and 409 USERNAME_TAKEN are not retried', async (t) => {
    const { proxy, client } = await behindProxy(service, {})
    t.equal((await failure(client.getUser('not-a-uuid'))).code, 'VALIDATION_FAILED')
    t.equal(proxy.received.length, 1, '400: one request')
    t.equal((await failure(client.register(credentials))).code, 'USERNAME_TAKEN')
    t.equal(proxy.received.length, 2, '409 USERNAME_TAKEN: one request')
  })
})

t.test('retries stop at maxAttempts with the last error', async (t) => {
  const { proxy, client } = await lonelyProxy(t, { failFirst: 100 })
  const error = await failure(client.jwks())
  t.match(error, { code: 'OVERLOADED', statusCode: 503, retryAfterMs: 0 })
  t.equal(proxy.received.length, 4)
})

t.test('the deadline ends a call that gets no answer, with TIMEOUT', async (t) => {
  const { proxy, client } = await lonelyProxy(t, { hang: true })
  const started = performance.now()
  const error = await failure(client.getUser(randomUUID(), { timeoutMs: 200, deadlineMs: 700 }))
  const elapsed = performance.now() - started
  t.equal(error.code, 'TIMEOUT')
  t.ok(elapsed < 700 + 1000, `ended after ${Math.round(elapsed)} ms`)
  t.ok(proxy.received.length >= 2, 'a GET is retried after an attempt timeout')
})

t.test('a login that timed out is not retried', async (t) => {
  const { proxy, client } = await lonelyProxy(t, { hang: true })
  const error = await failure(
    client.login({ username: 'ada', password: 'x' }, { timeoutMs: 200, deadlineMs: 5000 }),
  )
  t.equal(error.code, 'TIMEOUT')
  t.equal(proxy.received.length, 1)
})

t.test('a Retry-After past the deadline ends the call at once', async (t) => {
  const fault = { statusCode: 503, code: 'OVERLOADED', retryAfter: '30' } as const
  const { proxy, client } = await lonelyProxy(t, { failFirst: 100, fault })
  const error = await failure(client.jwks({ deadlineMs: 2000 }))
  t.match(error, { code: 'OVERLOADED', retryAfterMs: 30_000 })
  t.equal(proxy.received.length, 1)
})

t.test('the caller’s AbortSignal ends the call with ABORTED', async (t) => {
  const { proxy, client } = await lonelyProxy(t, { hang: true })
  const inFlight = new AbortController()
  const call = failure(client.jwks({ signal: inFlight.signal }))
  await proxy.nextRequest()
  inFlight.abort()
  t.equal((await call).code, 'ABORTED', 'during an attempt')

  const sleeping = await lonelyProxy(t, {
    failFirst: 100,
    fault: { statusCode: 503, code: 'OVERLOADED', retryAfter: '10' },
  })
  const duringBackoff = new AbortController()
  const waiting = failure(
    sleeping.client.jwks({ signal: duringBackoff.signal, deadlineMs: 60_000 }),
  )
  await sleeping.proxy.nextRequest()
  duringBackoff.abort()
  t.equal((await waiting).code, 'ABORTED', 'during the wait before a retry')

  const error = await failure(client.jwks({ signal: AbortSignal.abort() }))
  t.equal(error.code, 'ABORTED', 'already aborted')
})

t.test('a refused connection is NETWORK_ERROR, after retrying even a login', async (t) => {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  const client = createAuthServiceClient({ origin: `http://127.0.0.1:${port}`, ...fast })
  t.teardown(() => client.close())
  const error = await failure(client.login({ username: 'ada', password: 'x' }))
  t.match(error, { code: 'NETWORK_ERROR', message: /ECONNREFUSED/, requestId: String })
})
