import fp from 'fastify-plugin'
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import { RequestMetrics } from '../request-metrics.js'

export interface ServiceMetrics {
  /** This app's registry: plugins add the metrics of their own concern to it. */
  registry: Registry
  /** A gauge in the registry whose value `read` gives at each scrape. */
  gaugeOf(name: string, help: string, read: () => number): void
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
  }
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Prometheus metrics in a registry of the app's own (two apps in one process,
 * as in the tests, do not share counters), with Node's process metrics and
 * one count and duration per route and status.
 */
export default fp(
  async (fastify) => {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const requests = new RequestMetrics(registry, SECONDS_BUCKETS)
    fastify.decorate('metrics', {
      registry,
      gaugeOf(name: string, help: string, read: () => number) {
        new Gauge({
          name,
          help,
          registers: [registry],
          collect() {
            this.set(read())
          },
        })
      },
    })
    fastify.addHook('onResponse', (request, reply, done) => {
      // The route pattern, never the path: ids would make a series per user.
      const route = request.routeOptions.url ?? 'unmatched'
      requests.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000)
      done()
    })
    fastify.addHook('onClose', async () => registry.clear())
  },
  { name: 'metrics' },
)
