import type { ErrorCode } from '@auth-service/shared'

/** Failures the client names itself, when the service gave no coded answer. */
export type ClientFailureCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'UNEXPECTED_RESPONSE'

export type AuthServiceErrorCode = ErrorCode | ClientFailureCode

export interface AuthServiceErrorDetails {
  statusCode?: number
  /** The x-request-id of the call: the service's echo when it answered, else the one sent. */
  requestId?: string
  /** How long the service asked to wait before retrying (Retry-After), in milliseconds. */
  retryAfterMs?: number
  cause?: unknown
}

/** Every failure of a client call: a contract error code or one of the client's own. */
export class AuthServiceError extends Error {
  override name = 'AuthServiceError'
  readonly code: AuthServiceErrorCode
  readonly statusCode?: number
  readonly requestId?: string
  readonly retryAfterMs?: number

  constructor(code: AuthServiceErrorCode, message: string, details: AuthServiceErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    if (details.statusCode !== undefined) this.statusCode = details.statusCode
    if (details.requestId !== undefined) this.requestId = details.requestId
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs
  }
}

/** Whether `error` is an AuthServiceError, and of `code` when one is given. */
export function isAuthServiceError(
  error: unknown,
  code?: AuthServiceErrorCode,
): error is AuthServiceError {
  return error instanceof AuthServiceError && (code === undefined || error.code === code)
}
