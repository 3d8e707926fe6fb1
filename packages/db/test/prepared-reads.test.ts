import t from 'tap'
import { poolStats } from '../src/create-db.js'
import { DatabaseError } from '../src/database-error.js'
import { preparedReads } from '../src/prepared-reads.js'
import { mysqlSkip, openMysqlTestDb } from './with-test-db.js'

t.test(
  'the pool metrics count the prepared reads running and waiting, and let go of them',
  { skip: mysqlSkip },
  async (t) => {
    const db = await openMysqlTestDb(t, { queryTimeoutMs: 2000, poolMax: 1 })
    const reads = preparedReads(db)
    t.same(poolStats(db), { used: 0, pending: 0 }, 'idle')
    const first = reads.rows('select sleep(0.3) as slept', [])
    const second = reads.rows('select 1 as one', [])
    await new Promise((resolve) => setTimeout(resolve, 100))
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
