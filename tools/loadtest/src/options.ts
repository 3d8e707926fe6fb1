import { availableParallelism } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.js'

export interface BenchOptions {
  connections: number
  durationSeconds: number
  /** Rounds, each running every reference and scenario once; the report gives each one's median run. */
  runs: number
  cost: number
  scenarios: ScenarioName[]
  /** Users seeded before the scenarios run. */
  users: number
  /** Users of the growth check's own database; 0 skips it. */
  growthUsers: number
  resultsDir: string
  /** A MySQL server to make a scratch database on; the embedded SQLite otherwise. */
  mysqlServerUrl: string | undefined
  cores: number
}

const USAGE = `pnpm bench [options]     (DATABASE_URL=mysql://… to run against MySQL/MariaDB)
  --connections N     concurrent connections (default 10)
  --duration S        seconds per scenario and reference (default 10)
  --runs N            rounds, each running every reference and scenario once;
                      each figure is the median run (default 1)
  --cost N            BCRYPT_COST of the service and the bcrypt reference (default 12)
  --scenarios a,b     a subset of: ${SCENARIO_NAMES.join(', ')}
  --users N           users seeded first (default 1000)
  --growth-users N    users of a second database for the growth check, 0 to skip (default 1000000)
  --results DIR       where reports go (default results/ at the repository root)`

export class UsageError extends Error {
  override name = 'UsageError'
  readonly usage = USAGE
}

function positiveInteger(value: string, name: string, minimum = 1): number {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < minimum) {
    throw new UsageError(`--${name} must be an integer of at least ${minimum}, not "${value}"`)
  }
  return parsed
}

export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '10' },
      runs: { type: 'string', default: '1' },
      cost: { type: 'string', default: '12' },
      scenarios: { type: 'string', default: SCENARIO_NAMES.join(',') },
      users: { type: 'string', default: '1000' },
      'growth-users': { type: 'string', default: '1000000' },
      results: { type: 'string', default: path.resolve(import.meta.dirname, '../../../results') },
    },
  })
  const scenarios = values.scenarios.split(',').map((name) => name.trim())
  for (const name of scenarios) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown scenario "${name}"`)
    }
  }
  const cost = positiveInteger(values.cost, 'cost', 4)
  if (cost > 15) throw new UsageError('--cost must be at most 15, as the service allows')
  const databaseUrl = env.DATABASE_URL
  if (databaseUrl && !databaseUrl.startsWith('mysql://')) {
    throw new UsageError('DATABASE_URL must be a mysql:// URL; unset it for the embedded SQLite')
  }
  return {
    connections: positiveInteger(values.connections, 'connections'),
    durationSeconds: positiveInteger(values.duration, 'duration'),
    runs: positiveInteger(values.runs, 'runs'),
    cost,
    // Each once: a name given twice would pool its runs into one row.
    scenarios: [...new Set(scenarios)] as ScenarioName[],
    users: positiveInteger(values.users, 'users'),
    growthUsers: positiveInteger(values['growth-users'], 'growth-users', 0),
    resultsDir: path.resolve(values.results),
    mysqlServerUrl: databaseUrl || undefined,
    cores: availableParallelism(),
  }
}
