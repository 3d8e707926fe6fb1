import { mkdirSync } from 'node:fs'
import path from 'node:path'
import knex, { type Knex } from 'knex'
import { flushLookups } from './batched-lookups.js'
import { type DatabaseTarget, parseDatabaseUrl } from './database-url.js'
import { closePreparedReads, preparedReadsStats } from './prepared-reads.js'

export interface DbOptions {
  /** Bound on waiting for a pooled connection, and on opening a new MySQL one. */
  connectTimeoutMs?: number
  /** Bound on each query of the repositories (runQuery). */
  queryTimeoutMs?: number
  /** Largest number of MySQL connections in the pool. */
  poolMax?: number
  /** Where Knex's own warnings go instead of the console. */
  log?: Knex.Logger
}

const DEFAULT_QUERY_TIMEOUT_MS = 5000

export function createDb(url: string, options: DbOptions = {}): Knex {
  return createDbFor(parseDatabaseUrl(url), options)
}

export function createDbFor(target: DatabaseTarget, options: DbOptions = {}): Knex {
  if (target.dialect === 'sqlite' && target.filename !== ':memory:') {
    mkdirSync(path.dirname(target.filename), { recursive: true })
  }
  const db = knex(knexConfigFor(target, options))
  // The prepared reads hold connections of their own: they end with the pool.
  const client = db.client as { destroy(callback?: unknown): Promise<void> }
  const destroyClient = client.destroy.bind(client)
  client.destroy = async (callback?: unknown) => {
    flushLookups(db)
    await closePreparedReads(db)
    return destroyClient(callback)
  }
  return db
}

/** The Knex settings for a target: pool, time zone, character set, timeouts. */
export function knexConfigFor(target: DatabaseTarget, options: DbOptions = {}): Knex.Config {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000
  const common = {
    ...(options.log ? { log: options.log } : {}),
    acquireConnectionTimeout: connectTimeoutMs,
    // Knex's own place for settings of ours: every query reads its bound here.
    userParams: { queryTimeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS },
  }
  if (target.dialect === 'sqlite') {
    return {
      ...common,
      client: 'better-sqlite3',
      connection: { filename: target.filename },
      useNullAsDefault: true,
      pool: {
        // better-sqlite3 is synchronous: one connection, and WAL so readers
        // in other processes (migrations, backups) do not block it.
        min: 1,
        max: 1,
        afterCreate(
          connection: { pragma(sql: string): unknown },
          done: (err: Error | null) => void,
        ) {
          connection.pragma('journal_mode = WAL')
          connection.pragma('busy_timeout = 5000')
          connection.pragma('foreign_keys = ON')
          done(null)
        },
      },
    }
  }
  return {
    ...common,
    client: 'mysql2',
    connection: {
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database: target.database,
      charset: 'utf8mb4',
      // Dates travel as UTC whatever the server's or the process's time zone.
      timezone: 'Z',
      connectTimeout: connectTimeoutMs,
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
  }
}

export function queryTimeoutOf(db: Knex): number {
  return db.userParams.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS
}

export interface PoolStats {
  /** Connections running a query. */
  used: number
  /** Queries waiting for a connection. */
  pending: number
}

/** How busy the connection pools are, Knex's and the prepared reads', for metrics. */
export function poolStats(db: Knex): PoolStats {
  const pool = db.client.pool as { numUsed(): number; numPendingAcquires(): number } | undefined
  const reads = preparedReadsStats(db)
  return {
    used: (pool?.numUsed() ?? 0) + reads.used,
    pending: (pool?.numPendingAcquires() ?? 0) + reads.pending,
  }
}
