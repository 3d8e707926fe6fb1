import { createDb, type Knex, migrateToLatest } from '@auth-service/db'
import { testDialects } from '@auth-service/db/testing'
import t, { type Test } from 'tap'
import type { App } from '../src/app.js'
import { assertErrorBody, logIn, refresh, registerUser } from './helpers/requests.js'
import { startTcpProxy } from './helpers/tcp-proxy.js'
import { startTestApp } from './helpers/test-app.js'

const mysql = testDialects().find(({ dialect }) => dialect === 'mysql')
const BOUNDS = { DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_QUERY_TIMEOUT_MS: '1000' }

/** A migrated MySQL database for this test, reached directly and through a proxy. */
async function proxiedDatabase(t: Test) {
  const database = await mysql?.create()
  if (database === undefined) throw new Error('no MySQL test database')
  const direct = createDb(database.url)
  await migrateToLatest(direct)
  const url = new URL(database.url)
  const proxy = await startTcpProxy(url.hostname, Number(url.port || 3306))
  t.teardown(async () => {
    await proxy.close()
    await direct.destroy()
    await database.drop()
  })
  url.hostname = '127.0.0.1'
  url.port = String(proxy.port)
  return { direct, proxy, proxiedUrl: url.toString() }
}

/** Resolves once the server runs no statement starting with `statementStart`. */
async function untilNoneRunning(direct: Knex, statementStart: string): Promise<void> {
  const running = async () => {
    const [rows] = await direct.raw(
      'select count(*) as running from information_schema.processlist where info like ?',
      [`${statementStart}%`],
    )
    return Number(rows[0].running)
  }
  while ((await running()) > 0) await new Promise((resolve) => setImmediate(resolve))
}

interface Outcome {
  status: number
  code?: string
  id?: string
  username: string
}

/**
 * Registers `total` users, `concurrency` at a time; `onProgress` is awaited
 * after each answer with the number of answers so far.
 */
async function registerMany(
  app: App,
  total: number,
  concurrency: number,
  onProgress: (done: number) => Promise<void>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  let next = 0
  const worker = async () => {
    while (next < total) {
      const username = `user${next++}`
      const response = await registerUser(app, { username, password: 'a fine passphrase' })
      const body = response.json()
      outcomes.push({ status: response.statusCode, code: body.code, id: body.id, username })
      await onProgress(outcomes.length)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return outcomes
}

t.test(
  'the database cut mid-run: 503s, then recovery; every 201 has its row, no other row exists',
  { skip: mysql?.skip },
  async (t) => {
    const { direct, proxy, proxiedUrl } = await proxiedDatabase(t)
    const { app, logs } = await startTestApp(t, proxiedUrl, {
      ...BOUNDS,
      RATE_LIMIT_ENABLED: 'false',
    })
    const readiness: number[] = []
    const outcomes = await registerMany(app, 60, 8, async (done) => {
      if (done === 15) {
        await proxy.cut()
        readiness.push((await app.inject({ url: '/readyz' })).statusCode)
      }
      if (done === 30) {
        await proxy.restore()
        readiness.push((await app.inject({ url: '/readyz' })).statusCode)
      }
    })
    t.same(readiness, [503, 200], '/readyz follows the database')
    const statuses = new Set(outcomes.map((outcome) => outcome.status))
    t.same([...statuses].sort(), [201, 503], 'only 201 and 503: never a 500')
    for (const outcome of outcomes.filter((o) => o.status === 503)) {
      t.equal(outcome.code, 'DATABASE_UNAVAILABLE', outcome.username)
    }
    t.ok(
      outcomes.slice(-10).every((outcome) => outcome.status === 201),
      'recovered by itself',
    )

    await app.registrationRollback.settled()
    const rows = await direct('users').select('id', 'username')
    const created = outcomes.filter((outcome) => outcome.status === 201)
    t.same(
      rows.map((row) => row.id).sort(),
      created.map((outcome) => outcome.id).sort(),
      'every 201 has its row, and no row exists without a 201',
    )
    t.notMatch(logs(), /"level":50/, 'nothing logged as an unexpected fault')
  },
)

t.test(
  'a stalled database: answers 503 within the bounds, then recovers',
  { skip: mysql?.skip },
  async (t) => {
    const { proxy, proxiedUrl } = await proxiedDatabase(t)
    const { app } = await startTestApp(t, proxiedUrl, BOUNDS)
    const user = (
      await registerUser(app, { username: 'stalled', password: 'a fine passphrase' })
    ).json()
    proxy.stall()
    for (const url of [`/users/${user.id}`, '/readyz']) {
      const started = Date.now()
      const response = await app.inject({ url })
      assertErrorBody(t, response, 503, 'DATABASE_UNAVAILABLE')
      t.ok(Date.now() - started < 3000, `${url} answered within the query bound`)
      t.equal(response.headers['retry-after'], '1')
    }
    await proxy.restore()
    // A connection attempt begun during the stall may still fail just after
    // it ends; the next ones succeed, with no restart.
    let ready = await app.inject({ url: '/readyz' })
    for (let attempt = 1; ready.statusCode !== 200 && attempt < 5; attempt++) {
      ready = await app.inject({ url: '/readyz' })
    }
    t.equal(ready.statusCode, 200, 'ready again by itself')
    t.equal((await app.inject({ url: `/users/${user.id}` })).statusCode, 200, 'and serving')
  },
)

t.test(
  'a registration whose answer was lost is rolled back once the database returns',
  { skip: mysql?.skip },
  async (t) => {
    const { direct, proxy, proxiedUrl } = await proxiedDatabase(t)
    const { app, logs } = await startTestApp(t, proxiedUrl, BOUNDS)
    const { id } = (await registerUser(app, { username: 'lost', password: 'a fine pass' })).json()
    // As registerUser does when a COMMIT's outcome is unknown (here with no
    // session left that could still complete it).
    await proxy.cut()
    app.registrationRollback.schedule(id, undefined)
    t.equal(app.registrationRollback.pending, 1, 'pending while the database is away')
    await proxy.restore()
    await app.registrationRollback.settled()
    t.equal(await direct('users').where({ id }).first(), undefined, 'the row is gone')
    t.match(logs(), /"existed":true,"msg":"unconfirmed registration rolled back"/)
  },
)

t.test(
  'an insert held up past its timeout leaves no row, whenever the server finishes it',
  { skip: mysql?.skip },
  async (t) => {
    const { direct, proxiedUrl } = await proxiedDatabase(t)
    const { app } = await startTestApp(t, proxiedUrl, BOUNDS)
    // Another session locks the whole (empty) table: inserts wait for it.
    const locker = await direct.transaction()
    await locker.raw("select id from users where id >= '' for update")
    const response = await registerUser(app, { username: 'held', password: 'a fine passphrase' })
    assertErrorBody(t, response, 503, 'DATABASE_UNAVAILABLE')
    await locker.commit()
    // The server now runs the insert it was waiting with; wait until it has.
    await untilNoneRunning(direct, 'insert into `users`')
    t.equal(
      await direct('users')
        .count({ users: '*' })
        .first()
        .then((row) => Number(row?.users)),
      0,
    )
  },
)

t.test(
  'a refresh during a cut gets 503, and the old token still works: never neither, never two chains',
  { skip: mysql?.skip },
  async (t) => {
    const { direct, proxy, proxiedUrl } = await proxiedDatabase(t)
    const { app, logs } = await startTestApp(t, proxiedUrl, BOUNDS)
    const credentials = { username: 'cut', password: 'a fine passphrase' }
    await registerUser(app, credentials)
    const { refreshToken } = (await logIn(app, credentials)).json()
    proxy.stall()
    assertErrorBody(t, await refresh(app, refreshToken), 503, 'DATABASE_UNAVAILABLE')
    await proxy.restore()
    let retried = await refresh(app, refreshToken)
    // A connection attempt begun during the stall may still fail just after it.
    for (let attempt = 1; retried.statusCode === 503 && attempt < 5; attempt++) {
      retried = await refresh(app, refreshToken)
    }
    t.equal(retried.statusCode, 200, 'the token sent during the cut still works')
    const live = await direct('refresh_tokens').whereNull('spent_at')
    t.equal(live.length, 1, 'one live token in the session')
    t.equal((await refresh(app, retried.json().refreshToken)).statusCode, 200)
    t.notMatch(logs(), refreshToken)
  },
)

t.test(
  'a refresh held up past its timeout by a lock leaves the token unspent',
  { skip: mysql?.skip },
  async (t) => {
    const { direct, proxiedUrl } = await proxiedDatabase(t)
    const { app } = await startTestApp(t, proxiedUrl, BOUNDS)
    const credentials = { username: 'held', password: 'a fine passphrase' }
    await registerUser(app, credentials)
    const { refreshToken } = (await logIn(app, credentials)).json()
    const locker = await direct.transaction()
    await locker.raw("select id from sessions where id >= '' for update")
    assertErrorBody(t, await refresh(app, refreshToken), 503, 'DATABASE_UNAVAILABLE')
    await locker.commit()
    await untilNoneRunning(direct, 'update `sessions`')
    t.equal((await direct('refresh_tokens').whereNotNull('spent_at')).length, 0, 'nothing spent')
    t.equal((await refresh(app, refreshToken)).statusCode, 200, 'and it works now')
  },
)
