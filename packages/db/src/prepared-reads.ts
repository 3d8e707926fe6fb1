import Database from 'better-sqlite3'
import type { Knex } from 'knex'
import {
  type ConnectionOptions,
  createPool,
  type ExecuteValues,
  type Pool,
  type PoolConnection,
} from 'mysql2'
import { type PoolStats, queryTimeoutOf } from './create-db.js'
import { DatabaseError } from './database-error.js'
import { dialectOf, isUnavailable } from './dialect.js'

/**
 * Reads on the hot path, as prepared statements on the driver itself: Knex's
 * builder, compiler and pool hand-off cost more than a primary-key lookup
 * (measured: about 33 µs a lookup through Knex, 8 µs on better-sqlite3).
 * Writes, transactions and everything else stay on Knex.
 */
export interface PreparedReads {
  /** The rows of a statement with `?` placeholders; a DatabaseError on failure. */
  rows<Row>(sql: string, values: unknown[]): Promise<Row[]>
  /** Its own connections' use, where it has a pool of its own. */
  stats?(): PoolStats
  close(): Promise<void>
}

/** The prepared reads of `db`, made on first use and closed with `db.destroy()`. */
export function preparedReads(db: Knex): PreparedReads {
  const params = db.userParams as { preparedReads?: PreparedReads }
  params.preparedReads ??= dialectOf(db) === 'mysql' ? mysqlReads(db) : sqliteReads(db)
  return params.preparedReads
}

/** How busy the prepared reads' own connections are; none where they have none. */
export function preparedReadsStats(db: Knex): PoolStats {
  const params = db.userParams as { preparedReads?: PreparedReads }
  return params.preparedReads?.stats?.() ?? { used: 0, pending: 0 }
}

export async function closePreparedReads(db: Knex): Promise<void> {
  const params = db.userParams as { preparedReads?: PreparedReads }
  const reads = params.preparedReads
  params.preparedReads = undefined
  await reads?.close()
}

/**
 * A read-only connection of its own beside Knex's one: with WAL it reads the
 * last commit without waiting for the writer, and its statements are
 * prepared once. An in-memory database has no second connection: Knex reads.
 */
function sqliteReads(db: Knex): PreparedReads {
  const filename = (db.client.config.connection as { filename: string }).filename
  if (filename === ':memory:') return knexReads(db)
  let connection: Database.Database | undefined
  const statements = new Map<string, Database.Statement>()
  return {
    async rows<Row>(sql: string, values: unknown[]) {
      try {
        connection ??= new Database(filename, { readonly: true, fileMustExist: true })
        let statement = statements.get(sql)
        if (statement === undefined) {
          statement = connection.prepare(sql)
          statements.set(sql, statement)
        }
        return statement.all(...values) as Row[]
      } catch (error) {
        throw new DatabaseError(error)
      }
    },
    async close() {
      connection?.close()
      connection = undefined
      statements.clear()
    },
  }
}

/**
 * mysql2's `execute` over a pool of mysql2's own, beside Knex's: the binary
 * protocol, each statement prepared once per connection, and a connection
 * handed over in a callback. Borrowing one from Knex's pool cost each lookup
 * tarn's pending operation, its promises and its acquire timer. As large as
 * Knex's pool: a replica holds up to twice DATABASE_POOL_MAX connections.
 */
function mysqlReads(db: Knex): PreparedReads {
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
  const stats = { used: 0, pending: 0 }
  return {
    rows: <Row>(sql: string, values: unknown[]) =>
      executeWithin<Row>(pool, stats, { sql, values }, timeoutMs),
    stats: () => ({ ...stats }),
    close: () => new Promise<void>((resolve) => pool.end(() => resolve())),
  }
}

/**
 * One execute, waiting for a connection included, that fails as unavailable
 * after `ms`: one promise and one timer. A connection that timed out is
 * destroyed, so the pool does not hand out one still busy or stalled.
 * `stats` counts the reads waiting for a connection and those running.
 */
function executeWithin<Row>(
  pool: Pool,
  stats: PoolStats,
  { sql, values }: { sql: string; values: unknown[] },
  ms: number,
): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    let connection: PoolConnection | undefined
    let settled = false
    let counted = true
    const leaveStats = () => {
      if (!counted) return
      counted = false
      if (connection) stats.used--
      else stats.pending--
    }
    const settle = (error: unknown, rows?: unknown) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(new DatabaseError(error))
      else resolve(rows as Row[])
    }
    stats.pending++
    const timer = setTimeout(() => {
      leaveStats()
      connection?.destroy()
      settle(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }))
    }, ms)
    pool.getConnection((error, acquired) => {
      if (settled) {
        acquired?.release()
        return
      }
      if (error) {
        leaveStats()
        return settle(error)
      }
      stats.pending--
      stats.used++
      connection = acquired
      try {
        acquired
          // sql and values apart: execute({ sql, values }) copied the options
          // into a new object on every call, and the lookup cost the service
          // 14 µs more CPU under load (docs/performance.md).
          .execute(sql, values as ExecuteValues[], (error, rows) => {
            if (error && isUnavailable(error)) acquired.destroy()
            leaveStats()
            settle(error, rows)
          })
          // Released once the command has ended, as mysql2's own pool.execute
          // does: released in the callback, objects of every lookup lived
          // long enough to reach the old generation (a full collection every
          // 0.7 s under load against one in 7 s).
          .once('end', () => {
            leaveStats()
            acquired.release()
          })
      } catch (error) {
        // mysql2 refuses some bind values by throwing before any I/O.
        leaveStats()
        acquired.release()
        settle(error)
      }
    })
  })
}

function knexReads(db: Knex): PreparedReads {
  return {
    async rows<Row>(sql: string, values: unknown[]) {
      try {
        return (await db.raw(sql, values as Knex.RawBinding[]).timeout(queryTimeoutOf(db))) as Row[]
      } catch (error) {
        throw new DatabaseError(error)
      }
    },
    async close() {},
  }
}
