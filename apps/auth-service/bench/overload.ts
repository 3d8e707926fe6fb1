// Registration flood at a multiple of the machine's hashing capacity: how
// the admitted requests fare, how fast the shed ones are told 503, whether
// /readyz stays quick, and that nothing else fails.
//
//   pnpm bench:overload [--factor 5] [--seconds 20]   (BCRYPT_COST and DATABASE_URL apply)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createDbFor, migrateToLatest } from '@auth-service/db'
import autocannon from 'autocannon'
import bcrypt from 'bcrypt'
import { loadConfig } from '../src/config.js'
import { hashParallelism } from '../src/hashing/hash-timing.js'
import { startServer } from '../test/helpers/server-process.js'

const { values } = parseArgs({
  options: {
    factor: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '20' },
  },
})
const scratch = mkdtempSync(path.join(tmpdir(), 'auth-service-bench-'))
const env = {
  DATABASE_URL: process.env.DATABASE_URL || `sqlite:${path.join(scratch, 'bench.sqlite')}`,
  LOG_LEVEL: 'info',
  RATE_LIMIT_ENABLED: 'false',
  SHUTDOWN_DRAIN_DELAY_MS: '0',
}
const config = loadConfig({ ...process.env, ...env })
if (config.database.dialect === 'mysql') {
  const db = createDbFor(config.database)
  await migrateToLatest(db)
  await db.destroy()
}

/** Hashes per second this machine does at the configured cost, every hashing slot busy. */
async function hashCapacity(cost: number, parallel: number): Promise<number> {
  const rounds = 3
  const started = performance.now()
  for (let round = 0; round < rounds; round++) {
    await Promise.all(Array.from({ length: parallel }, () => bcrypt.hash('capacity probe', cost)))
  }
  return (rounds * parallel) / ((performance.now() - started) / 1000)
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

const capacity = await hashCapacity(
  config.hashing.cost,
  hashParallelism(config.hashing.concurrency),
)
const rate = Math.round(capacity * Number(values.factor))
// The service in a process of its own, as in production: the load generator
// must not share its event loop.
const server = startServer(env)
const origin = await server.origin()
const runId = Date.now().toString(36)

const latencies = new Map<number, number[]>()
const readyz: number[] = []
let probing = true
const prober = (async () => {
  while (probing) {
    const started = performance.now()
    const response = await fetch(`${origin}/readyz`)
    await response.arrayBuffer()
    readyz.push(performance.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
})()

try {
  let next = 0
  let finished: (result: autocannon.Result) => void = () => {}
  const done = new Promise<autocannon.Result>((resolve) => {
    finished = resolve
  })
  const instance = autocannon(
    {
      url: origin,
      connections: Math.max(50, rate * 4),
      overallRate: rate,
      duration: Number(values.seconds),
      requests: [
        {
          method: 'POST',
          path: '/users',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              username: `flood-${runId}-${next++}`,
              password: 'a flood passphrase',
            }),
          }),
        },
      ],
    },
    (error, result) => {
      if (error) throw error
      finished(result)
    },
  )
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.set(statusCode, [...(latencies.get(statusCode) ?? []), responseTime])
  })
  autocannon.track(instance, { renderResultsTable: false })
  const result = await done
  probing = false
  await prober

  const admitted = latencies.get(201) ?? []
  const shed = latencies.get(503) ?? []
  const other5xx = [...latencies.entries()]
    .filter(([status]) => status >= 500 && status !== 503)
    .reduce((sum, [, times]) => sum + times.length, 0)
  const lines = [
    `POST /users flood at bcrypt cost ${config.hashing.cost} on ${config.database.dialect}, ${values.seconds} s`,
    `hash capacity ${capacity.toFixed(1)}/s; offered ${rate}/s (${values.factor}x)`,
    '',
    '| figure | value |',
    '|---|---:|',
    `| admitted (201) | ${admitted.length} (${(admitted.length / Number(values.seconds)).toFixed(1)}/s) |`,
    `| admitted p50 / p99 ms | ${quantile(admitted, 0.5).toFixed(0)} / ${quantile(admitted, 0.99).toFixed(0)} |`,
    `| shed (503) | ${shed.length} |`,
    `| shed p50 / p99 ms | ${quantile(shed, 0.5).toFixed(1)} / ${quantile(shed, 0.99).toFixed(1)} |`,
    `| /readyz p50 / p99 ms (${readyz.length} probes) | ${quantile(readyz, 0.5).toFixed(1)} / ${quantile(readyz, 0.99).toFixed(1)} |`,
    `| 5xx other than 503 | ${other5xx} |`,
    `| other statuses | ${JSON.stringify(Object.fromEntries([...latencies].filter(([s]) => s !== 201 && s !== 503).map(([s, t]) => [s, t.length])))} |`,
    `| client errors / timeouts | ${result.errors} / ${result.timeouts} |`,
  ]
  process.stdout.write(`\n${lines.join('\n')}\n`)
} finally {
  probing = false
  server.child.kill('SIGTERM')
  rmSync(scratch, { recursive: true, force: true })
}
