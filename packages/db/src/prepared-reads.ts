import { createRequire } from 'node:module'
import type Database from 'better-sqlite3'
import type { Knex } from 'knex'
import { type PoolStats, queryTimeoutOf } from './create-db.js'
import { DatabaseError, errorWithCode } from './database-error.js'
import { dialectOf } from './dialect.js'
import { mysqlReads } from './mysql-reads.js'

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

/**
 * Closes the prepared reads with the pool. A read after that is refused as
 * unavailable, instead of opening connections nothing would close.
 */
export async function closePreparedReads(db: Knex): Promise<void> {
  const params = db.userParams as { preparedReads?: PreparedReads }
  const reads = params.preparedReads
  params.preparedReads = closedReads
  await reads?.close()
}

const closedReads: PreparedReads = {
  rows: () => Promise.reject(new DatabaseError(errorWithCode('POOL_CLOSED', 'the pool is closed'))),
  close: async () => {},
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
  // Loaded here, not imported: the native addon costs every start on MySQL a few ms.
  const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof Database
  return {
    async rows<Row>(sql: string, values: unknown[]) {
      try {
        connection ??= new BetterSqlite3(filename, { readonly: true, fileMustExist: true })
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
