import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import type { BenchReport } from '../src/report.js'
import { SCENARIO_NAMES } from '../src/scenarios.js'

// That the tool runs every scenario and reports, on each database; not the
// targets: figures on a shared CI machine say little, and tests never time.
const MAIN = path.resolve(import.meta.dirname, '../dist/main.js')
const run = promisify(execFile)

const databases = [
  { name: 'embedded SQLite', env: {}, skip: false as const },
  {
    name: 'MySQL',
    env: { DATABASE_URL: process.env.TEST_MYSQL_URL ?? '' },
    skip: process.env.TEST_MYSQL_URL ? (false as const) : 'TEST_MYSQL_URL is not set',
  },
]

for (const database of databases) {
  t.test(
    `a 2-second smoke of every scenario on ${database.name}`,
    { skip: database.skip },
    async (t) => {
      const results = mkdtempSync(path.join(tmpdir(), 'loadtest-smoke-'))
      t.teardown(() => rmSync(results, { recursive: true, force: true }))
      const args = ['--duration', '2', '--cost', '4', '--users', '200', '--growth-users', '400']
      const { stdout } = await run(process.execPath, [MAIN, ...args, '--results', results], {
        env: { PATH: process.env.PATH ?? '', ...database.env },
        maxBuffer: 16 * 1024 * 1024,
      })
      const [dir] = readdirSync(results)
      t.ok(dir, 'a report folder')
      const folder = path.join(results, dir ?? '')
      const report = JSON.parse(
        readFileSync(path.join(folder, 'report.json'), 'utf8'),
      ) as BenchReport
      t.same(
        report.scenarios.map((s) => s.name),
        [...SCENARIO_NAMES],
      )
      for (const scenario of report.scenarios) {
        t.ok(scenario.requestsPerSecond > 0, `${scenario.name} answered as expected`)
        t.equal(scenario.errors, 0, `${scenario.name}: no connection errors`)
      }
      // No hashing and no shedding: anything but the answer they expect is a broken session.
      for (const name of ['refresh', 'introspect']) {
        const scenario = report.scenarios.find((s) => s.name === name)
        t.equal(scenario?.unexpected, 0, `${name}: every answer 200 and live`, {
          bodies: scenario?.unexpectedBodies,
        })
      }
      t.same(
        report.growth?.scenarios.map((s) => s.name),
        ['register-taken', 'get-user'],
        'the growth check re-ran the lookups',
      )
      t.ok(report.references.bcryptPerSecond > 0)
      t.ok(report.references.pointSelectsPerSecond > 0)
      t.ok(report.references.bareRoute.requestsPerSecond > 0)
      t.same(
        report.serviceStarts.map((start) => start.exitCode),
        Array(SCENARIO_NAMES.length + 2).fill(0),
        'a service for each scenario and growth run, each stopped cleanly',
      )
      const markdown = readFileSync(path.join(folder, 'report.md'), 'utf8')
      const storage = report.growth?.storage
      if (database.name === 'MySQL') {
        t.ok(storage && storage.rowsMb > 0 && storage.bufferPoolMb > 0, 'the table and pool sizes')
        t.match(markdown, /The users table at 400 users: /)
      } else {
        t.equal(storage, undefined, 'no buffer pool to report on SQLite')
      }
      t.equal(stdout, markdown, 'the report is printed too')
      for (const name of SCENARIO_NAMES) t.match(markdown, new RegExp(`^\\| ${name} \\|`, 'm'))
      t.match(markdown, /## Targets/)
      t.match(markdown, /^\| refresh ≥ 0\.5 × bare route \+ point select \| /m)
      t.match(markdown, /^\| introspect ≥ 0\.6 × bare route \+ point select \| /m)
      t.match(readFileSync(path.join(folder, 'chart.svg'), 'utf8'), /^<svg [^>]*>[\s\S]*<\/svg>\n$/)
    },
  )
}

t.test('with --runs, rounds of every measurement; each figure is a median run', async (t) => {
  const results = mkdtempSync(path.join(tmpdir(), 'loadtest-runs-'))
  t.teardown(() => rmSync(results, { recursive: true, force: true }))
  const args = ['--duration', '1', '--cost', '4', '--users', '100', '--growth-users', '200']
  const { stderr } = await run(
    process.execPath,
    [
      MAIN,
      ...args,
      '--runs',
      '2',
      '--scenarios',
      'get-user,invalid,register,refresh',
      '--results',
      results,
    ],
    { env: { PATH: process.env.PATH ?? '' }, maxBuffer: 16 * 1024 * 1024 },
  )
  const round = [
    'reference: raw bcrypt',
    'scenario: register',
    'reference: bare Fastify route',
    'scenario: invalid',
    'reference: point selects',
    'scenario: get-user',
    'scenario: get-user at 200 users',
    'scenario: refresh',
  ]
  t.same(
    stderr.split('\n').filter((line) => /^bench: (round|reference|scenario)/.test(line)),
    ['round 1 of 2', ...round, 'round 2 of 2', ...round].map((step) => `bench: ${step}`),
    'each round measures everything once, each scenario right after its reference',
  )
  const folder = path.join(results, readdirSync(results)[0] ?? '')
  const report = JSON.parse(readFileSync(path.join(folder, 'report.json'), 'utf8')) as BenchReport
  t.equal(report.options.runs, 2)
  t.equal(report.references.bcryptRunsPerSecond?.length, 2)
  t.equal(report.references.pointSelectRunsPerSecond?.length, 2)
  t.equal(report.references.bareRoute.runsPerSecond?.length, 2)
  t.same(
    report.scenarios.map((s) => s.name),
    ['get-user', 'invalid', 'register', 'refresh'],
    'reported in the order asked for',
  )
  const invalid = report.scenarios.find((s) => s.name === 'invalid')
  t.equal(invalid?.runsPerSecond?.length, 2)
  t.equal(invalid?.requestsPerSecond, Math.min(...(invalid?.runsPerSecond ?? [])))
  t.same(
    report.growth?.scenarios.map((s) => [s.name, s.runsPerSecond?.length]),
    [['get-user', 2]],
    'the grown lookups in every round',
  )
  t.equal(report.growth?.scenarios[0]?.unexpected, 0, 'on the grown database: every user found')
  t.same(
    report.serviceStarts.map((start) => start.exitCode),
    Array(10).fill(0),
    'a service for each run',
  )
  const markdown = readFileSync(path.join(folder, 'report.md'), 'utf8')
  t.match(markdown, /the median of 2 runs/)
  t.match(markdown, /^## Runs$/m)
  t.match(markdown, /The runs went in rounds/)
  t.match(markdown, /^\| invalid ≥ 0\.6 × bare route \| [\d.]+× \(rounds: [\d.]+, [\d.]+\) \|/m)
  t.match(markdown, /^\| invalid \| [\d,.]+, [\d,.]+ \|$/m)
  t.match(
    markdown,
    /^\| refresh ≥ 0\.5 × bare route \+ point select \| [\d.]+× \(rounds: [\d.]+, [\d.]+\) \|/m,
  )
  t.equal(
    report.scenarios.find((s) => s.name === 'refresh')?.unexpected,
    0,
    'each round a service of its own, and sessions logged in on it',
  )
  t.match(markdown, /^\| get-user at 200 users \| [\d,.]+, [\d,.]+ \|$/m)
})
