import { once } from 'node:events'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type autocannon from 'autocannon'
import t, { type Test } from 'tap'
import { runLoad, wholeRunCounts } from '../src/load.js'

/** A server whose first answer differs from the rest, as a cold start's would. */
async function serverWithFirstAnswer(t: Test, firstStatus: number) {
  let answered = 0
  const server = createServer((_request, response: ServerResponse) => {
    response.writeHead(answered++ === 0 ? firstStatus : 200).end('{}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function oneSecondOf(url: string, expectedStatuses: number[]) {
  return runLoad({
    name: 'cold start',
    url,
    connections: 1,
    durationSeconds: 1,
    expectedStatuses,
    connectionRequests: () => [{ method: 'GET', path: '/' }],
  })
}

t.test('the first answers, in the warm-up, are not in the figures', async (t) => {
  const url = await serverWithFirstAnswer(t, 203)
  const result = await oneSecondOf(url, [200, 203])
  t.equal(result.statuses['203'], undefined, 'the first answer came in the warm-up')
  t.ok((result.statuses['200'] ?? 0) > 0, 'the answers after it are counted')
  t.equal(result.unexpected, 0)
})

t.test('an unexpected answer in the warm-up is still reported', async (t) => {
  const url = await serverWithFirstAnswer(t, 500)
  const result = await oneSecondOf(url, [200])
  t.equal(result.unexpected, 1)
  t.ok(result.unexpectedBodies['500'] !== undefined, 'with its body')
  t.equal(result.statuses['500'], undefined)
})

t.test('a request that timed out is one error, not two', async (t) => {
  // autocannon's result after two timeouts and a refused connection.
  const result = {
    errors: 3,
    timeouts: 2,
    statusCodeStats: { 200: { count: 7 }, 500: { count: 1 } },
  } as unknown as autocannon.Result
  t.same(wholeRunCounts(result, [200]), { unexpected: 1, errors: 3 })
})
