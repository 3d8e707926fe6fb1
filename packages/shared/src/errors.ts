import createError from '@fastify/error'
import { type ErrorCode, errorCodes } from './error-codes.js'

// The status comes from the code table, so an error and its documented status cannot drift.
// No stack trace: these are answers to callers, never logged with a stack, and
// capturing one was the largest single cost of a 400 under load.
function defineError(code: ErrorCode, message: string) {
  return createError(code, message, errorCodes[code].statusCode, Error, false)
}

export const InvalidUsername = defineError('INVALID_USERNAME', 'Invalid username: %s')
export const PasswordPolicyViolation = defineError('PASSWORD_POLICY', 'Password rejected: %s')
export const UsernameTaken = defineError('USERNAME_TAKEN', 'Username is already taken')
export const InvalidCredentials = defineError(
  'INVALID_CREDENTIALS',
  'The username or password is wrong',
)
export const InvalidToken = defineError('INVALID_TOKEN', 'Access token rejected: %s')
export const RequestInProgress = defineError(
  'REQUEST_IN_PROGRESS',
  'A request with this Idempotency-Key is still in progress',
)
export const IdempotencyKeyReused = defineError(
  'IDEMPOTENCY_KEY_REUSED',
  'This Idempotency-Key was used with a different request',
)
export const UserNotFound = defineError('USER_NOT_FOUND', 'No user has this id')
export const UnsupportedMediaType = defineError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as %s')
export const DatabaseUnavailable = defineError(
  'DATABASE_UNAVAILABLE',
  'The database is not answering',
)
export const Overloaded = defineError('OVERLOADED', 'The service is overloaded; retry later')
export const RateLimited = defineError('RATE_LIMITED', 'Too many requests; retry in %s seconds')
export const ShuttingDown = defineError('SHUTTING_DOWN', 'This instance is shutting down')
export const ClientCertificateRequired = defineError(
  'CLIENT_CERTIFICATE_REQUIRED',
  'Present a client certificate signed by the trusted CA',
)
export const InvalidRefreshToken = defineError(
  'INVALID_REFRESH_TOKEN',
  'The refresh token is not valid; log in again',
)
export const CallerNotPermitted = defineError(
  'CALLER_NOT_PERMITTED',
  'This caller lacks the permission %s',
)
export const SessionNotFound = defineError('SESSION_NOT_FOUND', 'No live session has this id')
