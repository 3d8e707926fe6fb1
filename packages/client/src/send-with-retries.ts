import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import { type AttemptFailure, networkFailure } from './attempt-failure.js'
import { AuthServiceError } from './auth-service-error.js'
import { backoffMs, isRetryable, type RetryPolicy, type RetrySettings } from './retry-policy.js'
import { errorFromAnswer, type ServiceAnswer } from './service-answer.js'
import { type TimedAbort, timedAbort } from './timed-abort.js'

/** One call to the service, as every attempt of it sends it. */
export interface ServiceRequest {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  headers: Record<string, string>
  body?: string
  /** The one status that means success; any other is an error answer. */
  expectedStatus: number
  policy: RetryPolicy
  requestId: string
}

export interface CallLimits {
  /** Per attempt. */
  timeoutMs: number
  /** For the whole call, retries and waits included. */
  deadlineMs: number
  retry: RetrySettings
  /**
   * For a request that is harmless to repeat only for a while after it first
   * reached the service (a refresh, within the service's reuse grace): no
   * retry starts this long or longer after the first attempt did. Counted
   * from before the first attempt was sent, it is never less than the time
   * since the service first handled the request; a retry still needs time to
   * arrive, which is why the window must stay below the grace, not equal it.
   */
  retryWindowMs?: number
  signal?: AbortSignal
}

/** The error for a call ended from outside: the caller's signal, or the deadline. */
function endedCallError(call: TimedAbort, limits: CallLimits, requestId: string) {
  return call.timedOut()
    ? new AuthServiceError('TIMEOUT', `no answer within the ${limits.deadlineMs} ms deadline`, {
        requestId,
      })
    : new AuthServiceError('ABORTED', 'the call was aborted', {
        requestId,
        cause: limits.signal?.reason,
      })
}

async function attemptOnce(
  dispatcher: Dispatcher,
  request: ServiceRequest,
  call: TimedAbort,
  timeoutMs: number,
): Promise<ServiceAnswer | AttemptFailure> {
  const attempt = timedAbort(call.signal, timeoutMs)
  try {
    const { statusCode, headers, body } = await dispatcher.request({
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body ?? null,
      signal: attempt.signal,
    })
    const answer = { statusCode, headers, text: await body.text() }
    if (statusCode === request.expectedStatus) return answer
    return { stage: 'answered', error: errorFromAnswer(answer, request.requestId) }
  } catch (error) {
    if (call.signal.aborted) throw error
    if (attempt.timedOut()) {
      const message = `no answer within the ${timeoutMs} ms attempt timeout`
      return {
        stage: 'timed-out',
        error: new AuthServiceError('TIMEOUT', message, { requestId: request.requestId }),
      }
    }
    return networkFailure(error, request.requestId)
  } finally {
    attempt.dispose()
  }
}

/**
 * Sends `request` until it succeeds, fails in a way repeating cannot fix, runs
 * out of attempts, or would have to wait past the deadline or the retry window
 * — in which case the last error is thrown as it is rather than sleeping into
 * a certain TIMEOUT, or into a repeat the service would take for a replay.
 */
export async function sendWithRetries(
  dispatcher: Dispatcher,
  request: ServiceRequest,
  limits: CallLimits,
): Promise<ServiceAnswer> {
  const call = timedAbort(limits.signal, limits.deadlineMs)
  const startedAt = performance.now()
  const deadlineAt = startedAt + limits.deadlineMs
  const retriesEndAt = Math.min(deadlineAt, startedAt + (limits.retryWindowMs ?? Infinity))
  try {
    for (let attempt = 1; ; attempt++) {
      const remainingMs = deadlineAt - performance.now()
      const result = await attemptOnce(
        dispatcher,
        request,
        call,
        Math.min(limits.timeoutMs, remainingMs),
      )
      if (!('stage' in result)) return result
      if (attempt >= limits.retry.maxAttempts || !isRetryable(result, request.policy)) {
        throw result.error
      }
      const delayMs = backoffMs(attempt, limits.retry, result.error.retryAfterMs)
      if (delayMs >= retriesEndAt - performance.now()) throw result.error
      await sleep(delayMs, undefined, { signal: call.signal })
    }
  } catch (error) {
    if (call.signal.aborted && !(error instanceof AuthServiceError)) {
      throw endedCallError(call, limits, request.requestId)
    }
    throw error
  } finally {
    call.dispose()
  }
}
