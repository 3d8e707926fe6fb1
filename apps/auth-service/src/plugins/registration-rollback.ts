import fp from 'fastify-plugin'
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
    fastify.metrics.gaugeOf(
      'registrations_pending_rollback',
      'Users to delete because their registration was answered with an error',
      () => rollback.pending,
    )
    // Registered after the database, so this runs before the pool closes;
    // after the handlers, which may still schedule a rollback.
    fastify.addHook('onClose', async () => {
      await fastify.handlersSettled()
      await rollback.close()
    })
  },
  { name: 'registration-rollback', dependencies: ['database', 'metrics', 'shutdown'] },
)
