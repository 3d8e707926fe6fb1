import { Writable } from 'node:stream'
import { migrateTestDatabase, type TestDialect, testDialects } from '@auth-service/db/testing'
import type { Test } from 'tap'
import { type App, buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

export interface TestApp {
  app: App
  /** Every log line the app has written so far, as one string. */
  logs(): string
}

export interface TestAppOptions {
  /** The app's clock, in milliseconds since the epoch. */
  now?: () => number
}

export interface DialectContext extends TestApp {
  dialect: TestDialect['dialect']
  databaseUrl: string
  /** Another app on the same database, with extra settings. */
  startApp(env?: Record<string, string>, options?: TestAppOptions): Promise<TestApp>
}

// Cost 4 keeps the suite fast; one test proves the default cost reaches the database.
// Debug: every line a request can write, so the tests that look for secrets in
// the logs see them all.
const TEST_ENV = { BCRYPT_COST: '4', LOG_LEVEL: 'debug' }

/** Builds an app on `databaseUrl` that logs into memory; closed when `t` ends. */
export async function startTestApp(
  t: Test,
  databaseUrl: string,
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const started = await buildTestApp(databaseUrl, env, options)
  t.teardown(() => started.app.close())
  return started
}

async function buildTestApp(
  databaseUrl: string,
  env: Record<string, string>,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const lines: string[] = []
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: databaseUrl, ...env })
  const app = buildApp(config, { logStream, ...options })
  await app.ready()
  return { app, logs: () => lines.join('') }
}

/**
 * Runs `body` against the embedded SQLite and against MySQL (when
 * TEST_MYSQL_URL is set), each time on a fresh, migrated database of its own
 * that is dropped when the subtest ends.
 */
export function forEachDialect(t: Test, body: (t: Test, context: DialectContext) => Promise<void>) {
  for (const { dialect, skip, create } of testDialects()) {
    t.test(dialect, { skip }, async (t) => {
      const database = await create()
      const apps: TestApp[] = []
      // The apps let go of the database before it is dropped.
      t.teardown(async () => {
        for (const { app } of apps) await app.close()
        await database.drop()
      })
      if (dialect === 'mysql') await migrateTestDatabase(database.url)
      const startApp = async (env: Record<string, string> = {}, options: TestAppOptions = {}) => {
        const started = await buildTestApp(database.url, env, options)
        apps.push(started)
        return started
      }
      const first = await startApp()
      await body(t, { ...first, dialect, databaseUrl: database.url, startApp })
    })
  }
}

/** A bcrypt hash in any form: `$2a$`, `$2b$` or `$2y$`, then the cost. */
export const BCRYPT_HASH = /\$2[aby]\$\d\d\$/
