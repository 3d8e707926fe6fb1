import { type Static, Type } from '@sinclair/typebox'
import { errorResponses } from './error-response.js'

export const HealthStatus = Type.Object(
  { status: Type.Literal('ok') },
  { additionalProperties: false },
)
export type HealthStatus = Static<typeof HealthStatus>

/** The probes: never shed under load, never behind client certificates. */
export const PROBE_PATHS = { liveness: '/livez', readiness: '/readyz' } as const
export const METRICS_PATH = '/metrics'

export const livenessSchema = {
  summary: 'Liveness probe: the process runs',
  tags: ['operations'],
  response: { 200: HealthStatus, ...errorResponses('INTERNAL_ERROR') },
} as const

export const readinessSchema = {
  summary: 'Readiness probe: the database answers and the instance is not shutting down',
  tags: ['operations'],
  response: {
    200: HealthStatus,
    ...errorResponses('DATABASE_UNAVAILABLE', 'SHUTTING_DOWN', 'INTERNAL_ERROR'),
  },
} as const

export const metricsSchema = {
  summary: 'Prometheus metrics, in the text exposition format',
  tags: ['operations'],
  response: {
    // Text on success; errors are JSON like everywhere else.
    200: {
      description: 'Prometheus text format 0.0.4.',
      content: { 'text/plain': { schema: Type.String() } },
    },
    ...errorResponses('INTERNAL_ERROR', 'CLIENT_CERTIFICATE_REQUIRED'),
  },
} as const
