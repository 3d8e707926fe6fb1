import t from 'tap'
import { runLoad } from '../src/load.js'
import type { Scenario } from '../src/scenarios.js'
import { introspectScenario, refreshScenario } from '../src/session-scenarios.js'
import { tokenServer } from './helpers/token-server.js'

/** One second of `scenario` after the warm-up, prepared as main.ts prepares it. */
async function oneSecondOf(scenario: Scenario, origin: string, connections: number) {
  await scenario.prepare?.(origin, connections)
  return runLoad({
    name: scenario.name,
    url: origin,
    connections,
    durationSeconds: 1,
    expectedStatuses: scenario.expectedStatuses,
    answerFailed: scenario.answerFailed,
    connectionRequests: scenario.connectionRequests,
  })
}

t.test('refresh: each connection spends the token its last answer gave, once', async (t) => {
  const server = await tokenServer(t)
  const result = await oneSecondOf(refreshScenario(50), server.origin, 3)
  t.equal(server.logins, 3, 'a login for each connection, before the load')
  t.same(server.spentTokensSentAgain, [], 'no spent token sent again')
  t.equal(result.unexpected, 0, 'every refresh answered 200')
  t.ok(server.refreshes > 3, 'each connection refreshed again and again')
  t.ok(result.requestsPerSecond > 0)
})

t.test('introspect: each connection asks about a live token of its own', async (t) => {
  const server = await tokenServer(t)
  const result = await oneSecondOf(introspectScenario(50), server.origin, 3)
  t.equal(server.logins, 3, 'a login for each connection, before the load')
  t.equal(server.introspected.size, 3, 'three tokens asked about')
  t.equal(result.unexpected, 0)
  t.ok(result.requestsPerSecond > 0)
})

t.test('introspect: an answer of active false is unexpected, and not in the rate', async (t) => {
  const server = await tokenServer(t, () => false)
  const result = await oneSecondOf(introspectScenario(50), server.origin, 2)
  t.ok(result.unexpected > 0, 'counted as unexpected')
  t.equal(result.requestsPerSecond, 0)
  t.equal(result.statuses['200'], undefined)
  t.ok((result.statuses['200 failed'] ?? 0) > 0, 'shown as failed 200s')
  t.equal(result.non2xx, 0, 'they are 2xx all the same')
  t.equal(result.unexpectedBodies['200 failed'], '{"active":false}', 'with the body')
})

t.test('a scenario with more connections than its sessions fails loudly', async (t) => {
  const server = await tokenServer(t)
  const scenario = refreshScenario(50)
  await scenario.prepare?.(server.origin, 1)
  scenario.connectionRequests()
  t.throws(() => scenario.connectionRequests(), /more connections than sessions/)
})
