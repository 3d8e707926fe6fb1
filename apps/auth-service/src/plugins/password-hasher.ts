import { Overloaded } from '@auth-service/shared'
import fp from 'fastify-plugin'
import { Counter, Histogram } from 'prom-client'
import type { HashingSettings } from '../config.js'
import { withHeaders } from '../errors/classify-error.js'
import { defaultQueueLimit, estimateHashMs, hashParallelism } from '../hashing/hash-timing.js'
import { createPasswordHasher, type PasswordHasher } from '../hashing/password-hasher.js'
import { createWorkQueue, WorkQueueFull } from '../hashing/work-queue.js'

declare module 'fastify' {
  interface FastifyInstance {
    passwordHasher: PasswordHasher
  }
}

/**
 * bcrypt behind admission control: at most `concurrency` hashes run, a bounded
 * line waits, and past it registration and login are refused at once with 503
 * OVERLOADED rather than queue work for minutes.
 */
export default fp<HashingSettings>(
  async (fastify, settings) => {
    let hashMs = await estimateHashMs(settings.cost)
    const queueLimit = settings.queueLimit ?? defaultQueueLimit(hashMs, settings.concurrency)
    const queue = createWorkQueue({ concurrency: settings.concurrency, queueLimit })
    fastify.log.info(
      {
        cost: settings.cost,
        concurrency: settings.concurrency,
        queueLimit,
        estimatedHashMs: Math.round(hashMs),
      },
      'password hashing admission',
    )

    const registers = [fastify.metrics.registry]
    const durations = new Histogram({
      name: 'password_hash_duration_seconds',
      help: 'Time of one bcrypt hash or verification, waiting in line excluded',
      labelNames: ['operation'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2],
      registers,
    })
    const rejections = new Counter({
      name: 'password_hash_rejections_total',
      help: 'Hashes refused because the line was full (answered 503 OVERLOADED)',
      registers,
    })
    fastify.metrics.gaugeOf(
      'password_hash_queue_waiting',
      'Hashes waiting for a slot',
      () => queue.waiting,
    )
    fastify.metrics.gaugeOf('password_hash_running', 'Hashes running', () => queue.running)

    const passwordHasher = createPasswordHasher(settings.cost, async (operation, work) => {
      try {
        return await queue.run(async () => {
          const started = performance.now()
          try {
            return await work()
          } finally {
            const elapsed = performance.now() - started
            durations.observe({ operation }, elapsed / 1000)
            // A running average keeps Retry-After honest as the machine's load changes.
            hashMs = hashMs * 0.9 + elapsed * 0.1
          }
        })
      } catch (error) {
        if (!(error instanceof WorkQueueFull)) throw error
        rejections.inc()
        const ahead = queue.running + queue.waiting
        const retryAfter = retryAfterSeconds(ahead, hashMs, settings.concurrency)
        throw withHeaders(new Overloaded(), { 'retry-after': String(retryAfter) })
      }
    })
    fastify.decorate('passwordHasher', passwordHasher)
  },
  { name: 'password-hasher', dependencies: ['metrics'] },
)

/** Seconds until the work ahead is done, at least one. */
function retryAfterSeconds(ahead: number, hashMs: number, concurrency: number): number {
  return Math.max(1, Math.ceil((ahead * hashMs) / hashParallelism(concurrency) / 1000))
}
