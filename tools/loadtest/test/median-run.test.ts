import t from 'tap'
import type { LoadResult } from '../src/load.js'
import { combineRuns, medianRatio, medianRun } from '../src/median-run.js'
import { parseBenchOptions, UsageError } from '../src/options.js'
import { ratioCheck } from '../src/report.js'

function run(requestsPerSecond: number, extra: Partial<LoadResult> = {}): LoadResult {
  return {
    name: 'invalid',
    connections: 10,
    requestsPerSecond,
    latencyMs: { p50: requestsPerSecond, p97_5: 1, p99: 1 },
    statuses: { 400: requestsPerSecond * 10 },
    unexpected: 0,
    non2xx: requestsPerSecond * 10,
    errors: 0,
    unexpectedBodies: {},
    peakRssMb: 90,
    ...extra,
  }
}

t.test('the median is a run as measured, the lower middle one for an even count', async (t) => {
  t.equal(
    medianRun([3, 1, 2], (x) => x),
    2,
  )
  t.equal(
    medianRun([4, 1, 3, 2], (x) => x),
    2,
  )
  t.equal(
    medianRun([7], (x) => x),
    7,
  )
  t.throws(() => medianRun([], (x) => x))
})

t.test('runs of a scenario keep the median run and every failure', async (t) => {
  const combined = combineRuns([
    run(300, { peakRssMb: 95 }),
    run(100, { unexpected: 2, errors: 1, unexpectedBodies: { 500: 'broke' } }),
    run(200, { peakRssMb: 99 }),
  ])
  t.equal(combined.requestsPerSecond, 200)
  t.same(combined.latencyMs, { p50: 200, p97_5: 1, p99: 1 }, "the median run's latencies")
  t.equal(combined.unexpected, 2, 'unexpected answers of any run')
  t.equal(combined.errors, 1, 'errors of any run')
  t.same(combined.unexpectedBodies, { 500: 'broke' })
  t.equal(combined.peakRssMb, 99, 'the highest RSS of any run')
  t.same(combined.runsPerSecond, [300, 100, 200], 'each run, in order')
})

t.test('one run is reported as it was', async (t) => {
  const only = run(123)
  t.equal(combineRuns([only]), only)
})

t.test("a ratio is the median of the rounds' ratios, not a ratio of medians", async (t) => {
  // The reference ran fast in the third round: its median run and the
  // scenario's median run come from different rounds.
  const scenario = [30, 60, 40]
  const reference = [60, 60, 100]
  t.equal(medianRatio(scenario, reference), 0.5, 'rounds: 0.5, 1.0, 0.4')
  t.not(medianRatio(scenario, reference), 40 / 60)
  t.equal(medianRatio([7], [10]), 0.7, 'one round: the plain ratio')
  t.throws(() => medianRatio([1, 2], [1]), /differ in count/)
})

t.test('a ratio just under its floor is not shown as the floor', async (t) => {
  const missed = ratioCheck('register', [9.46], [10], 0.95)
  t.equal(missed.met, false)
  t.match(missed.measured, /^0\.946× /)
  t.match(ratioCheck('register', [9.5], [10], 0.95).measured, /^0\.95× /)
  t.match(ratioCheck('invalid', [5.7], [10], 0.6).measured, /^0\.57× \(5\.7\/s vs 10\.0\/s\)$/)
})

t.test('--runs takes a positive count', async (t) => {
  t.equal(parseBenchOptions([], {}).runs, 1)
  t.equal(parseBenchOptions(['--runs', '3'], {}).runs, 3)
  t.throws(() => parseBenchOptions(['--runs', '0'], {}), UsageError)
})
