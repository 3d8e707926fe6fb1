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
  /** Answers with a status the scenario does not expect. */
  unexpected: number
  non2xx: number
  /** Connection errors and timeouts. */
  errors: number
  /** The first body seen of each unexpected status: what went wrong, in the service's words. */
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
  /** What one connection sends, in a loop; called once for each connection. */
  connectionRequests: () => autocannon.Request[]
}

// Seconds of load before the figures start: the first answers of a cold start
// (code not yet optimized, the pool connecting, bcrypt's line filling) are
// not the steady state.
export const WARMUP_SECONDS = 1

/**
 * Runs autocannon with its progress bar (on a terminal): a warm-up, then
 * `durationSeconds` measured over the same connections. Requests/s, latencies
 * and statuses are those of the measured part; unexpected answers and errors
 * are counted over the whole run, so a failing warm-up is never hidden.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const unexpectedBodies: Record<string, string> = {}
  const onResponse = (status: number, body: string) => {
    if (spec.expectedStatuses.includes(status)) return
    unexpectedBodies[status] ??= String(body).slice(0, 300)
  }
  const options = {
    url: spec.url,
    connections: spec.connections,
    duration: WARMUP_SECONDS + spec.durationSeconds,
    // Each connection its own requests: a pool of static ones is sent in a
    // different order by each, and autocannon builds each one only once.
    setupClient(client: autocannon.Client) {
      client.setRequests(
        spec.connectionRequests().map((request) => ({
          ...request,
          // A request's own onResponse (a scenario chaining its answers) runs too.
          onResponse: (status: number, body: string, context: object) => {
            if (typeof request.onResponse === 'function') {
              request.onResponse(status, body, context, undefined)
            }
            onResponse(status, body)
          },
        })),
      )
    },
    // Not autocannon's `warmup` option: it is ignored when a callback is
    // given, and otherwise warms up on connections it then closes, leaving
    // the service busy with their requests when the measured run starts.
    timeout: 30,
  } as autocannon.Options
  const steadyState = new SteadyState()
  let warmup: NodeJS.Timeout | undefined
  let endedAt = Number.NaN
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => {
      endedAt = performance.now()
      if (error) reject(error)
      else resolve(finished)
    })
    warmup = setTimeout(() => steadyState.open(), WARMUP_SECONDS * 1000)
    instance.on('response', (_client, status, _bytes, latencyMs) =>
      steadyState.record(status, latencyMs),
    )
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
    ...wholeRunCounts(result, spec.expectedStatuses),
    unexpectedBodies,
  }
}

/**
 * What went wrong over the whole run, warm-up included: answers with a status
 * the scenario does not expect, and connection errors and timeouts.
 */
export function wholeRunCounts(
  result: Pick<autocannon.Result, 'statusCodeStats' | 'errors'>,
  expectedStatuses: readonly number[],
): { unexpected: number; errors: number } {
  let unexpected = 0
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    if (!expectedStatuses.includes(Number(status))) unexpected += stats?.count ?? 0
  }
  // autocannon counts each timeout among its errors as well as in `timeouts`.
  return { unexpected, errors: result.errors }
}
