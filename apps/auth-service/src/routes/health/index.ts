import { pingDatabase } from '@auth-service/db'
import { DatabaseUnavailable, livenessSchema, readinessSchema } from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/livez', { schema: livenessSchema }, async () => ({ status: 'ok' as const }))

  fastify.get('/readyz', { schema: readinessSchema }, async (request) => {
    try {
      await pingDatabase(fastify.db)
    } catch (error) {
      request.log.warn({ err: error }, 'database ping failed')
      throw new DatabaseUnavailable()
    }
    return { status: 'ok' as const }
  })
}

export default healthRoutes
