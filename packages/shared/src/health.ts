import { type Static, Type } from '@sinclair/typebox'
import { errorResponses } from './error-response.js'

export const HealthStatus = Type.Object(
  { status: Type.Literal('ok') },
  { additionalProperties: false },
)
export type HealthStatus = Static<typeof HealthStatus>

export const livenessSchema = {
  summary: 'Liveness probe: the process runs',
  response: { 200: HealthStatus },
} as const

export const readinessSchema = {
  summary: 'Readiness probe: the database answers',
  response: { 200: HealthStatus, ...errorResponses('DATABASE_UNAVAILABLE') },
} as const
