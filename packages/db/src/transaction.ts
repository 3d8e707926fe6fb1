import type { Knex } from 'knex'
import { queryTimeoutOf } from './create-db.js'
import { DatabaseError, errorWithCode, withinTimeout } from './database-error.js'
import { sessionIdOf } from './dialect.js'

export interface TransactionOptions {
  /**
   * Read the MySQL session id first, so that a write whose COMMIT outcome is
   * unknown can be judged later (endSession); a round trip more.
   */
  trackSession?: boolean
}

/**
 * Runs `work` in a transaction of its own, so the moment it takes effect is
 * the COMMIT: a statement that failed or timed out before it left nothing
 * behind, even if the server finishes it later. `work` runs its statements
 * with runQuery; whatever it throws rolls the transaction back and is thrown
 * again. Throws a DatabaseError for faults; when the connection failed after
 * COMMIT was sent, its `outcomeUnknown` is set, with the session that may
 * still commit when `trackSession` asked for it.
 */
export async function inTransaction<T>(
  db: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  { trackSession = false }: TransactionOptions = {},
): Promise<T> {
  const timeoutMs = queryTimeoutOf(db)
  const trx = await withinTimeout(db.transaction(), timeoutMs)
  // Knex settles this when the transaction ends; it is awaited only after COMMIT.
  const settled = trx.executionPromise
  settled.catch(() => {})
  let sessionId: number | undefined
  let result: T
  try {
    if (trackSession) sessionId = await withinTimeout(sessionIdOf(trx), timeoutMs)
    result = await work(trx)
  } catch (error) {
    const failure = knexEndedIt(trx, error)
    // Not awaited: on a stalled connection the ROLLBACK waits behind the
    // statement; uncommitted, the work is discarded when the session ends.
    if (!trx.isCompleted()) trx.rollback().catch(() => {})
    throw failure
  }
  if (trx.isCompleted()) throw knexEndedIt(trx, undefined)
  // commit() itself always resolves, even when COMMIT fails: its outcome is
  // the transaction's.
  trx.commit().catch(() => {})
  try {
    await withinTimeout(settled, timeoutMs)
  } catch (error) {
    const failed = error as DatabaseError
    if (failed.unavailable) {
      failed.outcomeUnknown = true
      failed.sessionId = sessionId
    }
    throw failed
  }
  return result
}

/**
 * Knex ends a transaction whose connection failed, and refuses its later
 * queries with an error of its own: then COMMIT was never sent.
 */
function knexEndedIt(trx: Knex.Transaction, error: unknown): unknown {
  if (!trx.isCompleted()) return error
  if (error instanceof DatabaseError && error.unavailable) return error
  return new DatabaseError(
    errorWithCode('PROTOCOL_CONNECTION_LOST', 'the connection was lost before COMMIT'),
  )
}
