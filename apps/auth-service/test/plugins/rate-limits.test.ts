import { randomBytes } from 'node:crypto'
import t from 'tap'
import type { App } from '../../src/app.js'
import { assertErrorBody, countUsers } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'

const PASSWORD = 'a fine passphrase'
const redisUrl = process.env.TEST_REDIS_URL
const stores = [
  { store: 'memory', skip: false as const, env: () => ({}) },
  {
    store: 'redis',
    skip: redisUrl ? (false as const) : 'TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)',
    // A prefix of its own per run: counters left by another run must not count.
    env: (prefix = `auth-test-${randomBytes(4).toString('hex')}:`) => ({
      REDIS_URL: redisUrl ?? '',
      REDIS_KEY_PREFIX: prefix,
    }),
  },
]

function post(app: App, url: string, body: unknown, remoteAddress: string) {
  return app.inject({ method: 'POST', url, payload: body as object, remoteAddress })
}

const LIMITS = {
  RATE_LIMIT_REGISTER_PER_ADDRESS: '2',
  RATE_LIMIT_LOGIN_PER_ADDRESS: '3',
  RATE_LIMIT_LOGIN_PER_USERNAME: '2',
}

t.test('registrations are limited per client address', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    for (const { store, skip, env } of stores) {
      t.test(store, { skip }, async (t) => {
        const { app } = await startApp({ ...env(), ...LIMITS })
        const first = await post(
          app,
          '/users',
          { username: `${store}-one1`, password: PASSWORD },
          '10.0.0.1',
        )
        t.equal(first.statusCode, 201)
        t.equal(first.headers['ratelimit-limit'], '2')
        t.equal(first.headers['ratelimit-remaining'], '1')
        t.match(first.headers['ratelimit-reset'], /^\d+$/)
        await post(app, '/users', { username: `${store}-two2`, password: PASSWORD }, '10.0.0.1')
        const before = await countUsers(app)
        const third = await post(
          app,
          '/users',
          { username: `${store}-three`, password: PASSWORD },
          '10.0.0.1',
        )
        assertErrorBody(t, third, 429, 'RATE_LIMITED', /retry in \d+ seconds/)
        t.match(third.headers['retry-after'], /^[1-9]\d*$/)
        t.equal(third.headers['ratelimit-remaining'], '0')
        t.equal(await countUsers(app), before, 'nothing written')
        const elsewhere = await post(
          app,
          '/users',
          { username: `${store}-four`, password: PASSWORD },
          '10.0.0.2',
        )
        t.equal(elsewhere.statusCode, 201, 'another address has its own allowance')
        const metrics = (await app.inject({ url: '/metrics' })).body
        t.match(metrics, /rate_limit_rejections_total\{limit="register-address"\} 1/)
      })
    }
  })
})

t.test('failed logins are limited per canonical username, from any address', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    for (const { store, skip, env } of stores) {
      t.test(store, { skip }, async (t) => {
        const { app } = await startApp({ ...env(), ...LIMITS })
        for (const name of ['alice', 'carol']) {
          await post(app, '/users', { username: name, password: PASSWORD }, '10.1.0.9')
        }
        const attempt = (username: string, password: string, address: string) =>
          post(app, '/tokens', { username, password }, address)
        t.equal((await attempt('alice', 'a wrong guess', '10.1.0.1')).statusCode, 401)
        t.equal((await attempt('alice', 'a wrong guess', '10.1.0.2')).statusCode, 401)
        const third = await attempt('alice', 'a wrong guess', '10.1.0.3')
        assertErrorBody(t, third, 429, 'RATE_LIMITED', /retry/)
        t.match(third.headers['retry-after'], /^[1-9]\d*$/)
        assertErrorBody(
          t,
          await attempt('ＡＬＩＣＥ', 'a wrong guess', '10.1.0.4'),
          429,
          'RATE_LIMITED',
        )
        const right = await attempt('alice', PASSWORD, '10.1.0.5')
        t.equal(right.statusCode, 429, 'the right password waits too: no oracle for guesses')
        for (let i = 0; i < 3; i++) {
          const own = await attempt('carol', PASSWORD, `10.1.1.${i}`)
          t.equal(own.statusCode, 200, 'successful logins spend nothing')
        }
        for (let i = 0; i < 3; i++) {
          const invalid = await attempt('no such name!', 'a wrong guess', '10.1.2.1')
          t.equal(invalid.statusCode, 400, 'a name no one can have is not counted')
        }
        // The headers are the address's allowance: they say nothing of another's account.
        t.equal(third.headers['ratelimit-limit'], '3')
      })
    }
  })
})

t.test('logins are limited per client address, whatever the name', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const { app } = await startApp(LIMITS)
    for (const name of ['ann', 'ben', 'cat']) {
      const answer = await post(app, '/tokens', { username: name, password: PASSWORD }, '10.2.0.1')
      t.equal(answer.statusCode, 401)
    }
    const fourth = await post(app, '/tokens', { username: 'dan', password: PASSWORD }, '10.2.0.1')
    assertErrorBody(t, fourth, 429, 'RATE_LIMITED')
  })
})

t.test('with Redis, the limit holds across replicas', { skip: stores[1]?.skip }, async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const shared = stores[1]?.env() ?? {}
    const { app: replicaA } = await startApp({ ...shared, ...LIMITS })
    const { app: replicaB } = await startApp({ ...shared, ...LIMITS })
    await post(replicaA, '/users', { username: 'rep1', password: PASSWORD }, '10.3.0.1')
    await post(replicaB, '/users', { username: 'rep2', password: PASSWORD }, '10.3.0.1')
    const third = await post(
      replicaA,
      '/users',
      { username: 'rep3', password: PASSWORD },
      '10.3.0.1',
    )
    assertErrorBody(t, third, 429, 'RATE_LIMITED')
  })
})

t.test(
  'a Redis that refuses the credentials: requests pass, the password is not logged',
  { skip: stores[1]?.skip },
  async (t) => {
    forEachDialect(t, async (t, { startApp }) => {
      const url = new URL(redisUrl ?? '')
      url.username = 'someone'
      url.password = 's3cret-redis-pw'
      const { app, logs } = await startApp({ ...LIMITS, REDIS_URL: url.toString() })
      const answer = await post(
        app,
        '/users',
        { username: 'passes', password: PASSWORD },
        '10.6.0.1',
      )
      t.equal(answer.statusCode, 201)
      while (!logs().includes('Redis failed'))
        await new Promise((resolve) => setTimeout(resolve, 20))
      t.notOk(logs().includes('s3cret-redis-pw'), 'the Redis password is in no log line')
    })
  },
)

t.test('RATE_LIMIT_ENABLED=false turns the limits off, for load tests', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const { app } = await startApp({ ...LIMITS, RATE_LIMIT_ENABLED: 'false' })
    for (let i = 0; i < 4; i++) {
      const answer = await post(
        app,
        '/users',
        { username: `free${i}`, password: PASSWORD },
        '10.4.0.1',
      )
      t.equal(answer.statusCode, 201)
      t.notOk(answer.headers['ratelimit-limit'], 'no rate-limit headers')
    }
  })
})

t.test('unknown URLs are rate-limited per address', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const { app } = await startApp({ RATE_LIMIT_NOT_FOUND_PER_ADDRESS: '2' })
    const probe = () => app.inject({ url: '/admin', remoteAddress: '10.5.0.1' })
    assertErrorBody(t, await probe(), 404, 'NOT_FOUND')
    assertErrorBody(t, await probe(), 404, 'NOT_FOUND')
    assertErrorBody(t, await probe(), 429, 'RATE_LIMITED')
  })
})
