import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import { pathWithoutQuery } from './request-path.js'

/**
 * One log line per request, written when the answer has been sent, instead of
 * Fastify's two (the arrival is logged only at debug level). It names the
 * route, never the body: passwords travel there.
 */
export class AccessLogController extends LogController {
  override incomingRequest(...[request]: Parameters<LogController['incomingRequest']>): void {
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

/** The access-log line; also written for the requests Fastify answers before routing. */
export function logRequestCompleted(
  request: FastifyRequest,
  reply: FastifyReply,
  error?: Error | null,
) {
  const line = {
    method: request.method,
    route: request.routeOptions.url ?? null,
    path: pathWithoutQuery(request.url),
    statusCode: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
  }
  if (error) reply.log.error({ ...line, err: error }, 'request errored')
  else reply.log.info(line, 'request completed')
}
