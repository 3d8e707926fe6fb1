import { availableParallelism } from 'node:os'
import type autocannon from 'autocannon'
import type { Scenario } from './scenarios.js'
import { SEEDED_PASSWORD, seededUser } from './seeded-users.js'

interface TokenPair {
  accessToken: string
  refreshToken: string
}

const JSON_HEADERS = { 'content-type': 'application/json' }

/** Logs the n-th seeded user in, before the load: the only hashes these scenarios cost. */
async function logIn(origin: string, n: number): Promise<TokenPair> {
  const response = await fetch(`${origin}/tokens`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ username: seededUser(n).username, password: SEEDED_PASSWORD }),
  })
  if (response.status !== 200) throw new Error(`login for the load: ${await response.text()}`)
  return (await response.json()) as TokenPair
}

/**
 * A session for each of `count` connections, each a different seeded user's.
 * As many logins at a time as there are cores: more only wait for a hashing
 * slot, and past about two seconds of queued hashes the service sheds them
 * with 503.
 */
async function logInEach(origin: string, seededUsers: number, count: number) {
  const pairs: TokenPair[] = []
  const atATime = availableParallelism()
  for (let start = 0; start < count; start += atATime) {
    const batch = Array.from({ length: Math.min(atATime, count - start) }, (_, offset) =>
      logIn(origin, (start + offset) % seededUsers),
    )
    pairs.push(...(await Promise.all(batch)))
  }
  return pairs
}

/** The refresh token of a 200's body, or undefined if it has none. */
function refreshTokenOf(body: string): string | undefined {
  try {
    const token = (JSON.parse(body) as Partial<TokenPair>).refreshToken
    return typeof token === 'string' ? token : undefined
  } catch {
    return undefined
  }
}

/** Whether an introspection's body says the token is active. */
function saysActive(body: string): boolean {
  try {
    return (JSON.parse(body) as { active?: unknown }).active === true
  } catch {
    return false
  }
}

/** Hands out what `prepare` made, one to each connection autocannon opens. */
function perConnection<T>(made: T[], scenario: string): T {
  const next = made.pop()
  if (next === undefined) throw new Error(`${scenario}: more connections than sessions`)
  return next
}

/**
 * `refresh`: each connection a session of its own, each request spending the
 * token the previous answer gave, as a caller does. A token sent twice would
 * be answered from the reuse grace (a read, not the rotation measured here),
 * and after the grace would end the session.
 */
export function refreshScenario(seededUsers: number): Scenario {
  let firstTokens: string[] = []
  return {
    name: 'refresh',
    hashes: false,
    what: "POST /tokens/refresh, each connection spending its last answer's token",
    expectedStatuses: [200],
    async prepare(origin, connections) {
      const pairs = await logInEach(origin, seededUsers, connections)
      firstTokens = pairs.map((pair) => pair.refreshToken)
    },
    connectionRequests: () => {
      // Kept here, not in autocannon's context: autocannon empties the context
      // each time it comes back to a connection's first request, which with
      // one request is before every request.
      let refreshToken = perConnection(firstTokens, 'refresh')
      const request: autocannon.Request = {
        method: 'POST',
        path: '/tokens/refresh',
        headers: JSON_HEADERS,
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ refreshToken }) }),
        // On anything but a new token the same one goes again: a 503 spent
        // nothing, and a token spent by a request whose answer was lost gets
        // its successor again within the grace.
        onResponse: (status, body) => {
          if (status === 200) refreshToken = refreshTokenOf(body) ?? refreshToken
        },
      }
      return [request]
    },
  }
}

/**
 * `introspect`: each connection asks about the access token of a session of
 * its own, again and again. One token for all would ask for one session per
 * batched lookup however many requests came in a turn: a database load no
 * service sees.
 */
export function introspectScenario(seededUsers: number): Scenario {
  let bodies: string[] = []
  return {
    name: 'introspect',
    hashes: false,
    what: "POST /tokens/introspect of a live access token, each connection its own session's",
    expectedStatuses: [200],
    answerFailed: (body) => !saysActive(body),
    async prepare(origin, connections) {
      const pairs = await logInEach(origin, seededUsers, connections)
      bodies = pairs.map((pair) => JSON.stringify({ token: pair.accessToken }))
    },
    connectionRequests: () => [
      {
        method: 'POST',
        path: '/tokens/introspect',
        headers: JSON_HEADERS,
        body: perConnection(bodies, 'introspect'),
      },
    ],
  }
}
