import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
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
      t.match(
        first.stdout,
        /"applied":\["20261124000000_create_users","20261125000000_create_idempotency_keys","20261206000000_create_sessions"\]/,
      )
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
  t.match(
    migrated.stdout,
    /"applied":\["20261124000000_create_users","20261125000000_create_idempotency_keys","20261206000000_create_sessions"\]/,
  )
})

t.test('db:migrate with a bad DATABASE_URL exits 1 naming it', async (t) => {
  const env = { ...process.env, DATABASE_URL: 'postgres://x/y' }
  const failure = await run(process.execPath, ['--import=tsx', MIGRATE], { env }).catch((e) => e)
  t.equal(failure.code, 1)
  t.match(failure.stdout, /DATABASE_URL/)
})

t.test('db:migrate --wait exits once another run has applied every migration', async (t) => {
  for (const { dialect, skip, create } of testDialects()) {
    t.test(dialect, { skip }, async (t) => {
      const database = await create()
      t.teardown(() => database.drop())
      const env = { ...process.env, DATABASE_URL: database.url }
      const waiting = spawn(process.execPath, ['--import=tsx', MIGRATE, '--wait'], { env })
      const output: string[] = []
      waiting.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk))
      const exited = once(waiting, 'exit')
      while (!output.join('').includes('waiting for migrations')) await sleep(50)
      t.equal(waiting.exitCode, null, 'still waiting while migrations are pending')
      const db = createDb(database.url)
      t.teardown(() => db.destroy())
      t.notOk(await db.schema.hasTable('users'), 'the waiting run applied nothing')

      await run(process.execPath, ['--import=tsx', MIGRATE], { env })
      const [code] = await exited
      t.equal(code, 0)
      t.match(output.join(''), /migrations up to date/)
    })
  }
})
