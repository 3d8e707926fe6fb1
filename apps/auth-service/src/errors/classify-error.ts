import { STATUS_CODES } from 'node:http'
import { DatabaseError } from '@auth-service/db'
import { type ErrorCode, type ErrorResponse, errorCodes, isErrorCode } from '@auth-service/shared'
import type { FastifyError } from 'fastify'

/** A client error may carry headers that belong to its answer (WWW-Authenticate). */
export interface ErrorWithHeaders extends FastifyError {
  headers?: Record<string, string>
}

/** Attaches the headers that belong to an error's answer. */
export function withHeaders(
  error: FastifyError,
  headers: Record<string, string>,
): ErrorWithHeaders {
  return Object.assign(error, { headers })
}

export interface ErrorAnswer {
  statusCode: number
  code: ErrorCode
  message: string
}

export function answer(code: ErrorCode, message: string): ErrorAnswer {
  return { statusCode: errorCodes[code].statusCode, code, message }
}

// A parser's own message may quote the body, and the body holds the password.
const INVALID_JSON = answer('INVALID_JSON', 'The body is not valid JSON')

// Fastify's own client errors, by their code, and what we call them.
const FASTIFY_CLIENT_ERRORS: Record<string, ErrorAnswer> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: answer(
    'UNSUPPORTED_MEDIA_TYPE',
    'Send the body as application/json',
  ),
  FST_ERR_CTP_BODY_TOO_LARGE: answer('PAYLOAD_TOO_LARGE', 'The body is larger than 16 KiB'),
  FST_ERR_CTP_EMPTY_JSON_BODY: answer('INVALID_JSON', 'The body is empty; send a JSON object'),
  FST_ERR_CTP_INVALID_JSON_BODY: INVALID_JSON,
  FST_ERR_BAD_URL: answer('BAD_REQUEST', 'The URL is malformed'),
  FST_ERR_MAX_PARAM_LENGTH: answer('VALIDATION_FAILED', 'A path parameter is too long'),
}

/** Decides what the caller is told. Server faults say nothing of their cause. */
export function classifyError(error: FastifyError): ErrorAnswer {
  if (error.validation) return answer('VALIDATION_FAILED', error.message)
  if (isErrorCode(error.code)) return answer(error.code, error.message)
  const known = FASTIFY_CLIENT_ERRORS[error.code]
  if (known) return known
  if (error instanceof SyntaxError) return INVALID_JSON
  if (error instanceof DatabaseError && error.unavailable) {
    return answer('DATABASE_UNAVAILABLE', 'The database is not answering; retry later')
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    return { statusCode: status, code: 'BAD_REQUEST', message: error.message }
  }
  return answer('INTERNAL_ERROR', 'Internal Server Error')
}

export function errorBody({ statusCode, code, message }: ErrorAnswer): ErrorResponse {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message }
}
