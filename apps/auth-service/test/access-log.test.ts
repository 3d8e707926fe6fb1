import t from 'tap'
import { accessLogLevel } from '../src/access-log.js'
import { logIn, registerUser } from './helpers/requests.js'
import { forEachDialect } from './helpers/test-app.js'

t.test(
  'changes, refused callers and faults at info; reads and refused input at debug',
  async (t) => {
    const cases: Array<[string, number, 'info' | 'debug']> = [
      ['POST', 201, 'info'],
      ['POST', 200, 'info'],
      ['POST', 401, 'info'],
      ['GET', 401, 'info'],
      ['POST', 403, 'info'],
      ['POST', 429, 'info'],
      ['GET', 429, 'info'],
      ['GET', 500, 'info'],
      ['POST', 503, 'info'],
      ['GET', 200, 'debug'],
      ['HEAD', 200, 'debug'],
      ['GET', 304, 'debug'],
      ['GET', 404, 'debug'],
      ['POST', 400, 'debug'],
      ['POST', 409, 'debug'],
      ['POST', 413, 'debug'],
      ['POST', 415, 'debug'],
      ['POST', 422, 'debug'],
    ]
    for (const [method, status, level] of cases) {
      t.equal(accessLogLevel(method, status), level, `${method} ${status}`)
    }
  },
)

t.test('at LOG_LEVEL=info, the access lines are the registrations and logins', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const { app, logs } = await startApp({ LOG_LEVEL: 'info' })
    const password = 'a fine passphrase'
    const created = await registerUser(app, { username: 'audited', password })
    t.equal(created.statusCode, 201)
    t.equal((await registerUser(app, { username: 'audited', password })).statusCode, 409)
    t.equal((await registerUser(app, { username: 'x', password })).statusCode, 400)
    t.equal((await app.inject({ url: `/users/${created.json().id}` })).statusCode, 200)
    t.equal((await app.inject({ url: '/livez' })).statusCode, 200)
    t.equal((await logIn(app, { username: 'audited', password: 'wrong one' })).statusCode, 401)

    const accessLines = logs()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'request completed')
    t.match(accessLines, [
      { level: 30, method: 'POST', route: '/users', statusCode: 201 },
      { level: 30, method: 'POST', route: '/tokens', statusCode: 401 },
    ])
    t.equal(accessLines.length, 2, 'no line for the 409, the 400, the lookup or the probe')
  })
})
