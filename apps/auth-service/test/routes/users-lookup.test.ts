import t from 'tap'
import { assertErrorBody, registerUser } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'

t.test('GET /users/:id finds a user, in either case of the id', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const created = (
      await registerUser(app, { username: 'Lookup', password: 'a fine passphrase' })
    ).json()
    const lower = await app.inject({ url: `/users/${created.id}` })
    t.equal(lower.statusCode, 200)
    t.same(lower.json(), created)
    const upper = await app.inject({ url: `/users/${created.id.toUpperCase()}` })
    t.same(upper.json(), created)
  })
})

t.test('an unknown id is a 404, a malformed one a 4xx, never a 5xx', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    const unknown = await app.inject({ url: '/users/01900000-0000-7000-8000-000000000000' })
    assertErrorBody(t, unknown, 404, 'USER_NOT_FOUND')
    for (const id of ['abc', "1' or '1'='1", '%00', '0190000000007000800000000000000000']) {
      assertErrorBody(t, await app.inject({ url: `/users/${id}` }), 400, 'VALIDATION_FAILED')
    }
    const tooLong = await app.inject({ url: `/users/${'a'.repeat(500)}` })
    assertErrorBody(t, tooLong, 400, 'VALIDATION_FAILED', /too long/)
    t.ok(tooLong.headers['x-request-id'], 'with its request id')
    for (const url of ['/users/%', '/users/%E0%A4%A']) {
      const badUrl = await app.inject({ url })
      assertErrorBody(t, badUrl, 400, 'BAD_REQUEST', /URL is malformed/)
      t.ok(badUrl.headers['x-request-id'], 'with its request id')
      t.match(logs(), `"reqId":"${badUrl.headers['x-request-id']}"`, 'and its log line')
    }
  })
})
