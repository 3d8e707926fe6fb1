import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TokenPairResponse } from '@auth-service/shared'
import t from 'tap'
import type { AuthServiceClient } from '../src/index.js'
import { failure } from './helpers/failure.js'
import { forEachDialect } from './helpers/running-service.js'

const PASSWORD = 'correct horse battery'

/** A new user logged in `logins` times: one session, and one pair, per login. */
async function userWithSessions(client: AuthServiceClient, username: string, logins = 1) {
  const user = await client.register({ username, password: PASSWORD })
  const pairs: TokenPairResponse[] = []
  for (let login = 0; login < logins; login++) {
    pairs.push(await client.login({ username, password: PASSWORD }))
  }
  const sids = await Promise.all(
    pairs.map(async (pair) => (await client.introspect(pair.accessToken)).sid),
  )
  return { user, pairs, sids }
}

forEachDialect(t, async (t, service) => {
  const client = service.connect()

  t.test('a login answers an access token and a refresh token', async (t) => {
    const { pairs } = await userWithSessions(client, 'ada')
    t.match(pairs[0], {
      accessToken: String,
      tokenType: 'Bearer',
      expiresIn: Number,
      refreshToken: /^[A-Za-z0-9_-]{43}$/,
      refreshExpiresIn: Number,
    })
  })

  t.test('a refresh spends its token for a new pair of the same session', async (t) => {
    const { pairs, sids } = await userWithSessions(client, 'grace')
    const [first] = pairs as [TokenPairResponse]
    const next = await client.refresh(first.refreshToken)
    t.match(next, { accessToken: String, tokenType: 'Bearer', refreshToken: String })
    t.not(next.refreshToken, first.refreshToken, 'a new refresh token')
    t.not(next.accessToken, first.accessToken, 'a new access token')
    t.equal((await client.introspect(next.accessToken)).sid, sids[0], 'the same session')
    const replayed = await client.refresh(first.refreshToken)
    t.equal(replayed.refreshToken, next.refreshToken, 'sent again within the grace: the successor')
    t.ok((await client.refresh(next.refreshToken)).refreshToken, 'the successor refreshes')
  })

  t.test('a revoked refresh token is refused with INVALID_REFRESH_TOKEN', async (t) => {
    const { pairs } = await userWithSessions(client, 'linus')
    const [pair] = pairs as [TokenPairResponse]
    t.equal(await client.revoke(pair.refreshToken), undefined)
    const refused = await failure(client.refresh(pair.refreshToken))
    t.match(refused, { code: 'INVALID_REFRESH_TOKEN', statusCode: 401, requestId: String })
    await client.revoke(pair.refreshToken)
    await client.revoke('never issued')
    t.pass('revoking a token already gone, or never known, succeeds too')
  })

  t.test('introspection: active with the claims, inactive once revoked', async (t) => {
    const { user, pairs } = await userWithSessions(client, 'margaret')
    const [pair] = pairs as [TokenPairResponse]
    t.match(await client.introspect(pair.accessToken), {
      active: true,
      sub: user.id,
      sid: String,
      username: 'margaret',
      exp: Number,
      token_type: 'Bearer',
    })
    await client.revoke(pair.refreshToken)
    t.same(await client.introspect(pair.accessToken), { active: false })
    t.same(await client.introspect('not.a.token'), { active: false })
  })

  t.test('the own sessions are listed, and ended one or all but the current', async (t) => {
    const { pairs, sids } = await userWithSessions(client, 'barbara', 3)
    const [first, second, third] = pairs as [
      TokenPairResponse,
      TokenPairResponse,
      TokenPairResponse,
    ]
    const { sessions } = await client.listMySessions(second.accessToken)
    t.same(
      sessions.map((session) => session.id),
      [...sids].reverse(),
      'newest first',
    )
    t.same(
      sessions.map((session) => session.current),
      [false, true, false],
    )
    t.equal(await client.endMySession(first.accessToken, sids[2] ?? ''), undefined, '204')
    t.match(await failure(client.refresh(third.refreshToken)), { code: 'INVALID_REFRESH_TOKEN' })
    const again = await failure(client.endMySession(first.accessToken, sids[2] ?? ''))
    t.match(again, { code: 'SESSION_NOT_FOUND', statusCode: 404 })
    t.equal(await client.endMyOtherSessions(second.accessToken), undefined, '204')
    const left = await client.listMySessions(second.accessToken)
    t.same(
      left.sessions.map((session) => session.id),
      [sids[1]],
    )
    const ended = await failure(client.listMySessions(first.accessToken))
    t.match(ended, { code: 'INVALID_TOKEN', statusCode: 401 }, 'an ended session’s access token')
  })

  t.test('any user’s sessions are listed and ended', async (t) => {
    const { user, pairs, sids } = await userWithSessions(client, 'edsger', 2)
    const { sessions } = await client.listUserSessions(user.id)
    t.same(
      sessions.map((session) => session.id),
      [...sids].reverse(),
    )
    t.notOk('current' in (sessions[0] ?? {}), 'no current session without a bearer token')
    t.equal(await client.endUserSession(user.id, sids[0] ?? ''), undefined, '204')
    const again = await failure(client.endUserSession(user.id, sids[0] ?? ''))
    t.match(again, { code: 'SESSION_NOT_FOUND', statusCode: 404 })
    t.equal(await client.endUserSessions(user.id), undefined, '204')
    t.same(await client.listUserSessions(user.id), { sessions: [] })
    t.same(await client.introspect(pairs[1]?.accessToken ?? ''), { active: false })
    const unknown = await failure(client.listUserSessions(randomUUID()))
    t.match(unknown, { code: 'USER_NOT_FOUND', statusCode: 404 })
  })
})

t.test('in production without a caller policy, sessions:manage is refused', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-client-key-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // Production refuses to start without a signing key of its own.
  const signingKeyFile = path.join(dir, 'signing.pem')
  const { privateKey } = generateKeyPairSync('ed25519')
  writeFileSync(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }))
  forEachDialect(
    t,
    async (t, service) => {
      const client = service.connect()
      const { user, pairs, sids } = await userWithSessions(client, 'ada')
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['list', () => client.listUserSessions(user.id)],
        ['end all', () => client.endUserSessions(user.id)],
        ['end one', () => client.endUserSession(user.id, sids[0] ?? '')],
      ]
      for (const [name, call] of calls) {
        t.match(await failure(call()), { code: 'CALLER_NOT_PERMITTED', statusCode: 403 }, name)
      }
      const own = await client.listMySessions(pairs[0]?.accessToken ?? '')
      t.equal(own.sessions.length, 1, 'the own sessions need no permission')
    },
    { NODE_ENV: 'production', TOKEN_SIGNING_KEY_FILE: signingKeyFile },
  )
})
