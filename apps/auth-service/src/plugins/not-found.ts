import fp from 'fastify-plugin'
import { answer, errorBody } from '../errors/classify-error.js'
import { pathWithoutQuery } from '../request-path.js'

/**
 * The answer for unknown routes, rate-limited per address: probing for URLs
 * is how an attacker maps a service.
 */
export default fp(
  async (fastify) => {
    fastify.setNotFoundHandler(
      { preHandler: fastify.rateLimits.notFoundPerAddress },
      (request, reply) => {
        const path = pathWithoutQuery(request.url)
        const notFound = answer('NOT_FOUND', `No route for ${request.method} ${path}`)
        return reply.code(404).send(errorBody(notFound))
      },
    )
  },
  { name: 'not-found', dependencies: ['rate-limits'] },
)
