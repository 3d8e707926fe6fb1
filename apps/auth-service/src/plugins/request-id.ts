import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'
import { RandomUuids } from '../random-uuids.js'

// A caller's id is kept only when it is short and plain, so it cannot forge
// log lines or grow them without bound.
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * Fastify's `genReqId` for one app: the caller's `x-request-id` when
 * acceptable, a new UUID otherwise.
 */
export function requestIdGenerator(): (request: IncomingMessage) => string {
  const uuids = new RandomUuids()
  return (request) => {
    const header = request.headers['x-request-id']
    return typeof header === 'string' && ACCEPTABLE_REQUEST_ID.test(header) ? header : uuids.next()
  }
}

/** Returns the request id to the caller, so both sides can find the same log line. */
export default fp(
  async (fastify) => {
    // Callback hooks, here and on every request's path: an async hook costs a promise and a tick.
    fastify.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id)
      done()
    })
  },
  { name: 'request-id' },
)
