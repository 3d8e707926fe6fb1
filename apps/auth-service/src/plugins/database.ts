import {
  createDbFor,
  type DatabaseTarget,
  describeDatabase,
  type Knex,
  migrateToLatest,
  poolStats,
} from '@auth-service/db'
import fp from 'fastify-plugin'
import type { DatabaseLimits } from '../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Knex
  }
}

export interface DatabasePluginOptions {
  target: DatabaseTarget
  limits: DatabaseLimits
}

/** The Knex pool, shared with every route; closed when the app closes. */
export default fp<DatabasePluginOptions>(
  async (fastify, { target, limits }) => {
    const knexLog = fastify.log.child({ component: 'knex' })
    const db = createDbFor(target, {
      ...limits,
      log: {
        warn: (message: unknown) => knexLog.warn(String(message)),
        error: (message: unknown) => knexLog.error(String(message)),
        deprecate: (method: string, alternative: string) =>
          knexLog.warn(`${method} is deprecated, use ${alternative}`),
        debug: () => {},
      },
    })
    fastify.decorate('db', db)
    fastify.addHook('onClose', async () => {
      await fastify.handlersSettled()
      await db.destroy()
    })
    const { gaugeOf } = fastify.metrics
    gaugeOf(
      'db_pool_connections_in_use',
      'Database connections running a query',
      () => poolStats(db).used,
    )
    gaugeOf(
      'db_pool_acquires_waiting',
      'Queries waiting for a database connection',
      () => poolStats(db).pending,
    )
    fastify.log.info({ database: describeDatabase(target) }, 'database in use')
    // The embedded database has no operator to run migrations: it migrates itself.
    // MySQL is migrated by `pnpm db:migrate`, run once per release, not by every replica.
    if (target.dialect === 'sqlite') {
      const applied = await migrateToLatest(db)
      if (applied.length > 0) fastify.log.info({ migrations: applied }, 'migrations applied')
    }
  },
  { name: 'database', dependencies: ['metrics', 'shutdown'] },
)
