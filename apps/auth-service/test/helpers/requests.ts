import type { ErrorCode } from '@auth-service/shared'
import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'

export function registerUser(app: App, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/users',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** Asserts the one error format: exactly statusCode, error, code and message. */
export function assertErrorBody(
  t: Test,
  response: LightMyRequestResponse,
  statusCode: number,
  code: ErrorCode,
  message?: RegExp,
) {
  t.equal(response.statusCode, statusCode, `status ${statusCode}`)
  t.match(response.headers['content-type'], /^application\/json/)
  const body = response.json()
  t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'])
  t.equal(body.statusCode, statusCode)
  t.equal(body.code, code)
  t.type(body.error, 'string')
  if (message) t.match(body.message, message)
  t.notMatch(response.body, /\n\s+at /, 'no stack trace')
}

export async function countUsers(app: App): Promise<number> {
  const [row] = await app.db('users').count({ count: '*' })
  return Number(row?.count)
}
