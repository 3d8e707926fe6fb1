import type { Knex } from 'knex'
import {
  type ConnectionOptions,
  createPool,
  type ExecuteValues,
  type Pool,
  type PoolConnection,
} from 'mysql2'
import { queryTimeoutOf } from './create-db.js'
import { DatabaseError, errorWithCode } from './database-error.js'
import { isUnavailable } from './dialect.js'
import type { PreparedReads } from './prepared-reads.js'

// mysql2 cannot take back a request for a connection: one whose read timed
// out stays in its line until a connection frees. While the database stalls,
// past this many such requests a read is refused at once rather than let the
// line grow with every request that arrives. A read here is one statement,
// which may carry the lookups of several requests (batched-lookups.ts).
const MAX_QUEUED_REQUESTS = 10_000

interface ReadCounts {
  /** Reads running on a connection. */
  used: number
  /** Reads waiting for a connection. */
  pending: number
  /** Requests for a connection mysql2 still holds, their reads timed out or not. */
  queued: number
}

/**
 * mysql2's `execute` over a pool of mysql2's own, beside Knex's: the binary
 * protocol, each statement prepared once per connection, and a connection
 * handed over in a callback. Borrowing one from Knex's pool cost each lookup
 * tarn's pending operation, its promises and its acquire timer. As large as
 * Knex's pool: a replica holds up to twice DATABASE_POOL_MAX connections.
 */
export function mysqlReads(db: Knex): PreparedReads {
  // Connections open as reads need them and stay open; one the server closes
  // leaves the pool when its FIN arrives. mysql2's maxIdle would close, every
  // second, each free connection beyond it however recently used: under load
  // that meant reconnecting and preparing again all the time.
  const pool = createPool({
    ...(db.client.config.connection as ConnectionOptions),
    connectionLimit: db.client.pool.max as number,
  })
  // A connection's own fault comes with its query's callback; this listener
  // only keeps a second one from being an unhandled 'error' event.
  pool.on('connection', (connection) => connection.on('error', () => {}))
  const timeoutMs = queryTimeoutOf(db)
  const counts: ReadCounts = { used: 0, pending: 0, queued: 0 }
  let drained: (() => void) | undefined
  const onSettled = () => {
    if (counts.used + counts.pending === 0) drained?.()
  }
  return {
    rows: <Row>(sql: string, values: unknown[]) =>
      executeWithin<Row>(pool, counts, onSettled, { sql, values }, timeoutMs),
    stats: () => ({ used: counts.used, pending: counts.pending }),
    async close() {
      // Every read ends within its timeouts. Ended under a read still
      // running, the pool would queue its QUIT behind that read and wait for
      // the server however long it takes, even after the read timed out.
      if (counts.used + counts.pending > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve
        })
      }
      await new Promise<void>((resolve) => pool.end(() => resolve()))
    },
  }
}

/**
 * One execute that fails as unavailable after `ms` waiting for a connection,
 * or `ms` running on it: one promise and one timer. A connection whose
 * execute timed out is destroyed, so the pool does not hand out one still
 * busy or stalled.
 */
function executeWithin<Row>(
  pool: Pool,
  counts: ReadCounts,
  onSettled: () => void,
  { sql, values }: { sql: string; values: unknown[] },
  ms: number,
): Promise<Row[]> {
  if (counts.queued >= MAX_QUEUED_REQUESTS) {
    return Promise.reject(
      new DatabaseError(errorWithCode('READ_QUEUE_FULL', 'too many reads wait')),
    )
  }
  return new Promise((resolve, reject) => {
    let connection: PoolConnection | undefined
    let settled = false
    let counted = true
    // Each read leaves the counts once, however it ends.
    const leaveCounts = () => {
      if (!counted) return
      counted = false
      if (connection) counts.used--
      else counts.pending--
      onSettled()
    }
    const settle = (error: unknown, rows?: unknown) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(new DatabaseError(error))
      else resolve(rows as Row[])
    }
    counts.pending++
    counts.queued++
    const timer = setTimeout(() => {
      leaveCounts()
      connection?.destroy()
      settle(errorWithCode('ETIMEDOUT', 'timed out'))
    }, ms)
    pool.getConnection((error, acquired) => {
      counts.queued--
      if (settled) {
        acquired?.release()
        return
      }
      if (error) {
        leaveCounts()
        return settle(error)
      }
      counts.pending--
      counts.used++
      connection = acquired
      // The execute's own time starts now: a read that waited in line must
      // not take a healthy connection down with it.
      timer.refresh()
      try {
        acquired
          // sql and values apart: execute({ sql, values }) copied the options
          // into a new object on every call, and the lookup cost the service
          // 14 µs more CPU under load (docs/performance.md).
          .execute(sql, values as ExecuteValues[], (error, rows) => {
            if (error && isUnavailable(error)) acquired.destroy()
            leaveCounts()
            settle(error, rows)
          })
          // Released once the command has ended, as mysql2's own pool.execute
          // does: released in the callback, objects of every lookup lived
          // long enough to reach the old generation (a full collection every
          // 0.7 s under load against one in 7 s).
          .once('end', () => {
            leaveCounts()
            acquired.release()
          })
      } catch (error) {
        // mysql2 refuses some bind values by throwing before any I/O.
        leaveCounts()
        acquired.release()
        settle(error)
      }
    })
  })
}
