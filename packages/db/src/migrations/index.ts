import type { Knex } from 'knex'
import * as createUsers from './20261124000000_create_users.js'

interface Migration {
  up(db: Knex): Promise<void>
  down(db: Knex): Promise<void>
}

// Listed, not discovered on disk: the same list works from TypeScript sources,
// compiled output and a pruned production image. Append new migrations here.
const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['20261124000000_create_users', createUsers],
]

export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return migrations.map(([name]) => name)
  },
  getMigrationName(name) {
    return name
  },
  async getMigration(name) {
    const found = migrations.find(([candidate]) => candidate === name)
    if (found === undefined) throw new Error(`unknown migration ${name}`)
    return found[1]
  },
}
