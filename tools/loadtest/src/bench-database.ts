import { createDb, type Knex, migrateToLatest } from '@auth-service/db'
import { testDialects } from '@auth-service/db/testing'
import type { TableStorage } from './report.js'
import { seedUsers } from './seeded-users.js'

export interface BenchDatabase {
  dialect: 'mysql' | 'sqlite'
  url: string
  db: Knex
  /** The server's version, or "embedded SQLite". */
  description: string
  /** Closes the connections and drops the database. */
  remove(): Promise<void>
}

/**
 * A scratch database, migrated and seeded with `users` users sharing one
 * hash: a uniquely named one on the MySQL server given, or an SQLite file.
 */
export async function seededDatabase(
  mysqlServerUrl: string | undefined,
  users: number,
  passwordHash: string,
  onProgress?: (seeded: number) => void,
): Promise<BenchDatabase> {
  const dialects = testDialects({ TEST_MYSQL_URL: mysqlServerUrl })
  const chosen = dialects.find((d) => d.dialect === (mysqlServerUrl ? 'mysql' : 'sqlite'))
  if (chosen === undefined) throw new Error('no database')
  const database = await chosen.create()
  const db = createDb(database.url)
  const remove = async () => {
    try {
      await db.destroy()
    } finally {
      await database.drop()
    }
  }
  try {
    await migrateToLatest(db)
    await seedUsers(db, users, passwordHash, onProgress)
    const description =
      chosen.dialect === 'mysql'
        ? String(((await db.raw('select version() as v')) as [[{ v: string }]])[0][0].v)
        : 'embedded SQLite'
    return { dialect: chosen.dialect, url: database.url, db, description, remove }
  } catch (error) {
    // The failure to report is the seeding's, not the clean-up's.
    await remove().catch(() => {})
    throw error
  }
}

/** The users table's size on a MySQL server, with fresh statistics. */
export async function tableStorage(db: Knex): Promise<TableStorage> {
  await db.raw('analyze table users')
  const [[row]] = (await db.raw(
    `select data_length / 1048576 as rowsMb, index_length / 1048576 as indexesMb,
       @@innodb_buffer_pool_size / 1048576 as bufferPoolMb
     from information_schema.tables where table_schema = database() and table_name = 'users'`,
  )) as [[Record<keyof TableStorage, string>]]
  return {
    rowsMb: Number(row.rowsMb),
    indexesMb: Number(row.indexesMb),
    bufferPoolMb: Number(row.bufferPoolMb),
  }
}
