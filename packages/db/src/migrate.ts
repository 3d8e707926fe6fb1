import type { Knex } from 'knex'
import { migrationSource } from './migrations/index.js'

const migratorConfig: Knex.MigratorConfig = {
  migrationSource,
  tableName: 'knex_migrations',
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migratorConfig)) as [number, string[]]
  return applied
}

/** Undoes every applied migration, newest first; returns the names undone. */
export async function rollbackAll(db: Knex): Promise<string[]> {
  const [, undone] = (await db.migrate.rollback(migratorConfig, true)) as [number, string[]]
  return undone
}

/** The migrations this version knows that the database has not applied yet. */
export async function pendingMigrations(db: Knex): Promise<string[]> {
  const [, pending] = (await db.migrate.list(migratorConfig)) as [unknown, Array<{ file: string }>]
  return pending.map((migration) => migration.file)
}
