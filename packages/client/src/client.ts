import { randomUUID } from 'node:crypto'
import {
  type AccessTokenResponse,
  IDEMPOTENCY_KEY_HEADER,
  type JsonWebKeySet,
  JWKS_PATH,
  type LoginBody,
  type RegisterUserBody,
  type UserView,
} from '@auth-service/shared'
import { Pool } from 'undici'
import {
  type AuthServiceClientOptions,
  type CallOptions,
  type RegisterOptions,
  type ResolvedClientOptions,
  resolveOptions,
} from './client-options.js'
import { LOGIN_POLICY, READ_POLICY, REGISTER_POLICY, type RetryPolicy } from './retry-policy.js'
import { sendWithRetries } from './send-with-retries.js'
import { decodeSuccess } from './service-answer.js'

export interface AuthServiceClient {
  /** POST /users. Always sends an Idempotency-Key, so its retries never make a second user. */
  register(body: RegisterUserBody, options?: RegisterOptions): Promise<UserView>
  /** GET /users/:id. */
  getUser(id: string, options?: CallOptions): Promise<UserView>
  /** POST /tokens. Retried only when the service cannot have seen the attempt. */
  login(body: LoginBody, options?: CallOptions): Promise<AccessTokenResponse>
  /** GET /users/me with the bearer token. */
  me(accessToken: string, options?: CallOptions): Promise<UserView>
  /** GET /.well-known/jwks.json: the public keys that verify access tokens. */
  jwks(options?: CallOptions): Promise<JsonWebKeySet>
  /** Closes the keep-alive connections once the calls under way have ended. */
  close(): Promise<void>
}

interface Route {
  method: 'GET' | 'POST'
  path: string
  expectedStatus: number
  policy: RetryPolicy
  headers?: Record<string, string>
  body?: unknown
}

function createPool(options: ResolvedClientOptions): Pool {
  const { ca, cert, key } = options.tls ?? {}
  return new Pool(options.origin, {
    connections: options.connections,
    ...(options.tls ? { connect: { ca, cert, key } } : {}),
  })
}

/** A client for one auth-service origin, on a pool of keep-alive connections. */
export function createAuthServiceClient(
  clientOptions: AuthServiceClientOptions,
): AuthServiceClient {
  const options = resolveOptions(clientOptions)
  const pool = createPool(options)

  async function call<T>(route: Route, callOptions: CallOptions = {}): Promise<T> {
    const requestId = callOptions.requestId ?? options.requestId()
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-request-id': requestId,
      ...route.headers,
    }
    if (route.body !== undefined) headers['content-type'] = 'application/json'
    const { body, ...sent } = route
    const request = {
      ...sent,
      headers,
      requestId,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }
    const answer = await sendWithRetries(pool, request, {
      timeoutMs: callOptions.timeoutMs ?? options.timeoutMs,
      deadlineMs: callOptions.deadlineMs ?? options.deadlineMs,
      retry: options.retry,
      ...(callOptions.signal ? { signal: callOptions.signal } : {}),
    })
    return decodeSuccess<T>(answer, requestId)
  }

  const get = (path: string, policy = READ_POLICY) => ({
    method: 'GET' as const,
    path,
    expectedStatus: 200,
    policy,
  })

  return {
    register(body, registerOptions = {}) {
      const idempotencyKey = registerOptions.idempotencyKey ?? randomUUID()
      return call<UserView>(
        {
          method: 'POST',
          path: '/users',
          expectedStatus: 201,
          policy: REGISTER_POLICY,
          headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
          body,
        },
        registerOptions,
      )
    },
    getUser: (id, callOptions) =>
      call<UserView>(get(`/users/${encodeURIComponent(id)}`), callOptions),
    login: (body, callOptions) =>
      call<AccessTokenResponse>(
        { method: 'POST', path: '/tokens', expectedStatus: 200, policy: LOGIN_POLICY, body },
        callOptions,
      ),
    me: (accessToken, callOptions) =>
      call<UserView>(
        { ...get('/users/me'), headers: { authorization: `Bearer ${accessToken}` } },
        callOptions,
      ),
    jwks: (callOptions) => call<JsonWebKeySet>(get(JWKS_PATH), callOptions),
    close: () => pool.close(),
  }
}
