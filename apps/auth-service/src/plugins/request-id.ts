import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'

// A caller's id is kept only when it is short and plain, so it cannot forge
// log lines or grow them without bound.
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/

/** The request id: the caller's `x-request-id` when acceptable, a new UUID otherwise. */
export function requestIdFor(request: IncomingMessage): string {
  const header = request.headers['x-request-id']
  return typeof header === 'string' && ACCEPTABLE_REQUEST_ID.test(header) ? header : randomUUID()
}

/** Returns the request id to the caller, so both sides can find the same log line. */
export default fp(
  async (fastify) => {
    fastify.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id)
    })
  },
  { name: 'request-id' },
)
