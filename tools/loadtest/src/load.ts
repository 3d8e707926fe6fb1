import autocannon from 'autocannon'

/** One autocannon run, reduced to what the report shows. */
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

/** Runs autocannon with its progress bar (on a terminal) after a 1 s warm-up. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const unexpectedBodies: Record<string, string> = {}
  const onResponse = (status: number, body: string) => {
    if (spec.expectedStatuses.includes(status)) return
    unexpectedBodies[status] ??= String(body).slice(0, 300)
  }
  const options = {
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    // Each connection its own requests: a pool of static ones is sent in a
    // different order by each, and autocannon builds each one only once.
    setupClient(client: autocannon.Client) {
      client.setRequests(spec.connectionRequests().map((request) => ({ ...request, onResponse })))
    },
    // Measured from a full pipeline: the first answers of a cold start
    // (bcrypt's queue filling, the pool connecting) are not the steady state.
    warmup: { connections: spec.connections, duration: 1 },
    timeout: 30,
  } as autocannon.Options
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) =>
      error ? reject(error) : resolve(finished),
    )
    autocannon.track(instance, {
      outputStream: process.stderr,
      renderProgressBar: process.stderr.isTTY === true,
      renderResultsTable: false,
      renderLatencyTable: false,
    })
  })
  const statuses: Record<string, number> = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats?.count ?? 0]),
  )
  const expected = spec.expectedStatuses.reduce(
    (sum, status) => sum + (statuses[String(status)] ?? 0),
    0,
  )
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0)
  return {
    name: spec.name,
    connections: spec.connections,
    requestsPerSecond: expected / result.duration,
    latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99 },
    statuses,
    unexpected: answered - expected,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    unexpectedBodies,
  }
}
