import t from 'tap'
import { DatabaseError, runQuery } from '../src/database-error.js'
import { preparedReads } from '../src/prepared-reads.js'
import { mysqlSkip, openMysqlTestDb } from './with-test-db.js'

t.test(
  'a query over the timeout fails as unavailable, and the pool goes on',
  { skip: mysqlSkip },
  async (t) => {
    const db = await openMysqlTestDb(t, { queryTimeoutMs: 200, poolMax: 1 })
    const slow = await runQuery(db, db.raw('select sleep(3)')).catch((error: unknown) => error)
    t.type(slow, DatabaseError)
    t.equal((slow as DatabaseError).unavailable, true)
    // With one connection, a connection still busy with the sleep would hold this up.
    const [rows] = await runQuery(db, db.raw('select 1 as one'))
    t.same(rows, [{ one: 1 }], 'a fresh connection answers')
  },
)

t.test(
  'a prepared read the driver refuses at once leaves no timer behind',
  { skip: mysqlSkip },
  async (t) => {
    const db = await openMysqlTestDb(t, { queryTimeoutMs: 60_000 })
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    await preparedReads(db).rows('select 1 as one', []) // the pool's own timers settle
    const before = timers()
    // mysql2 throws for an undefined bind value before sending anything.
    const refused = await preparedReads(db)
      .rows('select ? as one', [undefined])
      .catch((error: unknown) => error)
    t.type(refused, DatabaseError)
    t.equal(timers(), before, 'the query timeout was cleared')
  },
)

t.test(
  'a prepared read over the timeout fails as unavailable, and the next gets a fresh connection',
  { skip: mysqlSkip },
  async (t) => {
    const db = await openMysqlTestDb(t, { queryTimeoutMs: 300, poolMax: 1 })
    const reads = preparedReads(db)
    const slow = await reads.rows('select sleep(3) as slept', []).catch((error: unknown) => error)
    t.type(slow, DatabaseError)
    t.equal((slow as DatabaseError).unavailable, true)
    // With one connection, one still busy with the sleep would hold this past its timeout.
    t.same(await reads.rows('select 1 as one', []), [{ one: 1 }], 'a fresh connection answers')
  },
)
