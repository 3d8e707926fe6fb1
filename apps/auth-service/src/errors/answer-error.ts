import type { FastifyReply, FastifyRequest } from 'fastify'
import { pathWithoutQuery } from '../request-path.js'
import { classifyError, type ErrorWithHeaders, errorBody } from './classify-error.js'

function requestContext(request: FastifyRequest) {
  // Never the body or the headers: that is where passwords and tokens travel.
  return { method: request.method, path: pathWithoutQuery(request.url), params: request.params }
}

/**
 * The one place error bodies are written, for every route: the app's error
 * handler (plugins/error-handler.ts), also called directly by a route that
 * answers a refusal its rules returned.
 */
export function answerError(error: ErrorWithHeaders, request: FastifyRequest, reply: FastifyReply) {
  const answered = classifyError(error)
  if (answered.code === 'INTERNAL_ERROR') {
    request.log.error({ err: error, ...requestContext(request) }, 'request failed')
  } else if (answered.statusCode >= 500) {
    // Expected under faults and load: the reason, without a stack per request.
    request.log.warn({ code: answered.code, reason: error.message }, 'service unavailable')
  }
  // Headers that belong to the answer: WWW-Authenticate, Retry-After.
  if (error.headers) reply.headers(error.headers)
  // Every 503 says when to try again; most faults behind one pass quickly.
  if (answered.statusCode === 503 && !reply.hasHeader('retry-after')) {
    reply.header('retry-after', '1')
  }
  return reply.code(answered.statusCode).send(errorBody(answered))
}
