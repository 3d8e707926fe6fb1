import type { Knex } from 'knex'
import { queryTimeoutOf } from './create-db.js'
import { errorCodeOf, isUnavailable } from './dialect.js'

/**
 * What the data layer throws instead of the driver's error. Knex writes the
 * statement with its bound values into the driver error's message, and those
 * values include password hashes: this error keeps only the driver's code.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError'
  readonly code: string | undefined
  /** The database could not be reached or did not answer in time. */
  readonly unavailable: boolean
  /**
   * The connection failed after COMMIT was sent: the write may have taken
   * effect. `sessionId` is the MySQL session that may still complete it.
   */
  outcomeUnknown = false
  sessionId: number | undefined = undefined

  constructor(driverError: unknown) {
    const code =
      errorCodeOf(driverError) ?? (driverError instanceof Error ? driverError.name : undefined)
    super(`database query failed${code === undefined ? '' : ` (${code})`}`)
    this.code = code
    this.unavailable = isUnavailable(driverError)
  }
}

/** An error carrying a driver-like code, for what the data layer itself refuses or times out. */
export function errorWithCode(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

/** Rejects with an unavailable DatabaseError if `work` takes longer than `ms`. */
export async function withinTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(errorWithCode('ETIMEDOUT', 'timed out')), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } catch (error) {
    throw error instanceof DatabaseError ? error : new DatabaseError(error)
  } finally {
    clearTimeout(timer)
  }
}

interface BoundedQuery<T> {
  timeout(ms: number): PromiseLike<T>
}

/**
 * Runs a query within the database's query timeout (createDb's
 * `queryTimeoutMs`), replacing any error it throws with a DatabaseError. On a
 * timeout Knex discards the connection rather than reuse one still busy.
 */
export async function runQuery<T>(db: Knex, query: BoundedQuery<T>): Promise<T> {
  try {
    return await query.timeout(queryTimeoutOf(db))
  } catch (error) {
    throw error instanceof DatabaseError ? error : new DatabaseError(error)
  }
}
