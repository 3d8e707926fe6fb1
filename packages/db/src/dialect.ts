import type { Knex } from 'knex'

export type Dialect = 'mysql' | 'sqlite'

export function dialectOf(db: Knex): Dialect {
  return db.client.config.client === 'mysql2' ? 'mysql' : 'sqlite'
}

const UNIQUE_VIOLATION_CODES = new Set([
  'ER_DUP_ENTRY', // MySQL and MariaDB, errno 1062
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
])

// Faults of reaching the database, or of its state rather than of the
// query: the statement did not take effect, and a retry later may succeed.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED', // KILL QUERY, or a server shutting down
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_STATEMENT_TIMEOUT', // MariaDB's max_statement_time
  'ER_OPTION_PREVENTS_STATEMENT', // read-only, as during a failover
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  // This package's own: a read after the pool closed, or with too many waiting.
  'POOL_CLOSED',
  'READ_QUEUE_FULL',
])

export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  return typeof error.code === 'string' ? error.code : undefined
}

/** True when the error is a unique-key violation, whichever database raised it. */
export function isUniqueViolation(error: unknown): boolean {
  return UNIQUE_VIOLATION_CODES.has(errorCodeOf(error) ?? '')
}

/** True when the database could not be reached or did not answer in time. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof Error && error.name === 'KnexTimeoutError') return true
  return UNAVAILABLE_CODES.has(errorCodeOf(error) ?? '')
}

/**
 * The MySQL session (thread) id of a transaction's connection; SQLite has
 * none: its statements run in the process and their outcome is always known.
 */
export async function sessionIdOf(trx: Knex.Transaction): Promise<number | undefined> {
  if (dialectOf(trx) !== 'mysql') return undefined
  const [rows] = (await trx.raw('select connection_id() as id')) as [Array<{ id: number }>]
  return rows[0]?.id
}
