import { Writable } from 'node:stream'
import { createDb } from '@auth-service/db'
import { migrateTestDatabase, type TestDialect, testDialects } from '@auth-service/db/testing'
import { type App, buildApp } from 'auth-service'
import { loadConfig } from 'auth-service/config'
import type { Test } from 'tap'
import {
  type AuthServiceClient,
  type AuthServiceClientOptions,
  createAuthServiceClient,
} from '../../src/index.js'

/** auth-service listening on loopback, on a fresh database of one dialect. */
export interface RunningService {
  app: App
  origin: string
  dialect: TestDialect['dialect']
  databaseUrl: string
  /** A client of this service, closed before the service is. */
  connect(options?: Partial<AuthServiceClientOptions>): AuthServiceClient
  /** Runs `close` when the test ends, before the clients made earlier and the service. */
  onEnd(close: () => Promise<void>): void
  /** How many users the database holds, read past the service. */
  countUsers(): Promise<number>
}

const silent = new Writable({ write: (_chunk, _encoding, done) => done() })

async function countUsers(url: string): Promise<number> {
  const db = createDb(url)
  try {
    const [row] = await db('users').count({ users: '*' })
    return Number(row?.users)
  } finally {
    await db.destroy()
  }
}

/**
 * Runs `body` once per database dialect (SQLite always, MySQL when
 * TEST_MYSQL_URL is set) against a service started in this process.
 */
export function forEachDialect(
  t: Test,
  body: (t: Test, service: RunningService) => Promise<void>,
  env: Record<string, string> = {},
) {
  for (const { dialect, skip, create } of testDialects()) {
    t.test(dialect, { skip }, async (t) => {
      const database = await create()
      // Last opened, first closed: clients and proxies let go before the app
      // closes, and the app lets go of the database before it is dropped.
      const closers: Array<() => Promise<void>> = [() => database.drop()]
      t.teardown(async () => {
        for (const close of closers.reverse()) await close()
      })
      if (dialect === 'mysql') await migrateTestDatabase(database.url)
      const config = loadConfig({
        DATABASE_URL: database.url,
        BCRYPT_COST: '4',
        RATE_LIMIT_ENABLED: 'false',
        LOG_LEVEL: 'silent',
        ...env,
      })
      const app = buildApp(config, { logStream: silent })
      closers.push(() => app.close())
      const origin = await app.listen({ port: 0, host: '127.0.0.1' })
      const onEnd = (close: () => Promise<void>) => {
        closers.push(close)
      }
      const connect = (options: Partial<AuthServiceClientOptions> = {}) => {
        const client = createAuthServiceClient({ origin, ...options })
        onEnd(() => client.close())
        return client
      }
      const service = {
        app,
        origin,
        dialect,
        databaseUrl: database.url,
        connect,
        onEnd,
        countUsers: () => countUsers(database.url),
      }
      await body(t, service)
    })
  }
}
