import { pingDatabase } from '@auth-service/db'
import {
  DatabaseUnavailable,
  livenessSchema,
  PROBE_PATHS,
  readinessSchema,
  ShuttingDown,
} from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

// Probes answer under load and without a client certificate: they are how
// Kubernetes learns what is going on.
const probe = { probe: true, alwaysAnswer: true }

const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(PROBE_PATHS.liveness, { schema: livenessSchema, config: probe }, async () => ({
    status: 'ok' as const,
  }))

  fastify.get(
    PROBE_PATHS.readiness,
    { schema: readinessSchema, config: probe },
    async (request) => {
      if (fastify.draining) throw new ShuttingDown()
      try {
        await pingDatabase(fastify.db)
      } catch (error) {
        request.log.warn({ err: error }, 'database ping failed')
        throw new DatabaseUnavailable()
      }
      return { status: 'ok' as const }
    },
  )
}

export default healthRoutes
