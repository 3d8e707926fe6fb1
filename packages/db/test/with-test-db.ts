import type { Knex } from 'knex'
import type { Test } from 'tap'
import { createDb, type DbOptions } from '../src/create-db.js'
import { migrateToLatest } from '../src/migrate.js'
import { type TestDialect, testDialects } from '../src/testing.js'

/**
 * Runs `body` once per dialect (SQLite, then MySQL when TEST_MYSQL_URL is set)
 * against a fresh migrated database that is dropped when the subtest ends.
 */
export function forEachDialect(
  t: Test,
  body: (t: Test, db: Knex, dialect: TestDialect) => Promise<void>,
  { migrate = true } = {},
): void {
  for (const dialect of testDialects()) {
    t.test(dialect.dialect, { skip: dialect.skip }, async (t) => {
      const database = await dialect.create()
      const db = createDb(database.url)
      t.teardown(async () => {
        await db.destroy()
        await database.drop()
      })
      if (migrate) await migrateToLatest(db)
      await body(t, db, dialect)
    })
  }
}

const mysql = testDialects().find(({ dialect }) => dialect === 'mysql')

/** Why a MySQL-only test is skipped, when it is: pass it as the test's `skip`. */
export const mysqlSkip = mysql?.skip ?? 'no MySQL dialect'

/**
 * A fresh, empty MySQL database opened with `options`, destroyed and dropped
 * when `t` ends. For the tests of MySQL's own behaviour; skip them with mysqlSkip.
 */
export async function openMysqlTestDb(t: Test, options: DbOptions): Promise<Knex> {
  const database = await mysql?.create()
  if (database === undefined) throw new Error('no MySQL test database')
  const db = createDb(database.url, options)
  t.teardown(async () => {
    await db.destroy()
    await database.drop()
  })
  return db
}
