import { randomUUID } from 'node:crypto'
import type { RetrySettings } from './retry-policy.js'

/** PEM material for HTTPS: the CA to trust, and a client certificate for mutual TLS. */
export interface ClientTlsOptions {
  ca?: string | Buffer
  cert?: string | Buffer
  key?: string | Buffer
}

export interface AuthServiceClientOptions {
  /** Where the service listens, e.g. `https://auth.internal:3000`. */
  origin: string
  /** Keep-alive connections kept to the origin at most. */
  connections?: number
  /** How long one attempt may take. */
  timeoutMs?: number
  /** How long a whole call may take, retries and waits included. */
  deadlineMs?: number
  retry?: Partial<RetrySettings>
  /**
   * How long after a refresh's first attempt a retry may still start. Keep it
   * below the service's REFRESH_REUSE_GRACE_SECONDS (10 s by default): a
   * refresh token sent again after the grace is taken for stolen, and its
   * session ends. 0 turns refresh retries off.
   */
  refreshRetryWindowMs?: number
  tls?: ClientTlsOptions
  /** Makes the x-request-id of a call that brings none, e.g. from the current trace. */
  requestId?: () => string
}

export interface CallOptions {
  signal?: AbortSignal
  /** Sent as x-request-id on every attempt of the call. */
  requestId?: string
  timeoutMs?: number
  deadlineMs?: number
}

export interface RegisterOptions extends CallOptions {
  /** Reuse one only to repeat the same registration; a fresh one is made when absent. */
  idempotencyKey?: string
}

// Bcrypt makes registrations and logins take a few hundred milliseconds under
// load; the service itself gives up on a slow request body after 10 s.
export const DEFAULT_OPTIONS = {
  connections: 10,
  timeoutMs: 5_000,
  deadlineMs: 15_000,
  retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
  // Two seconds short of the service's default grace of 10 s: room for the
  // last retry to travel and to wait for a database connection.
  refreshRetryWindowMs: 8_000,
  requestId: randomUUID,
} as const

export type ResolvedClientOptions = Required<Omit<AuthServiceClientOptions, 'tls' | 'retry'>> & {
  retry: RetrySettings
  tls?: ClientTlsOptions
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be positive`)
  return value
}

function notNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must not be negative`)
  return value
}

export function resolveOptions(options: AuthServiceClientOptions): ResolvedClientOptions {
  const url = new URL(options.origin)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`origin must be an http or https URL, not ${options.origin}`)
  }
  const retry = { ...DEFAULT_OPTIONS.retry, ...options.retry }
  positive('retry.maxAttempts', retry.maxAttempts)
  return {
    origin: url.origin,
    connections: positive('connections', options.connections ?? DEFAULT_OPTIONS.connections),
    timeoutMs: positive('timeoutMs', options.timeoutMs ?? DEFAULT_OPTIONS.timeoutMs),
    deadlineMs: positive('deadlineMs', options.deadlineMs ?? DEFAULT_OPTIONS.deadlineMs),
    retry,
    refreshRetryWindowMs: notNegative(
      'refreshRetryWindowMs',
      options.refreshRetryWindowMs ?? DEFAULT_OPTIONS.refreshRetryWindowMs,
    ),
    requestId: options.requestId ?? DEFAULT_OPTIONS.requestId,
    ...(options.tls ? { tls: options.tls } : {}),
  }
}
