import { JWKS_PATH, jwksSchema } from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

// Verifiers may cache the key set this long. A new signing key is published
// as a verify key at least this long before it starts signing (see README).
export const JWKS_MAX_AGE_SECONDS = 300

const wellKnownRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(JWKS_PATH, { schema: jwksSchema }, async (_request, reply) => {
    return reply
      .header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
      .send(fastify.accessTokens.jwks)
  })
}

export default wellKnownRoutes
