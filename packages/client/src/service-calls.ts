import { Pool } from 'undici'
import type { CallOptions, ResolvedClientOptions } from './client-options.js'
import type { RetryPolicy } from './retry-policy.js'
import { sendWithRetries } from './send-with-retries.js'
import { decodeNoContent, decodeSuccess } from './service-answer.js'

/** One kind of call: where it goes, what success looks like, what may be repeated. */
export interface Route {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  expectedStatus: number
  policy: RetryPolicy
  headers?: Record<string, string>
  body?: unknown
  /** No retry starts this long after the first attempt (see CallLimits). */
  retryWindowMs?: number
}

/** Sends routes to one origin and decodes their answers. */
export interface ServiceCalls {
  /** A call answered with a JSON object. */
  json<T>(route: Route, callOptions?: CallOptions): Promise<T>
  /** A call answered 204 No Content. */
  noContent(route: Route, callOptions?: CallOptions): Promise<void>
  close(): Promise<void>
}

function createPool(options: ResolvedClientOptions): Pool {
  const { ca, cert, key } = options.tls ?? {}
  return new Pool(options.origin, {
    connections: options.connections,
    ...(options.tls ? { connect: { ca, cert, key } } : {}),
  })
}

/** Calls on a pool of keep-alive connections to the origin of `options`. */
export function createServiceCalls(options: ResolvedClientOptions): ServiceCalls {
  const pool = createPool(options)

  async function send(route: Route, callOptions: CallOptions) {
    const requestId = callOptions.requestId ?? options.requestId()
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-request-id': requestId,
      ...route.headers,
    }
    if (route.body !== undefined) headers['content-type'] = 'application/json'
    const { body, retryWindowMs, ...sent } = route
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
      ...(retryWindowMs === undefined ? {} : { retryWindowMs }),
      ...(callOptions.signal ? { signal: callOptions.signal } : {}),
    })
    return { answer, requestId }
  }

  return {
    async json<T>(route: Route, callOptions: CallOptions = {}) {
      const { answer, requestId } = await send(route, callOptions)
      return decodeSuccess<T>(answer, requestId)
    },
    async noContent(route: Route, callOptions: CallOptions = {}) {
      const { answer, requestId } = await send(route, callOptions)
      decodeNoContent(answer, requestId)
    },
    close: () => pool.close(),
  }
}
