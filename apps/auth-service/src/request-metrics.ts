import type { Metric, Registry } from 'prom-client'

const REQUESTS = 'http_requests_total'
const DURATION = 'http_request_duration_seconds'

type Labels = { method: string; route: string; status_code: number }

interface Series {
  labels: Labels
  count: number
  sum: number
  /** Observations per bucket, not cumulative: one increment per observation. */
  perBucket: number[]
}

/**
 * `http_requests_total` and `http_request_duration_seconds`, recorded with a
 * map lookup and a few additions. prom-client's Counter and Histogram check
 * and hash the labels on every call: about 3 % of the CPU in a profile under
 * `/livez` load, against 1 % for `record`. The exposition is prom-client's own
 * (its registry formats what `get` returns), and a test holds it equal to what
 * its Counter and Histogram write for the same requests.
 */
export class RequestMetrics {
  /** In the order first seen, the exposition's. */
  readonly #series: Series[] = []
  /**
   * By route, method and status: strings the router and the HTTP parser
   * hand over unchanged, whose hashes V8 keeps, and a number. A key joined
   * from them was a new string to hash on every request.
   */
  readonly #index = new Map<string, Map<string, Map<number, Series>>>()
  readonly #buckets: readonly number[]

  constructor(registry: Registry, buckets: readonly number[]) {
    this.#buckets = buckets
    this.#register(
      registry,
      REQUESTS,
      'counter',
      'HTTP requests answered, by route and status',
      () => this.#series.map(({ labels, count }) => ({ labels, value: count })),
    )
    this.#register(
      registry,
      DURATION,
      'histogram',
      'Time to answer an HTTP request, by route and status',
      () => this.#series.flatMap((series) => this.#histogramValues(series)),
    )
  }

  // The registry formats what `get` returns and calls `reset` from
  // resetMetrics; its type names only its own classes.
  #register(
    registry: Registry,
    name: string,
    type: 'counter' | 'histogram',
    help: string,
    values: () => unknown[],
  ): void {
    registry.registerMetric({
      name,
      type,
      reset: () => {
        this.#series.length = 0
        this.#index.clear()
      },
      get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    } as unknown as Metric)
  }

  record(method: string, route: string, statusCode: number, seconds: number): void {
    const series = this.#seriesOf(method, route, statusCode)
    series.count++
    series.sum += seconds
    const buckets = this.#buckets
    for (let index = 0; index < buckets.length; index++) {
      if (seconds <= (buckets[index] ?? 0)) {
        series.perBucket[index] = (series.perBucket[index] ?? 0) + 1
        return
      }
    }
  }

  #seriesOf(method: string, route: string, statusCode: number): Series {
    let byMethod = this.#index.get(route)
    if (byMethod === undefined) {
      byMethod = new Map()
      this.#index.set(route, byMethod)
    }
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) {
      byStatus = new Map()
      byMethod.set(method, byStatus)
    }
    let series = byStatus.get(statusCode)
    if (series === undefined) {
      const labels = { method, route, status_code: statusCode }
      series = { labels, count: 0, sum: 0, perBucket: this.#buckets.map(() => 0) }
      byStatus.set(statusCode, series)
      this.#series.push(series)
    }
    return series
  }

  #histogramValues({ labels, count, sum, perBucket }: Series) {
    let cumulative = 0
    const buckets = this.#buckets.map((bound, index) => {
      cumulative += perBucket[index] ?? 0
      return {
        metricName: `${DURATION}_bucket`,
        labels: { le: bound, ...labels },
        value: cumulative,
      }
    })
    return [
      ...buckets,
      { metricName: `${DURATION}_bucket`, labels: { le: '+Inf', ...labels }, value: count },
      { metricName: `${DURATION}_sum`, labels, value: sum },
      { metricName: `${DURATION}_count`, labels, value: count },
    ]
  }
}
