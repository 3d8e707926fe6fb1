import { deleteUserById, endSession, type Knex } from '@auth-service/db'
import type { FastifyBaseLogger } from 'fastify'

/**
 * Registrations answered with an error whose insert may have committed all
 * the same: the connection failed after COMMIT was sent. The caller was told
 * nothing was made, so once the database answers again the session that may
 * still be committing is ended, and then the row is deleted; until then this
 * is retried.
 */
export interface RegistrationRollback {
  schedule(userId: string, sessionId: number | undefined): void
  readonly pending: number
  /** Resolves when no deletion is pending. */
  settled(): Promise<void>
  /** One last attempt; what is left is logged by id for an operator. */
  close(): Promise<void>
}

const FIRST_RETRY_MS = 100
const LONGEST_RETRY_MS = 5000

export function createRegistrationRollback(db: Knex, log: FastifyBaseLogger): RegistrationRollback {
  // userId → the session whose COMMIT may still land
  const pending = new Map<string, number | undefined>()
  let settledWaiters: Array<() => void> = []
  let timer: NodeJS.Timeout | undefined
  let retryMs = FIRST_RETRY_MS

  async function attempt(): Promise<void> {
    timer = undefined
    for (const [userId, sessionId] of [...pending]) {
      try {
        // Deleting before that session is over could precede its COMMIT.
        if (!(await endSession(db, sessionId))) return scheduleAttempt(retryMs)
        const existed = await deleteUserById(db, userId)
        pending.delete(userId)
        log.info({ userId, existed }, 'unconfirmed registration rolled back')
      } catch (error) {
        log.warn(
          { userId, err: error },
          'rollback of an unconfirmed registration failed; will retry',
        )
        retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS)
        return scheduleAttempt(retryMs)
      }
    }
    retryMs = FIRST_RETRY_MS
    if (pending.size > 0) return
    for (const resolve of settledWaiters) resolve()
    settledWaiters = []
  }

  function scheduleAttempt(delayMs: number) {
    if (timer !== undefined) return
    // unref: a pending retry never holds the process open on its own.
    timer = setTimeout(attempt, delayMs).unref()
  }

  return {
    schedule(userId, sessionId) {
      pending.set(userId, sessionId)
      scheduleAttempt(0)
    },
    get pending() {
      return pending.size
    },
    settled() {
      return pending.size === 0
        ? Promise.resolve()
        : new Promise((resolve) => settledWaiters.push(resolve))
    },
    async close() {
      clearTimeout(timer)
      timer = undefined
      if (pending.size > 0) await attempt()
      clearTimeout(timer)
      if (pending.size > 0) {
        log.error(
          { userIds: [...pending.keys()] },
          'unconfirmed registrations left in the database: delete these users',
        )
      }
    },
  }
}
