import t from 'tap'
import { type AuthServiceClient, createAuthServiceClient } from '../src/index.js'
import { failure } from './helpers/failure.js'
import { behindProxy, lonelyProxy } from './helpers/proxied-client.js'
import { forEachDialect } from './helpers/running-service.js'

const PASSWORD = 'correct horse battery'
// The service handles the first attempt, and its answer is lost with the connection.
const firstAnswerDropped = { failFirst: 1, forwardFaulted: true, faultBy: 'drop' } as const

async function loggedIn(client: AuthServiceClient, username: string) {
  const user = await client.register({ username, password: PASSWORD })
  const pair = await client.login({ username, password: PASSWORD })
  const { sid } = await client.introspect(pair.accessToken)
  return { user, pair, sid: sid ?? '' }
}

forEachDialect(t, async (t, service) => {
  const direct = service.connect()

  t.test('a refresh whose answer was dropped is retried, for the lost successor', async (t) => {
    const { pair } = await loggedIn(direct, 'ada')
    const { proxy, client } = await behindProxy(service, firstAnswerDropped)
    const next = await client.refresh(pair.refreshToken)
    t.equal(proxy.received.length, 2, 'two attempts')
    const lost = JSON.parse(proxy.serviceAnswers[0] ?? '{}')
    t.equal(next.refreshToken, lost.refreshToken, 'the successor the dropped answer carried')
    t.equal((await direct.introspect(next.accessToken)).active, true, 'the session lives')
    t.ok((await direct.refresh(next.refreshToken)).refreshToken, 'and the successor refreshes')
  })

  t.test('a refresh is not retried once its window has passed', async (t) => {
    const { pair } = await loggedIn(direct, 'grace')
    // The service spends the token, and the answer never comes: the attempt
    // times out after 300 ms, past the 200 ms window.
    const hung = { failFirst: 1, forwardFaulted: true, faultBy: 'hang' } as const
    const late = await behindProxy(service, hung, { refreshRetryWindowMs: 200 })
    const error = await failure(late.client.refresh(pair.refreshToken, { timeoutMs: 300 }))
    t.equal(error.code, 'TIMEOUT')
    t.equal(late.proxy.received.length, 1, 'one attempt only')
    t.equal((await direct.introspect(pair.accessToken)).active, true, 'the session lives')

    const inTime = await behindProxy(service, hung, { refreshRetryWindowMs: 5_000 })
    const next = await inTime.client.refresh(pair.refreshToken, { timeoutMs: 300 })
    t.equal(inTime.proxy.received.length, 2, 'within the window the same timeout is retried')
    t.equal((await direct.introspect(next.accessToken)).active, true)
  })

  t.test('revoke, introspect and the session routes are retried after a lost answer', async (t) => {
    const { user, pair } = await loggedIn(direct, 'linus')
    const other = await direct.login({ username: 'linus', password: PASSWORD })
    const calls: Array<[string, (client: AuthServiceClient) => Promise<unknown>]> = [
      ['introspect', (client) => client.introspect(pair.accessToken)],
      ['listMySessions', (client) => client.listMySessions(pair.accessToken)],
      ['listUserSessions', (client) => client.listUserSessions(user.id)],
      ['endMyOtherSessions', (client) => client.endMyOtherSessions(pair.accessToken)],
      ['revoke', (client) => client.revoke(other.refreshToken)],
      ['endUserSessions', (client) => client.endUserSessions(user.id)],
    ]
    for (const [name, call] of calls) {
      const { proxy, client } = await behindProxy(service, firstAnswerDropped)
      await call(client)
      t.equal(proxy.received.length, 2, `${name}: retried once, then answered`)
    }
    t.same(await direct.listUserSessions(user.id), { sessions: [] }, 'every session ended')
  })

  t.test('ending one session, retried after a lost answer, rejects though it ended', async (t) => {
    // The first attempt ends the session, so the repeat finds it gone (README).
    const { pair: first, sid: firstSid } = await loggedIn(direct, 'margaret')
    const second = await direct.login({ username: 'margaret', password: PASSWORD })
    const { sid: secondSid } = await direct.introspect(second.accessToken)
    const another = await behindProxy(service, firstAnswerDropped)
    const gone = await failure(another.client.endMySession(first.accessToken, secondSid ?? ''))
    t.match(gone, { code: 'SESSION_NOT_FOUND', statusCode: 404 }, 'another session')
    t.equal(another.proxy.received.length, 2)
    t.equal((await direct.introspect(second.accessToken)).active, false, 'yet it ended')
    const own = await behindProxy(service, firstAnswerDropped)
    const ended = await failure(own.client.endMySession(first.accessToken, firstSid))
    t.match(ended, { code: 'INVALID_TOKEN', statusCode: 401 }, 'the token’s own session')
    t.equal((await direct.introspect(first.accessToken)).active, false, 'yet it ended')
  })
})

t.test('a refresh retry that would start past its window is not started', async (t) => {
  const fault = { statusCode: 503, code: 'OVERLOADED', retryAfter: '1' } as const
  const slow = await lonelyProxy(t, { failFirst: 100, fault }, { refreshRetryWindowMs: 500 })
  const error = await failure(slow.client.refresh('a token'))
  t.match(error, { code: 'OVERLOADED', retryAfterMs: 1000 })
  t.equal(slow.proxy.received.length, 1, 'no wait of 1 s in a window of 500 ms')

  const retried = await lonelyProxy(t, { failFirst: 100 })
  t.match(await failure(retried.client.refresh('a token')), { code: 'OVERLOADED' })
  t.equal(retried.proxy.received.length, 4, 'within the default window: every attempt')

  const off = await lonelyProxy(t, { failFirst: 100 }, { refreshRetryWindowMs: 0 })
  await failure(off.client.refresh('a token'))
  t.equal(off.proxy.received.length, 1, 'a window of 0: no retries')
})

t.test('a negative refreshRetryWindowMs is refused', async (t) => {
  t.throws(
    () => createAuthServiceClient({ origin: 'http://127.0.0.1:1', refreshRetryWindowMs: -1 }),
    { name: 'TypeError', message: /refreshRetryWindowMs/ },
  )
})
