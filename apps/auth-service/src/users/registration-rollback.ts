import { deleteUserById, type Knex } from '@auth-service/db'
import type { FastifyBaseLogger } from 'fastify'

/**
 * Registrations answered with an error whose insert may have committed all
 * the same: the connection dropped or timed out after the statement was sent.
 * The caller was told nothing was made, so the row is deleted once the
 * database answers again; until then the deletion is retried.
 */
export interface RegistrationRollback {
  schedule(userId: string): void
  readonly pending: number
  /** Resolves when no deletion is pending. */
  settled(): Promise<void>
  /** One last attempt; what is left is logged by id for an operator. */
  close(): Promise<void>
}

const FIRST_RETRY_MS = 100
const LONGEST_RETRY_MS = 5000

export function createRegistrationRollback(db: Knex, log: FastifyBaseLogger): RegistrationRollback {
  const pending = new Set<string>()
  let settledWaiters: Array<() => void> = []
  let timer: NodeJS.Timeout | undefined
  let retryMs = FIRST_RETRY_MS

  async function attempt(): Promise<void> {
    timer = undefined
    for (const userId of [...pending]) {
      try {
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
    schedule(userId) {
      pending.add(userId)
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
          { userIds: [...pending] },
          'unconfirmed registrations left in the database: delete these users',
        )
      }
    },
  }
}
