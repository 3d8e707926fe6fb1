import type { TLSSocket } from 'node:tls'
import { CallerNotPermitted, type Permission } from '@auth-service/shared'
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import { certificateIdentity } from '../callers/caller-identity.js'
import { loadCallerPolicy } from '../callers/caller-policy.js'
import type { CallerSettings } from '../config.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The calling service's client-certificate identity; null without mutual TLS. */
    caller: string | null
  }
  interface FastifyContextConfig {
    /** What the caller must be granted to reach this route. */
    permission?: Permission
  }
}

export interface CallersOptions extends CallerSettings {
  mutualTls: boolean
}

/**
 * Tells callers apart by their client certificates, and refuses a route's
 * request with 403 CALLER_NOT_PERMITTED unless CALLER_POLICY_FILE grants the
 * caller the route's permission.
 */
export default fp<CallersOptions>(
  async (fastify, options) => {
    const policy = await loadCallerPolicy(options)
    fastify.log.info(
      options.mutualTls
        ? policy.description
        : `${policy.description}; without mutual TLS callers cannot be told apart`,
    )
    const byCaller = new Counter({
      name: 'caller_requests_total',
      help: 'Requests from callers with a client-certificate identity, by caller, route and status',
      labelNames: ['caller', 'route', 'status_code'] as const,
      registers: [fastify.metrics.registry],
    })
    fastify.decorateRequest('caller', null)
    // A connection carries many requests and one certificate: read it once.
    const identities = new WeakMap<object, string | null>()
    fastify.addHook('onRequest', async (request) => {
      if (options.mutualTls) {
        const socket = request.raw.socket as TLSSocket
        let identity = identities.get(socket)
        if (identity === undefined) {
          identity = certificateIdentity(socket) ?? null
          identities.set(socket, identity)
        }
        request.caller = identity
      }
      const permission = request.routeOptions.config.permission
      if (permission !== undefined && !policy.allows(request.caller, permission)) {
        request.log.info({ caller: request.caller, permission }, 'caller not permitted')
        throw new CallerNotPermitted(permission)
      }
    })
    if (options.mutualTls) {
      fastify.addHook('onResponse', (request, reply, done) => {
        if (request.caller !== null) {
          byCaller.inc({
            caller: request.caller,
            route: request.routeOptions.url ?? 'unmatched',
            status_code: reply.statusCode,
          })
        }
        done()
      })
    }
  },
  { name: 'callers', dependencies: ['metrics', 'client-certificates'] },
)
