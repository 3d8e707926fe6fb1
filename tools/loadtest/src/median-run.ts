import type { LoadResult } from './load.js'

/**
 * The run whose value is the median, as it was measured rather than an
 * average of runs: the lower of the two middle ones for an even count.
 */
export function medianRun<T>(runs: readonly T[], figureOf: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => figureOf(a) - figureOf(b))
  const median = sorted[Math.floor((sorted.length - 1) / 2)]
  if (median === undefined) throw new Error('no runs')
  return median
}

/**
 * Runs of one scenario as one row: the median run's figures, but what any
 * run did wrong (unexpected answers, errors) summed, and the highest RSS of
 * any run, so repeating a scenario never hides a failure.
 */
export function combineRuns(runs: readonly LoadResult[]): LoadResult {
  if (runs.length === 1 && runs[0]) return runs[0]
  const median = medianRun(runs, (run) => run.requestsPerSecond)
  const rss = runs.map((run) => run.peakRssMb).filter((mb) => mb !== undefined)
  return {
    ...median,
    unexpected: runs.reduce((sum, run) => sum + run.unexpected, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    unexpectedBodies: Object.assign({}, ...runs.map((run) => run.unexpectedBodies)),
    ...(rss.length > 0 ? { peakRssMb: Math.max(...rss) } : {}),
    runsPerSecond: runs.map((run) => run.requestsPerSecond),
  }
}

/** Each round's ratio: its run divided by the reference's run of the same round. */
export function roundRatios(runs: readonly number[], referenceRuns: readonly number[]): number[] {
  if (runs.length !== referenceRuns.length)
    throw new Error('runs and reference runs differ in count')
  return runs.map((run, round) => run / (referenceRuns[round] ?? Number.NaN))
}

/**
 * The median of the rounds' ratios: the machine's drift from one round to the
 * next cancels, as it would not in a ratio of two medians from different rounds.
 */
export function medianRatio(runs: readonly number[], referenceRuns: readonly number[]): number {
  return medianRun(roundRatios(runs, referenceRuns), (ratio) => ratio)
}
