import { METRICS_PATH, metricsSchema } from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

const metricsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    METRICS_PATH,
    { schema: metricsSchema, config: { alwaysAnswer: true } },
    async (_request, reply) => {
      const { registry } = fastify.metrics
      return reply.type(registry.contentType).send(await registry.metrics())
    },
  )
}

export default metricsRoutes
