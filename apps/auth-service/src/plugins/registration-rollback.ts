import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'
import {
  createRegistrationRollback,
  type RegistrationRollback,
} from '../users/registration-rollback.js'

declare module 'fastify' {
  interface FastifyInstance {
    registrationRollback: RegistrationRollback
  }
}

/** Deletes rows of registrations that were answered with an error; see RegistrationRollback. */
export default fp(
  async (fastify) => {
    const rollback = createRegistrationRollback(fastify.db, fastify.log)
    fastify.decorate('registrationRollback', rollback)
    new Gauge({
      name: 'registrations_pending_rollback',
      help: 'Users to delete because their registration was answered with an error',
      registers: [fastify.metrics.registry],
      collect() {
        this.set(rollback.pending)
      },
    })
    // Registered after the database, so this runs before the pool closes;
    // after the handlers, which may still schedule a rollback.
    fastify.addHook('onClose', async () => {
      await fastify.handlersSettled()
      await rollback.close()
    })
  },
  { name: 'registration-rollback', dependencies: ['database', 'metrics', 'shutdown'] },
)
