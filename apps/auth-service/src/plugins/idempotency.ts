import type { TLSSocket } from 'node:tls'
import { deleteExpiredIdempotencyKeys } from '@auth-service/db'
import type { RegisterUserBody, UserView } from '@auth-service/shared'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type RegistrationAnswer, registerIdempotently } from '../users/idempotent-registration.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs a registration sent with an Idempotency-Key at most once. */
    registerIdempotently(
      request: FastifyRequest,
      registration: { key: string; body: RegisterUserBody },
      register: () => Promise<UserView>,
    ): Promise<RegistrationAnswer>
  }
}

const SWEEP_INTERVAL_MS = 10 * 60_000

/** The caller a key belongs to: its client certificate, when mutual TLS is on. */
function callerOf(request: FastifyRequest): string {
  const socket = request.raw.socket as Partial<TLSSocket>
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return ''
  return socket.getPeerCertificate().fingerprint256.replaceAll(':', '').toLowerCase()
}

/** Idempotency keys on POST /users, kept in the database across replicas and restarts. */
export default fp<{ ttlMs: number }>(
  async (fastify, { ttlMs }) => {
    const deps = {
      db: fastify.db,
      fingerprintKey: fastify.deriveSecret('auth-service idempotency-key fingerprint v1'),
      ttlMs,
      log: fastify.log,
    }
    fastify.decorate('registerIdempotently', (request, registration, register) =>
      registerIdempotently(
        { ...deps, log: request.log },
        { caller: callerOf(request), ...registration },
        register,
      ),
    )
    // Expired keys are replaced when reused; the sweep keeps the table small.
    const sweep = setInterval(() => {
      deleteExpiredIdempotencyKeys(fastify.db, new Date()).catch((error: unknown) =>
        fastify.log.warn({ err: error }, 'could not delete expired idempotency keys'),
      )
    }, SWEEP_INTERVAL_MS)
    sweep.unref()
    fastify.addHook('onClose', async () => clearInterval(sweep))
  },
  { name: 'idempotency', dependencies: ['access-tokens', 'database'] },
)
