import { createHash } from 'node:crypto'
import { decodeJwt } from 'jose'
import t from 'tap'
import type { App } from '../../src/app.js'
import {
  assertErrorBody,
  getMe,
  introspect,
  logIn,
  manualClock,
  refresh,
  registerUser,
} from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'

const PASSWORD = 'correct horse battery staple'
const DAY_MS = 86_400_000

async function loggedIn(app: App, username = 'lorenzo') {
  await registerUser(app, { username, password: PASSWORD })
  const login = await logIn(app, { username, password: PASSWORD })
  return login.json() as { accessToken: string; refreshToken: string; refreshExpiresIn: number }
}

async function liveTokens(app: App, sessionId: string) {
  return app.db('refresh_tokens').where({ session_id: sessionId, spent_at: null })
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

t.test('a login starts a session: a refresh token stored only as its SHA-256', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    const pair = await loggedIn(app)
    t.match(pair.refreshToken, /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url')
    t.equal(pair.refreshExpiresIn, 7 * 86_400, 'SESSION_IDLE_TTL defaults to 7 days')
    const { sid } = decodeJwt(pair.accessToken)
    t.type(sid, 'string', 'the access token names its session')
    const stored = await app.db('refresh_tokens').select('token_hash', 'session_id')
    t.same(stored, [{ token_hash: sha256(pair.refreshToken), session_id: sid }])
    t.notMatch(logs(), pair.refreshToken, 'the token is never logged')
    t.notMatch(logs(), sha256(pair.refreshToken), 'nor its hash')
  })
})

t.test('a refresh spends its token for a new pair in the same session', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    const first = await loggedIn(app)
    const response = await refresh(app, first.refreshToken)
    t.equal(response.statusCode, 200)
    t.equal(response.headers['cache-control'], 'no-store')
    const second = response.json()
    t.same(Object.keys(second).sort(), [
      'accessToken',
      'expiresIn',
      'refreshExpiresIn',
      'refreshToken',
      'tokenType',
    ])
    t.not(second.refreshToken, first.refreshToken)
    t.equal(decodeJwt(second.accessToken).sid, decodeJwt(first.accessToken).sid)
    t.equal((await getMe(app, `Bearer ${second.accessToken}`)).statusCode, 200)
    const third = await refresh(app, second.refreshToken)
    t.equal(third.statusCode, 200, 'the new token works in turn')
    t.equal((await liveTokens(app, String(decodeJwt(first.accessToken).sid))).length, 1)
    for (const token of [first.refreshToken, second.refreshToken, third.json().refreshToken]) {
      t.notMatch(logs(), token)
    }
  })
})

t.test('a retry within the grace gets the same successor and revokes nothing', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const clock = manualClock()
    const { app } = await startApp({}, clock)
    const first = await loggedIn(app)
    const answered = (await refresh(app, first.refreshToken)).json()
    clock.advance(9_000)
    const retried = await refresh(app, first.refreshToken)
    t.equal(retried.statusCode, 200)
    t.equal(retried.json().refreshToken, answered.refreshToken, 'the same successor')
    t.equal((await getMe(app, `Bearer ${retried.json().accessToken}`)).statusCode, 200)
    t.equal((await refresh(app, answered.refreshToken)).statusCode, 200, 'the successor works')
  })
})

t.test('a spent token sent after the grace ends the whole session', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const clock = manualClock()
    const { app, logs } = await startApp({ REFRESH_REUSE_GRACE_SECONDS: '5' }, clock)
    const first = await loggedIn(app)
    const second = (await refresh(app, first.refreshToken)).json()
    clock.advance(5_001)
    assertErrorBody(t, await refresh(app, first.refreshToken), 401, 'INVALID_REFRESH_TOKEN')
    assertErrorBody(t, await refresh(app, second.refreshToken), 401, 'INVALID_REFRESH_TOKEN')
    t.same((await introspect(app, second.accessToken)).json(), { active: false })
    assertErrorBody(t, await getMe(app, `Bearer ${second.accessToken}`), 401, 'INVALID_TOKEN')
    t.equal(Number((await app.db('sessions').count({ n: '*' }))[0]?.n), 0)
    t.match(logs(), /"reason":"reuse"/)
  })
})

t.test('20 concurrent refreshes of one token leave one live successor', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const first = await loggedIn(app)
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refresh(app, first.refreshToken)),
    )
    t.same(
      answers.map((answer) => answer.statusCode),
      Array(20).fill(200),
    )
    const successors = new Set(answers.map((answer) => answer.json().refreshToken))
    t.equal(successors.size, 1, 'every answer carries the same refresh token')
    const sid = String(decodeJwt(first.accessToken).sid)
    t.equal((await liveTokens(app, sid)).length, 1, 'one live token in the family')
    t.equal((await refresh(app, [...successors][0])).statusCode, 200)
  })
})

t.test('sessions end after SESSION_IDLE_TTL unused and SESSION_TTL in all', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const clock = manualClock()
    const { app } = await startApp({}, clock)
    const idle = await loggedIn(app, 'idle')
    clock.advance(7 * DAY_MS + 1)
    assertErrorBody(t, await refresh(app, idle.refreshToken), 401, 'INVALID_REFRESH_TOKEN')

    const busy = await loggedIn(app, 'busy')
    let token = busy.refreshToken
    for (let day = 6; day < 30; day += 6) {
      clock.advance(6 * DAY_MS)
      const answer = await refresh(app, token)
      t.equal(answer.statusCode, 200, `refreshed on day ${day}`)
      token = answer.json().refreshToken
      if (day === 24) t.equal(answer.json().refreshExpiresIn, 6 * 86_400, 'what the 30 days leave')
    }
    clock.advance(6 * DAY_MS)
    assertErrorBody(t, await refresh(app, token), 401, 'INVALID_REFRESH_TOKEN')

    t.equal(await app.sessions.sweep(app.log), 2, 'the sweep deletes both')
    t.same(await app.db('refresh_tokens').select('token_hash'), [])
  })
})

t.test('a token never issued, or not a token at all, gets the same 401', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    await loggedIn(app)
    for (const token of ['A'.repeat(43), 'not a token', '']) {
      assertErrorBody(t, await refresh(app, token), 401, 'INVALID_REFRESH_TOKEN', /log in again/)
    }
    assertErrorBody(t, await refresh(app, 42), 400, 'VALIDATION_FAILED')
  })
})

t.test('a token verified before is refused once it expires, cached or not', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const clock = manualClock()
    const { app } = await startApp({}, clock)
    const { accessToken } = await loggedIn(app)
    t.equal((await introspect(app, accessToken)).json().active, true)
    t.equal((await getMe(app, `Bearer ${accessToken}`)).statusCode, 200)
    clock.advance(900_000 + 5_000)
    t.same((await introspect(app, accessToken)).json(), { active: false })
    assertErrorBody(t, await getMe(app, `Bearer ${accessToken}`), 401, 'INVALID_TOKEN', /expired/)
  })
})
