/** What the answers after the warm-up came to. */
export interface SteadyStateFigures {
  /** Answers with an expected status, per second. */
  requestsPerSecond: number
  latencyMs: { p50: number; p97_5: number; p99: number }
  statuses: Record<string, number>
  /** Answers with a status outside 2xx. */
  non2xx: number
}

/**
 * The answers of one run counted from the end of its warm-up on, over the same
 * connections: a cold service (code not yet optimized, the pool connecting,
 * bcrypt's line empty) is not what the figures describe, and answers to
 * requests sent before the warm-up ended still count when they arrive after
 * it, as they would in the middle of a longer run.
 */
export class SteadyState {
  #openedAt: number | undefined
  #latenciesMs: number[] = []
  #statuses: Record<string, number> = {}

  /** Ends the warm-up: answers from now on are counted. */
  open(now = performance.now()): void {
    this.#openedAt = now
  }

  /** An answer: its status, or another kind ("200 failed") that is not counted as expected. */
  record(status: number | string, latencyMs: number): void {
    if (this.#openedAt === undefined) return
    this.#latenciesMs.push(latencyMs)
    this.#statuses[status] = (this.#statuses[status] ?? 0) + 1
  }

  /** The figures up to `now`; a run that ended in its warm-up has none. */
  figures(expectedStatuses: readonly number[], now = performance.now()): SteadyStateFigures {
    const seconds = this.#openedAt === undefined ? 0 : (now - this.#openedAt) / 1000
    const expected = expectedStatuses.reduce(
      (sum, status) => sum + (this.#statuses[status] ?? 0),
      0,
    )
    const non2xx = Object.entries(this.#statuses)
      .filter(([status]) => !status.startsWith('2'))
      .reduce((sum, [, count]) => sum + count, 0)
    const sorted = Float64Array.from(this.#latenciesMs).sort()
    return {
      requestsPerSecond: seconds > 0 ? expected / seconds : 0,
      latencyMs: {
        p50: percentile(sorted, 50),
        p97_5: percentile(sorted, 97.5),
        p99: percentile(sorted, 99),
      },
      statuses: { ...this.#statuses },
      non2xx,
    }
  }
}

/** The nearest-rank percentile, to a tenth of a millisecond; 0 without answers. */
function percentile(sorted: Float64Array, percent: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.ceil((percent / 100) * sorted.length) - 1
  return Math.round((sorted[Math.max(0, rank)] ?? 0) * 10) / 10
}
