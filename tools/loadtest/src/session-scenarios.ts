import type autocannon from 'autocannon'
import type { Scenario } from './scenarios.js'
import { randomSeededUser, SEEDED_PASSWORD } from './seeded-users.js'

interface TokenPair {
  accessToken: string
  refreshToken: string
}

/** Logs a seeded user in, before the load: the only hashes these scenarios cost. */
async function logIn(origin: string, seededUsers: number): Promise<TokenPair> {
  const response = await fetch(`${origin}/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: randomSeededUser(seededUsers).username,
      password: SEEDED_PASSWORD,
    }),
  })
  if (response.status !== 200) throw new Error(`login for the load: ${await response.text()}`)
  return (await response.json()) as TokenPair
}

type ConnectionContext = { refreshToken?: string }

/**
 * `refresh`: each connection a session of its own, each request spending the
 * token the previous answer gave, as a caller does: a token sent twice would
 * be answered from the reuse grace, and after it would end the session.
 */
export function refreshScenario(seededUsers: number): Scenario {
  let firstTokens: string[] = []
  return {
    name: 'refresh',
    hashes: false,
    what: "POST /tokens/refresh, each connection spending its previous answer's token",
    expectedStatuses: [200],
    async prepare(origin, connections) {
      const pairs = await Promise.all(
        Array.from({ length: connections }, () => logIn(origin, seededUsers)),
      )
      firstTokens = pairs.map((pair) => pair.refreshToken)
    },
    connectionRequests: () => {
      const first = firstTokens.pop()
      if (first === undefined) throw new Error('refresh: more connections than sessions')
      const request: autocannon.Request = {
        method: 'POST',
        path: '/tokens/refresh',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request, context: ConnectionContext) => ({
          ...request,
          body: JSON.stringify({ refreshToken: context.refreshToken ?? first }),
        }),
        onResponse: (status, body, context: ConnectionContext) => {
          if (status === 200) context.refreshToken = JSON.parse(body).refreshToken
        },
      }
      return [request]
    },
  }
}

/** `introspect`: one live access token, asked about again and again. */
export function introspectScenario(seededUsers: number): Scenario {
  let body = ''
  return {
    name: 'introspect',
    hashes: false,
    what: 'POST /tokens/introspect of a live access token',
    expectedStatuses: [200],
    async prepare(origin) {
      body = JSON.stringify({ token: (await logIn(origin, seededUsers)).accessToken })
    },
    connectionRequests: () => [
      {
        method: 'POST',
        path: '/tokens/introspect',
        headers: { 'content-type': 'application/json' },
        body,
      },
    ],
  }
}
