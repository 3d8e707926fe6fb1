import { createTokenSchema } from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticateUser } from '../../users/authenticate-user.js'

const tokenRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/tokens',
    {
      schema: createTokenSchema,
      onRequest: fastify.rateLimits.loginPerAddress,
      ...fastify.rateLimits.loginFailuresPerUsername,
    },
    async (request, reply) => {
      const user = await authenticateUser(
        { db: fastify.db, passwordHasher: fastify.passwordHasher, log: request.log },
        request.body,
      )
      const token = await fastify.accessTokens.issue(user)
      // A credential: no cache along the way may keep it (RFC 6749, 5.1).
      return reply.header('cache-control', 'no-store').send(token)
    },
  )
}

export default tokenRoutes
