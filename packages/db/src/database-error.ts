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

  constructor(driverError: unknown) {
    const code =
      errorCodeOf(driverError) ?? (driverError instanceof Error ? driverError.name : undefined)
    super(`database query failed${code === undefined ? '' : ` (${code})`}`)
    this.code = code
    this.unavailable = isUnavailable(driverError)
  }
}

/** Runs a query, replacing any error it throws with a DatabaseError. */
export async function runQuery<T>(query: () => PromiseLike<T>): Promise<T> {
  try {
    return await query()
  } catch (error) {
    throw error instanceof DatabaseError ? error : new DatabaseError(error)
  }
}
