// `pnpm bench`: the service under autocannon, scenario by scenario, next to
// the references it is measured against; a report in results/<time>/.
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import bcrypt from 'bcrypt'
import { type BenchDatabase, seededDatabase, tableStorage } from './bench-database.js'
import { renderChart } from './chart.js'
import { type LoadResult, runLoad } from './load.js'
import { combineRuns, medianRun } from './median-run.js'
import { type BenchOptions, parseBenchOptions, UsageError } from './options.js'
import { measureBareRoute, measureBcryptRate, measurePointSelects } from './references.js'
import { type BenchReport, lookupReference, renderMarkdown } from './report.js'
import { buildScenarios, type Scenario } from './scenarios.js'
import { SEEDED_PASSWORD } from './seeded-users.js'
import { serviceStartArguments, startServerProcess } from './service-process.js'

const say = (line: string) => process.stderr.write(`bench: ${line}\n`)

function signingKeyIn(dir: string): string {
  const file = path.join(dir, 'signing-key.pem')
  const { privateKey } = generateKeyPairSync('ed25519')
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }))
  return file
}

/** A database the service runs on, and the scenarios that pick from its seeded users. */
interface ServiceTarget {
  users: number
  env: Record<string, string>
  scenarios: Scenario[]
}

/** Every run of every reference and scenario, in the order measured. */
interface Measured {
  bcrypt: number[]
  bareRoute: LoadResult[]
  pointSelects: number[]
  scenarios: Map<string, LoadResult[]>
  growth: Map<string, LoadResult[]>
}

function append<T>(runs: Map<string, T[]>, name: string, run: T) {
  runs.set(name, [...(runs.get(name) ?? []), run])
}

/** The scenarios whose target divides them by the lookup reference, and whose growth is measured. */
const LOOKUP_SCENARIOS = ['get-user', 'register-taken']
/** Measured right after the lookup reference too, which their targets divide them by. */
const AFTER_POINT_SELECTS = [...LOOKUP_SCENARIOS, 'refresh', 'introspect']

function scenarioOf(name: string, target: ServiceTarget): Scenario {
  const scenario = target.scenarios.find((s) => s.name === name)
  if (scenario === undefined) throw new Error(`no scenario ${name}`)
  return scenario
}

async function run(options: BenchOptions, argv: string[]): Promise<string> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'auth-service-bench-'))
  const databases: BenchDatabase[] = []
  try {
    const passwordHash = await bcrypt.hash(SEEDED_PASSWORD, options.cost)
    const database = await seededDatabase(options.mysqlServerUrl, options.users, passwordHash)
    databases.push(database)
    say(`seeded ${options.users} users in ${database.description}`)
    const growthScenarios =
      options.growthUsers > options.users
        ? options.scenarios.filter((name) => LOOKUP_SCENARIOS.includes(name))
        : []
    // Seeded up front, beside the small one, so that each round measures the
    // lookups at both sizes a few minutes apart at most.
    let growthDatabase: BenchDatabase | undefined
    if (growthScenarios.length > 0) {
      say(`seeding ${options.growthUsers} users in a database of their own`)
      growthDatabase = await seededDatabase(
        options.mysqlServerUrl,
        options.growthUsers,
        passwordHash,
        (n) => {
          if (n % 100_000 === 0) say(`  ${n} users`)
        },
      )
      databases.push(growthDatabase)
    }

    const signingKeyFile = signingKeyIn(scratch)
    const runId = Date.now().toString(36)
    const targetOf = (seeded: BenchDatabase, users: number): ServiceTarget => ({
      users,
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: seeded.url,
        BCRYPT_COST: String(options.cost),
        TOKEN_SIGNING_KEY_FILE: signingKeyFile,
        RATE_LIMIT_ENABLED: 'false',
        LOG_LEVEL: 'info',
        SHUTDOWN_DRAIN_DELAY_MS: '0',
      },
      scenarios: buildScenarios({ seededUsers: users, runId }),
    })
    const starts: BenchReport['serviceStarts'] = []
    // A service of its own for each scenario: on one service for them all, a
    // scenario measured what the ones before left behind. After ten seconds of
    // register at cost 12, invalid answered about 15 % fewer requests a second.
    const measureOnce = async (name: string, target: ServiceTarget) => {
      const scenario = scenarioOf(name, target)
      say(`scenario: ${name}${target.users === options.users ? '' : ` at ${target.users} users`}`)
      const service = await startServerProcess(serviceStartArguments(), target.env, '/readyz')
      // Two waiting per core keep every hashing slot busy; more only wait
      // in the admission queue, which answers 503 once it holds ~2 s of work.
      const connections = scenario.hashes
        ? Math.min(options.connections, 2 * options.cores)
        : options.connections
      // Stopped however the run ends: a failed run must not leave it behind.
      try {
        await scenario.prepare?.(service.origin, connections)
        const result = await runLoad({
          name,
          url: service.origin,
          connections,
          durationSeconds: options.durationSeconds,
          expectedStatuses: scenario.expectedStatuses,
          answerFailed: scenario.answerFailed,
          connectionRequests: scenario.connectionRequests,
        })
        return { ...result, peakRssMb: service.takePeakRssMb() }
      } finally {
        starts.push({ startToReadyMs: service.startToReadyMs, exitCode: await service.stop() })
      }
    }

    const { connections, durationSeconds, runs } = options
    const seededTarget = targetOf(database, options.users)
    const growthTarget = growthDatabase && targetOf(growthDatabase, options.growthUsers)
    const measured: Measured = {
      bcrypt: [],
      bareRoute: [],
      pointSelects: [],
      // In the order asked for, which the report keeps, whatever order they run in.
      scenarios: new Map(options.scenarios.map((name) => [name, []])),
      growth: new Map(growthScenarios.map((name) => [name, []])),
    }
    // In rounds, each measuring everything once: the machine's speed drifts
    // by a quarter over a bench (the bare route at 44,000-67,000/s within a
    // quarter of an hour), and each ratio in the report divides runs of the
    // same round. Within a round, each scenario runs right after the reference
    // its target divides it by, and each lookup at the grown size right after
    // the same at the small one: the speed drifts within a round too (the
    // bare route at 22,600 and 33,400/s, `invalid` a minute later at 21,800
    // and 11,400/s).
    const hashing = options.scenarios.filter((name) => scenarioOf(name, seededTarget).hashes)
    const lookups = options.scenarios.filter(
      (name) => AFTER_POINT_SELECTS.includes(name) && !hashing.includes(name),
    )
    const onTheBareRoute = options.scenarios.filter(
      (name) => !hashing.includes(name) && !lookups.includes(name),
    )
    for (let round = 1; round <= runs; round++) {
      if (runs > 1) say(`round ${round} of ${runs}`)
      say('reference: raw bcrypt')
      measured.bcrypt.push(await measureBcryptRate(options.cost, options.cores, durationSeconds))
      for (const name of hashing) {
        append(measured.scenarios, name, await measureOnce(name, seededTarget))
      }
      say('reference: bare Fastify route')
      measured.bareRoute.push(await measureBareRoute(connections, durationSeconds))
      for (const name of onTheBareRoute) {
        append(measured.scenarios, name, await measureOnce(name, seededTarget))
      }
      say('reference: point selects')
      measured.pointSelects.push(
        await measurePointSelects(database, options.users, connections, durationSeconds),
      )
      for (const name of lookups) {
        append(measured.scenarios, name, await measureOnce(name, seededTarget))
        if (growthTarget !== undefined && growthScenarios.includes(name)) {
          append(measured.growth, name, await measureOnce(name, growthTarget))
        }
      }
    }

    const combined = (runsOf: Map<string, LoadResult[]>) =>
      [...runsOf.values()].map((runsOfOne) => combineRuns(runsOfOne))
    const bareRoute = combineRuns(measured.bareRoute)
    const pointSelectsPerSecond = medianRun(measured.pointSelects, (rate) => rate)
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
        bcryptPerSecond: medianRun(measured.bcrypt, (rate) => rate),
        ...(runs > 1
          ? {
              bcryptRunsPerSecond: measured.bcrypt,
              pointSelectRunsPerSecond: measured.pointSelects,
            }
          : {}),
        bareRoute,
        pointSelectsPerSecond,
        lookupPerSecond: lookupReference(bareRoute.requestsPerSecond, pointSelectsPerSecond),
      },
      serviceStarts: starts,
      scenarios: combined(measured.scenarios),
      ...(growthDatabase
        ? {
            growth: {
              users: options.growthUsers,
              scenarios: combined(measured.growth),
              ...(growthDatabase.dialect === 'mysql'
                ? { storage: await tableStorage(growthDatabase.db) }
                : {}),
            },
          }
        : {}),
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
    // Every database dropped and the folder removed, whichever of them fails.
    const removed = await Promise.allSettled(databases.map((each) => each.remove()))
    rmSync(scratch, { recursive: true, force: true })
    for (const outcome of removed) {
      if (outcome.status === 'rejected') say(`cleanup failed: ${String(outcome.reason)}`)
    }
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
