import {
  createTokenSchema,
  type IntrospectionResponse,
  introspectTokenSchema,
  refreshTokenSchema,
  revokeTokenSchema,
} from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { authenticateUser } from '../../users/authenticate-user.js'

// Credentials: no cache along the way may keep them (RFC 6749, 5.1).
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')

const tokenRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/tokens',
    {
      schema: createTokenSchema,
      config: { permission: 'tokens:issue' },
      onRequest: fastify.rateLimits.loginPerAddress,
      ...fastify.rateLimits.loginFailuresPerUsername,
    },
    async (request, reply) => {
      const user = await authenticateUser(
        { db: fastify.db, passwordHasher: fastify.passwordHasher, log: request.log },
        request.body,
      )
      const pair = await fastify.sessions.start(user, request.caller)
      return noStore(reply).send(pair)
    },
  )

  fastify.post(
    '/tokens/refresh',
    { schema: refreshTokenSchema, config: { permission: 'tokens:issue' } },
    async (request, reply) => {
      const pair = await fastify.sessions.refresh(request.body.refreshToken, request.log)
      return noStore(reply).send(pair)
    },
  )

  fastify.post(
    '/tokens/revoke',
    { schema: revokeTokenSchema, config: { permission: 'tokens:issue' } },
    async (request, reply) => {
      await fastify.sessions.revokeRefreshToken(request.body.token, request.log)
      return noStore(reply).send({})
    },
  )

  fastify.post(
    '/tokens/introspect',
    { schema: introspectTokenSchema, config: { permission: 'tokens:introspect' } },
    async (request, reply) => {
      const claims = await fastify.accessTokens.verify(request.body.token).catch(() => undefined)
      let answer: IntrospectionResponse = { active: false }
      if (claims !== undefined && (await fastify.sessions.isLive(claims))) {
        const { sub, sid, preferred_username: username, exp, iat, iss, aud, jti } = claims
        answer = { active: true, sub, sid, username, exp, iat, iss, aud, jti, token_type: 'Bearer' }
      }
      return noStore(reply).send(answer)
    },
  )
}

export default tokenRoutes
