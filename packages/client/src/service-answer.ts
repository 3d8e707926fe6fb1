import type { IncomingHttpHeaders } from 'node:http'
import { isErrorCode } from '@auth-service/shared'
import { AuthServiceError } from './auth-service-error.js'

/** One HTTP answer, read in full. */
export interface ServiceAnswer {
  statusCode: number
  headers: IncomingHttpHeaders
  text: string
}

function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The request id the service echoed, falling back to the one sent. */
export function answeredRequestId(answer: ServiceAnswer, sentRequestId: string): string {
  return firstHeader(answer.headers, 'x-request-id') ?? sentRequestId
}

const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const value = firstHeader(headers, 'retry-after')?.trim()
  if (!value) return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  // Only the IMF-fixdate form: Date.parse reads "1.5" or "-1" as dates in 2001.
  if (!IMF_FIXDATE.test(value)) return undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The error an unsuccessful answer stands for. Only a body of the contract's
 * shape with a known code is trusted: anything else (a proxy's HTML page, a
 * truncated body) is UNEXPECTED_RESPONSE, keeping the status for retry decisions.
 */
export function errorFromAnswer(answer: ServiceAnswer, sentRequestId: string): AuthServiceError {
  const details = {
    statusCode: answer.statusCode,
    requestId: answeredRequestId(answer, sentRequestId),
    retryAfterMs: retryAfterMs(answer.headers),
  }
  const body = parseJson(answer.text)
  if (isObject(body) && isErrorCode(body.code) && typeof body.message === 'string') {
    return new AuthServiceError(body.code, body.message, details)
  }
  return new AuthServiceError(
    'UNEXPECTED_RESPONSE',
    `auth-service answered ${answer.statusCode} without a contract error body`,
    details,
  )
}

function unexpectedSuccess(answer: ServiceAnswer, sentRequestId: string, expected: string) {
  return new AuthServiceError(
    'UNEXPECTED_RESPONSE',
    `auth-service answered ${answer.statusCode} without ${expected}`,
    { statusCode: answer.statusCode, requestId: answeredRequestId(answer, sentRequestId) },
  )
}

/** The JSON object of a successful answer; anything else is UNEXPECTED_RESPONSE. */
export function decodeSuccess<T>(answer: ServiceAnswer, sentRequestId: string): T {
  const body = parseJson(answer.text)
  if (isObject(body)) return body as T
  throw unexpectedSuccess(answer, sentRequestId, 'a JSON object')
}

/**
 * A 204 No Content, which has no body to parse (JSON.parse would fail on the
 * empty text); any other answer passed as success is UNEXPECTED_RESPONSE.
 */
export function decodeNoContent(answer: ServiceAnswer, sentRequestId: string): void {
  if (answer.statusCode === 204 && answer.text === '') return
  throw unexpectedSuccess(answer, sentRequestId, 'the empty body of a 204')
}
