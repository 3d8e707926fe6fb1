import {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify'
import type { Level, Logger } from 'pino'
import { pathWithoutQuery } from './request-path.js'

// Fastify's logger type leaves out isLevelEnabled, which the app's loggers
// have: pino's, and the lazy loggers of lazy-logger.ts.
function isLevelEnabled(log: FastifyBaseLogger, level: Level): boolean {
  return (log as FastifyBaseLogger & Pick<Logger, 'isLevelEnabled'>).isLevelEnabled(level)
}

/**
 * One log line per request, written when the answer has been sent, instead of
 * Fastify's two (the arrival is logged only at debug level). It names the
 * route, never the body: passwords travel there.
 */
export class AccessLogController extends LogController {
  override incomingRequest(...[request]: Parameters<LogController['incomingRequest']>): void {
    if (!isLevelEnabled(request.log, 'debug')) return
    request.log.debug(
      { method: request.method, path: pathWithoutQuery(request.url) },
      'request received',
    )
  }

  override requestCompleted(
    ...[error, request, reply]: Parameters<LogController['requestCompleted']>
  ): void {
    logRequestCompleted(request, reply, error)
  }
}

/**
 * The level of a request's line. `info` for what an operator or an auditor
 * reads: a change (a registration, a login), a caller refused for who it is or
 * how often it calls (401, 403, 429), a fault (5xx). `debug` for the rest:
 * lookups, probes, scrapes and malformed or refused input. Those come by the
 * tens of thousands a second; a line each cost about a third of their CPU
 * (docs/performance.md), and the request metrics count them by route and status.
 */
export function accessLogLevel(method: string, statusCode: number): 'info' | 'debug' {
  if (statusCode >= 500 || statusCode === 401 || statusCode === 403 || statusCode === 429) {
    return 'info'
  }
  if (statusCode >= 400 || method === 'GET' || method === 'HEAD') return 'debug'
  return 'info'
}

/** The access-log line; also written for the requests Fastify answers before routing. */
export function logRequestCompleted(
  request: FastifyRequest,
  reply: FastifyReply,
  error?: Error | null,
) {
  const level = error ? 'error' : accessLogLevel(request.method, reply.statusCode)
  // Checked first: the line is not worth building when its level is off.
  if (!isLevelEnabled(reply.log, level)) return
  const line = {
    method: request.method,
    route: request.routeOptions.url ?? null,
    path: pathWithoutQuery(request.url),
    statusCode: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
    // The calling service, under mutual TLS; never a token.
    ...(request.caller ? { caller: request.caller } : {}),
  }
  if (error) reply.log.error({ ...line, err: error }, 'request errored')
  else reply.log[level](line, 'request completed')
}
