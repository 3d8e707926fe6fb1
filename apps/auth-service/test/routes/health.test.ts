import t from 'tap'
import { assertErrorBody, registerUser } from '../helpers/requests.js'
import { forEachDialect, startTestApp } from '../helpers/test-app.js'

t.test('/livez and /readyz answer 200 while the database answers', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const live = await app.inject({ url: '/livez' })
    t.equal(live.statusCode, 200)
    t.same(live.json(), { status: 'ok' })
    const ready = await app.inject({ url: '/readyz' })
    t.equal(ready.statusCode, 200)
    t.same(ready.json(), { status: 'ok' })
  })
})

t.test('with the database unreachable: /readyz and data routes 503, /livez 200', async (t) => {
  // Nothing listens on port 1: connections are refused at once.
  const { app, logs } = await startTestApp(t, 'mysql://root:hunter2-db@127.0.0.1:1/auth')
  assertErrorBody(t, await app.inject({ url: '/readyz' }), 503, 'DATABASE_UNAVAILABLE')
  t.equal((await app.inject({ url: '/livez' })).statusCode, 200)
  const registration = await registerUser(app, {
    username: 'nobody',
    password: 'a fine passphrase',
  })
  assertErrorBody(t, registration, 503, 'DATABASE_UNAVAILABLE')
  const lookup = await app.inject({ url: '/users/01900000-0000-7000-8000-000000000000' })
  assertErrorBody(t, lookup, 503, 'DATABASE_UNAVAILABLE')
  t.notMatch(logs(), 'hunter2-db', 'the database password is not logged')
  t.notMatch(logs(), 'a fine passphrase')
})
