import t from 'tap'
import { SteadyState } from '../src/steady-state.js'

t.test('answers before the warm-up ends are left out of every figure', async (t) => {
  const steadyState = new SteadyState()
  steadyState.record(503, 900)
  steadyState.open(1_000)
  for (const latencyMs of [1, 2, 3, 4]) steadyState.record(200, latencyMs)
  steadyState.record(409, 5)
  const figures = steadyState.figures([200], 3_000)
  t.equal(
    figures.requestsPerSecond,
    2,
    'four expected answers in the two seconds after the warm-up',
  )
  t.same(figures.statuses, { 200: 4, 409: 1 })
  t.equal(figures.non2xx, 1)
  t.same(figures.latencyMs, { p50: 3, p97_5: 5, p99: 5 })
})

t.test('percentiles by nearest rank, to a tenth of a millisecond', async (t) => {
  const steadyState = new SteadyState()
  steadyState.open(0)
  for (let answer = 1; answer <= 200; answer++) steadyState.record(200, answer / 100 + 0.004)
  t.same(steadyState.figures([200], 1_000).latencyMs, { p50: 1, p97_5: 2, p99: 2 })
})

t.test('no answers after the warm-up: no rate and zero latencies', async (t) => {
  const steadyState = new SteadyState()
  steadyState.record(200, 1)
  steadyState.open(0)
  const figures = steadyState.figures([200], 1_000)
  t.equal(figures.requestsPerSecond, 0)
  t.same(figures.latencyMs, { p50: 0, p97_5: 0, p99: 0 })
  t.same(figures.statuses, {})
})

t.test('a run that ended in its warm-up: no figures, rather than a rate of NaN', async (t) => {
  const steadyState = new SteadyState()
  steadyState.record(200, 1)
  t.same(steadyState.figures([200], 500), {
    requestsPerSecond: 0,
    latencyMs: { p50: 0, p97_5: 0, p99: 0 },
    statuses: {},
    non2xx: 0,
  })
})
