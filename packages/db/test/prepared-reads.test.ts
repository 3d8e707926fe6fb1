import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { poolStats } from '../src/create-db.js'
import { DatabaseError } from '../src/database-error.js'
import { preparedReads } from '../src/prepared-reads.js'
import { forEachDialect, mysqlSkip, openMysqlTestDb } from './with-test-db.js'

t.test(
  'the pool metrics count the prepared reads running and waiting, and let go of them',
  { skip: mysqlSkip },
  async (t) => {
    const db = await openMysqlTestDb(t, { queryTimeoutMs: 2000, poolMax: 1 })
    const reads = preparedReads(db)
    await reads.rows('select 1 as one', []) // the connection is open
    t.same(poolStats(db), { used: 0, pending: 0 }, 'idle')
    const first = reads.rows('select sleep(0.3) as slept', [])
    const second = reads.rows('select 1 as one', [])
    await nextTurn()
    t.same(poolStats(db), { used: 1, pending: 1 }, 'one running, one waiting for the connection')
    await Promise.all([first, second])
    t.same(poolStats(db), { used: 0, pending: 0 }, 'idle again')

    const timedOut = await reads
      .rows('select sleep(3) as slept', [])
      .catch((error: unknown) => error)
    t.type(timedOut, DatabaseError)
    t.same(poolStats(db), { used: 0, pending: 0 }, 'a read that timed out is counted out')
  },
)

t.test(
  'a read that waited for its connection still has the whole timeout to run',
  { skip: mysqlSkip },
  async (t) => {
    const db = await openMysqlTestDb(t, { queryTimeoutMs: 1000, poolMax: 1 })
    const reads = preparedReads(db)
    const holding = reads.rows('select sleep(0.8) as slept', [])
    // Waits about 0.8 s for the connection, then runs 0.5 s: over the
    // timeout in all, within it on the connection.
    const waited = await reads.rows('select sleep(0.5) as slept', [])
    t.same(waited, [{ slept: 0 }])
    await holding
  },
)

t.test('a read after the pool closed is refused as unavailable', async (t) => {
  forEachDialect(t, async (t, db) => {
    await preparedReads(db).rows('select 1 as one', [])
    await db.destroy()
    const refused = await preparedReads(db)
      .rows('select 1 as one', [])
      .catch((error: unknown) => error)
    t.type(refused, DatabaseError)
    t.equal((refused as DatabaseError).unavailable, true)
  })
})

t.test(
  'closing does not wait for the server to answer a read that timed out',
  { skip: mysqlSkip },
  async (t) => {
    const db = await openMysqlTestDb(t, { queryTimeoutMs: 300, poolMax: 1 })
    const reads = preparedReads(db)
    await reads.rows('select 1 as one', []) // the connection is open
    const reading = reads.rows('select sleep(5) as slept', []).catch((error: unknown) => error)
    await nextTurn() // and running the sleep
    const closing = db.destroy().then(() => 'closed')
    const outcome = await Promise.race([closing, sleep(3000).then(() => 'still closing')])
    t.equal(outcome, 'closed', 'closed once the read timed out, not when the server answered')
    t.type(await reading, DatabaseError)
  },
)

t.test(
  'past 10,000 requests for a connection in line, a read is refused at once',
  { skip: mysqlSkip },
  async (t) => {
    const db = await openMysqlTestDb(t, { queryTimeoutMs: 500, poolMax: 1 })
    const reads = preparedReads(db)
    const inLine = Array.from({ length: 10_000 }, () =>
      reads.rows('select sleep(1) as slept', []).catch((error: unknown) => error),
    )
    const refused = await reads.rows('select 1 as one', []).catch((error: unknown) => error)
    t.type(refused, DatabaseError)
    t.equal((refused as DatabaseError).code, 'READ_QUEUE_FULL')
    t.equal((refused as DatabaseError).unavailable, true)
    const outcomes = await Promise.all(inLine)
    t.ok(
      outcomes.every((outcome) => outcome instanceof DatabaseError),
      'the ones in line timed out',
    )
  },
)
