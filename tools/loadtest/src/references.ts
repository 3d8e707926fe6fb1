import { fileURLToPath } from 'node:url'
import bcrypt from 'bcrypt'
import Database from 'better-sqlite3'
import { createPool } from 'mysql2/promise'
import { type LoadResult, runLoad, WARMUP_SECONDS } from './load.js'
import { randomSeededUser } from './seeded-users.js'
import { startServerProcess } from './service-process.js'

const POINT_SELECT = 'select id, username, created_at from users where id = ?'

/** Hashes per second with every core busy: the ceiling for registrations and logins. */
export async function measureBcryptRate(
  cost: number,
  cores: number,
  seconds: number,
): Promise<number> {
  await bcrypt.hash('warm-up', 4)
  const deadline = performance.now() + seconds * 1000
  let hashes = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (performance.now() < deadline) {
        await bcrypt.hash('a reference passphrase', cost)
        hashes++
      }
    }),
  )
  return hashes / ((performance.now() - started) / 1000)
}

/** A bare Fastify route returning constant JSON, loaded like the scenarios. */
export async function measureBareRoute(
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  const entry = fileURLToPath(new URL('./hello-server.js', import.meta.url))
  const server = await startServerProcess([entry], {}, '/hello')
  try {
    const result = await runLoad({
      name: 'bare Fastify route',
      url: `${server.origin}/hello`,
      connections,
      durationSeconds,
      expectedStatuses: [200],
      connectionRequests: () => [{ method: 'GET', path: '/hello' }],
    })
    return { ...result, peakRssMb: server.takePeakRssMb() }
  } finally {
    await server.stop()
  }
}

/**
 * Primary-key selects of seeded users straight through the driver: mysql2
 * prepared statements over `connections` connections, or better-sqlite3.
 * Counted after a warm-up, as the scenarios are: connecting and preparing are
 * not part of a select's cost.
 */
export async function measurePointSelects(
  target: { dialect: 'mysql' | 'sqlite'; url: string },
  seededUsers: number,
  connections: number,
  durationSeconds: number,
): Promise<number> {
  if (target.dialect === 'sqlite') {
    const db = new Database(target.url.replace(/^sqlite:/, ''), { readonly: true })
    const select = db.prepare(POINT_SELECT)
    try {
      return await selectsPerSecond(durationSeconds, async (deadline) => {
        let selects = 0
        while (performance.now() < deadline) {
          select.get(randomSeededUser(seededUsers).id)
          selects++
        }
        return selects
      })
    } finally {
      db.close()
    }
  }
  const pool = createPool({ uri: target.url, connectionLimit: connections })
  try {
    return await selectsPerSecond(durationSeconds, async (deadline) => {
      const counts = await Promise.all(
        Array.from({ length: connections }, async () => {
          let selects = 0
          while (performance.now() < deadline) {
            await pool.execute(POINT_SELECT, [randomSeededUser(seededUsers).id])
            selects++
          }
          return selects
        }),
      )
      return counts.reduce((sum, count) => sum + count, 0)
    })
  } finally {
    await pool.end()
  }
}

/** Runs `selectUntil` for the warm-up, then for `durationSeconds`, and rates the second. */
async function selectsPerSecond(
  durationSeconds: number,
  selectUntil: (deadline: number) => Promise<number>,
): Promise<number> {
  await selectUntil(performance.now() + WARMUP_SECONDS * 1000)
  const started = performance.now()
  const selects = await selectUntil(started + durationSeconds * 1000)
  return selects / ((performance.now() - started) / 1000)
}
