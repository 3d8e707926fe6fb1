import t from 'tap'
import { migrateToLatest, rollbackAll } from '../src/migrate.js'
import { forEachDialect } from './with-test-db.js'

const ALL_MIGRATIONS = [
  '20261124000000_create_users',
  '20261125000000_create_idempotency_keys',
  '20261206000000_create_sessions',
]

t.test('migrations go up, all the way down, and up again', async (t) => {
  forEachDialect(
    t,
    async (t, db) => {
      t.same(await migrateToLatest(db), ALL_MIGRATIONS)
      t.ok(await db.schema.hasTable('users'))
      t.ok(await db.schema.hasTable('idempotency_keys'))
      t.ok(await db.schema.hasTable('sessions'))
      t.ok(await db.schema.hasTable('refresh_tokens'))
      t.same(await migrateToLatest(db), [], 'a second run applies nothing')
      t.same(await rollbackAll(db), [...ALL_MIGRATIONS].reverse())
      t.notOk(await db.schema.hasTable('users'))
      t.notOk(await db.schema.hasTable('refresh_tokens'))
      t.same(await migrateToLatest(db), ALL_MIGRATIONS)
      t.ok(await db.schema.hasTable('users'))
    },
    { migrate: false },
  )
})

t.test('MySQL columns are utf8mb4 and the canonical name compares byte for byte', async (t) => {
  forEachDialect(t, async (t, db, { dialect }) => {
    if (dialect !== 'mysql') return
    const [rows] = (await db.raw(
      `select column_name as name, character_set_name as charset, collation_name as collation
         from information_schema.columns
        where table_schema = database() and table_name = 'users'`,
    )) as [Array<{ name: string; charset: string | null; collation: string | null }>]
    const byName = Object.fromEntries(rows.map((row) => [row.name, row]))
    t.equal(byName.username?.charset, 'utf8mb4')
    t.equal(byName.username_canonical?.charset, 'utf8mb4')
    t.equal(byName.username_canonical?.collation, 'utf8mb4_bin')
    t.equal(byName.id?.collation, 'ascii_bin')
    t.equal(byName.password_hash?.collation, 'ascii_bin')
  })
})
