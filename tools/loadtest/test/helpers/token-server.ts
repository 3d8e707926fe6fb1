import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

/** What the fake saw. */
export interface TokenServer {
  origin: string
  logins: number
  refreshes: number
  /** Every refresh token it was sent that it had already spent. */
  spentTokensSentAgain: string[]
  /** The access tokens asked about. */
  introspected: Set<string>
}

async function jsonBody(request: IncomingMessage): Promise<Record<string, string>> {
  let text = ''
  for await (const chunk of request) text += chunk
  return JSON.parse(text) as Record<string, string>
}

function answer(response: ServerResponse, status: number, body: object) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

/**
 * The token routes, strictly: a refresh token is good once, with no grace, so
 * a load that sends one twice sees 401s at once rather than ten seconds into
 * a real run. Introspection answers `active` as `isActive` says.
 */
export async function tokenServer(
  t: Test,
  isActive: (accessToken: string) => boolean = () => true,
): Promise<TokenServer> {
  const live = new Set<string>()
  const spent = new Set<string>()
  let issued = 0
  const issuePair = () => {
    const refreshToken = `refresh-${issued++}`
    live.add(refreshToken)
    return { accessToken: `access-${issued}`, tokenType: 'Bearer', expiresIn: 900, refreshToken }
  }
  const server = createServer(async (request, response) => {
    const body = await jsonBody(request)
    if (request.url === '/tokens') {
      state.logins++
      return answer(response, 200, issuePair())
    }
    if (request.url === '/tokens/refresh') {
      const token = body.refreshToken ?? ''
      if (!live.delete(token)) {
        if (spent.has(token)) state.spentTokensSentAgain.push(token)
        return answer(response, 401, { code: 'INVALID_REFRESH_TOKEN' })
      }
      spent.add(token)
      state.refreshes++
      return answer(response, 200, issuePair())
    }
    if (request.url === '/tokens/introspect') {
      state.introspected.add(body.token ?? '')
      return answer(response, 200, { active: isActive(body.token ?? '') })
    }
    answer(response, 404, {})
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const state: TokenServer = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logins: 0,
    refreshes: 0,
    spentTokensSentAgain: [],
    introspected: new Set(),
  }
  return state
}
