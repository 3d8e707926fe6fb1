import { Overloaded } from '@auth-service/shared'
import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import type { PressureSettings } from '../config.js'
import { withHeaders } from '../errors/classify-error.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered even while load is shed: probes and metrics, which tell what is going on. */
    alwaysAnswer?: boolean
  }
}

const RETRY_AFTER_SECONDS = 5

/**
 * @fastify/under-pressure: when the event loop lags or the heap nears its
 * limit, every request but the probes and metrics gets 503 OVERLOADED at once,
 * so the process recovers instead of falling further behind.
 */
export default fp<PressureSettings>(
  async (fastify, settings) => {
    const shed = new Counter({
      name: 'load_shed_total',
      help: 'Requests answered 503 OVERLOADED because the process was under pressure',
      labelNames: ['reason'] as const,
      registers: [fastify.metrics.registry],
    })
    await fastify.register(underPressure, {
      maxEventLoopDelay: settings.maxEventLoopDelayMs,
      maxHeapUsedBytes: settings.maxHeapUsedBytes,
      // Async, so the error reaches the error handler like any other.
      pressureHandler: async (request, _reply, reason, value) => {
        if (request.routeOptions.config.alwaysAnswer) return
        shed.inc({ reason })
        // The error handler logs the 503; the value is worth a line of its own only at debug.
        request.log.debug({ reason, value }, 'load shed')
        throw withHeaders(new Overloaded(), { 'retry-after': String(RETRY_AFTER_SECONDS) })
      },
    })
  },
  { name: 'load-shedding', dependencies: ['metrics'] },
)
