import { setTimeout as sleep } from 'node:timers/promises'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the start of a shutdown: /readyz answers 503. */
    readonly draining: boolean
    /**
     * Starts a shutdown: readiness fails at once, then it waits `delayMs` for
     * Kubernetes to stop routing here while requests are still served.
     */
    drain(delayMs: number): Promise<void>
    /**
     * Resolves when no route handler is running. Resources the handlers use
     * (the pool, the rollback) wait for this before closing: a handler whose
     * caller hung up outlives its connection, and so Fastify's close.
     */
    handlersSettled(): Promise<void>
  }
}

// How long a connection accepted just before the listener closed gets to send
// its request before it counts as idle and is closed.
const IDLE_GRACE_MS = 250

/**
 * While the app drains and closes, answers still complete, but each carries
 * `Connection: close`, so callers open their next connection elsewhere. Once
 * the listener is closed, idle connections are closed every IDLE_GRACE_MS
 * rather than at once: closing them at once (what Node's server.close() and
 * Fastify do) resets a connection accepted a moment earlier whose request has
 * not arrived yet. The app is built with `forceCloseConnections: false` for this.
 */
export default fp(
  async (fastify) => {
    let draining = false
    fastify.decorate('draining', {
      getter: () => draining,
    })
    fastify.decorate('drain', async (delayMs: number) => {
      draining = true
      await sleep(delayMs)
    })
    let idleSweep: NodeJS.Timeout | undefined
    fastify.addHook('preClose', async () => {
      draining = true
      const { server } = fastify
      const closeIdleConnections = server.closeIdleConnections.bind(server)
      // Node's server.close() closes idle connections at once; the sweep does it after a grace.
      server.closeIdleConnections = () => {}
      idleSweep = setInterval(closeIdleConnections, IDLE_GRACE_MS)
      idleSweep.unref()
    })
    fastify.addHook('onClose', async () => clearInterval(idleSweep))
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (draining) reply.header('connection', 'close')
      done(null, payload)
    })

    let running = 0
    let settledWaiters: Array<() => void> = []
    const settle = () => {
      running--
      if (running > 0) return
      for (const resolve of settledWaiters) resolve()
      settledWaiters = []
    }
    fastify.addHook('onRoute', (route) => {
      const handler = route.handler
      type Handler = typeof handler
      // A plain function, not an async one awaiting the handler: that cost
      // every request a promise and its microtasks (docs/performance.md), and
      // made a promise of a handler that answers at once.
      route.handler = function (
        this: ThisParameterType<Handler>,
        request: Parameters<Handler>[0],
        reply: Parameters<Handler>[1],
      ) {
        running++
        let result: unknown
        try {
          result = handler.call(this, request, reply)
        } catch (error) {
          settle()
          throw error
        }
        if (isPromiseLike(result)) result.then(settle, settle)
        else settle()
        return result
      }
    })
    fastify.decorate('handlersSettled', () =>
      running === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => settledWaiters.push(resolve)),
    )
  },
  { name: 'shutdown' },
)

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function'
}
