import type { ErrorCode } from '@auth-service/shared'
import type { AttemptFailure } from './attempt-failure.js'

export interface RetrySettings {
  /** Attempts in all, the first included; 1 turns retries off. */
  maxAttempts: number
  /** The backoff ceiling before the first retry; it doubles each retry. */
  baseDelayMs: number
  /** The largest backoff ceiling. */
  maxDelayMs: number
}

/** What one kind of call may repeat. */
export interface RetryPolicy {
  /**
   * Whether running the request twice is harmless. Only then is a request
   * that may have reached the service (a reset, a timeout) sent again.
   */
  idempotent: boolean
  /** Error answers worth repeating besides the 503s and 429. */
  retryableCodes: readonly ErrorCode[]
}

/** GETs read only. */
export const READ_POLICY: RetryPolicy = { idempotent: true, retryableCodes: [] }

/**
 * Ending sessions, revoking a token and introspecting one: a repeat finds the
 * session already gone or answers the same question again, and changes
 * nothing more than the first attempt did.
 */
export const IDEMPOTENT_POLICY: RetryPolicy = { idempotent: true, retryableCodes: [] }

/**
 * A refresh spends its token, but the service answers a repeat within its
 * reuse grace (REFRESH_REUSE_GRACE_SECONDS) with the same successor; after it
 * the repeat is taken for theft and the session ends. So it is repeated like
 * a GET, but only within the client's refreshRetryWindowMs of the first
 * attempt, a window kept below that grace.
 */
export const REFRESH_POLICY: RetryPolicy = { idempotent: true, retryableCodes: [] }

/**
 * Every registration carries an Idempotency-Key, so a repeat gets the first
 * answer instead of a second user; REQUEST_IN_PROGRESS means the first attempt
 * is still running and will have an answer shortly.
 */
export const REGISTER_POLICY: RetryPolicy = {
  idempotent: true,
  retryableCodes: ['REQUEST_IN_PROGRESS'],
}

/**
 * A login that may have reached the service is never repeated: each attempt
 * counts against the per-username failure limit and issues a token.
 */
export const LOGIN_POLICY: RetryPolicy = { idempotent: false, retryableCodes: [] }

/** Statuses that say "nothing was done, try again later" for any request. */
const TRY_LATER_STATUSES = new Set([429, 503])

export function isRetryable(failure: AttemptFailure, policy: RetryPolicy): boolean {
  switch (failure.stage) {
    case 'answered': {
      const { statusCode, code } = failure.error
      // Only the service's own refusal says nothing was done; a proxy's 503
      // may come after the service handled the request.
      const refused =
        TRY_LATER_STATUSES.has(statusCode ?? 0) &&
        (policy.idempotent || code !== 'UNEXPECTED_RESPONSE')
      return refused || (policy.retryableCodes as readonly string[]).includes(code)
    }
    case 'not-sent':
      return true
    case 'maybe-sent':
    case 'timed-out':
      return policy.idempotent
    case 'fatal':
      return false
  }
}

/**
 * The wait before retry number `retry` (1 for the first): the service's
 * Retry-After when it gave one, else full jitter — a uniform draw below an
 * exponentially growing ceiling, so many clients failing together spread out.
 */
export function backoffMs(
  retry: number,
  settings: RetrySettings,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (retry - 1))
  return Math.floor(random() * ceiling)
}
