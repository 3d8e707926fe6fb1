import { ERROR_CODES, errorCodes } from '@auth-service/shared'
import t from 'tap'
import { AuthServiceError, isAuthServiceError } from '../src/index.js'
import {
  decodeNoContent,
  decodeSuccess,
  errorFromAnswer,
  retryAfterMs,
} from '../src/service-answer.js'

const answer = (statusCode: number, text: string, headers: Record<string, string> = {}) => ({
  statusCode,
  headers,
  text,
})

t.test('every contract error code maps to itself, with its status', async (t) => {
  for (const code of ERROR_CODES) {
    const { statusCode } = errorCodes[code]
    const body = JSON.stringify({ statusCode, error: 'x', code, message: `about ${code}` })
    const error = errorFromAnswer(answer(statusCode, body, { 'x-request-id': 'r-1' }), 'sent')
    t.equal(error.code, code, code)
    t.equal(error.statusCode, statusCode, `${code} status`)
    t.equal(error.message, `about ${code}`)
    t.equal(error.requestId, 'r-1', 'the echoed request id')
  }
})

t.test('an answer outside the contract is UNEXPECTED_RESPONSE', async (t) => {
  const cases = [
    answer(502, '<html>Bad Gateway</html>'),
    answer(503, JSON.stringify({ statusCode: 503, code: 'NOT_A_CODE', message: 'x' })),
    answer(500, '[]'),
    answer(500, ''),
  ]
  for (const unexpected of cases) {
    const error = errorFromAnswer(unexpected, 'sent-id')
    t.equal(error.code, 'UNEXPECTED_RESPONSE', unexpected.text)
    t.equal(error.statusCode, unexpected.statusCode)
    t.equal(error.requestId, 'sent-id', 'falls back to the id sent')
  }
  t.throws(() => decodeSuccess(answer(200, 'not json'), 'id'), { code: 'UNEXPECTED_RESPONSE' })
  t.throws(() => decodeSuccess(answer(200, '"text"'), 'id'), { code: 'UNEXPECTED_RESPONSE' })
})

t.test('a 204 decodes to nothing; a body where none belongs is UNEXPECTED_RESPONSE', async (t) => {
  t.equal(decodeNoContent(answer(204, ''), 'id'), undefined)
  t.throws(() => decodeNoContent(answer(200, '{}'), 'id'), { code: 'UNEXPECTED_RESPONSE' })
  t.throws(() => decodeNoContent(answer(204, 'x'), 'id'), { code: 'UNEXPECTED_RESPONSE' })
  t.throws(() => decodeSuccess(answer(204, ''), 'id'), { code: 'UNEXPECTED_RESPONSE' })
})

t.test('Retry-After is read as seconds or as a date', async (t) => {
  t.equal(retryAfterMs({ 'retry-after': '3' }), 3000)
  t.equal(retryAfterMs({ 'retry-after': '0' }), 0)
  const now = Date.parse('2030-01-01T00:00:00Z')
  t.equal(retryAfterMs({ 'retry-after': 'Tue, 01 Jan 2030 00:00:05 GMT' }, now), 5000)
  t.equal(retryAfterMs({}), undefined)
  t.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined)
  // Date.parse would read these as dates in 2001, and the client would not wait at all.
  t.equal(retryAfterMs({ 'retry-after': '1.5' }), undefined)
  t.equal(retryAfterMs({ 'retry-after': '-1' }), undefined)
  const error = errorFromAnswer(answer(429, '', { 'retry-after': '2' }), 'id')
  t.equal(error.retryAfterMs, 2000)
})

t.test('isAuthServiceError narrows by class and, optionally, code', async (t) => {
  const error = new AuthServiceError('TIMEOUT', 'slow')
  t.ok(isAuthServiceError(error))
  t.ok(isAuthServiceError(error, 'TIMEOUT'))
  t.notOk(isAuthServiceError(error, 'ABORTED'))
  t.notOk(isAuthServiceError(new Error('other')))
  t.equal(error.name, 'AuthServiceError')
  t.type(error, Error)
})
