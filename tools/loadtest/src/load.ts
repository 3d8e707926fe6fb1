import autocannon from 'autocannon'
import { SteadyState } from './steady-state.js'

/**
 * One autocannon run, reduced to what the report shows. The rate, latencies,
 * statuses and non-2xx count are of the answers after the warm-up; the
 * unexpected answers, their bodies and the errors, of the whole run.
 */
export interface LoadResult {
  name: string
  connections: number
  /** Answers with an expected status, per second. */
  requestsPerSecond: number
  latencyMs: { p50: number; p97_5: number; p99: number }
  statuses: Record<string, number>
  /** Answers with a status the scenario does not expect, or a body that says they failed. */
  unexpected: number
  non2xx: number
  /** Connection errors and timeouts. */
  errors: number
  /** The first body seen of each unexpected kind of answer: what went wrong, in the service's words. */
  unexpectedBodies: Record<string, string>
  peakRssMb?: number
  /** Requests/s of each run, when the figures are the median of several. */
  runsPerSecond?: number[]
}

export interface LoadSpec {
  name: string
  url: string
  connections: number
  durationSeconds: number
  expectedStatuses: readonly number[]
  /**
   * Whether an answer with an expected status failed all the same, by its
   * body (introspect's `active: false`): it is counted as unexpected, under
   * "<status> failed", and not in the rate.
   */
  answerFailed?: (body: string) => boolean
  /** What one connection sends, in a loop; called once for each connection. */
  connectionRequests: () => autocannon.Request[]
}

// Seconds of load before the figures start: the first answers of a cold start
// (code not yet optimized, the pool connecting, bcrypt's line filling) are
// not the steady state.
export const WARMUP_SECONDS = 1

/**
 * Sorts the answers: each one's status, or "<status> failed" for an expected
 * status whose body says it failed. Keeps the first body of each unexpected
 * kind, and counts the failed ones, over the whole run.
 */
function answerSorter(spec: Pick<LoadSpec, 'expectedStatuses' | 'answerFailed'>) {
  const unexpectedBodies: Record<string, string> = {}
  let failed = 0
  return {
    unexpectedBodies,
    failed: () => failed,
    kindOf(status: number, body: string): number | string {
      const expected = spec.expectedStatuses.includes(status)
      if (expected && spec.answerFailed?.(body) !== true) return status
      const kind = expected ? `${status} failed` : status
      if (expected) failed++
      unexpectedBodies[kind] ??= String(body).slice(0, 300)
      return kind
    },
  }
}

/**
 * Runs autocannon with its progress bar (on a terminal): a warm-up, then
 * `durationSeconds` measured over the same connections. Requests/s, latencies
 * and statuses are those of the measured part; unexpected answers and errors
 * are counted over the whole run, so a failing warm-up is never hidden.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const answers = answerSorter(spec)
  const steadyState = new SteadyState()
  const options = {
    url: spec.url,
    connections: spec.connections,
    duration: WARMUP_SECONDS + spec.durationSeconds,
    // Each connection its own requests: a pool of static ones is sent in a
    // different order by each, and autocannon builds each one only once.
    setupClient(client: autocannon.Client) {
      // The last answer's kind: autocannon calls a request's onResponse with
      // the body just before it emits the same answer's 'response' with its
      // latency.
      let kind: number | string = 0
      client.setRequests(
        spec.connectionRequests().map((request) => ({
          ...request,
          onResponse: (status: number, body: string, context: object, headers) => {
            // A request's own onResponse (a scenario chaining its answers) runs too.
            if (typeof request.onResponse === 'function') {
              request.onResponse(status, body, context, headers)
            }
            kind = answers.kindOf(status, body)
          },
        })),
      )
      client.on('response', (_status, _bytes, latencyMs) => steadyState.record(kind, latencyMs))
    },
    // Not autocannon's `warmup` option: it is ignored when a callback is
    // given, and otherwise warms up on connections it then closes, leaving
    // the service busy with their requests when the measured run starts.
    timeout: 30,
  } as autocannon.Options
  let warmup: NodeJS.Timeout | undefined
  let endedAt = Number.NaN
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => {
      endedAt = performance.now()
      if (error) reject(error)
      else resolve(finished)
    })
    warmup = setTimeout(() => steadyState.open(), WARMUP_SECONDS * 1000)
    autocannon.track(instance, {
      outputStream: process.stderr,
      renderProgressBar: process.stderr.isTTY === true,
      renderResultsTable: false,
      renderLatencyTable: false,
    })
  }).finally(() => clearTimeout(warmup))
  return {
    name: spec.name,
    connections: spec.connections,
    ...steadyState.figures(spec.expectedStatuses, endedAt),
    ...wholeRunCounts(result, spec.expectedStatuses, answers.failed()),
    unexpectedBodies: answers.unexpectedBodies,
  }
}

/**
 * What went wrong over the whole run, warm-up included: answers with a status
 * the scenario does not expect or a body that says they failed, and
 * connection errors and timeouts.
 */
export function wholeRunCounts(
  result: Pick<autocannon.Result, 'statusCodeStats' | 'errors'>,
  expectedStatuses: readonly number[],
  failedAnswers = 0,
): { unexpected: number; errors: number } {
  let unexpected = failedAnswers
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    if (!expectedStatuses.includes(Number(status))) unexpected += stats?.count ?? 0
  }
  // autocannon counts each timeout among its errors as well as in `timeouts`.
  return { unexpected, errors: result.errors }
}
