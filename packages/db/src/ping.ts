import type { Knex } from 'knex'
import { runQuery } from './database-error.js'

/** Resolves when the database answers a trivial query; throws a DatabaseError otherwise. */
export async function pingDatabase(db: Knex): Promise<void> {
  await runQuery(db, db.raw('select 1'))
}
