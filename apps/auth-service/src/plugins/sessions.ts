import type { AccessTokenClaims } from '@auth-service/shared'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { SessionSettings } from '../config.js'
import { createSessionManager, type SessionManager } from '../sessions/session-manager.js'
import { invalidToken } from '../tokens/bearer.js'

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionManager
    /** authenticate, and the token's session must be live; throws INVALID_TOKEN otherwise. */
    authenticateSession(request: FastifyRequest): Promise<AccessTokenClaims>
  }
}

const SWEEP_INTERVAL_MS = 10 * 60_000

export type SessionsOptions = SessionSettings & { now: () => number }

/** Sessions and refresh tokens; expired sessions are deleted every ten minutes. */
export default fp<SessionsOptions>(
  async (fastify, { now, ...settings }) => {
    const sessions = createSessionManager({
      db: fastify.db,
      accessTokens: fastify.accessTokens,
      settings,
      now,
    })
    fastify.decorate('sessions', sessions)
    fastify.decorate('authenticateSession', async (request: FastifyRequest) => {
      const claims = await fastify.authenticate(request)
      if (!(await sessions.isLive(claims)))
        throw invalidToken('belongs to a session that has ended')
      return claims
    })
    const sweep = setInterval(() => {
      sessions
        .sweep(fastify.log)
        .catch((error: unknown) =>
          fastify.log.warn({ err: error }, 'could not delete expired sessions'),
        )
    }, SWEEP_INTERVAL_MS)
    sweep.unref()
    fastify.addHook('onClose', async () => clearInterval(sweep))
  },
  { name: 'sessions', dependencies: ['access-tokens', 'database'] },
)
