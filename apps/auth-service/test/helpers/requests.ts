import type { ErrorCode } from '@auth-service/shared'
import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'

/** POSTs `body` as JSON (a string is sent as it is, to send malformed JSON). */
export function postJson(
  app: App,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export function registerUser(app: App, body: unknown, headers: Record<string, string> = {}) {
  return postJson(app, '/users', body, headers)
}

export function logIn(app: App, body: unknown, headers: Record<string, string> = {}) {
  return postJson(app, '/tokens', body, headers)
}

/** GET /users/me with this Authorization header (none when undefined). */
export function getMe(app: App, authorization?: string) {
  return app.inject({
    url: '/users/me',
    headers: authorization === undefined ? {} : { authorization },
  })
}

/** Registers a user and logs in; resolves with the user's view and the access token. */
export async function registerAndLogIn(app: App, username: string, password: string) {
  const registered = await registerUser(app, { username, password })
  if (registered.statusCode !== 201) throw new Error(`registration: ${registered.body}`)
  const login = await logIn(app, { username, password })
  if (login.statusCode !== 200) throw new Error(`login: ${login.body}`)
  return {
    user: registered.json() as { id: string; username: string; createdAt: string },
    accessToken: login.json().accessToken as string,
  }
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

/** A clock for an app that the test moves forward. */
export function manualClock(start = Date.now()) {
  let current = start
  return {
    now: () => current,
    advance(ms: number) {
      current += ms
    },
  }
}

export function refresh(app: App, refreshToken: unknown) {
  return postJson(app, '/tokens/refresh', { refreshToken })
}

export function introspect(app: App, token: string) {
  return postJson(app, '/tokens/introspect', { token })
}

/** A request with this bearer token. */
export function withBearer(app: App, method: 'GET' | 'DELETE', url: string, accessToken: string) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${accessToken}` } })
}
