import { randomUUID } from 'node:crypto'
import t from 'tap'
import { failure } from './helpers/failure.js'
import { forEachDialect } from './helpers/running-service.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

forEachDialect(t, async (t, service) => {
  const client = service.connect()
  const credentials = { username: 'ada', password: 'correct horse battery' }

  t.test('every method succeeds against the service', async (t) => {
    const user = await client.register(credentials)
    t.match(user, { id: UUID, username: 'ada', createdAt: String })
    t.same(await client.getUser(user.id), user)
    const token = await client.login(credentials)
    t.match(token, {
      accessToken: String,
      tokenType: 'Bearer',
      expiresIn: Number,
      refreshToken: String,
      refreshExpiresIn: Number,
    })
    t.same(await client.me(token.accessToken), user)
    const { keys } = await client.jwks()
    t.ok(keys.length >= 1)
    t.match(keys[0], { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
  })

  t.test('contract errors arrive with their codes and statuses', async (t) => {
    // Thunks: each call starts only when its turn comes, so none rejects unobserved.
    const cases: Array<[string, () => Promise<unknown>, string, number]> = [
      ['malformed id', () => client.getUser('not-a-uuid'), 'VALIDATION_FAILED', 400],
      ['unknown id', () => client.getUser(randomUUID()), 'USER_NOT_FOUND', 404],
      ['taken', () => client.register(credentials), 'USERNAME_TAKEN', 409],
      [
        'wrong password',
        () => client.login({ username: 'ada', password: 'wrong password here' }),
        'INVALID_CREDENTIALS',
        401,
      ],
      ['bad token', () => client.me('not.a.token'), 'INVALID_TOKEN', 401],
    ]
    for (const [name, call, code, statusCode] of cases) {
      t.match(await failure(call()), { code, statusCode, requestId: String }, name)
    }
  })

  t.test('an idempotency key reused with another body is IDEMPOTENCY_KEY_REUSED', async (t) => {
    const idempotencyKey = randomUUID()
    const first = { username: 'grace', password: 'first passphrase ok' }
    const user = await client.register(first, { idempotencyKey })
    t.same(await client.register(first, { idempotencyKey }), user, 'the same body: replayed')
    const reused = await failure(
      client.register({ ...first, password: 'second passphrase ok' }, { idempotencyKey }),
    )
    t.match(reused, { code: 'IDEMPOTENCY_KEY_REUSED', statusCode: 422 })
    t.equal(await service.countUsers(), 2, 'ada and grace only')
  })

  t.test('sequential calls share one keep-alive connection', async (t) => {
    let connections = 0
    const count = () => connections++
    service.app.server.on('connection', count)
    t.teardown(() => service.app.server.off('connection', count))
    const callSeveralTimes = async (client: ReturnType<typeof service.connect>, name: string) => {
      const user = await client.register({ username: name, password: 'penguins on ice' })
      await client.getUser(user.id)
      const { accessToken } = await client.login({ username: name, password: 'penguins on ice' })
      await client.me(accessToken)
      await client.jwks()
      await failure(client.getUser(randomUUID()))
    }
    await callSeveralTimes(service.connect({ connections: 1 }), 'linus')
    t.equal(connections, 1, 'a pool of one: every call on the same connection')
    // A bigger pool may open a second connection while its first is still
    // being marked free after the first answer; it never opens one per call.
    connections = 0
    await callSeveralTimes(service.connect(), 'margaret')
    t.ok(connections <= 2, `the default pool: ${connections} connection(s) for six calls`)
  })

  t.test('the request id travels to the service and back', async (t) => {
    const sent = await failure(client.getUser(randomUUID(), { requestId: 'trace-42.a:b' }))
    t.equal(sent.requestId, 'trace-42.a:b', 'the caller’s id, echoed')
    const generated = await failure(client.getUser(randomUUID()))
    t.match(generated.requestId, UUID, 'a generated one when absent')
    const sourced = service.connect({ requestId: () => 'from-the-trace' })
    t.equal((await failure(sourced.getUser(randomUUID()))).requestId, 'from-the-trace')
  })
})
