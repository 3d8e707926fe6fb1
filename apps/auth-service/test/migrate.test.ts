import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { createDb } from '@auth-service/db'
import { testDialects } from '@auth-service/db/testing'
import t from 'tap'

const MIGRATE = path.resolve(import.meta.dirname, '../src/migrate.ts')
const run = promisify(execFile)

t.test('db:migrate applies the migrations to DATABASE_URL and exits 0', async (t) => {
  for (const { dialect, skip, create } of testDialects()) {
    t.test(dialect, { skip }, async (t) => {
      const database = await create()
      t.teardown(() => database.drop())
      const env = { ...process.env, DATABASE_URL: database.url }
      const first = await run(process.execPath, ['--import=tsx', MIGRATE], { env })
      t.match(first.stdout, /"applied":\["20261124000000_create_users"\]/)
      const second = await run(process.execPath, ['--import=tsx', MIGRATE], { env })
      t.match(second.stdout, /"applied":\[\]/, 'a second run has nothing to do')
      const db = createDb(database.url)
      t.teardown(() => db.destroy())
      t.ok(await db.schema.hasTable('users'))
    })
  }
})

t.test('db:migrate in production needs no token signing key', async (t) => {
  const database = await testDialects()[0]?.create()
  if (database === undefined) throw new Error('SQLite is always available')
  t.teardown(() => database.drop())
  const env = { ...process.env, NODE_ENV: 'production', DATABASE_URL: database.url }
  const migrated = await run(process.execPath, ['--import=tsx', MIGRATE], { env })
  t.match(migrated.stdout, /"applied":\["20261124000000_create_users"\]/)
})

t.test('db:migrate with a bad DATABASE_URL exits 1 naming it', async (t) => {
  const env = { ...process.env, DATABASE_URL: 'postgres://x/y' }
  const failure = await run(process.execPath, ['--import=tsx', MIGRATE], { env }).catch((e) => e)
  t.equal(failure.code, 1)
  t.match(failure.stdout, /DATABASE_URL/)
})
