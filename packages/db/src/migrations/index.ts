import type { Knex } from 'knex'
import * as createUsers from './20261124000000_create_users.js'
import * as createIdempotencyKeys from './20261125000000_create_idempotency_keys.js'
import * as createSessions from './20261206000000_create_sessions.js'

interface Migration {
  up(db: Knex): Promise<void>
  down(db: Knex): Promise<void>
}

// Listed, not discovered on disk: the same list works from TypeScript sources,
// compiled output and a pruned production image. Append new migrations here.
const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['20261124000000_create_users', createUsers],
  ['20261125000000_create_idempotency_keys', createIdempotencyKeys],
  ['20261206000000_create_sessions', createSessions],
]

// Entries are `{ file }` objects because the knex CLI prints that property.
export const migrationSource: Knex.MigrationSource<{ file: string }> = {
  async getMigrations() {
    return migrations.map(([file]) => ({ file }))
  },
  getMigrationName({ file }) {
    return file
  },
  async getMigration({ file }) {
    const found = migrations.find(([name]) => name === file)
    if (found === undefined) throw new Error(`unknown migration ${file}`)
    return found[1]
  },
}
