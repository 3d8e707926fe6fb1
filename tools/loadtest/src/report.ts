import { type LoadResult, WARMUP_SECONDS } from './load.js'
import { medianRatio, roundRatios } from './median-run.js'

export interface BenchReport {
  startedAt: string
  command: string
  machine: { cores: number; cpu: string; node: string; platform: string }
  database: string
  options: {
    connections: number
    durationSeconds: number
    /** Rounds, each running every reference and scenario once; each figure is the median run's. */
    runs: number
    cost: number
    users: number
  }
  references: {
    bcryptPerSecond: number
    /** Each run's rate, when there were several. */
    bcryptRunsPerSecond?: number[]
    pointSelectRunsPerSecond?: number[]
    bareRoute: LoadResult
    pointSelectsPerSecond: number
    /** 1 / (1/bare route + 1/point select): a lookup's floor cost, serially. */
    lookupPerSecond: number
  }
  /** Each scenario's service: spawn to the first 200 from /readyz, and its exit code on SIGTERM. */
  serviceStarts: Array<{ startToReadyMs: number; exitCode: number | null }>
  scenarios: LoadResult[]
  growth?: { users: number; scenarios: LoadResult[]; storage?: TableStorage }
}

/** The slowest of the service's starts: the one the target is held to. */
export function slowestStartMs(report: BenchReport): number {
  return Math.max(...report.serviceStarts.map((start) => start.startToReadyMs))
}

/** What the users table takes on a MySQL server, beside the memory that caches it. */
export interface TableStorage {
  rowsMb: number
  indexesMb: number
  bufferPoolMb: number
}

export interface TargetCheck {
  target: string
  measured: string
  met: boolean
}

const RSS_LIMIT_MB = 120
const START_TO_READY_LIMIT_MS = 1000

const round = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      })
    : '—'
const ratio = (value: number) => `${round(value, 2)}×`

/** A lookup's floor rate: the bare route and a point select, one after the other. */
export function lookupReference(bareRoutePerSecond: number, pointSelectsPerSecond: number): number {
  return 1 / (1 / bareRoutePerSecond + 1 / pointSelectsPerSecond)
}

function find(results: LoadResult[], name: string) {
  return results.find((result) => result.name === name)
}

/**
 * Each round's run of a scenario next to the reference's run of the same
 * round; with one run, the run itself.
 */
function rounds(result: LoadResult): number[] {
  return result.runsPerSecond ?? [result.requestsPerSecond]
}

/** What a ratio target reports: with several rounds, each round's ratio too. */
export function ratioCheck(target: string, runs: number[], referenceRuns: number[], floor: number) {
  const measured = medianRatio(runs, referenceRuns)
  const detail =
    runs.length > 1
      ? `rounds: ${roundRatios(runs, referenceRuns)
          .map((each) => round(each, 2))
          .join(', ')}`
      : `${round(runs[0] ?? Number.NaN, 1)}/s vs ${round(referenceRuns[0] ?? Number.NaN, 1)}/s`
  // Three decimals where two would round a miss up to its floor (0.946 to 0.95).
  const shown =
    measured < floor && round(measured, 2) === round(floor, 2)
      ? `${round(measured, 3)}×`
      : ratio(measured)
  return { target, measured: `${shown} (${detail})`, met: measured >= floor }
}

/** The issue's targets, each with what was measured. Absent scenarios are skipped. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = []
  const { references } = report
  const bareRoute = rounds(references.bareRoute)
  const pointSelects = references.pointSelectRunsPerSecond ?? [references.pointSelectsPerSecond]
  const referenceRuns = {
    'raw bcrypt': references.bcryptRunsPerSecond ?? [references.bcryptPerSecond],
    'bare route': bareRoute,
    'bare route + point select': bareRoute.map((bare, i) =>
      lookupReference(bare, pointSelects[i] ?? Number.NaN),
    ),
  }
  const against = (name: string, referenceName: keyof typeof referenceRuns, floor: number) => {
    const result = find(report.scenarios, name)
    if (!result) return
    checks.push(
      ratioCheck(
        `${name} ≥ ${floor} × ${referenceName}`,
        rounds(result),
        referenceRuns[referenceName],
        floor,
      ),
    )
  }
  against('register', 'raw bcrypt', 0.95)
  against('get-user', 'bare route + point select', 0.6)
  against('register-taken', 'bare route + point select', 0.6)
  against('invalid', 'bare route', 0.6)
  against('refresh', 'bare route + point select', 0.5)
  against('introspect', 'bare route + point select', 0.6)
  const clean = report.scenarios.every((r) => r.unexpected === 0 && r.errors === 0)
  checks.push({
    target: 'no unexpected status and no error in any scenario',
    measured:
      report.scenarios
        .filter((r) => r.unexpected > 0 || r.errors > 0)
        .map((r) => `${r.name}: ${r.unexpected} unexpected, ${r.errors} errors`)
        .join('; ') || 'none',
    met: clean,
  })
  const loaded = [...report.scenarios, ...(report.growth?.scenarios ?? [])]
  const peakRss = Math.max(...loaded.map((r) => r.peakRssMb ?? 0))
  checks.push({
    target: `peak RSS under load ≤ ${RSS_LIMIT_MB} MB`,
    measured: `${round(peakRss, 1)} MB`,
    met: peakRss <= RSS_LIMIT_MB,
  })
  checks.push({
    target: `start to ready ≤ ${START_TO_READY_LIMIT_MS} ms`,
    measured: `${round(slowestStartMs(report))} ms, the slowest of ${report.serviceStarts.length} starts (${report.database})`,
    met: slowestStartMs(report) <= START_TO_READY_LIMIT_MS,
  })
  for (const result of report.growth?.scenarios ?? []) {
    const before = find(report.scenarios, result.name)
    if (!before) continue
    checks.push(
      ratioCheck(
        `${result.name} at ${round(report.growth?.users ?? 0)} users ≥ 0.9 × at ${round(report.options.users)}`,
        rounds(result),
        rounds(before),
        0.9,
      ),
    )
  }
  return checks
}

function scenarioTable(results: LoadResult[]): string[] {
  const rows = results.map((r) => {
    const statuses = Object.entries(r.statuses)
      .map(([code, count]) => `${code}: ${count}`)
      .join(', ')
    return `| ${r.name} | ${r.connections} | ${round(r.requestsPerSecond, 1)} | ${r.latencyMs.p50} | ${r.latencyMs.p97_5} | ${r.latencyMs.p99} | ${r.non2xx} | ${r.unexpected} | ${r.errors} | ${round(r.peakRssMb ?? Number.NaN, 1)} | ${statuses} |`
  })
  return [
    '| scenario | connections | requests/s | p50 ms | p97.5 ms | p99 ms | non-2xx | unexpected | errors | peak RSS MB | statuses |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
  ]
}

// A lookup at a million users is as cheap as at a thousand only while the
// pages it reads are cached; the reader must see whether they could be.
function storageLines({ users, storage }: NonNullable<BenchReport['growth']>): string[] {
  if (!storage) return []
  const { rowsMb, indexesMb, bufferPoolMb } = storage
  const fits = rowsMb + indexesMb <= bufferPoolMb
  return [
    `The users table at ${round(users)} users: ${round(rowsMb)} MB of rows and ${round(indexesMb)} MB of indexes; ` +
      `the InnoDB buffer pool: ${round(bufferPoolMb)} MB. ` +
      (fits
        ? 'All of it fits in the pool.'
        : 'It does not all fit in the pool, so lookups at this size may wait for pages read from disk: size `innodb_buffer_pool_size` for the table.'),
    '',
  ]
}

function unexpectedLines(results: LoadResult[]): string[] {
  const lines = results.flatMap((r) =>
    Object.entries(r.unexpectedBodies).map(
      ([status, body]) => `- ${r.name}, first ${status}: \`${body.replaceAll('`', "'")}\``,
    ),
  )
  return lines.length === 0
    ? []
    : ['Unexpected answers, the first of each status:', '', ...lines, '']
}

// With several runs, every run's figure: the spread is what tells a real
// difference from the machine's noise.
function runLines(report: BenchReport): string[] {
  const { references, options } = report
  if (options.runs < 2) return []
  const rates = (values: number[] | undefined, digits = 0) =>
    (values ?? []).map((value) => round(value, digits)).join(', ')
  const scenarioRows = (results: LoadResult[], suffix: string) =>
    results.map((r) => `| ${r.name}${suffix} | ${rates(r.runsPerSecond, 1)} |`)
  return [
    '## Runs',
    '',
    `Each figure above is the median of ${options.runs} runs (the lower middle one for an even count), ` +
      'as that run measured it; unexpected answers and errors are counted over every run, and peak RSS is the highest of any run. ' +
      'The runs went in rounds, each measuring every reference and scenario once, ' +
      'each scenario right after the reference its target divides it by (raw bcrypt for the scenarios that hash, ' +
      'the bare route for the others, the point selects for the lookups)' +
      (report.growth
        ? `, and each lookup at ${round(report.growth.users)} users, on a database of their own seeded before the first round, right after the same at ${round(options.users)}`
        : '') +
      ". Each ratio in the targets is the median of the rounds' ratios, each dividing two runs of the same round made one after the other, " +
      'so that the machine speeding up or slowing down cancels out of it.',
    '',
    '| measured | per second, each round |',
    '|---|---|',
    `| raw bcrypt | ${rates(references.bcryptRunsPerSecond, 1)} |`,
    `| bare Fastify route | ${rates(references.bareRoute.runsPerSecond)} |`,
    `| raw point selects | ${rates(references.pointSelectRunsPerSecond)} |`,
    ...scenarioRows(report.scenarios, ''),
    ...scenarioRows(
      report.growth?.scenarios ?? [],
      ` at ${round(report.growth?.users ?? 0)} users`,
    ),
    '',
  ]
}

export function renderMarkdown(report: BenchReport, chartFile: string): string {
  const { references, options, machine } = report
  const checks = checkTargets(report)
  return [
    `# auth-service load test, ${report.startedAt}`,
    '',
    `Command: \`${report.command}\``,
    '',
    `${machine.cores} cores (${machine.cpu}), Node.js ${machine.node}, ${machine.platform}; database: ${report.database}; ` +
      `autocannon on the same machine, ${options.connections} connections, ${options.durationSeconds} s per run after a ${WARMUP_SECONDS} s warm-up` +
      (options.runs > 1 ? `, the median of ${options.runs} runs; ` : '; ') +
      `BCRYPT_COST ${options.cost}; ${round(options.users)} seeded users; rate limits off.`,
    '',
    `![throughput and latency per scenario](${chartFile})`,
    '',
    '## References',
    '',
    '| reference | per second |',
    '|---|---:|',
    `| raw bcrypt at cost ${options.cost}, ${machine.cores} hashes at a time | ${round(references.bcryptPerSecond, 1)} |`,
    `| bare Fastify route, constant JSON | ${round(references.bareRoute.requestsPerSecond)} (p99 ${references.bareRoute.latencyMs.p99} ms) |`,
    `| raw point selects by primary key | ${round(references.pointSelectsPerSecond)} |`,
    `| lookup reference: 1 / (1/bare route + 1/point select) | ${round(references.lookupPerSecond)} |`,
    '',
    `## Scenarios, ${round(options.users)} users`,
    '',
    ...scenarioTable(report.scenarios),
    '',
    'Requests/s, latencies, non-2xx and statuses count the answers after the warm-up; ' +
      'unexpected answers and errors, the whole run.',
    '',
    ...unexpectedLines([...report.scenarios, ...(report.growth?.scenarios ?? [])]),
    ...(report.growth
      ? [
          `## Growth: the same at ${round(report.growth.users)} users`,
          '',
          ...scenarioTable(report.growth.scenarios),
          '',
          ...storageLines(report.growth),
        ]
      : []),
    `Each scenario ran on a service started for it. Start to ready (spawn to the first 200 from /readyz): ` +
      `${report.serviceStarts.map((start) => round(start.startToReadyMs)).join(', ')} ms. ` +
      `Exit codes on SIGTERM: ${report.serviceStarts.map((start) => String(start.exitCode)).join(', ')}.`,
    '',
    ...runLines(report),
    '## Targets',
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.met ? 'yes' : '**no**'} |`),
    '',
  ].join('\n')
}
