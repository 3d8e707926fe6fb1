// For the knex CLI (`knex --knexfile dist/knexfile.js migrate:status`):
// the same connection settings and migration list the service uses.
import type { Knex } from 'knex'
import { knexConfigFor } from './create-db.js'
import { parseDatabaseUrl } from './database-url.js'
import { migrationSource } from './migrations/index.js'

const url = process.env.DATABASE_URL
if (url === undefined || url === '') throw new Error('set DATABASE_URL to use the knexfile')

const config: Knex.Config = {
  ...knexConfigFor(parseDatabaseUrl(url)),
  migrations: { migrationSource },
}
export default config
