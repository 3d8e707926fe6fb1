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

// Faults of reaching the database rather than of the query: worth a retry later.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
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
