import { decodeJwt } from 'jose'
import t from 'tap'
import type { App } from '../../src/app.js'
import {
  assertErrorBody,
  getMe,
  introspect,
  logIn,
  postJson,
  refresh,
  registerUser,
  withBearer,
} from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'

const PASSWORD = 'correct horse battery staple'
const UNKNOWN_ID = '01890000-0000-7000-8000-000000000000'

interface Pair {
  accessToken: string
  refreshToken: string
}

async function threeLogins(app: App, username = 'lorenzo') {
  const user = (await registerUser(app, { username, password: PASSWORD })).json()
  const pairs: Pair[] = []
  for (let login = 0; login < 3; login++) {
    pairs.push((await logIn(app, { username, password: PASSWORD })).json())
  }
  return { user, pairs, sids: pairs.map((pair) => String(decodeJwt(pair.accessToken).sid)) }
}

t.test('GET /users/me/sessions lists the live sessions, the current marked', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    const { pairs, sids } = await threeLogins(app)
    const response = await withBearer(app, 'GET', '/users/me/sessions', pairs[1]?.accessToken ?? '')
    t.equal(response.statusCode, 200)
    t.equal(response.headers['cache-control'], 'no-store')
    const { sessions } = response.json()
    t.same(
      sessions.map((session: { id: string }) => session.id),
      [...sids].reverse(),
      'newest first',
    )
    t.same(Object.keys(sessions[0]).sort(), [
      'createdAt',
      'createdBy',
      'current',
      'expiresAt',
      'id',
      'lastUsedAt',
    ])
    t.same(
      sessions.map((session: { current: boolean }) => session.current),
      [false, true, false],
    )
    t.equal(sessions[0].createdBy, null, 'no caller identity without mutual TLS')
    for (const pair of pairs) t.notMatch(response.body + logs(), pair.refreshToken)
  })
})

t.test('DELETE /users/me/sessions/:id ends that session only', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const { pairs, sids } = await threeLogins(app)
    const [first, second] = pairs as [Pair, Pair]
    const ended = await withBearer(
      app,
      'DELETE',
      `/users/me/sessions/${sids[1]}`,
      first.accessToken,
    )
    t.equal(ended.statusCode, 204)
    t.equal(ended.body, '')
    assertErrorBody(t, await refresh(app, second.refreshToken), 401, 'INVALID_REFRESH_TOKEN')
    assertErrorBody(t, await getMe(app, `Bearer ${second.accessToken}`), 401, 'INVALID_TOKEN')
    t.equal((await refresh(app, first.refreshToken)).statusCode, 200, 'the others live on')
    for (const id of [sids[1], UNKNOWN_ID]) {
      const again = await withBearer(app, 'DELETE', `/users/me/sessions/${id}`, first.accessToken)
      assertErrorBody(t, again, 404, 'SESSION_NOT_FOUND')
    }
    const someoneElse = await threeLogins(app, 'someone')
    const theirs = await withBearer(
      app,
      'DELETE',
      `/users/me/sessions/${someoneElse.sids[0]}`,
      first.accessToken,
    )
    assertErrorBody(t, theirs, 404, 'SESSION_NOT_FOUND', /No live session/)
  })
})

t.test('DELETE /users/me/sessions ends every session but the current one', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const { pairs, sids } = await threeLogins(app)
    const [first, second, third] = pairs as [Pair, Pair, Pair]
    t.equal(
      (await withBearer(app, 'DELETE', '/users/me/sessions', second.accessToken)).statusCode,
      204,
    )
    const left = (await withBearer(app, 'GET', '/users/me/sessions', second.accessToken)).json()
    t.same(
      left.sessions.map((session: { id: string }) => session.id),
      [sids[1]],
    )
    for (const ended of [first, third]) {
      assertErrorBody(t, await refresh(app, ended.refreshToken), 401, 'INVALID_REFRESH_TOKEN')
    }
  })
})

t.test('POST /tokens/revoke ends the session and answers 200 whatever it was sent', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const { pairs } = await threeLogins(app)
    const [first, second] = pairs as [Pair, Pair]
    t.equal((await introspect(app, first.accessToken)).json().active, true)
    const revoked = await postJson(app, '/tokens/revoke', { token: first.refreshToken })
    t.equal(revoked.statusCode, 200)
    t.same(revoked.json(), {})
    t.same((await introspect(app, first.accessToken)).json(), { active: false })
    assertErrorBody(t, await getMe(app, `Bearer ${first.accessToken}`), 401, 'INVALID_TOKEN')
    assertErrorBody(t, await refresh(app, first.refreshToken), 401, 'INVALID_REFRESH_TOKEN')
    for (const token of [first.refreshToken, 'never issued', '']) {
      const again = await postJson(app, '/tokens/revoke', { token })
      t.equal(again.statusCode, 200, 'the same answer for a token already gone or never known')
    }
    t.equal((await introspect(app, second.accessToken)).json().active, true, 'others live')
  })
})

t.test(
  'POST /tokens/introspect: the claims while the token verifies and its session lives',
  async (t) => {
    forEachDialect(t, async (t, { app }) => {
      const { user, pairs, sids } = await threeLogins(app)
      const token = pairs[0]?.accessToken ?? ''
      const response = await introspect(app, token)
      t.equal(response.statusCode, 200)
      t.equal(response.headers['cache-control'], 'no-store')
      const claims = decodeJwt(token)
      t.same(response.json(), {
        active: true,
        sub: user.id,
        sid: sids[0],
        username: 'lorenzo',
        exp: claims.exp,
        iat: claims.iat,
        iss: 'auth-service',
        aud: 'internal-services',
        jti: claims.jti,
        token_type: 'Bearer',
      })
      for (const bad of [`${token.slice(0, -2)}AA`, 'garbage', pairs[0]?.refreshToken ?? '']) {
        t.same((await introspect(app, bad)).json(), { active: false })
      }
    })
  },
)

t.test("the routes on any user's sessions", async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const { user, pairs, sids } = await threeLogins(app)
    const listed = await app.inject({ url: `/users/${user.id}/sessions` })
    t.equal(listed.statusCode, 200)
    t.same(
      listed.json().sessions.map((session: { id: string }) => session.id),
      [...sids].reverse(),
    )
    t.notOk('current' in listed.json().sessions[0], 'no current session for another caller')
    const one = await app.inject({ method: 'DELETE', url: `/users/${user.id}/sessions/${sids[0]}` })
    t.equal(one.statusCode, 204)
    assertErrorBody(t, await refresh(app, pairs[0]?.refreshToken), 401, 'INVALID_REFRESH_TOKEN')
    const again = await app.inject({
      method: 'DELETE',
      url: `/users/${user.id}/sessions/${sids[0]}`,
    })
    assertErrorBody(t, again, 404, 'SESSION_NOT_FOUND')
    t.equal(
      (await app.inject({ method: 'DELETE', url: `/users/${user.id}/sessions` })).statusCode,
      204,
    )
    t.same((await app.inject({ url: `/users/${user.id}/sessions` })).json(), { sessions: [] })
    for (const pair of pairs)
      t.same((await introspect(app, pair.accessToken)).json(), { active: false })
    for (const [method, url] of [
      ['GET', `/users/${UNKNOWN_ID}/sessions`],
      ['DELETE', `/users/${UNKNOWN_ID}/sessions`],
      ['DELETE', `/users/${UNKNOWN_ID}/sessions/${sids[1]}`],
    ] as const) {
      assertErrorBody(t, await app.inject({ method, url }), 404, 'USER_NOT_FOUND')
    }
    assertErrorBody(
      t,
      await app.inject({ url: '/users/not-a-uuid/sessions' }),
      400,
      'VALIDATION_FAILED',
    )
  })
})

t.test('the routes on the own sessions need a live bearer token', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    for (const [method, url] of [
      ['GET', '/users/me/sessions'],
      ['DELETE', '/users/me/sessions'],
      ['DELETE', `/users/me/sessions/${UNKNOWN_ID}`],
    ] as const) {
      assertErrorBody(t, await app.inject({ method, url }), 401, 'INVALID_TOKEN')
    }
  })
})
