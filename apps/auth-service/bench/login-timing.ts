// Login timing by outcome: an unknown user, a known user with a wrong
// password, and a correct login should take the same time, so that timing
// does not tell which names exist. Prints median and p95 of each, sequential
// requests over HTTP against a service built here.
//
//   pnpm bench:login [--samples 100]       (BCRYPT_COST and DATABASE_URL apply)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createDbFor, migrateToLatest } from '@auth-service/db'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'

const { values } = parseArgs({ options: { samples: { type: 'string', default: '100' } } })
const samples = Number(values.samples)
const scratch = mkdtempSync(path.join(tmpdir(), 'auth-service-bench-'))
const config = loadConfig({
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL || `sqlite:${path.join(scratch, 'bench.sqlite')}`,
  LOG_LEVEL: 'error',
  // A hundred wrong passwords for one name would trip the login limit.
  RATE_LIMIT_ENABLED: 'false',
})
if (config.database.dialect === 'mysql') {
  const db = createDbFor(config.database)
  await migrateToLatest(db)
  await db.destroy()
}
const app = buildApp(config)
const origin = await app.listen({ port: 0, host: '127.0.0.1' })

const PASSWORD = 'a benchmark passphrase'
const username = `bench-${Date.now().toString(36)}`
const kinds = {
  'unknown user': { body: { username: `${username}-nobody`, password: PASSWORD }, status: 401 },
  'wrong password': { body: { username, password: `${PASSWORD}!` }, status: 401 },
  'correct login': { body: { username, password: PASSWORD }, status: 200 },
}
type Kind = keyof typeof kinds

async function timeLogin(kind: Kind): Promise<number> {
  const started = performance.now()
  const response = await fetch(`${origin}/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(kinds[kind].body),
  })
  await response.arrayBuffer()
  const elapsed = performance.now() - started
  if (response.status !== kinds[kind].status) throw new Error(`${kind}: ${response.status}`)
  return elapsed
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

try {
  const registered = await fetch(`${origin}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  if (registered.status !== 201) throw new Error(`registration: ${registered.status}`)
  const order = Object.keys(kinds) as Kind[]
  for (const kind of order) await timeLogin(kind) // warm-up
  const times = Object.fromEntries(order.map((kind) => [kind, [] as number[]])) as Record<
    Kind,
    number[]
  >
  // Interleaved, each round in a rotated order, so drift in the machine's
  // speed falls on every kind alike.
  for (let round = 0; round < samples; round++) {
    for (let i = 0; i < order.length; i++) {
      const kind = order[(round + i) % order.length] as Kind
      times[kind].push(await timeLogin(kind))
    }
  }
  const medians: number[] = []
  process.stdout.write(
    `POST /tokens at bcrypt cost ${config.hashing.cost} on ${config.database.dialect}, ${samples} sequential samples each\n\n`,
  )
  process.stdout.write('| outcome | median ms | p95 ms |\n|---|---:|---:|\n')
  for (const kind of order) {
    const sorted = times[kind].sort((a, b) => a - b)
    medians.push(quantile(sorted, 0.5))
    process.stdout.write(
      `| ${kind} | ${quantile(sorted, 0.5).toFixed(1)} | ${quantile(sorted, 0.95).toFixed(1)} |\n`,
    )
  }
  const spread = (Math.max(...medians) - Math.min(...medians)) / Math.min(...medians)
  process.stdout.write(
    `\nlargest gap between medians: ${(spread * 100).toFixed(1)} % (target: within 10 %)\n`,
  )
} finally {
  // On a MySQL DATABASE_URL the database is not ours: leave nothing behind.
  await app.db('users').where({ username_canonical: username }).delete()
  await app.close()
  rmSync(scratch, { recursive: true, force: true })
}
