import { randomUUID } from 'node:crypto'
import {
  IDEMPOTENCY_KEY_HEADER,
  type IntrospectionResponse,
  type JsonWebKeySet,
  JWKS_PATH,
  type LoginBody,
  type RegisterUserBody,
  type SessionList,
  type TokenPairResponse,
  type UserView,
} from '@auth-service/shared'
import {
  type AuthServiceClientOptions,
  type CallOptions,
  type RegisterOptions,
  resolveOptions,
} from './client-options.js'
import {
  IDEMPOTENT_POLICY,
  LOGIN_POLICY,
  READ_POLICY,
  REFRESH_POLICY,
  REGISTER_POLICY,
  type RetryPolicy,
} from './retry-policy.js'
import { createServiceCalls, type Route } from './service-calls.js'

export interface AuthServiceClient {
  /** POST /users. Always sends an Idempotency-Key, so its retries never make a second user. */
  register(body: RegisterUserBody, options?: RegisterOptions): Promise<UserView>
  /** GET /users/:id. */
  getUser(id: string, options?: CallOptions): Promise<UserView>
  /** POST /tokens: a new session. Retried only when the service cannot have seen the attempt. */
  login(body: LoginBody, options?: CallOptions): Promise<TokenPairResponse>
  /**
   * POST /tokens/refresh: spends `refreshToken` for the next pair; keep the new
   * refresh token, the old one is of no further use. Retried only within
   * refreshRetryWindowMs of the first attempt.
   */
  refresh(refreshToken: string, options?: CallOptions): Promise<TokenPairResponse>
  /** POST /tokens/revoke: ends the refresh token's session; succeeds for any token. */
  revoke(refreshToken: string, options?: CallOptions): Promise<void>
  /** POST /tokens/introspect: whether an access token verifies and its session is live. */
  introspect(accessToken: string, options?: CallOptions): Promise<IntrospectionResponse>
  /** GET /users/me with the bearer token. */
  me(accessToken: string, options?: CallOptions): Promise<UserView>
  /** GET /users/me/sessions: the token's user's live sessions, its own marked `current`. */
  listMySessions(accessToken: string, options?: CallOptions): Promise<SessionList>
  /** DELETE /users/me/sessions/:id: ends one of the token's user's sessions. */
  endMySession(accessToken: string, sessionId: string, options?: CallOptions): Promise<void>
  /** DELETE /users/me/sessions: ends every session of the token's user but the token's own. */
  endMyOtherSessions(accessToken: string, options?: CallOptions): Promise<void>
  /** GET /users/:id/sessions (permission sessions:manage). */
  listUserSessions(userId: string, options?: CallOptions): Promise<SessionList>
  /** DELETE /users/:id/sessions: ends every session of the user (permission sessions:manage). */
  endUserSessions(userId: string, options?: CallOptions): Promise<void>
  /** DELETE /users/:id/sessions/:sessionId (permission sessions:manage). */
  endUserSession(userId: string, sessionId: string, options?: CallOptions): Promise<void>
  /** GET /.well-known/jwks.json: the public keys that verify access tokens. */
  jwks(options?: CallOptions): Promise<JsonWebKeySet>
  /** Closes the keep-alive connections once the calls under way have ended. */
  close(): Promise<void>
}

const get = (path: string, headers?: Record<string, string>): Route => ({
  method: 'GET',
  path,
  expectedStatus: 200,
  policy: READ_POLICY,
  ...(headers ? { headers } : {}),
})

const remove = (path: string, headers?: Record<string, string>): Route => ({
  method: 'DELETE',
  path,
  expectedStatus: 204,
  policy: IDEMPOTENT_POLICY,
  ...(headers ? { headers } : {}),
})

const post = (path: string, body: unknown, policy: RetryPolicy): Route => ({
  method: 'POST',
  path,
  expectedStatus: 200,
  policy,
  body,
})

const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` })
const segment = encodeURIComponent

/** A client for one auth-service origin, on a pool of keep-alive connections. */
export function createAuthServiceClient(
  clientOptions: AuthServiceClientOptions,
): AuthServiceClient {
  const options = resolveOptions(clientOptions)
  const calls = createServiceCalls(options)
  const userSessions = (userId: string) => `/users/${segment(userId)}/sessions`

  return {
    register(body, registerOptions = {}) {
      const idempotencyKey = registerOptions.idempotencyKey ?? randomUUID()
      const route = {
        ...post('/users', body, REGISTER_POLICY),
        expectedStatus: 201,
        headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
      }
      return calls.json<UserView>(route, registerOptions)
    },
    getUser: (id, callOptions) => calls.json<UserView>(get(`/users/${segment(id)}`), callOptions),
    login: (body, callOptions) =>
      calls.json<TokenPairResponse>(post('/tokens', body, LOGIN_POLICY), callOptions),
    refresh: (refreshToken, callOptions) =>
      calls.json<TokenPairResponse>(
        {
          ...post('/tokens/refresh', { refreshToken }, REFRESH_POLICY),
          retryWindowMs: options.refreshRetryWindowMs,
        },
        callOptions,
      ),
    async revoke(refreshToken, callOptions) {
      // The answer is always `{}` (RFC 7009): nothing in it to return.
      await calls.json(
        post('/tokens/revoke', { token: refreshToken }, IDEMPOTENT_POLICY),
        callOptions,
      )
    },
    introspect: (accessToken, callOptions) =>
      calls.json<IntrospectionResponse>(
        post('/tokens/introspect', { token: accessToken }, IDEMPOTENT_POLICY),
        callOptions,
      ),
    me: (accessToken, callOptions) =>
      calls.json<UserView>(get('/users/me', bearer(accessToken)), callOptions),
    listMySessions: (accessToken, callOptions) =>
      calls.json<SessionList>(get('/users/me/sessions', bearer(accessToken)), callOptions),
    endMySession: (accessToken, sessionId, callOptions) =>
      calls.noContent(
        remove(`/users/me/sessions/${segment(sessionId)}`, bearer(accessToken)),
        callOptions,
      ),
    endMyOtherSessions: (accessToken, callOptions) =>
      calls.noContent(remove('/users/me/sessions', bearer(accessToken)), callOptions),
    listUserSessions: (userId, callOptions) =>
      calls.json<SessionList>(get(userSessions(userId)), callOptions),
    endUserSessions: (userId, callOptions) =>
      calls.noContent(remove(userSessions(userId)), callOptions),
    endUserSession: (userId, sessionId, callOptions) =>
      calls.noContent(remove(`${userSessions(userId)}/${segment(sessionId)}`), callOptions),
    jwks: (callOptions) => calls.json<JsonWebKeySet>(get(JWKS_PATH), callOptions),
    close: () => calls.close(),
  }
}
