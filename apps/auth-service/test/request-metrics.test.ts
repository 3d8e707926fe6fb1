import { Counter, Histogram, Registry } from 'prom-client'
import t from 'tap'
import { RequestMetrics } from '../src/request-metrics.js'

const BUCKETS = [0.005, 0.01, 0.1, 1]

// Durations on and between the bounds, past the last one, and label values
// that need escaping in the exposition.
const REQUESTS: Array<[string, string, number, number]> = [
  ['GET', '/users/:id', 200, 0.001],
  ['GET', '/users/:id', 200, 0.005],
  ['GET', '/users/:id', 200, 0.0051],
  ['GET', '/users/:id', 404, 0.2],
  ['POST', '/users', 201, 1],
  ['POST', '/users', 201, 7.5],
  ['GET', 'unmatched', 404, 0.03],
  ['GET', '/a "quoted"\\route', 200, 0.01],
]

function promClientExposition(): Promise<string> {
  const registry = new Registry()
  const labelNames = ['method', 'route', 'status_code'] as const
  const counter = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route and status',
    labelNames,
    registers: [registry],
  })
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route and status',
    labelNames,
    buckets: BUCKETS,
    registers: [registry],
  })
  for (const [method, route, status_code, seconds] of REQUESTS) {
    counter.inc({ method, route, status_code })
    histogram.observe({ method, route, status_code }, seconds)
  }
  return registry.metrics()
}

t.test('the exposition is what prom-client writes for the same requests', async (t) => {
  const registry = new Registry()
  const metrics = new RequestMetrics(registry, BUCKETS)
  for (const request of REQUESTS) metrics.record(...request)
  const exposition = await registry.metrics()
  t.equal(exposition, await promClientExposition())
  t.match(exposition, 'http_requests_total{method="GET",route="/users/:id",status_code="200"} 3')
  t.match(
    exposition,
    'http_request_duration_seconds_bucket{le="0.01",method="GET",route="/users/:id",status_code="200"} 3',
  )
  t.match(
    exposition,
    'http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/users",status_code="201"} 2',
  )
  t.match(exposition, 'route="/a \\"quoted\\"\\\\route"')
})

t.test('before any request there are no series', async (t) => {
  const registry = new Registry()
  new RequestMetrics(registry, BUCKETS)
  t.equal(
    await registry.metrics(),
    [
      '# HELP http_requests_total HTTP requests answered, by route and status',
      '# TYPE http_requests_total counter',
      '',
      '# HELP http_request_duration_seconds Time to answer an HTTP request, by route and status',
      '# TYPE http_request_duration_seconds histogram',
      '',
    ].join('\n'),
  )
})

t.test("the registry's resetMetrics clears the series", async (t) => {
  const registry = new Registry()
  const metrics = new RequestMetrics(registry, BUCKETS)
  metrics.record('GET', '/livez', 200, 0.001)
  registry.resetMetrics()
  t.notMatch(await registry.metrics(), 'route="/livez"')
  metrics.record('GET', '/livez', 200, 0.002)
  t.match(
    await registry.metrics(),
    'http_requests_total{method="GET",route="/livez",status_code="200"} 1',
    'a series seen again after the reset starts from zero',
  )
})
