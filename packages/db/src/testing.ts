import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDb } from './create-db.js'
import type { Dialect } from './dialect.js'
import { migrateToLatest } from './migrate.js'

/** A fresh, empty database for one test run, and how to get rid of it. */
export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

export interface TestDialect {
  dialect: Dialect
  /** Why this dialect's tests are skipped, when they are. */
  skip: string | false
  create(): Promise<TestDatabase>
}

/**
 * The databases every data-touching test runs against: the embedded SQLite,
 * and MySQL/MariaDB at TEST_MYSQL_URL (a server URL; each run gets a database
 * of its own there, dropped afterwards).
 */
export function testDialects(env: NodeJS.ProcessEnv = process.env): TestDialect[] {
  const mysqlUrl = env.TEST_MYSQL_URL
  return [
    { dialect: 'sqlite', skip: false, create: createSqliteTestDatabase },
    {
      dialect: 'mysql',
      skip: mysqlUrl ? false : 'TEST_MYSQL_URL is not set (e.g. mysql://root@127.0.0.1:3306/)',
      create: () => createMysqlTestDatabase(mysqlUrl ?? ''),
    },
  ]
}

async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-service-test-'))
  return {
    url: `sqlite:${path.join(dir, 'test.sqlite')}`,
    async drop() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function createMysqlTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `auth_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const adminUrl = withDatabase(serverUrl, 'mysql')
  await runOnServer(
    adminUrl,
    `create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`,
  )
  return {
    url: withDatabase(serverUrl, name),
    drop: () => runOnServer(adminUrl, `drop database if exists \`${name}\``),
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.toString()
}

async function runOnServer(adminUrl: string, statement: string): Promise<void> {
  const admin = createDb(adminUrl)
  try {
    await admin.raw(statement)
  } finally {
    await admin.destroy()
  }
}

/** Applies every migration to the database at `url`, then lets go of it. */
export async function migrateTestDatabase(url: string): Promise<void> {
  const db = createDb(url)
  try {
    await migrateToLatest(db)
  } finally {
    await db.destroy()
  }
}
