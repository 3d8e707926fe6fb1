import { AuthServiceError } from './auth-service-error.js'

/**
 * How far a failed attempt got, which decides whether repeating it is safe:
 * - `answered`: the service answered with an error;
 * - `not-sent`: no connection was made, so the service saw nothing;
 * - `maybe-sent`: the connection broke after the request may have arrived;
 * - `timed-out`: the attempt ran out of time, the request may be running;
 * - `fatal`: repeating cannot help (TLS verification, a closed client).
 */
export type AttemptStage = 'answered' | 'not-sent' | 'maybe-sent' | 'timed-out' | 'fatal'

export interface AttemptFailure {
  stage: AttemptStage
  error: AuthServiceError
}

// Raised while connecting: the request itself never left this process.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
])

const FATAL_CODES = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_INVALID_ARG'])
// Certificate problems do not go away by trying again.
const TLS_FAILURE = /^ERR_TLS_|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/

/** The system or undici code of a network error, looking through wrappers. */
export function networkErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown }
  if (typeof code === 'string') return code
  // Happy-eyeballs connects reject with an AggregateError of the per-address errors.
  if (Array.isArray(errors) && errors.length > 0) return networkErrorCode(errors[0])
  return cause === undefined ? undefined : networkErrorCode(cause)
}

/** Classifies a request that threw instead of answering. */
export function networkFailure(error: unknown, requestId: string): AttemptFailure {
  const code = networkErrorCode(error) ?? 'UNKNOWN'
  const reason = error instanceof Error ? error.message : String(error)
  const stage: AttemptStage = NOT_SENT_CODES.has(code)
    ? 'not-sent'
    : FATAL_CODES.has(code) || TLS_FAILURE.test(code)
      ? 'fatal'
      : 'maybe-sent'
  return {
    stage,
    error: new AuthServiceError('NETWORK_ERROR', `auth-service unreachable (${code}): ${reason}`, {
      requestId,
      cause: error,
    }),
  }
}
