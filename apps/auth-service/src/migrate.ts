import { createDbFor, describeDatabase, migrateToLatest } from '@auth-service/db'
import { pino } from 'pino'
import { ConfigError, loadConfig } from './config.js'

// `pnpm db:migrate`: applies pending migrations to DATABASE_URL, then exits.
const log = pino({ name: 'migrate' })
try {
  const config = loadConfig(process.env)
  const db = createDbFor(config.database)
  try {
    const applied = await migrateToLatest(db)
    log.info({ database: describeDatabase(config.database), applied }, 'migrations up to date')
  } finally {
    await db.destroy()
  }
} catch (error) {
  if (error instanceof ConfigError) log.fatal(error.message)
  else log.fatal({ err: error }, 'migration failed')
  process.exitCode = 1
}
