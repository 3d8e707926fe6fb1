import Database from 'better-sqlite3'
import type { Knex } from 'knex'
import { queryTimeoutOf } from './create-db.js'
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
  close(): void
}

interface MysqlConnection {
  execute(
    options: { sql: string; values: unknown[] },
    callback: (error: Error | null, rows: unknown) => void,
  ): void
  destroy(): void
}

/** The prepared reads of `db`, made on first use and closed with `db.destroy()`. */
export function preparedReads(db: Knex): PreparedReads {
  const params = db.userParams as { preparedReads?: PreparedReads }
  params.preparedReads ??= dialectOf(db) === 'mysql' ? mysqlReads(db) : sqliteReads(db)
  return params.preparedReads
}

export function closePreparedReads(db: Knex): void {
  const params = db.userParams as { preparedReads?: PreparedReads }
  params.preparedReads?.close()
  params.preparedReads = undefined
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
    close() {
      connection?.close()
      connection = undefined
      statements.clear()
    },
  }
}

/**
 * mysql2's `execute` on a connection from Knex's pool: the binary protocol,
 * with each statement prepared once per connection. A connection that timed
 * out or failed is destroyed, so the pool does not hand it out again.
 */
function mysqlReads(db: Knex): PreparedReads {
  return {
    async rows<Row>(sql: string, values: unknown[]) {
      // Bounded by Knex's own acquire timeout: a race here would leak the
      // connection that arrives after it.
      let connection: MysqlConnection
      try {
        connection = (await db.client.acquireConnection()) as MysqlConnection
      } catch (error) {
        throw new DatabaseError(error)
      }
      try {
        return await executeWithin<Row>(connection, { sql, values }, queryTimeoutOf(db))
      } catch (error) {
        if (isUnavailable(error)) connection.destroy()
        throw new DatabaseError(error)
      } finally {
        db.client.releaseConnection(connection)
      }
    },
    close() {},
  }
}

/**
 * One execute that fails with ETIMEDOUT after `ms`: one promise and one timer,
 * where withinTimeout's race would add two promises to every lookup.
 */
function executeWithin<Row>(
  connection: MysqlConnection,
  statement: { sql: string; values: unknown[] },
  ms: number,
): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      ms,
    )
    try {
      connection.execute(statement, (error, result) => {
        clearTimeout(timer)
        if (error) reject(error)
        else resolve(result as Row[])
      })
    } catch (error) {
      // mysql2 refuses some bind values by throwing before any I/O.
      clearTimeout(timer)
      reject(error)
    }
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
    close() {},
  }
}
