import t from 'tap'
import { assertErrorBody, registerUser } from '../helpers/requests.js'
import { BCRYPT_HASH, forEachDialect } from '../helpers/test-app.js'

t.test('an unknown route answers 404 in the error format', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const response = await app.inject({ url: '/nope?secret=1' })
    assertErrorBody(t, response, 404, 'NOT_FOUND', /GET \/nope$/)
    assertErrorBody(t, await app.inject({ method: 'DELETE', url: '/users' }), 404, 'NOT_FOUND')
  })
})

t.test('a server fault is a bare 500; the log has the cause but no secrets', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    // Break the schema under the running app: the insert then fails after hashing.
    await app.db.schema.renameTable('users', 'users_gone')
    const password = 'a secret passphrase'
    const response = await registerUser(app, { username: 'doomed', password })
    assertErrorBody(t, response, 500, 'INTERNAL_ERROR', /^Internal Server Error$/)
    t.match(logs(), /"level":50/, 'logged as an error')
    t.match(logs(), /DatabaseError/)
    t.notOk(logs().includes(password), 'no password in the log')
    t.notMatch(logs(), BCRYPT_HASH, 'no hash in the log')
    t.notMatch(response.body, /users_gone|select|insert/i, 'no SQL in the answer')
  })
})

t.test('the request id: the caller’s when acceptable, a new one otherwise', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    const given = await app.inject({ url: '/livez', headers: { 'x-request-id': 'caller-42.a:b' } })
    t.equal(given.headers['x-request-id'], 'caller-42.a:b')
    t.match(logs(), /"reqId":"caller-42.a:b"/)
    const generated = await app.inject({ url: '/livez' })
    t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/)
    const forged = await app.inject({
      url: '/livez',
      headers: { 'x-request-id': 'x\n{"level":60}' },
    })
    t.match(forged.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'unsafe id replaced')
  })
})

t.test('one access line per request with method, route, status, duration and id', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    const before = logs().length
    const response = await app.inject({ url: '/livez', headers: { 'x-request-id': 'one-line' } })
    const lines = logs()
      .slice(before)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'request completed')
    t.equal(lines.length, 1)
    t.match(lines[0], {
      reqId: 'one-line',
      method: 'GET',
      route: '/livez',
      statusCode: response.statusCode,
      durationMs: Number,
      msg: 'request completed',
    })
  })
})
