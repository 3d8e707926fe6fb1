import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import {
  answer,
  classifyError,
  type ErrorWithHeaders,
  errorBody,
} from '../errors/classify-error.js'
import { pathWithoutQuery } from '../request-path.js'

function requestContext(request: FastifyRequest) {
  // Never the body or the headers: that is where passwords and tokens travel.
  return { method: request.method, path: pathWithoutQuery(request.url), params: request.params }
}

/** The one place error bodies are written, for every route and for unknown routes. */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: ErrorWithHeaders, request, reply) => {
      const answered = classifyError(error)
      if (answered.statusCode >= 500) {
        request.log.error({ err: error, ...requestContext(request) }, 'request failed')
      } else if (error.headers) {
        reply.headers(error.headers)
      }
      return reply.code(answered.statusCode).send(errorBody(answered))
    })
    fastify.setNotFoundHandler((request, reply) => {
      const path = pathWithoutQuery(request.url)
      const notFound = answer('NOT_FOUND', `No route for ${request.method} ${path}`)
      return reply.code(404).send(errorBody(notFound))
    })
  },
  { name: 'error-handler' },
)
