import {
  createDbFor,
  type DatabaseTarget,
  describeDatabase,
  type Knex,
  migrateToLatest,
} from '@auth-service/db'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    db: Knex
  }
}

export interface DatabasePluginOptions {
  target: DatabaseTarget
}

/** The Knex pool, shared with every route; closed when the app closes. */
export default fp<DatabasePluginOptions>(
  async (fastify, { target }) => {
    const knexLog = fastify.log.child({ component: 'knex' })
    const db = createDbFor(target, {
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
      await db.destroy()
    })
    fastify.log.info({ database: describeDatabase(target) }, 'database in use')
    // The embedded database has no operator to run migrations: it migrates itself.
    // MySQL is migrated by `pnpm db:migrate`, run once per release, not by every replica.
    if (target.dialect === 'sqlite') {
      const applied = await migrateToLatest(db)
      if (applied.length > 0) fastify.log.info({ migrations: applied }, 'migrations applied')
    }
  },
  { name: 'database' },
)
