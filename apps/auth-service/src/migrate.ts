import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import {
  createDbFor,
  describeDatabase,
  type Knex,
  migrateToLatest,
  pendingMigrations,
} from '@auth-service/db'
import { pino } from 'pino'
import { ConfigError, loadConfig } from './config.js'

// `pnpm db:migrate`: applies pending migrations to DATABASE_URL, then exits.
// `--wait`: applies nothing; exits 0 once someone else (the migration Job) has
// applied every migration this version knows, so a pod's init container can
// hold the new version back until its schema is there.
const WAIT_POLL_MS = 2000
const log = pino({ name: 'migrate' })
const { values: options } = parseArgs({ options: { wait: { type: 'boolean', default: false } } })

async function waitUntilMigrated(db: Knex, database: string): Promise<void> {
  let reported = ''
  for (;;) {
    const state = await pendingMigrations(db).then(
      (pending) => ({ pending, error: undefined }),
      (error: unknown) => ({ pending: undefined, error }),
    )
    if (state.pending?.length === 0) return
    // One line per change of state, not one per poll.
    const report = state.pending ? `pending ${state.pending.join(',')}` : 'unreachable'
    if (report !== reported) {
      if (state.pending) log.info({ database, pending: state.pending }, 'waiting for migrations')
      else log.warn({ database, err: state.error }, 'waiting for the database')
      reported = report
    }
    await sleep(WAIT_POLL_MS)
  }
}

try {
  const config = loadConfig(process.env)
  const database = describeDatabase(config.database)
  const db = createDbFor(config.database)
  try {
    if (options.wait) {
      await waitUntilMigrated(db, database)
      log.info({ database }, 'migrations up to date')
    } else {
      const applied = await migrateToLatest(db)
      log.info({ database, applied }, 'migrations up to date')
    }
  } finally {
    await db.destroy()
  }
} catch (error) {
  if (error instanceof ConfigError) log.fatal(error.message)
  else log.fatal({ err: error }, 'migration failed')
  process.exitCode = 1
}
