/**
 * Every `code` an auth-service error body can carry, with its HTTP status.
 * This table is the single source: the named errors, the error-body schema,
 * the error handler and the README's table all derive from it.
 */
export const errorCodes = {
  VALIDATION_FAILED: {
    statusCode: 400,
    description:
      'The request does not match its schema: a field is missing, null, of the wrong type or unknown, the body is not a JSON object, or a path parameter is malformed.',
  },
  INVALID_JSON: {
    statusCode: 400,
    description: 'The body is not well-formed JSON (or is empty while declared as JSON).',
  },
  INVALID_USERNAME: {
    statusCode: 400,
    description: 'The username breaks the username rules; the message says which.',
  },
  PASSWORD_POLICY: {
    statusCode: 400,
    description: 'The password breaks the password policy; the message says which rule.',
  },
  BAD_REQUEST: {
    statusCode: 400,
    description: 'Any other malformed request.',
  },
  INVALID_CREDENTIALS: {
    statusCode: 401,
    description:
      'The username or password is wrong. The answer is the same whether or not the user exists.',
  },
  INVALID_TOKEN: {
    statusCode: 401,
    description:
      'The bearer token is missing, malformed, expired, not signed by one of our keys, issued for another issuer or audience, or its user no longer exists.',
  },
  INVALID_REFRESH_TOKEN: {
    statusCode: 401,
    description:
      'The refresh token is unknown, expired, revoked, or was spent before the reuse grace (which ends its session). The answer does not say which.',
  },
  CLIENT_CERTIFICATE_REQUIRED: {
    statusCode: 403,
    description:
      'Mutual TLS is on and the connection presented no client certificate signed by the configured CA.',
  },
  CALLER_NOT_PERMITTED: {
    statusCode: 403,
    description:
      'The calling service (its client certificate identity) has no permission for this route under CALLER_POLICY_FILE, or the route acts on other users and NODE_ENV=production grants that to no caller without a policy.',
  },
  NOT_FOUND: {
    statusCode: 404,
    description: 'No route answers this method and path.',
  },
  USER_NOT_FOUND: {
    statusCode: 404,
    description: 'No user has this id.',
  },
  SESSION_NOT_FOUND: {
    statusCode: 404,
    description: 'The user has no live session with this id.',
  },
  USERNAME_TAKEN: {
    statusCode: 409,
    description: 'A user with the same canonical username (ignoring case and width) exists.',
  },
  REQUEST_IN_PROGRESS: {
    statusCode: 409,
    description:
      'A request with the same Idempotency-Key is still being processed; retry after the Retry-After seconds.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    statusCode: 422,
    description: 'The Idempotency-Key was used before with a different request body.',
  },
  REQUEST_TIMEOUT: {
    statusCode: 408,
    description: 'The request did not arrive in full in time.',
  },
  PAYLOAD_TOO_LARGE: {
    statusCode: 413,
    description: 'The body is larger than 16 KiB.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    statusCode: 415,
    description: 'The body is not sent as application/json in UTF-8.',
  },
  RATE_LIMITED: {
    statusCode: 429,
    description:
      'Too many requests from this address, or failed logins for this username; retry after the Retry-After seconds.',
  },
  HEADERS_TOO_LARGE: {
    statusCode: 431,
    description: 'The request headers are too large.',
  },
  INTERNAL_ERROR: {
    statusCode: 500,
    description: 'An unexpected fault; details are in the service log, never in the answer.',
  },
  DATABASE_UNAVAILABLE: {
    statusCode: 503,
    description: 'The database did not answer in time; nothing was written; retry later.',
  },
  OVERLOADED: {
    statusCode: 503,
    description:
      'More password hashing is waiting than can finish soon, or the process is under memory or event-loop pressure; retry after the Retry-After seconds.',
  },
  SHUTTING_DOWN: {
    statusCode: 503,
    description: 'The instance is shutting down (readiness only); others take its traffic.',
  },
} as const satisfies Record<string, { statusCode: number; description: string }>

export type ErrorCode = keyof typeof errorCodes

export const ERROR_CODES = Object.keys(errorCodes) as ErrorCode[]

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value)
}
