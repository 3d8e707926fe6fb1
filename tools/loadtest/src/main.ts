// `pnpm bench`: the service under autocannon, scenario by scenario, next to
// the references it is measured against; a report in results/<time>/.
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { createDb, type Knex, migrateToLatest } from '@auth-service/db'
import { testDialects } from '@auth-service/db/testing'
import bcrypt from 'bcrypt'
import { renderChart } from './chart.js'
import { runLoad } from './load.js'
import { combineRuns, medianRun, repeat } from './median-run.js'
import { type BenchOptions, parseBenchOptions, UsageError } from './options.js'
import { measureBareRoute, measureBcryptRate, measurePointSelects } from './references.js'
import { type BenchReport, renderMarkdown, type TableStorage } from './report.js'
import { buildScenarios } from './scenarios.js'
import { SEEDED_PASSWORD, seedUsers } from './seeded-users.js'
import { serviceStartArguments, startServerProcess } from './service-process.js'

const say = (line: string) => process.stderr.write(`bench: ${line}\n`)

async function scratchDatabase(options: BenchOptions) {
  const dialects = testDialects({ TEST_MYSQL_URL: options.mysqlServerUrl })
  const chosen = dialects.find((d) => d.dialect === (options.mysqlServerUrl ? 'mysql' : 'sqlite'))
  if (chosen === undefined) throw new Error('no database')
  const database = await chosen.create()
  const db = createDb(database.url)
  await migrateToLatest(db)
  const description =
    chosen.dialect === 'mysql'
      ? String(((await db.raw('select version() as v')) as [[{ v: string }]])[0][0].v)
      : 'embedded SQLite'
  return { ...database, dialect: chosen.dialect, db, description }
}

/** The users table's size on a MySQL server, with fresh statistics. */
async function tableStorage(db: Knex): Promise<TableStorage> {
  await db.raw('analyze table users')
  const [[row]] = (await db.raw(
    `select data_length / 1048576 as rowsMb, index_length / 1048576 as indexesMb,
       @@innodb_buffer_pool_size / 1048576 as bufferPoolMb
     from information_schema.tables where table_schema = database() and table_name = 'users'`,
  )) as [[Record<keyof TableStorage, string>]]
  return {
    rowsMb: Number(row.rowsMb),
    indexesMb: Number(row.indexesMb),
    bufferPoolMb: Number(row.bufferPoolMb),
  }
}

function signingKeyIn(dir: string): string {
  const file = path.join(dir, 'signing-key.pem')
  const { privateKey } = generateKeyPairSync('ed25519')
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }))
  return file
}

async function run(options: BenchOptions, argv: string[]): Promise<string> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'auth-service-bench-'))
  const database = await scratchDatabase(options)
  try {
    const passwordHash = await bcrypt.hash(SEEDED_PASSWORD, options.cost)
    let seeded = options.users
    await seedUsers(database.db, { from: 0, to: seeded }, passwordHash)
    say(`seeded ${seeded} users in ${database.description}`)

    const { connections, durationSeconds, runs } = options
    say('reference: raw bcrypt')
    const bcryptRuns = await repeat(runs, () =>
      measureBcryptRate(options.cost, options.cores, durationSeconds),
    )
    say('reference: bare Fastify route')
    const bareRoute = combineRuns(
      await repeat(runs, () => measureBareRoute(connections, durationSeconds)),
    )
    say('reference: point selects')
    const pointSelectRuns = await repeat(runs, () =>
      measurePointSelects(database, seeded, connections, durationSeconds),
    )
    const bcryptPerSecond = medianRun(bcryptRuns, (rate) => rate)
    const pointSelectsPerSecond = medianRun(pointSelectRuns, (rate) => rate)

    const serviceEnv = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      BCRYPT_COST: String(options.cost),
      TOKEN_SIGNING_KEY_FILE: signingKeyIn(scratch),
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'info',
      SHUTDOWN_DRAIN_DELAY_MS: '0',
    }
    const starts: BenchReport['serviceStarts'] = []
    const scenarios = buildScenarios({ seededUsers: () => seeded, runId: Date.now().toString(36) })
    // A service of its own for each scenario: on one service for them all, a
    // scenario measured what the ones before left behind. After ten seconds of
    // register at cost 12, invalid answered about 15 % fewer requests a second.
    const measureOnce = async (name: string) => {
      const scenario = scenarios.find((s) => s.name === name)
      if (scenario === undefined) throw new Error(`no scenario ${name}`)
      say(`scenario: ${name}`)
      const service = await startServerProcess(serviceStartArguments(), serviceEnv, '/readyz')
      // Stopped however the run ends: a failed run must not leave it behind.
      try {
        const result = await runLoad({
          name,
          url: service.origin,
          // Two waiting per core keep every hashing slot busy; more only wait
          // in the admission queue, which answers 503 once it holds ~2 s of work.
          connections: scenario.hashes ? Math.min(connections, 2 * options.cores) : connections,
          durationSeconds,
          expectedStatuses: scenario.expectedStatuses,
          connectionRequests: scenario.connectionRequests,
        })
        return { ...result, peakRssMb: service.takePeakRssMb() }
      } finally {
        starts.push({ startToReadyMs: service.startToReadyMs, exitCode: await service.stop() })
      }
    }
    const measure = async (name: string) => combineRuns(await repeat(runs, () => measureOnce(name)))
    const results = []
    for (const name of options.scenarios) results.push(await measure(name))

    let growth: BenchReport['growth']
    const growthScenarios = options.scenarios.filter(
      (n) => n === 'get-user' || n === 'register-taken',
    )
    if (options.growthUsers > seeded && growthScenarios.length > 0) {
      say(`growing to ${options.growthUsers} users`)
      await seedUsers(database.db, { from: seeded, to: options.growthUsers }, passwordHash, (n) => {
        if (n % 100_000 === 0) say(`  ${n} users`)
      })
      seeded = options.growthUsers
      const grown = []
      for (const name of growthScenarios) grown.push(await measure(name))
      growth = {
        users: seeded,
        scenarios: grown,
        ...(database.dialect === 'mysql' ? { storage: await tableStorage(database.db) } : {}),
      }
    }

    const report: BenchReport = {
      startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      command:
        `${options.mysqlServerUrl ? 'DATABASE_URL=mysql://… ' : ''}pnpm bench ${argv.join(' ')}`.trim(),
      machine: {
        cores: options.cores,
        cpu: cpus()[0]?.model.trim() ?? 'unknown',
        node: process.versions.node,
        platform: `${process.platform} ${process.arch}`,
      },
      database: database.description,
      options: { connections, durationSeconds, runs, cost: options.cost, users: options.users },
      references: {
        bcryptPerSecond,
        ...(runs > 1
          ? { bcryptRunsPerSecond: bcryptRuns, pointSelectRunsPerSecond: pointSelectRuns }
          : {}),
        bareRoute,
        pointSelectsPerSecond,
        lookupPerSecond: 1 / (1 / bareRoute.requestsPerSecond + 1 / pointSelectsPerSecond),
      },
      serviceStarts: starts,
      scenarios: results,
      ...(growth ? { growth } : {}),
    }
    const dir = path.join(options.resultsDir, report.startedAt.replaceAll(':', '-'))
    mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, 'chart.svg'), renderChart(report))
    writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`)
    const markdown = renderMarkdown(report, 'chart.svg')
    writeFileSync(path.join(dir, 'report.md'), markdown)
    process.stdout.write(markdown)
    say(`report written to ${dir}`)
    return dir
  } finally {
    await database.db.destroy()
    await database.drop()
    rmSync(scratch, { recursive: true, force: true })
  }
}

const argv = process.argv.slice(2)
try {
  await run(parseBenchOptions(argv, process.env), argv)
} catch (error) {
  if (!(error instanceof UsageError)) throw error
  process.stderr.write(`${error.message}\n\n${error.usage}\n`)
  process.exitCode = 2
}
